"""`manage.py export_report --format FORMAT --output FILE [selection...]`: a verdict report written to a file.

    manage.py export_report --format csv --output report.csv --from 2026-01-01 --to 2026-03-31
    manage.py export_report --format pdf --output - --article 42 > article-42.pdf

Formats: pdf, html, csv, json, md, claimreview (claims.exports.FORMATS). The selection options narrow the
report (--article ID, --from/--to DATE, --status STATUS..., --publisher X, --rating SLUG, --reviewer
USERNAME); --with-drafts makes an internal report with every draft marked. Without --user the command sees
the whole workbench, as a person does (drafts too when asked); --user USERNAME reports what that account may
see (a partner's account: published work only, whatever else is asked).

The file is written beside FILE under a temporary name and renamed over it once complete, so a failed export
never leaves a half-written file. `--output -` writes to standard output (the summary line then goes to
standard error). Exit status 1, with a message, on a bad option or an unwritable path.
"""

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError

from claims.choices import ClaimStatus
from claims.exports import FORMATS, build_report, format_module
from claims.models import Article, Rating
from claims.selectors.reports import ReportSelection


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} {value!r} is not a date: write it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Write a verdict report (pdf, html, csv, json, md or claimreview) to a file or standard output."

    def add_arguments(self, parser):
        # The format is checked in handle(), not by argparse: a bad one exits 1 with our message, as every
        # other mistake does.
        parser.add_argument("--format", required=True, dest="export_format", help=", ".join(FORMATS))
        parser.add_argument("--output", required=True, help="The file to write, or - for standard output.")
        parser.add_argument("--article", type=int, help="Only this article's claims (its id).")
        parser.add_argument(
            "--from", dest="date_from", metavar="DATE", help="Verdicts dated from (YYYY-MM-DD)."
        )
        parser.add_argument("--to", dest="date_to", metavar="DATE", help="Verdicts dated up to (inclusive).")
        parser.add_argument(
            "--status",
            nargs="+",
            default=[],
            metavar="STATUS",
            help="Claim statuses (comma or space separated).",
        )
        parser.add_argument("--publisher", default="", help="The article's site or publisher.")
        parser.add_argument("--rating", default="", metavar="SLUG", help="Only verdicts with this rating.")
        parser.add_argument(
            "--reviewer", default="", metavar="USERNAME", help="Only verdicts this person wrote."
        )
        parser.add_argument("--with-drafts", action="store_true", help="An internal report: drafts, marked.")
        parser.add_argument(
            "--user", default="", metavar="USERNAME", help="Report what this account may see."
        )
        parser.add_argument("--title", default="", help="The report's title (default: from the selection).")

    def handle(self, *args, export_format: str, output: str, **options):
        module = self._module(export_format)
        selection = self._selection(options)
        user = self._user(options["user"])
        report = build_report(
            user=user, selection=selection, with_drafts=options["with_drafts"], title=options["title"]
        )
        report.generated_by = report.generated_by or "manage.py export_report"
        chunks = module.render(report)
        if output == "-":
            written = self._to_stdout(chunks)
            where, say = "standard output", self.stderr.write
        else:
            written = self._to_file(chunks, Path(output))
            where, say = output, self.stdout.write
        say(f"{export_format}: {report.count:,} claims written to {where} ({written:,} bytes).")

    def _module(self, name: str):
        if name not in FORMATS:
            raise CommandError(f"Unknown format {name!r}: use one of {', '.join(FORMATS)}.")
        try:
            return format_module(name)
        except ImportError as error:
            raise CommandError(f"The {name} format is not available here: {error}.") from None

    def _selection(self, options) -> ReportSelection:
        date_from = _date(options["date_from"], "--from")
        date_to = _date(options["date_to"], "--to")
        if date_from and date_to and date_from > date_to:
            raise CommandError(f"--from {date_from} is after --to {date_to}.")
        article_id = options["article"]
        if article_id is not None and not Article.objects.filter(pk=article_id).exists():
            raise CommandError(f"There is no article {article_id}.")
        statuses = tuple(s for value in options["status"] for s in value.replace(",", " ").split())
        unknown = sorted(set(statuses) - set(ClaimStatus.values))
        if unknown:
            raise CommandError(
                f"Unknown status {', '.join(unknown)}: use one of {', '.join(ClaimStatus.values)}."
            )
        rating = options["rating"].strip()
        if rating and not Rating.objects.filter(slug=rating).exists():
            slugs = ", ".join(Rating.objects.order_by("order").values_list("slug", flat=True))
            raise CommandError(f"Unknown rating {rating!r}: use one of {slugs}.")
        return ReportSelection(
            article_id=article_id,
            date_from=date_from,
            date_to=date_to,
            publisher=options["publisher"].strip(),
            rating=rating,
            reviewer=options["reviewer"].strip(),
            statuses=statuses,
        )

    def _user(self, username: str):
        if not username:
            # Not a partner's account: claims.selectors.visibility lets it see the whole workbench.
            return AnonymousUser()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        return user

    def _to_file(self, chunks, path: Path) -> int:
        directory = path.parent if str(path.parent) else Path(".")
        if path.is_dir():
            raise CommandError(f"{path} is a folder: give a file name.")
        try:
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".part")
        except OSError as error:
            raise CommandError(f"Cannot write to {path}: {error.strerror}.") from None
        written = 0
        try:
            with os.fdopen(handle, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
                    written += len(chunk)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException as error:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise CommandError(f"Cannot write to {path}: {error.strerror}.") from None
            raise
        return written

    def _to_stdout(self, chunks) -> int:
        stream = getattr(self.stdout, "_out", sys.stdout)
        binary = getattr(stream, "buffer", None)
        written = 0
        for chunk in chunks:
            if binary is not None:
                binary.write(chunk)
            else:  # a text stream without bytes underneath (a test's StringIO)
                stream.write(chunk.decode("utf-8"))
            written += len(chunk)
        (binary or stream).flush()
        return written
