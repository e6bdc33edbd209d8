"""The verdict report as a PDF: the HTML report (claims/exports/html.py, same template) laid out by WeasyPrint.

WeasyPrint draws CSS paged media: A4 pages with the organisation's name and the report's date in the top
margin and "Page N of M" in the bottom one. It renders with no network access at all: the document inlines
its stylesheet and chart, fonts are the system's (fontconfig), and the URL fetcher refuses every address
but a data: URI, so a link or image smuggled into a rationale or a title can never make the server fetch.
"""

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError

from claims.exports import Report
from claims.exports.html import document

CONTENT_TYPE = "application/pdf"
EXTENSION = "pdf"

# WeasyPrint logs each layout step at INFO: a dozen lines per report in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class OfflineFetcher(URLFetcher):
    """Fetches data: URIs (decoded in memory) and refuses anything else."""

    def fetch(self, url, headers=None):
        if not url.lower().startswith("data:"):
            raise URLFetchingError(f"Reports are rendered offline; not fetching {url[:200]}")
        return super().fetch(url, headers)


def render(report: Report) -> Iterator[bytes]:
    yield pdf_bytes(report)


def pdf_bytes(report: Report) -> bytes:
    return written(laid_out(report))


def written(laid_out_document) -> bytes:
    """The laid-out report (`laid_out`) as PDF bytes."""
    with _without_cycle_collection():
        return laid_out_document.write_pdf()


def laid_out(report: Report):
    """The report laid out in pages (a weasyprint Document: its `pages`, then `write_pdf()`)."""
    html = HTML(string=document(report, paged=True), base_url=None, url_fetcher=OfflineFetcher())
    with _without_cycle_collection():
        return html.render()


@contextmanager
def _without_cycle_collection():
    """Lay out with Python's cycle collector paused, then collect once.

    WeasyPrint builds a box tree of millions of objects that live until the document is written; the
    collector would walk the growing tree again and again as it is built (a 200-claim report: 10–25% of the
    time, measured in bench/bench_report_pdf.py). Reference counting still frees everything short-lived,
    and the one collection afterwards frees the cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
