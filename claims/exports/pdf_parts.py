"""A long PDF report laid out in parts side by side, then joined: the parts, their worker process, the join.

WeasyPrint lays a document out on one core, and a 200-claim report takes it several seconds. So the report
is cut into consecutive parts (claims/exports/html.py `document_parts`): the calling process lays out the
first, and a child process running this file lays out each other one at the same time. The parts' pages are
then joined with pypdf, their bookmarks become one outline, and "Page N of M" is stamped on every page from
a document of M blank pages that has nothing but the page numbers in its margin (claims/exports/pdf.py).

The child is a fresh interpreter, not a multiprocessing child: the renderer also runs in Celery's prefork
workers, whose daemonic processes may not start children of their own, and in gunicorn workers. It runs
this file by path with `-P`, so it imports neither Django nor the rest of the workbench (nothing here
may): `python -P claims/exports/pdf_parts.py` imports WeasyPrint (about half a second, while the caller
makes the report's HTML), reads its part's HTML on stdin, and writes one JSON line (its page count and
bookmarks) as soon as it is laid out, then the PDF.

Rendering stays offline in the child as in the caller: the same OfflineFetcher refuses every address but a
data: URI.
"""

import gc
import io
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError

# A part that takes longer than this is given up (its process ends itself, see main()).
PART_TIMEOUT_SECONDS = 300
# How WeasyPrint turns CSS pixels into PDF points (write_pdf with zoom=1).
PX_TO_PT = 0.75

WORKER_PATH = os.path.abspath(__file__)

logger = logging.getLogger(__name__)


class OfflineFetcher(URLFetcher):
    """Fetches data: URIs (decoded in memory) and refuses anything else."""

    def fetch(self, url, headers=None):
        if not url.lower().startswith("data:"):
            raise URLFetchingError(f"Reports are rendered offline; not fetching {url[:200]}")
        return super().fetch(url, headers)


class PartFailed(RuntimeError):
    """A part's worker process failed: the report cannot be written."""


@dataclass
class Bookmark:
    """A heading's PDF bookmark: its level (h1 = 1), label, and where it is (page of its part, PDF points)."""

    level: int
    label: str
    page: int
    x: float
    y: float
    is_open: bool = True


@dataclass
class Part:
    pdf: bytes
    pages: int
    bookmarks: list[Bookmark] = field(default_factory=list)


def laid_out(html: str):
    """`html` laid out in pages, offline (a weasyprint Document: its `pages`, then `write_pdf()`)."""
    with without_cycle_collection():
        return HTML(string=html, base_url=None, url_fetcher=OfflineFetcher()).render()


def written(document) -> bytes:
    with without_cycle_collection():
        return document.write_pdf()


def bookmarks(document) -> list[Bookmark]:
    """The document's bookmarks in order, as write_pdf places them (origin at the page's bottom left)."""
    found = []
    for number, page in enumerate(document.pages):
        for level, label, (x, y), state in page.bookmarks:
            found.append(
                Bookmark(level, label, number, x * PX_TO_PT, (page.height - y) * PX_TO_PT, state != "closed")
            )
    return found


def render_part(html: str) -> Part:
    """A part laid out and written in this process."""
    document = laid_out(html)
    return Part(pdf=written(document), pages=len(document.pages), bookmarks=bookmarks(document))


class PartProcess:
    """A part laid out and written by a worker process. The process starts at once and imports WeasyPrint
    while the caller makes the part's HTML (`send`); `pages()` waits until the part is laid out, `part()`
    until it is written, and `close()` ends the process if it still runs."""

    def __init__(self, *, label: str = "a part"):
        self.label = label
        # Errors go to a file, which never fills up as a pipe would while nobody reads it.
        self._errors = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(  # noqa: S603 (our own interpreter and file)
                worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors
            )
        except OSError as error:
            self._errors.close()
            raise PartFailed(
                f"Could not start a worker process for {label} of the PDF report: {error}"
            ) from error
        self._writer: threading.Thread | None = None
        self._pages = None
        self._bookmarks: list[Bookmark] = []

    def send(self, html: str) -> None:
        """Give the worker its part to lay out. A thread writes it, as the worker reads it only once it has
        imported WeasyPrint; a worker that stops before is found out by `pages()`."""
        self._writer = threading.Thread(target=self._write, args=(html.encode("utf-8"),), daemon=True)
        self._writer.start()

    def _write(self, data: bytes) -> None:
        try:
            self._process.stdin.write(data)
            self._process.stdin.close()
        except (BrokenPipeError, ValueError):  # the worker stopped, or was closed
            pass

    def pages(self) -> int:
        if self._pages is None:
            line = self._process.stdout.readline()
            try:
                header = json.loads(line)
                self._pages = int(header["pages"])
                self._bookmarks = [Bookmark(*b) for b in header["bookmarks"]]
            except (ValueError, KeyError, TypeError):
                raise self._failure("it stopped before laying out its pages") from None
        return self._pages

    def part(self) -> Part:
        pages = self.pages()
        pdf = self._process.stdout.read()
        try:
            code = self._process.wait(timeout=PART_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise self._failure("it did not finish") from None
        if code != 0 or not pdf.startswith(b"%PDF-"):
            raise self._failure("it did not write a PDF")
        self._forward_warnings()
        return Part(pdf=pdf, pages=pages, bookmarks=self._bookmarks)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._writer is not None:
            self._writer.join()  # it ends as soon as the worker has: its pipe is broken
        for stream in (self._process.stdin, self._process.stdout, self._errors):
            try:
                stream.close()
            except BrokenPipeError:  # what was still unsent to a worker that ended first
                pass

    def _failure(self, what: str) -> PartFailed:
        if self._process.poll() is None:
            self._process.kill()
        code = self._process.wait()
        return PartFailed(
            f"Laying out {self.label} of the PDF report in a worker process failed: {what} "
            f"(exit status {code}). {self._error_text()[-2000:]}".strip()
        )

    def _error_text(self) -> str:
        self._errors.seek(0)
        return self._errors.read().decode("utf-8", "replace").strip()

    def _forward_warnings(self) -> None:
        # What WeasyPrint would have logged in this process (a refused address, an unknown CSS property).
        if text := self._error_text():
            logger.warning("Laying out %s of the PDF report: %s", self.label, text[-2000:])


def worker_command() -> list[str]:
    # -P: the file's own folder (claims/exports/, where html.py lives) must not shadow the standard library.
    return [sys.executable, "-P", WORKER_PATH]


class Joined:
    """Parts' pages joined into one PDF, part after part (`add`), then written (`pdf`): with the first part's
    metadata, every part's links and named destinations, one outline of all their bookmarks, and page N of
    `numbers` (a document of as many pages that draws nothing but "Page N of M") stamped over page N."""

    def __init__(self, numbers: bytes):
        from pypdf import PdfReader, PdfWriter

        self._writer = PdfWriter()
        self._stamps = PdfReader(io.BytesIO(numbers)).pages
        # The outline items that a bookmark of a deeper level goes in: (level, item), the outermost first.
        # They stay open from one part to the next: the second part's claims go under the first's "Claims".
        self._open: list[tuple[int, object]] = []

    def add(self, part: Part) -> None:
        from pypdf import PdfReader
        from pypdf.generic import Fit, NameObject

        writer = self._writer
        first_page = len(writer.pages)
        if first_page + part.pages > len(self._stamps):
            raise PartFailed(f"{len(self._stamps)} page numbers for more pages than that")
        reader = PdfReader(io.BytesIO(part.pdf))
        writer.append(reader, import_outline=False)
        if first_page == 0:
            if reader.metadata:
                writer.add_metadata(reader.metadata)
            if "/Lang" in (root := reader.trailer["/Root"]):
                writer._root_object[NameObject("/Lang")] = root["/Lang"]
        for number in range(first_page, first_page + part.pages):
            page = writer.pages[number]
            page.merge_page(self._stamps[number], over=True)
            page.compress_content_streams()  # merging leaves the page's content uncompressed
        # Nested by heading level, as WeasyPrint nests the bookmarks of one document.
        for mark in part.bookmarks:
            while self._open and self._open[-1][0] >= mark.level:
                self._open.pop()
            item = writer.add_outline_item(
                title=mark.label,
                page_number=first_page + mark.page,
                parent=self._open[-1][1] if self._open else None,
                fit=Fit.xyz(left=mark.x, top=mark.y, zoom=0),
                is_open=mark.is_open,
            )
            self._open.append((mark.level, item))

    def pdf(self) -> bytes:
        if len(self._writer.pages) != len(self._stamps):
            raise PartFailed(f"{len(self._stamps)} page numbers for {len(self._writer.pages)} pages")
        output = io.BytesIO()
        self._writer.write(output)
        return output.getvalue()


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Lay out with Python's cycle collector paused, then give it back as it was.

    WeasyPrint builds a box tree of millions of objects that live until the document is written; the
    collector would walk the growing tree again and again as it is built (a 200-claim report: 10–25% of the
    time, measured in bench/bench_report_pdf.py). Reference counting still frees everything short-lived,
    and the collector's next run frees the cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def main() -> int:
    """The worker: HTML on stdin; on stdout a JSON line {"pages", "bookmarks"} once laid out, then the PDF."""
    signal.alarm(PART_TIMEOUT_SECONDS)  # ends this process if the layout never finishes
    html = sys.stdin.buffer.read().decode("utf-8")
    gc.disable()  # a short-lived process: see without_cycle_collection()
    document = laid_out(html)
    header = {"pages": len(document.pages), "bookmarks": [astuple(b) for b in bookmarks(document)]}
    out = sys.stdout.buffer
    out.write(json.dumps(header).encode("utf-8") + b"\n")
    out.flush()  # the caller can stamp the page numbers while this part is written
    out.write(document.write_pdf())
    out.flush()
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    status = main()
    sys.stderr.flush()
    # Without freeing the laid-out boxes one by one at exit (a third of a second): the caller waits for
    # the end of this process's output, which comes when it ends.
    os._exit(status)
