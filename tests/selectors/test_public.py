"""Specification of what the public fact-check pages read (claims/selectors/public.py): published verdicts
only, in fixed query counts; superseded revisions lead to the claim's current verdict; the claim's context."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.selectors.public import (
    claim_context,
    public_feed_verdicts,
    public_index_page,
    public_successor,
    public_verdict,
    public_verdicts_for_datafeed,
)
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    VerdictFactory,
    budget_claims,
    cited_as_published,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def published(claim, days_ago=0, **fields):
    return VerdictFactory(
        claim=claim, status="published", published_at=NOW - dt.timedelta(days=days_ago), **fields
    )


@pytest.fixture
def verdicts(article):
    """The budget article: the first claim published two days ago, the second yesterday, the third has a
    draft only; another article's claim is awaiting approval."""
    first, second, third = budget_claims(article)
    older = published(first, days_ago=2)
    newer = published(second, days_ago=1)
    VerdictFactory(claim=third, status="draft")
    VerdictFactory(claim=ClaimFactory(), status="submitted")
    return older, newer


def test_the_index_lists_published_verdicts_newest_first(verdicts):
    older, newer = verdicts

    assert list(public_index_page(page_number=1).object_list) == [newer, older]


def test_the_index_pages_through_them(verdicts):
    older, newer = verdicts

    assert list(public_index_page(page_number=2, per_page=1).object_list) == [older]
    assert list(public_index_page(page_number="nonsense", per_page=1).object_list) == [newer]
    assert list(public_index_page(page_number=99, per_page=1).object_list) == [older]  # the last page


@pytest.mark.parametrize("per_page", [1, 5, 50])
def test_a_page_of_the_index_takes_the_same_queries_whatever_its_size(per_page):
    for n in range(12):
        published(ClaimFactory(), days_ago=n)

    with CaptureQueriesContext(connection) as queries:
        page = public_index_page(page_number=1, per_page=per_page)
        for verdict in page.object_list:
            (
                verdict.claim.text,
                verdict.claim.article.site_name,
                verdict.rating.label,
                verdict.author.username,
            )

    assert len(queries) == 2  # the count and the page


def test_one_published_verdict_comes_with_its_evidence_in_two_queries(verdicts):
    older, _ = verdicts
    cited = [EvidenceFactory(claim=older.claim, stance=s) for s in ("refutes", "context")]
    cited_as_published(older)

    with CaptureQueriesContext(connection) as queries:
        verdict = public_verdict(verdict_id=older.pk)
        shown = [(e.evidence_id, e.stance, e.source.url) for e in verdict.public_evidence]
        (verdict.claim.article.text, verdict.rating.label, verdict.approver.username)

    assert verdict == older
    assert shown == [(e.pk, e.stance, e.source.url) for e in cited]
    assert len(queries) == 2


def test_evidence_added_to_the_claim_after_publication_waits_for_the_next_revision(verdicts):
    older, _ = verdicts
    EvidenceFactory(claim=older.claim, stance="supports", excerpt="Arrived later.")

    assert public_verdict(verdict_id=older.pk).public_evidence == []


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "superseded"])
def test_a_verdict_that_is_not_published_is_not_found(article, status):
    verdict = VerdictFactory(claim=ClaimFactory(article=article), status=status)

    assert public_verdict(verdict_id=verdict.pk) is None


def test_a_superseded_revision_leads_to_the_claims_current_verdict(article):
    claim = ClaimFactory(article=article)
    old = VerdictFactory(claim=claim, status="superseded", revision=1)
    current = published(claim, revision=2)

    assert public_successor(verdict_id=old.pk) == current
    assert public_successor(verdict_id=current.pk) is None  # it is current itself


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_an_unpublished_revision_leads_nowhere(article, status):
    claim = ClaimFactory(article=article)
    published(claim, revision=1)
    open_revision = VerdictFactory(claim=claim, status=status, revision=2)

    assert public_successor(verdict_id=open_revision.pk) is None
    assert public_successor(verdict_id=999_999) is None


def test_the_feed_takes_the_newest(verdicts):
    older, newer = verdicts

    assert public_feed_verdicts(limit=1) == [newer]


def test_the_datafeed_reads_every_published_verdict_a_chunk_at_a_time():
    made = [published(ClaimFactory()) for _ in range(5)]

    with CaptureQueriesContext(connection) as queries:
        read = list(public_verdicts_for_datafeed(chunk_size=2))

    assert sorted(v.pk for v in read) == sorted(v.pk for v in made)
    assert len(read) == len(set(read))
    assert len(queries) == 3  # chunks of 2, 2 and 1


def test_the_claim_is_shown_with_the_sentences_around_it():
    text = "One. Two is here. Three is the claim. Four follows. Five. Six."
    article = ArticleFactory(text=text)
    start = text.index("Three")
    claim = ClaimFactory(article=article, start=start, end=start + len("Three is the claim."))

    context = claim_context(claim)

    assert (context.before, context.claim, context.after) == (
        "One. Two is here. ",
        "Three is the claim.",
        " Four follows. Five.",
    )
    assert (context.more_before, context.more_after) == (False, True)


def test_a_claim_whose_place_was_lost_is_shown_alone(article):
    claim = ClaimFactory(article=article, anchor_state="lost")

    context = claim_context(claim)

    assert (context.before, context.claim, context.after) == ("", claim.text, "")
