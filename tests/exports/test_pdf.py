"""The PDF verdict report of the seed article: paged, numbered, headed on every page, and not blank.

Checked as a reader sees it: the text of each page extracted by pdftotext, the first page drawn by
pdftoppm (poppler-utils, installed by `make test`).
"""

import datetime
import socket
import subprocess

import pytest
from django.utils import dateformat, timezone
from PIL import Image
from weasyprint import HTML
from weasyprint.urls import URLFetchingError

from claims.exports import build_report, format_module
from claims.exports.pdf import OfflineFetcher
from claims.selectors.reports import ReportSelection
from claims.services.ingest import article_ingest_text
from tests.factories import EvidenceFactory, SourceFactory, VerdictFactory, rating

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

    from claims.exports import pdf

    seen = []
    real_render = pdf.HTML.render

    def render(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(pdf.HTML, "render", render)
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
