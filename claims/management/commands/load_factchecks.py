"""`manage.py load_factchecks PATH...`: an archive of fact-checks (JSON files, a TSV, JSON Lines) into the corpus.

The formats are those of ../shared/eval/README.md (read by claims/coverage/readers.py). Each fact-check is
stored once by its id (`--prefix` keeps two archives' ids apart), so loading again changes nothing;
embeddings are computed in batches. Open claims the new fact-checks may affect are re-suggested in the
background.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from claims.coverage.readers import read_corpus
from claims.errors import InputRejected
from claims.services.coverage import corpus_load_factchecks, coverage_items_loaded


class Command(BaseCommand):
    help = "Load fact-checks from JSON files, a directory of them, a TSV or JSON Lines into the related-coverage corpus."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--prefix", default="", help="Put before every id, e.g. 'snopes:'.")
        parser.add_argument("--language", default="", help="Language of the fact-checks, e.g. en.")
        parser.add_argument(
            "--no-refresh", action="store_true", help="Do not queue new suggestions for open claims."
        )

    def handle(self, *args, paths, prefix, language, no_refresh, **options):
        verbosity = options.get("verbosity", 1)
        started = time.monotonic()
        checks = []
        try:
            for path in paths:
                checks.extend(read_corpus(path))
        except InputRejected as refused:
            raise CommandError(refused.message) from None
        read_seconds = time.monotonic() - started

        def progress(done, total):
            if verbosity > 1 or (done == total and total):
                self.stdout.write(f"  embedded {done:,} of {total:,}")

        outcome = corpus_load_factchecks(checks=checks, prefix=prefix, language=language, progress=progress)
        if not no_refresh:
            coverage_items_loaded(item_ids=outcome.item_ids)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{outcome.read:,} fact-checks read: {outcome.created:,} new, {outcome.updated:,} updated, "
                f"{outcome.unchanged:,} unchanged; {outcome.embedded:,} embedded "
                f"({read_seconds:.1f} s reading, {elapsed:.1f} s in all)."
            )
        )
