"""Specification of `/api/v1/claims/`: the claims a key sees, filtered and searched, a cursor page at a time;
one claim with its evidence, its verdicts as the key may see them, and its undecided suggestions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.api.pagination import MAX_PAGE_SIZE
from claims.models import Claim, CorpusItem, Suggestion, Verdict
from tests.api.conftest import publish
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    EvidenceFactory,
    UserFactory,
    VerdictFactory,
    rating,
)

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- what a key sees -----------------------------------------------------------------------------------


def test_a_key_sees_its_own_articles_claims_and_published_ones_never_others_drafts(
    read_client, own_article, published_claim, private_claim
):
    own = own_article.claims.get()
    ClaimFactory()  # someone's unpublished claim

    assert ids(read_client.get("/api/v1/claims/")) == [published_claim.pk, own.pk]


def test_another_partners_claim_is_not_found(read_client, private_claim):
    response = read_client.get(f"/api/v1/claims/{private_claim.pk}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_claim_row_says_its_published_rating(read_client, published_claim):
    row = read_client.get("/api/v1/claims/").json()["results"][0]

    verdict = published_claim.verdicts.get()
    assert row["verdict"] == {
        "id": verdict.pk,
        "published_at": verdict.published_at.isoformat().replace("+00:00", "Z"),
        "rating": {"slug": "false", "label": "False", "value": 1},
    }
    assert (row["article"], row["text"], row["status"]) == (
        published_claim.article_id,
        published_claim.text,
        "published",
    )


def test_a_read_key_sees_the_published_verdict_never_the_draft_revision_nor_comments(
    read_client, published_claim
):
    published = published_claim.verdicts.get()
    VerdictFactory(claim=published_claim, revision=2, summary="A draft of the next revision")
    CommentFactory(claim=published_claim, body="Internal: the mayor's office is being difficult")

    response = read_client.get(f"/api/v1/claims/{published_claim.pk}/")

    body = response.json()
    assert body["published_verdict"]["id"] == published.pk
    assert body["published_verdict"]["summary"] == "The figure is wrong."
    assert body["open_verdict"] is None
    text = response.content.decode()
    assert "A draft of the next revision" not in text
    assert "difficult" not in text
    assert "review_comment" not in text


def test_a_write_key_sees_the_draft_its_partner_wrote(partner, make_key, key_client, own_article):
    claim = own_article.claims.get()
    draft = VerdictFactory(claim=claim, author=partner.account, summary="Our draft")

    body = key_client(make_key(partner, ["read", "write"])).get(f"/api/v1/claims/{claim.pk}/").json()
    assert body["open_verdict"]["id"] == draft.pk
    assert body["open_verdict"]["status"] == "draft"
    assert body["published_verdict"] is None
    # A read key of the same partner does not.
    assert (
        key_client(make_key(partner, ["read"])).get(f"/api/v1/claims/{claim.pk}/").json()["open_verdict"]
        is None
    )


def test_a_write_key_does_not_see_a_draft_someone_else_wrote(write_client, own_article):
    claim = own_article.claims.get()
    VerdictFactory(claim=claim, summary="A reviewer's draft")

    assert write_client.get(f"/api/v1/claims/{claim.pk}/").json()["open_verdict"] is None


def test_a_claim_comes_with_its_evidence_and_undecided_suggestions(read_client, published_claim):
    evidence = EvidenceFactory(claim=published_claim, excerpt="A quoted passage.", stance="refutes")
    item = CorpusItem.objects.create(
        kind="claimreview",
        text="The budget did not cost 5 million euros.",
        title="No, the budget did not cost 5 million",
        url="https://factcheck.example/budget",
        publisher="Factcheck Example",
        rating="false",
        rating_label="Pants on fire",
    )
    undecided = Suggestion.objects.create(
        claim=published_claim, item=item, score=0.7, rank=1, reasons=["Same numbers: 5 million"]
    )
    other_item = CorpusItem.objects.create(kind="feed_item", text="Old news", title="Old")
    Suggestion.objects.create(claim=published_claim, item=other_item, score=0.4, rank=2, status="dismissed")

    body = read_client.get(f"/api/v1/claims/{published_claim.pk}/").json()

    assert [e["id"] for e in body["evidence"]] == [evidence.pk]
    assert body["evidence"][0]["source"]["title"] == evidence.source.title
    assert body["evidence"][0]["stance"] == "refutes"
    assert [s["id"] for s in body["suggestions"]] == [undecided.pk]
    suggestion = body["suggestions"][0]
    assert suggestion["item"] == {
        "id": item.pk,
        "kind": "claimreview",
        "title": "No, the budget did not cost 5 million",
        "url": "https://factcheck.example/budget",
        "publisher": "Factcheck Example",
        "date": None,
        "provider": "",
        "rating": {"slug": "false", "label": "False", "their_label": "Pants on fire"},
    }
    assert (suggestion["score"], suggestion["reasons"]) == (0.7, ["Same numbers: 5 million"])


def test_a_claim_costs_a_fixed_number_of_queries(read_client, published_claim, django_assert_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert read_client.get(f"/api/v1/claims/{published_claim.pk}/").status_code == 200
        return len(queries)

    count()  # the key's use is recorded once a minute: not part of the count
    few = count()
    for n in range(5):
        EvidenceFactory(claim=published_claim)
        item = CorpusItem.objects.create(kind="factcheck", text=f"Item {n}", title=f"Item {n}")
        Suggestion.objects.create(claim=published_claim, item=item, score=0.5, rank=n)
    with django_assert_num_queries(few):
        read_client.get(f"/api/v1/claims/{published_claim.pk}/")


# --- filters and search --------------------------------------------------------------------------------


@pytest.fixture
def varied(partner):
    """Four claims of the partner's own article, differing in every filtered property."""
    article = ArticleFactory(
        ingested_by=partner.account,
        text="The tram cost 120 million euros. Buses carry twice as many. The mayor lied. It rained.",
    )

    def claim(sentence, **fields):
        start = article.text.index(sentence)
        return ClaimFactory(article=article, start=start, end=start + len(sentence), **fields)

    tram = claim("The tram cost 120 million euros.", checkworthiness=0.9, kind="statistical")
    buses = claim("Buses carry twice as many.", checkworthiness=0.6, status="in_review")
    mayor = claim("The mayor lied.", checkworthiness=0.3)
    rain = claim("It rained.", checkworthiness=0.1, status="dismissed")
    publish(tram, rating=rating("false"))
    publish(mayor, rating=rating("true"))
    return {"tram": tram, "buses": buses, "mayor": mayor, "rain": rain, "article": article}


def test_claims_are_filtered_by_status(read_client, varied):
    assert ids(read_client.get("/api/v1/claims/?status=in_review")) == [varied["buses"].pk]
    assert ids(read_client.get("/api/v1/claims/?status=dismissed&status=in_review")) == [
        varied["rain"].pk,
        varied["buses"].pk,
    ]


def test_claims_are_filtered_by_the_published_rating_and_by_being_published(read_client, varied):
    assert ids(read_client.get("/api/v1/claims/?rating=false")) == [varied["tram"].pk]
    assert ids(read_client.get("/api/v1/claims/?rating=true")) == [varied["mayor"].pk]
    assert ids(read_client.get("/api/v1/claims/?rating=half-true")) == []
    assert ids(read_client.get("/api/v1/claims/?published=true")) == [varied["mayor"].pk, varied["tram"].pk]
    assert ids(read_client.get("/api/v1/claims/?published=false")) == [varied["rain"].pk, varied["buses"].pk]


def test_a_superseded_rating_is_not_the_claims_rating(read_client, varied):
    tram = varied["tram"]
    Verdict.objects.filter(claim=tram).update(status="superseded")
    publish(tram, revision=2, rating=rating("mostly-false"))

    assert ids(read_client.get("/api/v1/claims/?rating=false")) == []
    assert ids(read_client.get("/api/v1/claims/?rating=mostly-false")) == [tram.pk]


def test_claims_are_filtered_by_article_assignee_and_checkworthiness(read_client, varied, published_claim):
    bob = UserFactory(username="bob-the-reviewer")
    Claim.objects.filter(pk=varied["buses"].pk).update(assignee=bob)

    assert ids(read_client.get(f"/api/v1/claims/?article={published_claim.article_id}")) == [
        published_claim.pk
    ]
    assert ids(read_client.get("/api/v1/claims/?assignee=bob-the-reviewer")) == [varied["buses"].pk]
    assert ids(read_client.get("/api/v1/claims/?min_checkworthiness=0.6")) == [
        published_claim.pk,
        varied["buses"].pk,
        varied["tram"].pk,
    ]


def test_claims_are_filtered_by_dates(read_client, varied):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Claim.objects.filter(pk=varied["rain"].pk).update(created_at=long_ago)
    Verdict.objects.filter(claim=varied["mayor"]).update(published_at=long_ago)
    cut = (timezone.now() - datetime.timedelta(days=10)).date().isoformat()

    assert ids(read_client.get(f"/api/v1/claims/?created_before={cut}")) == [varied["rain"].pk]
    assert varied["rain"].pk not in ids(read_client.get(f"/api/v1/claims/?created_after={cut}"))
    assert ids(read_client.get(f"/api/v1/claims/?published_before={cut}")) == [varied["mayor"].pk]
    assert ids(read_client.get(f"/api/v1/claims/?published_after={cut}")) == [varied["tram"].pk]


def test_claims_are_searched_by_their_words(read_client, varied):
    assert ids(read_client.get("/api/v1/claims/?q=tram")) == [varied["tram"].pk]
    # Full-text search finds a word in another form (PostgreSQL); the plain fallback finds what was typed.
    if connection.vendor == "postgresql":
        assert ids(read_client.get("/api/v1/claims/?q=carrying")) == [varied["buses"].pk]
        assert ids(read_client.get('/api/v1/claims/?q="mayor lied" -tram')) == [varied["mayor"].pk]
    assert ids(read_client.get("/api/v1/claims/?q=buses&status=in_review")) == [varied["buses"].pk]
    assert ids(read_client.get("/api/v1/claims/?q=helicopter")) == []


def test_a_filter_that_does_not_parse_is_a_400_naming_it(read_client):
    response = read_client.get(
        "/api/v1/claims/?status=maybe&min_checkworthiness=lots&article=-3&created_after=tomorrow"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {"status", "min_checkworthiness", "article", "created_after"}


def test_out_of_range_numbers_and_nul_characters_are_answered_not_crashed_on(read_client):
    assert read_client.get("/api/v1/claims/?article=99999999999999999999").status_code == 200
    assert read_client.get("/api/v1/claims/99999999999999999/").status_code == 404
    assert read_client.get("/api/v1/claims/?min_checkworthiness=1.5").status_code == 400
    assert read_client.get("/api/v1/claims/?q=%00").status_code == 400
    assert read_client.get("/api/v1/claims/?assignee=%00").status_code == 400


# --- pages ---------------------------------------------------------------------------------------------


@pytest.fixture
def many_claims(partner):
    """MAX_PAGE_SIZE + 5 claims of the partner's own article, half of them published."""
    article = ArticleFactory(ingested_by=partner.account, text="x" * (MAX_PAGE_SIZE + 10))
    made = Claim.objects.bulk_create(
        Claim(article=article, start=i, end=i + 1, text="x", checkworthiness=0.5)
        for i in range(MAX_PAGE_SIZE + 5)
    )
    author, approver = UserFactory(), UserFactory()
    Verdict.objects.bulk_create(
        Verdict(
            claim=claim,
            rating=rating("false"),
            summary="s",
            author=author,
            approver=approver,
            status="published",
            published_at=timezone.now(),
        )
        for claim in made[::2]
    )
    return made


def test_claims_come_in_cursor_pages_of_at_most_the_maximum_size(read_client, many_claims):
    first = read_client.get("/api/v1/claims/?page_size=1000").json()
    assert len(first["results"]) == MAX_PAGE_SIZE
    assert first["previous"] is None

    rest = read_client.get(first["next"]).json()
    assert len(rest["results"]) == 5
    assert rest["next"] is None
    seen = [r["id"] for r in first["results"] + rest["results"]]
    assert seen == sorted((c.pk for c in many_claims), reverse=True)
    assert len(read_client.get("/api/v1/claims/").json()["results"]) == 50  # the default page


def test_the_claims_list_costs_the_same_queries_whatever_the_page_size(
    read_client, many_claims, django_assert_num_queries
):
    read_client.get("/api/v1/ratings/")  # the key's first use of the minute is recorded: not counted below
    with CaptureQueriesContext(connection) as one:
        assert len(read_client.get("/api/v1/claims/?page_size=1").json()["results"]) == 1

    with django_assert_num_queries(len(one)):
        response = read_client.get("/api/v1/claims/?page_size=100&published=true&q=x")
    assert len(response.json()["results"]) == 100
    with django_assert_num_queries(len(one)):
        assert len(read_client.get("/api/v1/claims/?page_size=200").json()["results"]) == 200


def test_the_claims_list_is_one_query_for_the_page(read_client, many_claims):
    read_client.get("/api/v1/ratings/")
    with CaptureQueriesContext(connection) as queries:
        read_client.get("/api/v1/claims/?page_size=200")

    claim_queries = [q["sql"] for q in queries if 'FROM "claims_claim"' in q["sql"]]
    assert len(claim_queries) == 1
    assert len(queries) <= 2  # at most the key (with its partner and account), and the page
    # The published verdict is joined once, for its columns and for "has one" alike.
    assert claim_queries[0].count('JOIN "claims_verdict"') == 1


def test_the_lists_rows_are_exactly_the_claims_the_visibility_rule_allows(
    partner, other_partner, alice, own_article, published_claim, private_claim, varied
):
    from claims.selectors.api import api_claim_rows
    from claims.selectors.visibility import visible_claims

    # Someone's claim with only a superseded verdict, and one with a draft: neither is published.
    superseded = ClaimFactory()
    VerdictFactory(claim=superseded, status="superseded")
    VerdictFactory(claim=ClaimFactory())
    for user in (partner.account, other_partner.account, alice):
        rows = {row["id"] for row in api_claim_rows(user=user)}
        assert rows == set(visible_claims(user=user).values_list("id", flat=True))
    assert superseded.pk not in {row["id"] for row in api_claim_rows(user=partner.account)}
