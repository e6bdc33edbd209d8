"""Train a check-worthiness model from labelled files and/or reviewers' decisions.

    python manage.py train_checkworthiness --input labels.csv [--input more.tsv] [--from-reviews] --output models/ [--activate]

Files: CheckThat! TSV, ClaimBuster CSV, or a ``text,label`` CSV (labels yes/no, 1/0, true/false).
``--from-reviews`` adds the claims reviewers decided on (dismissed as not check-worthy: No; evidence, a
verdict or made by hand: Yes). ``--activate`` makes the new model the one that scores claims. The model is written to a new versioned directory inside ``--output``
(``cw-<UTC time>-<hash>``), whose path is printed last, with the cross-validated figures of the model
and of the TF-IDF baseline. Exits 1 on unreadable input or too few examples of either class.
"""

from django.core.management.base import BaseCommand, CommandError

from claims.errors import InputRejected
from claims.services import checkworthiness


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
        parser.add_argument(
            "--activate",
            action="store_true",
            help="Make the new model the one that scores claims (open claims are re-scored in the background).",
        )

    def handle(self, *args, **options):
        if not options["input"] and not options["from_reviews"]:
            raise CommandError("Give at least one --input FILE, or --from-reviews.")
        if options["folds"] < 2:
            raise CommandError("--folds must be at least 2.")
        try:
            training = checkworthiness.model_train(
                inputs=options["input"],
                from_reviews=options["from_reviews"],
                output=options["output"],
                folds=options["folds"],
                seed=options["seed"],
                progress=self.stderr.write,
            )
        except InputRejected as exc:
            raise CommandError(exc.message) from exc
        model, directory = training.model, training.directory
        if options["activate"]:
            try:
                registered = checkworthiness.model_register(directory=directory)
                job = checkworthiness.model_activate(model=registered)
            except InputRejected as exc:
                raise CommandError(exc.message) from exc
            self.stderr.write(f"Activated {registered.version}: open claims are re-scored by job {job.pk}.")

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
