"""The CSV export: one row per claim, with the columns of COLUMNS (documented in docs/exports.md).

- Encoding: UTF-8 with a byte-order mark. Excel reads a CSV without one in the machine's legacy code page
  (“€” and accented names come out garbled); with it, Excel, LibreOffice, pandas (`encoding="utf-8-sig"`)
  and Python's csv module all read the text right. Rows end in CRLF (RFC 4180).
- Spreadsheet-safe: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be read
  as a formula by a spreadsheet (CSV injection); it is written with a `'` in front, which spreadsheets show as
  a text marker and anyone reading the file sees as one extra character ("-5 million" → "'-5 million").
  Numbers (ids, rating values, counts) are written as numbers and never changed.
- Streamed: each row is written into a small buffer and yielded, so memory stays flat for any size.
- Internal reports with drafts: `report_status` says "draft" or "no verdict" on every row that is not
  published work.
"""

import csv
import io
from collections.abc import Iterator

from claims.exports import Report
from claims.exports.entry_values import plain_text, public_verdict_url, report_status
from claims.selectors.reports import ReportEntry

CONTENT_TYPE = "text/csv; charset=utf-8"
EXTENSION = "csv"

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "report_status",
    "claim_id",
    "claim_text",
    "claimant",
    "claim_status",
    "article_id",
    "article_title",
    "article_url",
    "publisher",
    "article_published",
    "verdict_id",
    "rating_slug",
    "rating_label",
    "rating_value",
    "summary",
    "rationale",
    "reviewer",
    "approver",
    "verdict_submitted",
    "verdict_published",
    "verdict_url",
    "source_count",
    "sources",
)


def neutralised(value):
    """A cell as written: text that a spreadsheet would take for a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _iso(moment) -> str:
    return moment.isoformat() if moment is not None else ""


def source_lines(entry: ReportEntry) -> str:
    """The `sources` cell: one line per evidence, "stance: title <url> — “excerpt”"."""
    lines = []
    for evidence in entry.evidence:
        source = evidence.source
        line = f"{evidence.stance}: {source.title or source.publisher or 'Untitled source'}"
        if source.url:
            line += f" <{source.url}>"
        if evidence.excerpt:
            line += f" — “{evidence.excerpt}”"
        lines.append(line)
    return "\n".join(lines)


def row(entry: ReportEntry, base_url: str) -> list:
    """The cells of one entry, in COLUMNS order (before neutralisation)."""
    claim, verdict, article = entry.claim, entry.verdict, entry.article
    cells = {
        "report_status": report_status(entry),
        "claim_id": claim.pk,
        "claim_text": claim.text,
        "claimant": claim.claimant,
        "claim_status": claim.status,
        "article_id": article.pk,
        "article_title": article.title,
        "article_url": article.url or "",
        "publisher": article.site_name,
        "article_published": _iso(article.published_at),
        "source_count": len(entry.evidence),
        "sources": source_lines(entry),
        "verdict_url": public_verdict_url(entry, base_url),
    }
    if verdict is not None:
        cells.update(
            verdict_id=verdict.pk,
            rating_slug=verdict.rating.slug,
            rating_label=verdict.rating.label,
            rating_value=verdict.rating.value if verdict.rating.value is not None else "",
            summary=verdict.summary,
            rationale=plain_text(verdict.rationale),
            reviewer=entry.reviewer,
            approver=entry.approver,
            verdict_submitted=_iso(verdict.submitted_at),
            verdict_published=_iso(verdict.published_at),
        )
    return [cells.get(column, "") for column in COLUMNS]


def render(report: Report) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flushed() -> bytes:
        chunk = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return chunk

    buffer.write(BOM)
    writer.writerow(COLUMNS)
    yield flushed()
    for entry in report.entries:
        writer.writerow([neutralised(cell) for cell in row(entry, report.base_url)])
        yield flushed()
