"""Specification of `/api/v1/suggestions/`: related coverage suggested for the claims a key sees, and the
key's decisions on it (accept as evidence or as the same claim, dismiss), made once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.choices import SuggestionStatus
from claims.models import CorpusItem, Evidence, Suggestion
from tests.api.conftest import publish
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def factcheck_item(**fields) -> CorpusItem:
    defaults = {
        "kind": "claimreview",
        "text": "The budget did not cost 5 million euros; it cost 3.2 million.",
        "title": "No, the budget did not cost 5 million",
        "url": "https://factcheck.example/budget",
        "publisher": "Factcheck Example",
        "rating": "false",
        "rating_label": "Pants on fire",
    }
    return CorpusItem.objects.create(**(defaults | fields))


def suggest(claim, item=None, **fields) -> Suggestion:
    fields = {
        "score": 0.7,
        "rank": 1,
        "reasons": ["Same numbers: 5 million"],
        "passage": "it cost 3.2 million.",
    } | fields
    return Suggestion.objects.create(claim=claim, item=item or factcheck_item(), **fields)


@pytest.fixture
def claim(own_article):
    return own_article.claims.get()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- listing -------------------------------------------------------------------------------------------


def test_a_key_lists_the_suggestions_of_the_claims_it_sees(
    read_client, claim, published_claim, private_claim
):
    ours = suggest(claim)
    published = suggest(published_claim, factcheck_item(url="https://factcheck.example/2"))
    suggest(private_claim, factcheck_item(url="https://factcheck.example/3"))

    assert ids(read_client.get("/api/v1/suggestions/")) == [published.pk, ours.pk]
    assert ids(read_client.get(f"/api/v1/suggestions/?claim={claim.pk}")) == [ours.pk]


def test_suggestions_are_filtered_by_status(read_client, claim):
    undecided = suggest(claim)
    dismissed = suggest(claim, factcheck_item(url="https://factcheck.example/2"), status="dismissed")

    assert ids(read_client.get("/api/v1/suggestions/?status=suggested")) == [undecided.pk]
    assert ids(read_client.get("/api/v1/suggestions/?status=dismissed")) == [dismissed.pk]
    assert read_client.get("/api/v1/suggestions/?status=maybe").status_code == 400


def test_a_suggestion_says_what_was_found_and_why(read_client, claim):
    suggestion = suggest(claim)

    row = read_client.get("/api/v1/suggestions/").json()["results"][0]

    assert row["item"]["kind"] == "claimreview"
    assert row["item"]["rating"] == {"slug": "false", "label": "False", "their_label": "Pants on fire"}
    assert (row["score"], row["reasons"], row["status"], row["claim"]) == (
        0.7,
        ["Same numbers: 5 million"],
        "suggested",
        suggestion.claim_id,
    )


def test_one_of_our_published_verdicts_is_rated_as_published(read_client, claim, published_claim):
    verdict = published_claim.verdicts.get()
    item = CorpusItem.objects.create(kind="factcheck", text="Checked", title="Checked", verdict=verdict)
    suggest(claim, item)

    row = read_client.get("/api/v1/suggestions/").json()["results"][0]
    assert row["item"]["rating"] == {"slug": "false", "label": "False", "their_label": ""}


def test_a_passage_of_an_article_the_key_may_not_see_is_not_suggested_to_it(
    read_client, claim, private_claim
):
    passage = CorpusItem.objects.create(
        kind="passage", text=private_claim.text, title="Their story", claim=private_claim
    )
    suggest(claim, passage)

    assert ids(read_client.get("/api/v1/suggestions/")) == []


def test_the_suggestion_list_costs_the_same_queries_whatever_the_page_size(
    read_client, claim, django_assert_num_queries
):
    for n in range(105):
        suggest(claim, factcheck_item(url=f"https://factcheck.example/{n}"), rank=n)
    read_client.get("/api/v1/ratings/")
    with CaptureQueriesContext(connection) as one:
        read_client.get("/api/v1/suggestions/?page_size=1")

    with django_assert_num_queries(len(one)):
        assert len(read_client.get("/api/v1/suggestions/?page_size=100").json()["results"]) == 100


# --- deciding ------------------------------------------------------------------------------------------


def test_accepting_as_evidence_attaches_the_fact_check_to_the_claim(partner, write_client, claim):
    suggestion = suggest(claim)

    response = write_client.post(
        f"/api/v1/suggestions/{suggestion.pk}/accept/",
        {"use": "evidence", "stance": "refutes", "note": "Same figure"},
        format="json",
    )

    assert response.status_code == 200, response.content
    evidence = Evidence.objects.get()
    assert (evidence.claim, evidence.stance, evidence.note, evidence.author) == (
        claim,
        "refutes",
        "Same figure",
        partner.account,
    )
    assert evidence.source.title == "Fact-check: No, the budget did not cost 5 million"
    body = response.json()
    assert (body["status"], body["used_as"], body["evidence"]) == ("accepted", "evidence", evidence.pk)
    suggestion.refresh_from_db()
    assert suggestion.decided_by == partner.account


def test_accepting_as_the_same_claim(write_client, claim):
    suggestion = suggest(claim)

    response = write_client.post(
        f"/api/v1/suggestions/{suggestion.pk}/accept/", {"use": "same_claim"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["used_as"], response.json()["evidence"]) == ("same_claim", None)
    assert not Evidence.objects.exists()


def test_only_a_fact_check_can_be_the_same_claim(write_client, claim):
    suggestion = suggest(claim, CorpusItem.objects.create(kind="feed_item", text="News", title="News"))

    response = write_client.post(
        f"/api/v1/suggestions/{suggestion.pk}/accept/", {"use": "same_claim"}, format="json"
    )

    assert response.status_code == 400
    assert "fact-check" in response.json()["detail"]
    assert Suggestion.objects.get().status == SuggestionStatus.SUGGESTED


def test_accepting_as_evidence_needs_a_stance(write_client, claim):
    suggestion = suggest(claim)

    response = write_client.post(
        f"/api/v1/suggestions/{suggestion.pk}/accept/", {"use": "evidence"}, format="json"
    )

    assert response.status_code == 400
    assert "stance" in response.json()["errors"]
    assert not Evidence.objects.exists()


def test_dismissing_a_suggestion(partner, write_client, claim):
    suggestion = suggest(claim)

    response = write_client.post(f"/api/v1/suggestions/{suggestion.pk}/dismiss/")

    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == ("dismissed", partner.account)


def test_a_suggestion_is_decided_once(write_client, claim):
    suggestion = suggest(claim)
    write_client.post(f"/api/v1/suggestions/{suggestion.pk}/dismiss/")

    again = write_client.post(
        f"/api/v1/suggestions/{suggestion.pk}/accept/", {"use": "same_claim"}, format="json"
    )

    assert again.status_code == 400
    assert "already dismissed" in again.json()["detail"]
    assert Suggestion.objects.get().status == "dismissed"


def test_a_read_key_may_not_decide(read_client, claim):
    suggestion = suggest(claim)

    assert read_client.post(f"/api/v1/suggestions/{suggestion.pk}/dismiss/").status_code == 403
    assert Suggestion.objects.get().status == SuggestionStatus.SUGGESTED


def test_a_suggestion_of_a_claim_the_key_may_not_see_is_not_found(write_client, private_claim):
    suggestion = suggest(private_claim)

    response = write_client.post(f"/api/v1/suggestions/{suggestion.pk}/dismiss/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert Suggestion.objects.get().status == SuggestionStatus.SUGGESTED


def test_a_published_claims_suggestion_may_be_decided_by_any_write_key(write_client):
    claim = ClaimFactory()
    publish(claim)
    suggestion = suggest(claim)

    assert write_client.post(f"/api/v1/suggestions/{suggestion.pk}/dismiss/").status_code == 200
