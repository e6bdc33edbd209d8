"""Train a check-worthiness model from labelled files and/or reviewers' decisions.

    python manage.py train_checkworthiness --input labels.csv [--input more.tsv] [--from-reviews] --output models/

Files: CheckThat! TSV, ClaimBuster CSV, or a ``text,label`` CSV (labels yes/no, 1/0, true/false).
``--from-reviews`` adds the claims reviewers decided on (dismissed: No; evidence, a verdict or made
by hand: Yes). The model is written to a new versioned directory inside ``--output``
(``cw-<UTC time>-<hash>``), whose path is printed last, with the cross-validated figures of the model
and of the TF-IDF baseline. Exits 1 on unreadable input or too few examples of either class.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.selectors.checkworthiness_labels import checkworthiness_labels
from claims.text.checkworthiness_model import (
    LabelledDataError,
    ModelError,
    TooFewExamples,
    read_examples,
    train,
)


class Command(BaseCommand):
    help = "Train a check-worthiness model (cross-validated) and save it to a versioned directory."
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--input",
            action="append",
            default=[],
            metavar="FILE",
            help="Labelled file (repeatable): CheckThat! TSV, ClaimBuster CSV or text,label CSV.",
        )
        parser.add_argument(
            "--from-reviews", action="store_true", help="Add labels from reviewers' decisions on claims."
        )
        parser.add_argument("--output", required=True, metavar="DIR", help="Folder to write the model into.")
        parser.add_argument("--folds", type=int, default=5, help="Cross-validation folds (default 5).")
        parser.add_argument("--seed", type=int, default=0, help="Seed of the fold split (default 0).")

    def handle(self, *args, **options):
        inputs, from_reviews = options["input"], options["from_reviews"]
        if not inputs and not from_reviews:
            raise CommandError("Give at least one --input FILE, or --from-reviews.")
        if options["folds"] < 2:
            raise CommandError("--folds must be at least 2.")
        try:
            examples, sources = read_examples(inputs)
        except LabelledDataError as exc:
            raise CommandError(str(exc)) from exc
        if from_reviews:
            reviewed = list(checkworthiness_labels())
            yes = sum(1 for _, label in reviewed if label)
            examples.extend(reviewed)
            sources.append(
                {
                    "source": "reviewers' decisions",
                    "examples": len(reviewed),
                    "yes": yes,
                    "no": len(reviewed) - yes,
                }
            )
        for source in sources:
            self.stderr.write(
                f"{source['source']}: {source['examples']} examples ({source['yes']} Yes, {source['no']} No)"
                + (f", {source['skipped_rows']} rows skipped" if source.get("skipped_rows") else "")
            )
        try:
            model = train(
                examples,
                sources=sources,
                folds=options["folds"],
                seed=options["seed"],
                progress=self.stderr.write,
            )
            directory = model.save(Path(options["output"]) / model.version)
        except TooFewExamples as exc:
            raise CommandError(str(exc)) from exc
        except (ModelError, OSError) as exc:
            raise CommandError(f"Could not save the model: {exc}") from exc

        cv, base = model.metrics["cv"], model.metrics["baseline_cv"]
        self.stdout.write(
            f"Examples: {model.metrics['examples']} ({model.metrics['yes']} Yes, {model.metrics['no']} No)\n"
            f"Model: {cv['name']}, threshold {model.threshold:.3f}\n"
            f"Cross-validated ({model.metrics['folds']}-fold) F1(Yes) {cv['f1_yes']:.4f}  "
            f"precision {cv['precision_yes']:.4f}  recall {cv['recall_yes']:.4f}  "
            f"average precision {cv['average_precision']:.4f}\n"
            f"Baseline TF-IDF + LR ({base['name']}): F1(Yes) {base['f1_yes']:.4f}  "
            f"precision {base['precision_yes']:.4f}  recall {base['recall_yes']:.4f}  "
            f"average precision {base['average_precision']:.4f}\n"
            f"Saved: {directory}"
        )
