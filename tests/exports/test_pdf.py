"""The PDF verdict report of the seed article: paged, numbered, headed on every page, and not blank; and a long
report laid out in parts by worker processes, joined into one numbered document with one outline.

Checked as a reader sees it: the text of each page extracted by pdftotext, the first page drawn by
pdftoppm (poppler-utils, installed by `make test`).
"""

import datetime
import re
import socket
import subprocess
import sys

import pytest
from django.utils import dateformat, timezone
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetchingError

from claims.exports import build_report, format_module
from claims.exports.pdf_parts import OfflineFetcher
from claims.selectors.reports import ReportSelection
from claims.services.ingest import article_ingest_text
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    SourceFactory,
    VerdictFactory,
    rating,
)

pytestmark = pytest.mark.django_db

RATINGS = ["true", "mostly-true", "half-true", "missing-context", "unverifiable", "false"]


@pytest.fixture
def seed_report(seed_text, alice, carol):
    """The seed article with six published verdicts, two sources each; its report, as carol makes it."""
    article = article_ingest_text(text=seed_text, user=alice).article
    for claim, slug in zip(article.claims.order_by("start")[:6], RATINGS, strict=True):
        for n, stance in enumerate(["supports", "context"]):
            source = SourceFactory(
                title=f"Wire report {claim.pk}-{n}",
                publisher="Example Wire",
                published_at=datetime.date(2023, 10, 26),
                archived_text="The delegation arrived in Moscow.",
                fetched_at=timezone.now(),
            )
            EvidenceFactory(
                claim=claim, source=source, stance=stance, excerpt="The delegation arrived in Moscow."
            )
        VerdictFactory(
            claim=claim,
            status="published",
            author=alice,
            approver=carol,
            rating=rating(slug),
            summary=f"What the sources say about claim {claim.pk}.",
            rationale="The delegation's visit is **documented**.\n\n" + "A paragraph of reasoning. " * 40,
        )
    return build_report(user=carol, selection=ReportSelection(article_id=article.pk))


@pytest.fixture
def pdf_file(seed_report, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"".join(format_module("pdf").render(seed_report)))
    return path


def pages_text(path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return text.stdout.split("\f")[:-1]  # pdftotext ends every page with a form feed


def page_count(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_it_is_a_pdf(pdf_file):
    assert pdf_file.read_bytes().startswith(b"%PDF-")
    assert format_module("pdf").CONTENT_TYPE == "application/pdf"


def test_every_page_is_numbered_and_names_the_organisation_and_the_date(pdf_file, seed_report, settings):
    pages = pages_text(pdf_file)
    total = page_count(pdf_file)
    report_date = dateformat.format(timezone.localtime(seed_report.generated_at), "j F Y")

    assert total >= 2 and len(pages) == total
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
        assert settings.ORGANISATION_NAME in text
        assert f"Report of {report_date}" in text


def test_it_holds_the_summary_and_every_claim(pdf_file, seed_report):
    text = " ".join(" ".join(pages_text(pdf_file)).split())

    assert "Summary" in text and "Verdict distribution" not in text  # the chart's title is for screen readers
    assert "Missing context" in text and "1 (17%)" in text  # the chart's labels are text in the PDF too
    for n in range(1, 7):
        assert f"CLAIM {n}" in text
    assert "Delegates from the Palestinian militant group Hamas" in text
    assert "Wire report" in text and "SUPPORTS" in text and "ADDS CONTEXT" in text


def test_its_first_page_is_not_blank(pdf_file, tmp_path):
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_file),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "page.png").convert("L")
    inked = sum(image.histogram()[:200])  # pixels darker than light grey

    assert image.width > 300 and image.height > 400  # A4 at 50 dpi: 413 × 585
    assert inked > 0.02 * image.width * image.height


def test_the_fetcher_refuses_everything_but_data_uris():
    fetcher = OfflineFetcher()

    for url in ["https://example.org/style.css", "http://127.0.0.1:8000/", "file:///etc/passwd", "ftp://x/y"]:
        with pytest.raises(URLFetchingError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_rendering_never_opens_a_connection(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a connection was opened while rendering")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    html = (
        '<link rel="stylesheet" href="https://example.org/x.css">'
        '<img src="http://127.0.0.1:9/pixel.png"><p style="background: url(https://example.org/b.png)">Hi</p>'
    )

    assert HTML(string=html, url_fetcher=OfflineFetcher()).write_pdf().startswith(b"%PDF-")


def test_laying_out_pauses_the_cycle_collector_and_gives_it_back_as_it_was(carol, monkeypatch):
    import gc

    from claims.exports import pdf, pdf_parts

    seen = []
    real_render = pdf_parts.HTML.render

    def render(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(pdf_parts.HTML, "render", render)
    report = build_report(user=carol, selection=ReportSelection())
    assert gc.isenabled()
    assert pdf.pdf_bytes(report).startswith(b"%PDF-")
    assert seen == [False] and gc.isenabled()

    gc.disable()
    try:
        pdf.pdf_bytes(build_report(user=carol, selection=ReportSelection()))
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


# A long report is laid out in parts side by side (claims/exports/pdf_parts.py), then joined and numbered.


@pytest.fixture
def long_report(alice, carol):
    """Nine published verdicts, each with a long rationale and two sources: several pages, cut in parts."""
    sentences = [f"The harbour bridge cost {10 + n} million euros to repair in {1990 + n}." for n in range(9)]
    article = ArticleFactory(title="Harbour bridge repairs", text=" ".join(sentences))
    for n, sentence in enumerate(sentences):
        start = article.text.index(sentence)
        claim = ClaimFactory(article=article, start=start, end=start + len(sentence))
        for stance in ["supports", "refutes"]:
            EvidenceFactory(
                claim=claim, source=SourceFactory(title=f"Council statement {n}-{stance}"), stance=stance
            )
        VerdictFactory(
            claim=claim,
            status="published",
            author=alice,
            approver=carol,
            rating=rating(RATINGS[n % len(RATINGS)]),
            summary=f"The repair cost differs from claim {n + 1}.",
            rationale="The figure is **not** the council's.\n\n" + "A paragraph of reasoning. " * 60,
        )
    return build_report(user=carol, selection=ReportSelection(article_id=article.pk))


@pytest.fixture
def parted_pdf(long_report, tmp_path):
    from claims.exports import pdf

    path = tmp_path / "parted.pdf"
    path.write_bytes(pdf.pdf_bytes(long_report, parts=3))
    return path


def test_a_report_laid_out_in_parts_is_numbered_across_all_of_them(parted_pdf, long_report, settings):
    pages = pages_text(parted_pdf)
    total = page_count(parted_pdf)
    report_date = dateformat.format(timezone.localtime(long_report.generated_at), "j F Y")

    assert total >= 6 and len(pages) == total
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
        assert text.count("Page ") == 1  # the parts' own margins have no numbers
        assert settings.ORGANISATION_NAME in text and f"Report of {report_date}" in text
    text = " ".join(" ".join(pages).split())
    assert [int(n) for n in re.findall(r"CLAIM (\d+)", text)] == list(range(1, 10))
    assert text.count("Summary") == 1 and text.count("Verdict report") == 1  # only the first part has them


def test_its_bookmarks_are_one_outline_nested_as_in_one_document(parted_pdf, long_report):
    reader = PdfReader(parted_pdf)
    pages = pages_text(parted_pdf)

    [top, children] = reader.outline
    assert top.title == long_report.title
    assert [item.title for item in children if not isinstance(item, list)] == ["Summary", "Claims"]
    claims = [item for item in children[-1] if not isinstance(item, list)]  # each with its "Sources" inside
    assert [item.title for item in claims] == [f"Claim {n}" for n in range(1, 10)]
    for n, item in enumerate(claims, start=1):
        page = reader.get_destination_page_number(item)
        assert f"CLAIM {n}" in pages[page]  # each points at its own page, in whichever part it was laid out
        assert 0 < item.top < float(reader.pages[page].mediabox.height)
    assert len(reader.named_destinations) >= 9 + 2  # every claim's id, and the two headings'
    assert reader.metadata.title.startswith(long_report.title)


def test_a_long_report_is_laid_out_in_as_many_parts_as_there_are_cores(monkeypatch):
    from claims.exports import pdf

    monkeypatch.setattr(pdf, "_cores", lambda: 2)
    assert pdf.parts_for(pdf.PARALLEL_MIN_CLAIMS - 1) == 1  # starting a process would cost more
    assert pdf.parts_for(pdf.PARALLEL_MIN_CLAIMS) == 2
    assert pdf.parts_for(200) == 2
    monkeypatch.setattr(pdf, "_cores", lambda: 1)
    assert pdf.parts_for(200) == 1


def test_a_short_report_starts_no_process(seed_report, monkeypatch):
    from claims.exports import pdf, pdf_parts

    def refuse(*args, **kwargs):
        raise AssertionError("a worker process was started")

    monkeypatch.setattr(pdf_parts, "PartProcess", refuse)
    assert pdf.pdf_bytes(seed_report).startswith(b"%PDF-")


def test_a_worker_that_fails_is_a_clear_error(long_report, monkeypatch):
    from claims.exports import pdf, pdf_parts

    failing = [sys.executable, "-c", "import sys; sys.stdin.read(); sys.exit('no fonts here')"]
    monkeypatch.setattr(pdf_parts, "worker_command", lambda: failing)

    with pytest.raises(
        pdf.PartFailed, match=r"part 2 of 2 .* stopped before laying out .*exit status 1.*no fonts"
    ):
        pdf.in_parts(long_report, parts=2)


def test_a_worker_that_stops_while_writing_is_a_clear_error(long_report, monkeypatch):
    from claims.exports import pdf, pdf_parts

    header = '{"pages": 1, "bookmarks": []}'
    stopping = [
        sys.executable,
        "-c",
        f"import sys; sys.stdin.read(); print({header!r}); print('%PD'); sys.exit(9)",
    ]
    monkeypatch.setattr(pdf_parts, "worker_command", lambda: stopping)

    with pytest.raises(pdf.PartFailed, match=r"did not write a PDF \(exit status 9\)"):
        pdf.in_parts(long_report, parts=2)


def test_when_a_worker_fails_the_report_is_laid_out_in_one_process_instead(
    long_report, monkeypatch, caplog, tmp_path
):
    from claims.exports import pdf, pdf_parts

    failing = [sys.executable, "-c", "import sys; sys.stdin.read(); sys.exit('no fonts here')"]
    monkeypatch.setattr(pdf_parts, "worker_command", lambda: failing)

    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.pdf_bytes(long_report, parts=2))

    assert "could not be laid out in parts" in caplog.text and "no fonts here" in caplog.text
    texts = pages_text(path)
    assert texts[-1].count(f"Page {len(texts)} of {len(texts)}") == 1


def test_the_parts_can_be_capped_or_turned_off(monkeypatch, settings):
    from claims.exports import pdf

    monkeypatch.setattr(pdf, "_cores", lambda: 4)
    settings.PDF_RENDER_PARTS = 1
    assert pdf.parts_for(200) == 1
    settings.PDF_RENDER_PARTS = 3
    assert pdf.parts_for(200) == 3


def test_the_worker_renders_offline_too(caplog):
    from claims.exports import pdf_parts

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    port = listener.getsockname()[1]
    html = (
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css"><img src="http://127.0.0.1:{port}/p.png">'
        f'<p style="background: url(http://127.0.0.1:{port}/b.png)">Hi</p>'
    )
    worker = pdf_parts.PartProcess(label="the test part")
    try:
        worker.send(html)
        part = worker.part()
    finally:
        worker.close()

    assert part.pdf.startswith(b"%PDF-") and part.pages == 1
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody connected
    listener.close()
    assert "rendered offline; not fetching http://127.0.0.1" in caplog.text  # its warnings, logged here


def test_the_worker_imports_no_django():
    from claims.exports import pdf_parts

    script = (
        f"import runpy, sys; runpy.run_path({pdf_parts.WORKER_PATH!r}, run_name='worker'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'claims')))"
    )
    run = subprocess.run([sys.executable, "-P", "-c", script], check=True, capture_output=True, text=True)
    assert run.stdout.strip() == "[]"
