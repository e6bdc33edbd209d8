"""The verdict report as one standalone HTML document: downloaded, opened offline, printed.

Everything is inside the file: the report stylesheet (static/css/report.css, read at render time) and the
chart (an inline SVG from claims/exports/chart.py); there are no scripts and nothing to fetch. The same
document, rendered with `paged=True`, is what WeasyPrint turns into the PDF report (claims/exports/pdf.py).

Every text in it comes from people (claims, rationales, source titles, rating labels), so the template
autoescapes it, rationales go through the workbench's one Markdown sanitiser, and links are kept only for
http(s) addresses. Internal comments and review comments are never part of the context.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe

from claims.exports import Report
from claims.exports.chart import distribution_svg, safe_colour
from claims.exports.claimreview import public_verdict_url
from claims.models import Evidence
from claims.selectors.reports import ReportEntry, rating_distribution

CONTENT_TYPE = "text/html; charset=utf-8"
EXTENSION = "html"

TEMPLATE = "claims/reports/report.html"
STYLESHEET = "css/report.css"

PAGE_NUMBERS = '@bottom-right { content: "Page " counter(page) " of " counter(pages); }'
# Laying-out work, in characters of text (`_weight`): an entry's boxes, a source's, the masthead and summary.
ENTRY_WEIGHT = 600
SOURCE_WEIGHT = 200
SUMMARY_WEIGHT = 1500


@dataclass
class SourceView:
    evidence: Evidence
    href: str  # the source's address when it is a web address, else ""


@dataclass
class EntryView:
    """One claim of the report as the template shows it."""

    number: int
    entry: ReportEntry
    article_href: str
    rating_colour: str
    public_url: str  # the public verdict page, for published verdicts only
    sources: list[SourceView] = field(default_factory=list)


@dataclass(frozen=True)
class Summary:
    claims: int
    published: int
    drafts: int
    without_verdict: int


def render(report: Report) -> Iterator[bytes]:
    yield document(report).encode("utf-8")


def document(report: Report, *, paged: bool = False) -> str:
    """The report as HTML. `paged`: for WeasyPrint (the PDF), which draws the running header and footer in
    the page margins itself."""
    return render_to_string(TEMPLATE, _context(report, paged=paged))


def document_parts(report: Report, *, parts: int, first_extra: float = 0.0) -> list[str]:
    """The paged report cut into up to `parts` documents of consecutive entries, to be laid out side by side
    and joined (claims/exports/pdf.py). The first has the masthead, the summary and the "Claims" heading; the
    others go on with the entries. Their page margins have the running header but no page numbers, which
    are stamped on the joined pages (`page_numbers_document`).

    The cuts share the work out by each entry's size (`_weight`), with the first part's summary and, as
    `first_extra` average entries, whatever else the first part's process has to do."""
    context = _context(report, paged=True, numbered=False)
    entries = context["entries"]
    weights = [_weight(item) for item in entries]
    average = sum(weights) / len(weights) if weights else 0
    cuts = _cuts(weights, parts, first=SUMMARY_WEIGHT + first_extra * average)
    return [
        render_to_string(TEMPLATE, {**context, "entries": entries[start:end], "continued": start > 0})
        for start, end in zip([0, *cuts], [*cuts, len(entries)], strict=True)
    ]


def page_numbers_document(pages: int) -> str:
    """`pages` blank pages of the report's paper with only "Page N of M" in their bottom margin (M = `pages`):
    what is stamped over the pages of a report laid out in parts."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        + _stylesheet()
        # Transparent, so that only the numbers cover the page they are stamped on.
        + "\nhtml, body { background: none; } .sheet { break-after: page; }\n"
        + f"@page {{ {PAGE_NUMBERS} }}</style></head><body>"
        + '<div class="sheet"></div>' * (pages - 1)
        + "<div></div></body></html>"
    )


def _context(report: Report, *, paged: bool, numbered: bool = True) -> dict:
    entries = list(report.entries)  # the summary and chart come first, so every entry is needed at once
    distribution = rating_distribution(entries)
    generated_at = timezone.localtime(report.generated_at)
    report_date = dateformat.format(generated_at, "j F Y")
    internal = report.with_drafts or any(e.is_draft or e.verdict is None for e in entries)
    return {
        "report": report,
        "title": report.title,
        "internal": internal,
        "paged": paged,
        "continued": False,
        "report_date": report_date,
        "generated_at": generated_at,
        "selection": _selection_in_words(report, entries),
        "summary": _summary(entries),
        "chart": mark_safe(distribution_svg(distribution)),  # noqa: S308 (every text in it is escaped)
        "entries": [_entry_view(n, entry, report.base_url) for n, entry in enumerate(entries, start=1)],
        "stylesheet": _stylesheet(),
        "page_css": _page_css(report, report_date, internal, numbered=numbered),
    }


def _weight(item: EntryView) -> int:
    """Roughly how much laying an entry out costs, in characters of text: a fixed part for its boxes, and
    its texts. Only good enough to share the work out evenly between parts whose entries differ in length."""
    entry, verdict = item.entry, item.entry.verdict
    weight = ENTRY_WEIGHT + len(entry.claim.text)
    if verdict is not None:
        weight += len(verdict.summary) + len(verdict.rationale)
    for source in item.sources:
        weight += SOURCE_WEIGHT + len(source.evidence.excerpt) + len(source.evidence.source.title or "")
    return weight


def _cuts(weights: list[int], parts: int, *, first: float = 0) -> list[int]:
    """Where to cut entries of these weights into up to `parts` runs of about equal work, none empty, the
    first run having `first` work to do besides."""
    parts = max(1, min(parts, len(weights)))
    share = (first + sum(weights)) / parts
    cuts: list[int] = []
    work = first
    for index, weight in enumerate(weights):
        parts_to_start = parts - 1 - len(cuts)
        if parts_to_start and index > (cuts[-1] if cuts else 0):
            if work + weight / 2 > share or len(weights) - index == parts_to_start:
                cuts.append(index)
                work = 0
        work += weight
    return cuts


def web_href(url: str) -> str:
    """`url` if it is an http(s) address (safe to link), else "": a stored address is not trusted."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that nothing can break out of: every character but ASCII letters,
    digits and spaces becomes a six-digit escape (so no quote, backslash or `</style>` survives)."""
    return (
        '"'
        + "".join(c if (c.isascii() and c.isalnum()) or c == " " else f"\\{ord(c):06x}" for c in text)
        + '"'
    )


def _entry_view(number: int, entry: ReportEntry, base_url: str) -> EntryView:
    verdict = entry.verdict
    published = verdict is not None and not entry.is_draft
    return EntryView(
        number=number,
        entry=entry,
        article_href=web_href(entry.article.url),
        rating_colour=safe_colour(verdict.rating.colour) if verdict else "",
        public_url=public_verdict_url(verdict, base_url) if published else "",
        sources=[SourceView(evidence=e, href=web_href(e.source.url)) for e in entry.evidence],
    )


def _summary(entries: list[ReportEntry]) -> Summary:
    drafts = sum(1 for e in entries if e.is_draft)
    without = sum(1 for e in entries if e.verdict is None)
    return Summary(
        claims=len(entries), published=len(entries) - drafts - without, drafts=drafts, without_verdict=without
    )


def _selection_in_words(report: Report, entries: list[ReportEntry]) -> str:
    what = "All claims with a verdict, drafts included" if report.with_drafts else "All published verdicts"
    selection = report.selection
    if selection.article_id is not None and entries:
        # The article's title says more than its number.
        rest = replace(selection, article_id=None).describe()
        article = f"the article “{entries[0].article.title or 'untitled'}”"
        return f"{what} in {article}" + ("" if rest == "everything" else f"; {rest}")
    described = selection.describe()
    return what if described == "everything" else f"{what}: {described}"


def _stylesheet() -> SafeString:
    path = finders.find(STYLESHEET)
    with open(path, encoding="utf-8") as handle:
        return mark_safe(handle.read())  # noqa: S308 (our own file)


def _page_css(report: Report, report_date: str, internal: bool, *, numbered: bool = True) -> SafeString:
    """The running header and footer: the organisation's name and the report's date on every page, and page
    numbers (unless not `numbered`: a part of a report, numbered once joined). CSS paged media margin boxes
    (WeasyPrint, and Chromium's print since version 131)."""
    rules = [
        f"@top-left {{ content: {css_string(report.organisation)}; }}",
        f"@top-right {{ content: {css_string('Report of ' + report_date)}; }}",
    ]
    if numbered:
        rules.append(PAGE_NUMBERS)
    if internal:
        rules.append(
            f"@bottom-left {{ content: {css_string('INTERNAL — includes drafts, not for publication')}; }}"
        )
    return mark_safe("@page { " + " ".join(rules) + " }")  # noqa: S308 (css_string escapes every text)
