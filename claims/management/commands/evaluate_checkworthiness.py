"""Score a labelled check-worthiness file and print the metrics as one JSON object.

    python manage.py evaluate_checkworthiness --input CT24_checkworthy_english_dev.tsv [--model DIR | --rules]

With ``--model``, the trained model saved in DIR (by ``train_checkworthiness``) is measured, at the threshold
it chose by cross-validation. Without it, the scorer the workbench uses: the active model (activated on the
admin site or by ``train_checkworthiness --activate``), else the rule scorer ``assess()``; ``--rules``
measures the rule scorer whatever is active. Stderr names the scorer measured.

Stdout carries exactly one JSON line (other tools parse it):
{"n": ..., "f1_yes": ..., "precision_yes": ..., "recall_yes": ..., "average_precision": ...}.
Skipped rows are reported on stderr. The database is read only to find the active model (and without one,
or without a database, the rule scorer is measured).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from claims.text.checkworthiness_eval import LabelledDataError, evaluate, read_labelled_file


class Command(BaseCommand):
    help = "Evaluate the check-worthiness scorer on a CheckThat! TSV or ClaimBuster CSV file."
    requires_system_checks: list[str] = []  # pure computation: runs even while models are mid-edit
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--input",
            required=True,
            help="CheckThat! TSV (Sentence_id, Text, class_label) or ClaimBuster CSV (Text, Verdict).",
        )
        scorer = parser.add_mutually_exclusive_group()
        scorer.add_argument(
            "--model", metavar="DIR", help="A trained model directory (train_checkworthiness) to score with."
        )
        scorer.add_argument(
            "--rules", action="store_true", help="Measure the rule scorer, not the active model."
        )

    def handle(self, *args, **options):
        model = None
        directory = options["model"] or (None if options["rules"] else _active_model_directory())
        if directory:
            # Imported here: without --model the command stays free of numpy, scikit-learn and torch.
            from claims.text.checkworthiness_model import ModelError, load

            try:
                model = load(directory)
            except ModelError as exc:
                raise CommandError(str(exc)) from exc
        try:
            data = read_labelled_file(options["input"])
        except LabelledDataError as exc:
            raise CommandError(str(exc)) from exc
        for message in data.skipped:
            self.stderr.write(f"skipped {message}")
        self.stderr.write(f"Scorer: {'the rule scorer' if model is None else f'model {model.version}'}")
        if model is None:
            self.stdout.write(json.dumps(evaluate(data.sentences)))
        else:
            from claims.text.checkworthiness_model import evaluate_model

            self.stdout.write(json.dumps(evaluate_model(model, data.sentences)))


def _active_model_directory() -> str | None:
    """The active model's directory; None when none is active or there is no database to ask."""
    from django.db import DatabaseError

    from claims.selectors.checkworthiness import active_model

    try:
        model = active_model()
    except DatabaseError:
        return None
    return model.directory if model is not None else None
