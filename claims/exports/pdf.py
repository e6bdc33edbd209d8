"""The verdict report as a PDF: the HTML report (claims/exports/html.py, same template) laid out by WeasyPrint.

WeasyPrint draws CSS paged media: A4 pages with the organisation's name and the report's date in the top
margin and "Page N of M" in the bottom one. It renders with no network access at all: the document inlines
its stylesheet and chart, fonts are the system's (fontconfig), and the URL fetcher refuses every address
but a data: URI, so a link or image smuggled into a rationale or a title can never make the server fetch.

A long report is laid out in parts at the same time, one per core (claims/exports/pdf_parts.py): this
process lays out the first part while worker processes lay out the others, then the pages are joined and
numbered (a 200-claim report: about 5.6 s instead of 9.3 s on a quiet 2-core machine). Each part starts on
a page of its own, so the page before it may end short. A short report is laid out here in one go, as
starting a process would cost more than it saves.
"""

import dataclasses
import logging
import os
from collections.abc import Iterator

from django.conf import settings

from claims.exports import Report, pdf_parts
from claims.exports.html import document, document_parts, page_numbers_document
from claims.exports.pdf_parts import PartFailed

CONTENT_TYPE = "application/pdf"
EXTENSION = "pdf"

# Reports of fewer claims are laid out in this process alone; from this many on, in parts of at least half
# as many claims each (a worker process takes about half a second to start, about 12 claims' layout).
PARALLEL_MIN_CLAIMS = 40
MAX_PARTS = 4
# Besides the first part, this process lays out the page numbers and joins the parts, as long as about this
# many entries take: the first part has that many fewer, so that the workers are done as it is (measured
# with bench/bench_report_pdf.py; a worker's own start-up is over before the report's HTML is made).
FIRST_PART_EXTRA_ENTRIES = 8

logger = logging.getLogger(__name__)
# WeasyPrint logs each layout step at INFO: a dozen lines per report in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render(report: Report) -> Iterator[bytes]:
    yield pdf_bytes(report)


def pdf_bytes(report: Report, *, parts: int | None = None) -> bytes:
    """The report as PDF bytes, laid out in `parts` (by default: as many as there are cores to use, for a
    report long enough to gain from it). If a worker process fails (logged), the report is laid out here in
    one go instead: slower, but the export still comes."""
    if parts is None:
        parts = parts_for(report.count)
    if parts <= 1:
        return written(laid_out(report))
    report = dataclasses.replace(report, entries=list(report.entries))  # read once, laid out again if need be
    try:
        return in_parts(report, parts)
    except PartFailed as error:
        logger.error("A PDF report could not be laid out in parts, laying it out in one process: %s", error)
        return written(laid_out(report))


def parts_for(claims: int) -> int:
    """How many parts a report of this many claims is laid out in: one below PARALLEL_MIN_CLAIMS, else one per
    core (at most MAX_PARTS, or PDF_RENDER_PARTS when set; 1 turns the parallel layout off)."""
    if claims < PARALLEL_MIN_CLAIMS:
        return 1
    most = settings.PDF_RENDER_PARTS or min(_cores(), MAX_PARTS)
    return max(1, min(most, claims // (PARALLEL_MIN_CLAIMS // 2)))


def laid_out(report: Report):
    """The report laid out in pages in this process (a weasyprint Document: its `pages`, then `write_pdf()`)."""
    return pdf_parts.laid_out(document(report, paged=True))


def written(laid_out_document) -> bytes:
    """The laid-out report (`laid_out`) as PDF bytes."""
    return pdf_parts.written(laid_out_document)


def in_parts(report: Report, parts: int) -> bytes:
    """The report laid out in `parts` side by side, joined and numbered; PartFailed if a worker fails."""
    workers: list[pdf_parts.PartProcess] = []
    try:
        # The workers start first: they import WeasyPrint while the report's queries and template run here.
        for number in range(2, parts + 1):
            workers.append(pdf_parts.PartProcess(label=f"part {number} of {parts}"))
        documents = document_parts(report, parts=parts, first_extra=FIRST_PART_EXTRA_ENTRIES)
        busy = workers[: len(documents) - 1]  # fewer parts than workers: a report of very few entries
        for worker, html in zip(busy, documents[1:], strict=True):
            worker.send(html)
        with pdf_parts.without_cycle_collection():  # as long as the laid-out boxes are about (see there)
            first = pdf_parts.render_part(documents[0])
            # Every page's number, and joining the first part, while the workers still write their PDFs.
            total = first.pages + sum(worker.pages() for worker in busy)
            joined = pdf_parts.Joined(pdf_parts.written(pdf_parts.laid_out(page_numbers_document(total))))
            joined.add(first)
            for worker in busy:
                joined.add(worker.part())
            return joined.pdf()
    finally:
        for worker in workers:
            worker.close()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use, in a container too
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
