"""Score a labelled check-worthiness file and print the metrics as one JSON object.

    python manage.py evaluate_checkworthiness --input CT24_checkworthy_english_dev.tsv [--model DIR]

Without ``--model`` the rule scorer ``assess()`` is measured; with it, the trained model saved in DIR
(by ``train_checkworthiness``), at the threshold it chose by cross-validation.

Stdout carries exactly one JSON line (other tools parse it):
{"n": ..., "f1_yes": ..., "precision_yes": ..., "recall_yes": ..., "average_precision": ...}.
Skipped rows are reported on stderr. No database access.
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
        parser.add_argument(
            "--model", metavar="DIR", help="A trained model directory (train_checkworthiness) to score with."
        )

    def handle(self, *args, **options):
        model = None
        if options["model"]:
            # Imported here: without --model the command stays free of numpy, scikit-learn and torch.
            from claims.text.checkworthiness_model import ModelError, load

            try:
                model = load(options["model"])
            except ModelError as exc:
                raise CommandError(str(exc)) from exc
        try:
            data = read_labelled_file(options["input"])
        except LabelledDataError as exc:
            raise CommandError(str(exc)) from exc
        for message in data.skipped:
            self.stderr.write(f"skipped {message}")
        if model is None:
            self.stdout.write(json.dumps(evaluate(data.sentences)))
        else:
            from claims.text.checkworthiness_model import evaluate_model

            self.stdout.write(json.dumps(evaluate_model(model, data.sentences)))
