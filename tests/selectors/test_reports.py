"""Specification of what a verdict report holds (claims/selectors/reports.py): published work only, unless an
internal report asks for drafts, and then every draft entry says so."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.selectors.reports import ReportSelection, rating_distribution, report_entries
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    EvidenceFactory,
    VerdictFactory,
    budget_claims,
    rating,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(article):
    """The budget article's three claims: the first published (rated false, with two sources), the second
    with a draft, the third with nothing."""
    first, second, third = budget_claims(article)
    EvidenceFactory(claim=first, stance="refutes")
    EvidenceFactory(claim=first, stance="supports")
    VerdictFactory(claim=first, status="published", rating=rating("false"))
    VerdictFactory(claim=second, status="draft", summary="Not finished.")
    CommentFactory(claim=first, body="Internal: ask the desk.")
    return first, second, third


def entries(user, **selection):
    with_drafts = selection.pop("with_drafts", False)
    return list(report_entries(user=user, selection=ReportSelection(**selection), with_drafts=with_drafts))


def test_a_public_report_holds_the_published_verdicts_only(carol, claims):
    first, _, _ = claims

    report = entries(carol)

    assert [e.claim for e in report] == [first]
    assert report[0].verdict.status == "published" and not report[0].is_draft
    assert [e.stance for e in report[0].evidence] == ["refutes", "supports"]


def test_a_published_verdict_reports_the_evidence_it_cited_not_what_came_after(carol, claims):
    first, _, _ = claims
    refuting, supporting = first.evidence.order_by("created_at", "id")
    EvidenceFactory(claim=first, stance="context", excerpt="Found after publication.")
    supporting.excerpt = "Corrected after publication."
    supporting.save()
    refuting.delete()

    (entry,) = entries(carol)

    assert [(e.stance, e.excerpt) for e in entry.evidence] == [
        ("refutes", "A quoted passage."),
        ("supports", "A quoted passage."),
    ]
    assert entry.evidence[0].evidence is None  # withdrawn from the claim since; the citation stays


def test_a_draft_reports_its_claims_evidence_as_it_stands(carol, claims):
    _, second, _ = claims
    EvidenceFactory(claim=second, stance="context", excerpt="Just found.")

    entry = entries(carol, with_drafts=True)[1]

    assert entry.is_draft and [(e.stance, e.excerpt) for e in entry.evidence] == [("context", "Just found.")]


def test_an_internal_report_asked_for_drafts_marks_each_draft(carol, claims):
    first, second, third = claims

    report = entries(carol, with_drafts=True)

    assert [(e.claim, e.is_draft) for e in report] == [(first, False), (second, True), (third, False)]
    assert report[1].verdict.summary == "Not finished."
    assert report[2].verdict is None  # no verdict yet


def test_a_published_verdict_under_revision_is_reported_as_published(carol, claims):
    first, _, _ = claims
    VerdictFactory(claim=first, revision=2, status="draft", summary="Rewording.")

    (entry,) = entries(carol, with_drafts=True)[:1]

    assert entry.verdict.status == "published" and not entry.is_draft


def test_a_partner_never_gets_drafts_even_when_asked(claims):
    from tests.api.conftest import make_partner

    partner = make_partner("Daily Planet")

    assert [e.claim for e in entries(partner.account, with_drafts=True)] == [claims[0]]


def test_the_selection_narrows_by_article_publisher_rating_reviewer_status_and_date(carol, claims):
    first, _, _ = claims
    other = ClaimFactory(article=ArticleFactory(site_name="Other Times"))
    late = VerdictFactory(claim=other, status="published", rating=rating("true"))
    type(late).objects.filter(pk=late.pk).update(published_at=dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC))
    first.article.site_name = "Herald"
    first.article.save()
    reviewer = first.verdicts.get().author.username

    def claims_of(**selection):
        return [e.claim for e in entries(carol, **selection)]

    assert claims_of(article_id=first.article_id) == [first]
    assert claims_of(publisher="other times") == [other]
    assert claims_of(rating="true") == [other]
    assert claims_of(reviewer=reviewer) == [first]
    assert claims_of(date_from=dt.date(2026, 4, 30), date_to=dt.date(2026, 5, 1)) == [other]
    assert claims_of(date_to=dt.date(2026, 4, 30)) == []
    assert claims_of(statuses=("published",)) == []  # the factories leave the claims' own status "new"


def test_internal_comments_are_never_part_of_an_entry(carol, claims):
    (entry,) = entries(carol)

    assert not hasattr(entry, "comments")
    assert "Internal" not in repr(vars(entry))


def test_entries_cost_a_fixed_number_of_queries_per_chunk(carol, article):
    for claim in [ClaimFactory(article=ArticleFactory()) for _ in range(30)]:
        VerdictFactory(claim=claim, status="published")
        EvidenceFactory(claim=claim)

    with CaptureQueriesContext(connection) as ten:
        assert len(list(report_entries(user=carol, selection=ReportSelection(), chunk_size=10))) == 30

    with CaptureQueriesContext(connection) as thirty:
        assert len(list(report_entries(user=carol, selection=ReportSelection(), chunk_size=30))) == 30
    # Three chunks of ten cost three times one chunk of thirty (the claims, their verdicts, their evidence).
    assert len(ten) <= 3 * len(thirty) + 1


def test_the_distribution_counts_each_rating_in_scale_order(carol, claims):
    counts = dict((r.slug, n) for r, n in rating_distribution(entries(carol, with_drafts=True)))

    # The published verdict and the draft are both rated false; the claim without a verdict is not counted.
    assert counts["false"] == 2
    assert sum(counts.values()) == 2
    assert list(counts)[0] == "true"  # the scale's first step comes first


def test_an_internal_report_filters_on_the_verdict_each_entry_reports(carol, claims):
    first, _, _ = claims  # published, rated false
    VerdictFactory(claim=first, revision=2, status="draft", rating=rating("true"))

    assert first not in [e.claim for e in entries(carol, with_drafts=True, rating="true")]
    assert first in [e.claim for e in entries(carol, with_drafts=True, rating="false")]


def test_a_partner_s_report_names_people_as_the_public_pages_do(carol, claims):
    from tests.api.conftest import make_partner

    author = claims[0].verdicts.get().author
    author.first_name, author.last_name = "Rita", "Secretname"
    author.save()

    (for_partner,) = entries(make_partner("Daily Planet").account)
    (for_editor,) = entries(carol)

    assert for_partner.reviewer == "Rita" and for_editor.reviewer == "Rita Secretname"
