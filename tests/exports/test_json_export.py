"""The JSON export: the documented shape (docs/exports.md), drafts marked on every entry, streamed entry by
entry and valid JSON once complete."""

import json

import pytest

from claims.selectors.reports import ReportSelection
from tests.exports.report_world import chunks, make_world, rendered
from tests.factories import ClaimFactory, VerdictFactory

pytestmark = pytest.mark.django_db

REPORT_KEYS = {
    "title",
    "organisation",
    "organisation_url",
    "generated_at",
    "generated_by",
    "selection",
    "with_drafts",
    "count",
}
CLAIM_KEYS = {
    "id",
    "text",
    "claimant",
    "claimant_kind",
    "status",
    "start",
    "end",
    "report_status",
    "draft",
    "article",
    "verdict",
    "evidence",
}
VERDICT_KEYS = {
    "id",
    "revision",
    "status",
    "draft",
    "rating",
    "summary",
    "rationale",
    "reviewer",
    "approver",
    "submitted_at",
    "published_at",
    "url",
}


@pytest.fixture
def world(alice, bob, carol):
    return make_world(alice, bob, carol)


def test_the_report_is_described_first(world, settings):
    data = json.loads(rendered("json", selection=ReportSelection(article_id=world.article.pk)))
    assert set(data) == {"report", "claims"}
    report = data["report"]
    assert set(report) == REPORT_KEYS
    assert report["organisation"] == settings.ORGANISATION_NAME
    assert report["count"] == 1 and report["with_drafts"] is False
    assert report["selection"]["article_id"] == world.article.pk
    assert report["selection"]["statuses"] == []
    assert report["title"] == f"Verdict report: article {world.article.pk}"


def test_a_published_claim_has_its_article_verdict_and_evidence(world, settings):
    [claim] = json.loads(rendered("json"))["claims"]
    assert set(claim) == CLAIM_KEYS
    assert claim["id"] == world.published.pk
    assert claim["text"] == "The council approved the budget on Tuesday."
    assert (claim["claimant"], claim["report_status"], claim["draft"]) == ("The mayor", "published", False)
    assert claim["article"] == {
        "id": world.article.pk,
        "title": "Council approves the budget",
        "url": "https://news.example/council-budget",
        "publisher": "Example News",
        "authors": [],
        "published": "2026-03-02",
    }
    verdict = claim["verdict"]
    assert set(verdict) == VERDICT_KEYS
    assert verdict["rating"] == {"slug": "false", "label": "False", "value": 1}
    assert verdict["rationale"].startswith("The **official** figures")  # Markdown, as written
    assert (verdict["reviewer"], verdict["approver"]) == ("Alice", "Carol")
    assert verdict["published_at"] == "2026-03-03T16:40:00+00:00"
    assert verdict["url"] == f"{settings.PUBLIC_BASE_URL}/fact-checks/{world.verdict.pk}/"
    assert verdict["draft"] is False
    first, second = claim["evidence"]
    assert first["stance"] == "refutes" and first["excerpt"] == "The budget totals 3.2 million euros."
    assert first["note"] == ""  # a reviewer's note is for the desk: internal reports only
    assert first["source"]["url"] == "https://stats.example/b"
    assert first["source"]["publisher"] == "Statistics Office"
    assert second["stance"] == "context"


def test_with_drafts_every_entry_that_is_not_published_work_is_a_draft(world):
    data = json.loads(rendered("json", with_drafts=True))
    assert data["report"]["with_drafts"] is True
    by_id = {claim["id"]: claim for claim in data["claims"]}
    assert by_id[world.published.pk]["draft"] is False
    drafted = by_id[world.drafted.pk]
    assert drafted["draft"] is True and drafted["verdict"]["draft"] is True
    assert drafted["verdict"]["url"] is None  # no public page for a draft
    unchecked = by_id[world.unchecked.pk]
    assert unchecked["draft"] is True and unchecked["verdict"] is None
    assert unchecked["report_status"] == "no verdict"


def test_it_streams_entry_by_entry_and_is_valid_json_at_the_end(db):
    for n in range(5):
        VerdictFactory(claim=ClaimFactory(text=f"Claim {n}.", status="published"), status="published")
    parts = chunks("json")
    assert len(parts) == 7  # the opening, five entries, the closing
    assert len(json.loads(b"".join(parts))["claims"]) == 5


def test_an_empty_report_is_valid_json(db):
    assert json.loads(rendered("json"))["claims"] == []


def test_an_internal_report_carries_the_reviewers_notes_on_evidence(world):
    claims = json.loads(rendered("json", with_drafts=True))["claims"]

    published = next(c for c in claims if c["report_status"] == "published")
    assert [e["note"] for e in published["evidence"]] == ["Table 2.", ""]
