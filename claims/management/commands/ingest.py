"""`manage.py ingest PATH_OR_URL...`: files (.txt, .md, .html, .jsonl) and URLs, with a summary."""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from claims.choices import IngestMethod
from claims.errors import InputRejected
from claims.services.ingest import article_ingest_text, article_ingest_upload, article_ingest_url


def _jsonl_records(path: Path):
    with path.open(encoding="utf-8", errors="strict") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield f"{path.name}:{number}", line


def _ingest_record(line: str):
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputRejected(f"not valid JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise InputRejected("each line must be a JSON object")
    published = record.get("published_at") or record.get("date")
    try:
        published_at = datetime.date.fromisoformat(str(published)[:10]) if published else None
    except ValueError:
        raise InputRejected(f"published_at “{published}” is not a date (YYYY-MM-DD)") from None
    text, url = record.get("text") or "", record.get("url") or ""
    if not isinstance(text, str) or not isinstance(url, str):
        raise InputRejected("text and url must be strings")
    if not text.strip() and url:
        return article_ingest_url(url=url, method=IngestMethod.COMMAND)
    return article_ingest_text(
        text=text,
        title=str(record.get("title") or ""),
        url=url,
        published_at=published_at,
        method=IngestMethod.COMMAND,
    )


def _ingest_file(path: Path):
    # Refuse an oversized file before reading it into memory.
    if path.stat().st_size > settings.INGEST_MAX_BYTES:
        limit = filesizeformat(settings.INGEST_MAX_BYTES).replace("\xa0", " ")
        raise InputRejected(f"the file is larger than the {limit} we accept")
    return article_ingest_upload(filename=path.name, data=path.read_bytes(), method=IngestMethod.COMMAND)


class Command(BaseCommand):
    help = "Ingest articles from files (.txt, .md, .html, .jsonl) or URLs, and split them into claims."

    def add_arguments(self, parser):
        parser.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")

    def handle(self, *args, **options):
        inputs = options["inputs"]
        counts = {"ingested": 0, "duplicates": 0, "failed": 0}
        failures: list[str] = []
        items = list(self._items(inputs, failures, counts))
        total = len(items)
        for index, (label, run) in enumerate(items, start=1):
            try:
                outcome = run()
            except InputRejected as refused:
                counts["failed"] += 1
                failures.append(f"{label}: {refused.message}")
                self.stderr.write(f"[{index}/{total}] {label}: failed: {refused.message}")
                continue
            key = "ingested" if outcome.created else "duplicates"
            counts[key] += 1
            state = "ingested" if outcome.created else "already stored"
            claims = outcome.article.claims.count()
            self.stdout.write(
                f"[{index}/{total}] {label}: {state} as article {outcome.article.pk} ({claims} claims)"
            )
        self.stdout.write(
            f"Summary: {counts['ingested']} ingested, {counts['duplicates']} duplicates, {counts['failed']} failed"
        )
        for failure in failures:
            self.stdout.write(f"  failed: {failure}")
        if counts["failed"] and not (counts["ingested"] or counts["duplicates"]):
            raise CommandError("Nothing was ingested.")

    def _items(self, inputs, failures, counts):
        for raw in inputs:
            if raw.startswith(("http://", "https://")):
                yield raw, lambda url=raw: article_ingest_url(url=url, method=IngestMethod.COMMAND)
                continue
            path = Path(raw)
            if not path.is_file():
                counts["failed"] += 1
                failures.append(f"{raw}: no such file")
                self.stderr.write(f"{raw}: failed: no such file")
                continue
            if path.suffix.lower() == ".jsonl":
                try:
                    for label, line in _jsonl_records(path):
                        yield label, lambda line=line: _ingest_record(line)
                except UnicodeDecodeError:
                    counts["failed"] += 1
                    failures.append(f"{raw}: not UTF-8 text")
                continue
            yield raw, lambda path=path: _ingest_file(path)
