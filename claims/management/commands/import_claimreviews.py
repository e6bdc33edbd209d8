"""`manage.py import_claimreviews PATH... [--json]`: outside fact-checks (schema.org ClaimReview) into the corpus.

PATH is a file or a folder (read recursively: .json, .jsonld, .jsonl, .ndjson, .html, .htm and the like).
Each file may hold single objects, arrays, `@graph`, a DataFeed, JSON Lines, a Google Fact Check Tools
response, or saved HTML pages with JSON-LD or microdata. Reviews that cannot be used are reported with
their reason; the others are imported. Importing the same data again adds nothing.

With `--json` the last line of output is one object:
`{"files", "reviews_found", "imported", "updated", "skipped", "errors": [{"file", "reason"}]}`.
The exit status is 0 even when some records were refused (they are in `errors`); it is 1 only when no file
could be read at all.
"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.services.claimreviews import ImportFile, claimreviews_import
from claims.services.job_queue import jobs_run_here

SUFFIXES = {".json", ".jsonld", ".json-ld", ".jsonl", ".ndjson", ".jsonlines", ".html", ".htm", ".xhtml"}


def collect(paths: list[str]) -> tuple[list[Path], list[dict]]:
    """The files named or found in the folders named (sorted, each once), and the paths that are neither."""
    found: dict[Path, None] = {}
    problems = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUFFIXES and not child.name.startswith("."):
                    found[child] = None
        elif path.is_file():
            found[path] = None
        else:
            problems.append({"file": name, "reason": "No such file or folder."})
    return list(found), problems


class Command(BaseCommand):
    help = "Import schema.org ClaimReview fact-checks from files or folders into the related-coverage corpus."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders.")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="End with a JSON summary on one line."
        )
        parser.add_argument(
            "--no-refresh", action="store_true", help="Do not queue new suggestions for open claims."
        )

    def handle(self, *args, paths, as_json: bool, no_refresh: bool, **options):
        started = time.monotonic()
        files, problems = collect(paths)
        readable = []
        for path in files:
            try:
                readable.append(ImportFile(name=str(path), data=path.read_bytes()))
            except OSError as error:
                problems.append({"file": str(path), "reason": f"Could not be read: {error.strerror}."})
        # With no Celery worker, the embedding runs here before the command returns (it is searchable then).
        with jobs_run_here():
            summary = claimreviews_import(files=readable, refresh=not no_refresh, problems=problems)
        elapsed = time.monotonic() - started
        self._report(summary, elapsed, as_json=as_json)
        if not readable and (problems or not files):
            raise CommandError("No file could be read.")  # after the summary: its last line stays the JSON

    def _report(self, summary, elapsed: float, *, as_json: bool) -> None:
        for error in summary.errors[:50] if not as_json else ():
            self.stderr.write(f"  {error['file']}: {error['reason']}")
        if not as_json and len(summary.errors) > 50:
            self.stderr.write(f"  … and {len(summary.errors) - 50:,} more.")
        line = (
            f"{summary.files:,} files, {summary.reviews_found:,} reviews found: {summary.imported:,} imported, "
            f"{summary.updated:,} updated, {summary.skipped:,} skipped, {len(summary.errors):,} errors "
            f"({elapsed:.1f} s)."
        )
        if as_json:
            self.stdout.write(line)
            self.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False))
        else:
            self.stdout.write(self.style.SUCCESS(line))
