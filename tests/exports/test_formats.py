"""Every export format, held to the same two rules: a draft never leaves as public work, and writing a report
costs the same number of queries whatever the number of claims (nothing is looked up claim by claim)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import exports
from claims.selectors.reports import ReportSelection
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def published_claims(count: int) -> None:
    text = " ".join(f"Sentence number {n:03d} says something." for n in range(count + 1))
    article = ArticleFactory(url=f"https://news.example/{count}", site_name="News", text=text)
    for n in range(count):
        start = text.index(f"Sentence number {n:03d}")
        claim = ClaimFactory(article=article, start=start, end=start + 30, claimant="Mayor")
        source = SourceFactory(
            archived_text=f"Archived copy {n}.", archived_hash=f"{n:064d}", fetched_at=timezone.now()
        )
        EvidenceFactory(claim=claim, source=source)
        EvidenceFactory(claim=claim)
        VerdictFactory(claim=claim, status="published")  # citing the two sources
    last = text.index(f"Sentence number {count:03d}")
    draft = ClaimFactory(article=article, start=last, end=last + 30, normalised_text="A draft claim.")
    VerdictFactory(claim=draft, status="draft", summary="DRAFTED")


def written(carol, fmt: str, with_drafts: bool = False) -> tuple[bytes, int]:
    with CaptureQueriesContext(connection) as queries:
        report = exports.build_report(user=carol, selection=ReportSelection(), with_drafts=with_drafts)
        body = b"".join(exports.format_module(fmt).render(report))
    return body, len(queries)


@pytest.mark.parametrize("fmt", list(exports.FORMATS))
def test_writing_a_report_costs_the_same_queries_for_few_or_many_claims(carol, fmt):
    published_claims(2)
    written(carol, fmt)  # first use: what is looked up once per process is not counted
    _, few = written(carol, fmt)

    published_claims(12)
    body, many = written(carol, fmt)

    assert body
    assert many == few


@pytest.mark.parametrize("fmt", [f for f in exports.FORMATS if f != "pdf"])
def test_a_public_report_never_holds_a_draft(carol, fmt):
    published_claims(2)

    body, _ = written(carol, fmt)

    assert b"DRAFTED" not in body and b"A draft claim." not in body
