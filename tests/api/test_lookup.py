"""`POST /api/v1/lookup/`: "has this been checked?" answered from published fact-checks, ours and imported."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.choices import CorpusKind, VerdictStatus
from claims.coverage.readers import FactCheck
from claims.coverage.store import corpus_store_reset
from claims.models import CorpusItem, Verdict
from claims.selectors import lookup
from claims.services import coverage
from claims.services.claimreviews import ImportFile, claimreviews_import
from claims.services.ingest import article_ingest_text
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory, rating

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
TUNNEL_TEXT = "The Mill Street tunnel under the harbour opened in 1974."
FERRY = FactCheck(
    id="ferry",
    vclaim="Ferry delays in Riverside rose by 38% between 2022 and 2025.",
    title="Riverside ferry delays: the 38% figure checks out",
    url="https://archive.example.org/ferry",
)


def claim_review(url, claim, label):
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "datePublished": "2025-05-02",
        "author": {"@type": "Organization", "name": "Example Checks", "url": "https://checks.example"},
        "reviewRating": {"@type": "Rating", "alternateName": label},
    }


@pytest.fixture(autouse=True)
def fresh_engine():
    corpus_store_reset()
    yield
    corpus_store_reset()


@pytest.fixture
def our_verdict(alice, carol) -> Verdict:
    """Our published verdict on the tunnel claim, indexed as a fact-check."""
    article = ArticleFactory(text=TUNNEL_TEXT + " Nobody came.")
    claim = ClaimFactory(article=article, end=len(TUNNEL_TEXT))
    verdict = VerdictFactory(
        claim=claim,
        status=VerdictStatus.PUBLISHED,
        author=alice,
        approver=carol,
        summary="It opened in 1984, ten years later.",
    )
    coverage.corpus_index(verdict_ids=[verdict.pk])
    return verdict


@pytest.fixture
def archive():
    coverage.corpus_load_factchecks(checks=[FERRY], prefix="t:")


@pytest.fixture
def imported(django_capture_on_commit_callbacks):
    reviews = [
        claim_review("https://checks.example/dna", "Vaccines change human DNA.", "False"),
        claim_review(
            "https://checks.example/moon", "The moon landing was filmed in a studio.", "Spin and more spin"
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        claimreviews_import(files=[ImportFile(name="reviews.json", data=json.dumps(reviews).encode())])
    coverage.corpus_embed()


def look_up(client, *texts, **extra):
    return client.post("/api/v1/lookup/", {"texts": list(texts), **extra}, format="json")


def matches_of(response, index=0) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"][index]["matches"]


def test_our_published_verdict_is_found_with_its_rating_summary_score_and_reasons(read_client, our_verdict):
    [match] = matches_of(look_up(read_client, "Did the Mill Street tunnel open in 1974?"))

    assert match["kind"] == "factcheck"
    assert match["origin"] == "verdict"
    assert match["verdict"] == our_verdict.pk
    assert match["claim"] == TUNNEL_TEXT
    assert match["summary"] == "It opened in 1984, ten years later."
    assert match["rating"] == {"slug": "false", "label": "False", "publisher_label": None}
    assert 0 < match["score"] <= 1
    assert match["similarity"] >= lookup.MIN_SIMILARITY
    assert match["reasons"]


def test_imported_fact_checks_carry_the_publishers_rating_mapped_onto_our_scale_or_in_its_own_words(
    read_client, imported
):
    response = look_up(read_client, "Do vaccines alter your DNA?", "Was the moon landing staged in a studio?")

    [dna] = matches_of(response, 0)
    assert (dna["kind"], dna["origin"], dna["publisher"]) == ("claimreview", "claimreview", "Example Checks")
    assert dna["url"] == "https://checks.example/dna"
    assert dna["rating"] == {"slug": "false", "label": "False", "publisher_label": "False"}
    assert dna["verdict"] is None
    [moon] = matches_of(response, 1)
    assert moon["rating"] == {
        "slug": None,
        "label": "Spin and more spin",
        "publisher_label": "Spin and more spin",
    }
    assert moon["date"] == "2025-05-02"


def test_loaded_archives_are_fact_checks_too(read_client, archive):
    [match] = matches_of(look_up(read_client, "Riverside ferry delays went up 38 percent since 2022"))

    assert (match["origin"], match["url"], match["rating"]) == ("archive", FERRY.url, None)
    assert match["title"] == FERRY.title


def test_each_text_gets_its_own_answer_in_the_order_sent_and_unrelated_text_matches_nothing(
    read_client, our_verdict, archive
):
    response = look_up(
        read_client, "Ferry delays rose 38%", "My cat prefers tuna.", "Mill Street tunnel 1974"
    )

    results = response.json()["results"]
    assert [r["text"] for r in results] == [
        "Ferry delays rose 38%",
        "My cat prefers tuna.",
        "Mill Street tunnel 1974",
    ]
    assert [m["origin"] for m in results[0]["matches"]] == ["archive"]
    assert results[1]["matches"] == []
    assert [m["verdict"] for m in results[2]["matches"]] == [our_verdict.pk]


def test_only_published_fact_checks_are_answered_never_passages_sources_or_unpublished_verdicts(
    read_client, our_verdict, alice, django_capture_on_commit_callbacks
):
    # The same words in an article's passage: coverage, but not a fact-check.
    outcome = article_ingest_text(
        text="The Mill Street tunnel under the harbour opened in 1974, he said.", user=alice
    )
    coverage.corpus_index(claim_ids=list(outcome.article.claims.values_list("pk", flat=True)))
    assert CorpusItem.objects.filter(kind=CorpusKind.PASSAGE).exists()
    query = "Mill Street tunnel opened in 1974"

    assert [m["origin"] for m in matches_of(look_up(read_client, query))] == ["verdict"]

    # A verdict no longer published (between its revision's approval and the re-indexing) is not answered.
    Verdict.objects.filter(pk=our_verdict.pk).update(status=VerdictStatus.SUPERSEDED)
    assert matches_of(look_up(read_client, query)) == []


def test_limit_caps_the_matches_per_text(read_client, alice, carol):
    for n in range(3):
        article = ArticleFactory(text=f"The Mill Street tunnel opened in 197{n}. More text.")
        claim = ClaimFactory(article=article)
        VerdictFactory(claim=claim, status=VerdictStatus.PUBLISHED, author=alice, approver=carol)
    coverage.corpus_index(verdict_ids=list(Verdict.objects.values_list("pk", flat=True)))

    assert len(matches_of(look_up(read_client, "Mill Street tunnel opening year"))) == 3
    assert len(matches_of(look_up(read_client, "Mill Street tunnel opening year", limit=2))) == 2


def test_the_matched_items_are_loaded_in_one_query_whatever_their_number(
    read_client, alice, carol, django_assert_num_queries
):
    for n in range(4):
        article = ArticleFactory(text=f"The Mill Street tunnel opened in 197{n}. More text.")
        VerdictFactory(
            claim=ClaimFactory(article=article), status=VerdictStatus.PUBLISHED, author=alice, approver=carol
        )
    coverage.corpus_index(verdict_ids=list(Verdict.objects.values_list("pk", flat=True)))
    look_up(read_client, "warm up")  # the engine loads the corpus, the key's use is recorded

    with CaptureQueriesContext(connection) as one:
        assert len(matches_of(look_up(read_client, "Mill Street tunnel", limit=1))) == 1
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(matches_of(look_up(read_client, "Mill Street tunnel", limit=4))) == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "texts"),
        ({"texts": []}, "texts"),
        ({"texts": "one text, not a list"}, "texts"),
        ({"texts": ["   "]}, "texts"),
        ({"texts": ["x" * 2_001]}, "texts"),
        ({"texts": ["a claim"] * 101}, "texts"),
        ({"texts": ["a claim"], "limit": 0}, "limit"),
        ({"texts": ["a claim"], "limit": 11}, "limit"),
    ],
)
def test_a_malformed_lookup_is_refused_field_by_field(read_client, body, field):
    response = read_client.post("/api/v1/lookup/", body, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert field in response.json()["errors"]


def test_a_text_with_broken_unicode_is_refused_not_an_error(read_client):
    response = read_client.post(
        "/api/v1/lookup/",
        b'{"texts": ["half a pair \\ud800 of surrogates"]}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


def test_a_lookup_needs_a_key_with_the_read_scope_only(partner, make_key, key_client, anon_client):
    assert look_up(anon_client, "anything").status_code == 401
    write_only = look_up(key_client(make_key(partner, ["write"])), "anything")
    assert write_only.status_code == 403
    assert "read" in write_only.json()["detail"]
    assert look_up(key_client(make_key(partner, ["read"])), "anything").status_code == 200


def test_the_lookup_bar_is_the_one_the_claim_panels_suggestions_use():
    assert lookup.MIN_SIMILARITY == coverage.MIN_SIMILARITY


def test_a_rating_from_the_scale_is_named_as_the_scale_names_it_now(read_client, our_verdict):
    false = rating("false")
    false.label = "Wrong"
    false.save()

    [match] = matches_of(look_up(read_client, "Mill Street tunnel 1974"))
    assert match["rating"]["label"] == "Wrong"
