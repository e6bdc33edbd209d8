"""The Markdown export: a report to read (title, counts per rating, then each claim with its verdict, rationale
and sources), or to paste into a wiki or a chat.

Everything that people or outside pages wrote (claim texts, titles, summaries, excerpts, notes, names) is
escaped with `inline`: whitespace collapsed to one line, `&`, `<` and `>` written as entities (no HTML, no
autolinks) and Markdown's punctuation backslash-escaped (no links, images, emphasis, code, strikethrough),
dots inside host names too (no autolinked address), so a claim text cannot inject a link or a tag into the
report. Such text never starts a line: a list marker,
heading or quote cannot come from it either. A rationale is Markdown by design and keeps its formatting,
with raw HTML neutralised, links kept only to http(s) and mailto addresses, and headings below the report's.

The counts come first but are only known at the end: the entries are written to a spooled temporary file
(in memory up to a megabyte, then on disk) while they are counted, so memory stays flat at any size.
"""

import re
import tempfile
from collections.abc import Iterator

from django.db.models import Q

from claims.exports import Report
from claims.exports.entry_values import DRAFT, NO_VERDICT, evidence_note, public_verdict_url, report_status
from claims.models import Rating
from claims.selectors.reports import ReportEntry

CONTENT_TYPE = "text/markdown; charset=utf-8"
EXTENSION = "md"

SPOOL_BYTES = 1 << 20
READ_BYTES = 64 << 10

_PUNCTUATION = re.compile(r"([\\`*_\[\]!~#])")
# A dot between a word and a letter, as in a host name: escaped, so that no renderer's autolinking (GFM's
# www., http:// and e-mail addresses) finds a domain in outside text.
_DOMAIN_DOT = re.compile(r"(?<=\w)\.(?=[A-Za-z])")
_SAFE_LINK = re.compile(r"(?i)https?://|mailto:")
_LINK_TARGET = re.compile(r"\]\(\s*<?")
_LINK_DEFINITION = re.compile(r"^(\s{0,3})\[(?=[^\]]*\]:)", re.MULTILINE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?=\s|$)", re.MULTILINE)
_SETEXT_UNDERLINE = re.compile(r"^(\s{0,3})(=+|-{2,})\s*$", re.MULTILINE)


def inline(text) -> str:
    """Outside text, safe to place inside a line of Markdown: it renders as exactly these characters."""
    text = " ".join(str(text or "").split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _PUNCTUATION.sub(r"\\\1", text)
    return _DOMAIN_DOT.sub(r"\\.", text)


def link(label: str, url: str) -> str:
    """A link to an http(s) address with an escaped label; anything else is shown as text, not linked."""
    if not url or not _SAFE_LINK.match(url):
        return inline(label or url)
    target = url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"[{inline(label or url)}](<{target}>)"


def rationale_markdown(text: str) -> str:
    """A reviewer's Markdown rationale, kept as Markdown but unable to carry HTML or a non-web link, and with
    its headings below the report's own."""
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;")
    # A link target that is not an http(s) or mailto address (javascript:, data:, a relative path): its
    # bracket is escaped, so it stays text.
    text = _LINK_TARGET.sub(lambda m: m.group(0) if _SAFE_LINK.match(text, m.end()) else "]\\(", text)
    text = _LINK_DEFINITION.sub(r"\1\\[", text)
    text = _HEADING.sub("####", text)
    return _SETEXT_UNDERLINE.sub(r"\1\\\2", text).strip()


def _quoted(markdown: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in markdown.splitlines())


def _date(moment) -> str:
    if moment is None:
        return ""
    return moment.date().isoformat() if hasattr(moment, "date") else moment.isoformat()


def entry_markdown(number: int, entry: ReportEntry, base_url: str, *, internal: bool = False) -> str:
    claim, verdict, article = entry.claim, entry.verdict, entry.article
    status = report_status(entry)
    lines = [f"### {number}. “{inline(claim.text)}”", ""]
    if status == DRAFT:
        lines += ["**DRAFT — not published.** This verdict is work in progress.", ""]
    elif status == NO_VERDICT:
        lines += ["**DRAFT — no verdict yet.**", ""]
    if verdict is not None:
        lines.append(f"- **Rating:** {inline(verdict.rating.label)}")
        lines.append(f"- **Summary:** {inline(verdict.summary)}")
    where = link(article.title or "Untitled article", article.url or "")
    details = ", ".join(inline(part) for part in (article.site_name, _date(article.published_at)) if part)
    lines.append(f"- **Article:** {where}" + (f" ({details})" if details else ""))
    if claim.claimant:
        lines.append(f"- **Claimant:** {inline(claim.claimant)}")
    if verdict is not None:
        people = f"- **Reviewer:** {inline(entry.reviewer)}"
        if verdict.approver is not None:
            people += f" · **Approver:** {inline(entry.approver)}"
        lines.append(people)
        dates = [f"**Submitted:** {_date(verdict.submitted_at)}"] if verdict.submitted_at else []
        if verdict.published_at:
            dates.append(f"**Published:** {_date(verdict.published_at)}")
        if dates:
            lines.append("- " + " · ".join(dates))
    url = public_verdict_url(entry, base_url)
    if url:
        lines.append(f"- **Public page:** {link(url, url)}")
    if verdict is not None and verdict.rationale.strip():
        lines += ["", "**Rationale**", "", _quoted(rationale_markdown(verdict.rationale))]
    if entry.evidence:
        lines += ["", "**Sources**", ""]
        for n, evidence in enumerate(entry.evidence, start=1):
            source = evidence.source
            item = f"{n}. **{inline(evidence.get_stance_display())}**: "
            item += link(source.title or source.publisher or "Untitled source", source.url)
            if source.publisher and source.title:
                item += f" ({inline(source.publisher)})"
            if source.fetched_at and source.archived_hash:
                item += f", archived {_date(source.fetched_at)}"
            lines.append(item)
            if evidence.excerpt:
                lines.append(f"   > “{inline(evidence.excerpt)}”")
            if note := evidence_note(evidence, internal=internal):
                lines.append(f"   - Note: {inline(note)}")
    return "\n".join(lines) + "\n\n"


def summary_markdown(report: Report, counts: dict[int, int], statuses: dict[str, int]) -> str:
    scale = Rating.objects.filter(Q(is_active=True) | Q(pk__in=counts)).order_by("order", "id")
    lines = [
        f"# {inline(report.title)}",
        "",
        f"{inline(report.organisation)} · generated {report.generated_at.isoformat(timespec='minutes')}"
        + (f" by {inline(report.generated_by)}" if report.generated_by else ""),
        "",
        f"Selection: {inline(report.selection.describe())}.",
        "",
        "## Summary",
        "",
        f"{sum(statuses.values()):,} claims: {statuses.get('published', 0):,} with a published verdict"
        + (
            f", {statuses.get(DRAFT, 0):,} with a draft verdict, {statuses.get(NO_VERDICT, 0):,} without a "
            "verdict. **Internal report: drafts are marked DRAFT and are not published work.**"
            if report.with_drafts
            else "."
        ),
        "",
        "| Rating | Claims |",
        "| --- | ---: |",
        *(f"| {inline(rating.label)} | {counts.get(rating.pk, 0):,} |" for rating in scale),
        "",
        "## Claims",
        "",
    ]
    return "\n".join(lines) + "\n"


def render(report: Report) -> Iterator[bytes]:
    counts: dict[int, int] = {}
    statuses: dict[str, int] = {}
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
        for number, entry in enumerate(report.entries, start=1):
            status = report_status(entry)
            statuses[status] = statuses.get(status, 0) + 1
            if entry.verdict is not None:
                counts[entry.verdict.rating_id] = counts.get(entry.verdict.rating_id, 0) + 1
            body.write(
                entry_markdown(number, entry, report.base_url, internal=report.with_drafts).encode("utf-8")
            )
        yield summary_markdown(report, counts, statuses).encode("utf-8")
        if not statuses:
            yield b"No claims in this selection.\n"
        body.seek(0)
        while chunk := body.read(READ_BYTES):
            yield chunk
