"""Specification of `/api/v1/articles/` and `/api/v1/jobs/<id>/`: partners push articles (text at once, an
address in the background), read the ones they may see and their claims, and follow their jobs."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.choices import IngestMethod, JobStatus
from claims.models import Article, Claim, Job
from tests.api.conftest import publish
from tests.factories import ArticleFactory, ClaimFactory
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

TEXT = (
    "The council approved the budget on Tuesday. It cost 5 million euros. Critics said it was far too high."
)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- pushing text --------------------------------------------------------------------------------------


def test_a_write_key_pushes_an_article_which_is_split_into_claims(partner, write_client):
    response = write_client.post(
        "/api/v1/articles/",
        {"text": TEXT, "title": "Budget", "url": "https://news.example/budget", "published_at": "2026-03-02"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    article = Article.objects.get()
    assert body["id"] == article.pk
    assert body["created"] is True
    assert body["claim_count"] == 3 == article.claims.count()
    assert (body["title"], body["url"], body["published_at"]) == (
        "Budget",
        "https://news.example/budget",
        "2026-03-02",
    )
    assert body["text"] == TEXT
    assert article.ingested_by == partner.account
    assert article.ingest_method == IngestMethod.API


def test_pushing_the_same_text_again_finds_the_article(write_client):
    first = write_client.post("/api/v1/articles/", {"text": TEXT}, format="json")
    again = write_client.post("/api/v1/articles/", {"text": TEXT}, format="json")

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["created"] is False
    assert Article.objects.count() == 1


def test_another_partners_article_is_not_shown_to_a_partner_pushing_the_same_text(
    write_client, other_partner, make_key, key_client
):
    key_client(make_key(other_partner, ["read", "write"])).post(
        "/api/v1/articles/", {"text": TEXT}, format="json"
    )

    response = write_client.post("/api/v1/articles/", {"text": TEXT, "title": "Mine now"}, format="json")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert "not shared" in response.json()["detail"]
    assert "current" not in response.json()
    assert Article.objects.get().title == ""  # unchanged


def test_the_ingest_services_refusals_are_400s_field_by_field_or_with_their_message(write_client, settings):
    missing = write_client.post("/api/v1/articles/", {"title": "No text"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"text": ["Send the article's text, or its address as url."]}

    wrong_type = write_client.post(
        "/api/v1/articles/", {"text": ["a", "list"], "published_at": "soon"}, format="json"
    )
    assert wrong_type.status_code == 400
    assert set(wrong_type.json()["errors"]) == {"text", "published_at"}

    settings.INGEST_MAX_CHARS = 50
    too_long = write_client.post("/api/v1/articles/", {"text": TEXT}, format="json")
    assert too_long.status_code == 400
    assert too_long["Content-Type"] == "application/problem+json"
    assert "50" in too_long.json()["detail"]
    assert not Article.objects.exists()


def test_a_nul_character_in_the_text_is_a_400(write_client):
    response = write_client.post("/api/v1/articles/", {"text": "Null \x00 byte."}, format="json")

    assert response.status_code == 400
    assert "text" in response.json()["errors"]


# --- pushing an address --------------------------------------------------------------------------------


@pytest.fixture
def site(settings):
    with LocalSite({"/tram": Page(body=ARTICLE_HTML.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        yield site


def test_an_address_alone_is_fetched_in_the_background_and_followed_as_a_job(
    partner, write_client, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = write_client.post("/api/v1/articles/", {"url": site.url("/tram")}, format="json")

    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert response["Location"] == f"/api/v1/jobs/{job.pk}/" == response.json()["location"]
    assert response.json()["job"]["id"] == job.pk
    assert response.json()["job"]["status"] == JobStatus.QUEUED  # as it stood when the request answered

    followed = write_client.get(response["Location"])
    assert followed.status_code == 200
    body = followed.json()
    article = Article.objects.get()
    assert (body["status"], body["article"], body["result"]) == ("done", article.pk, {"created": True})
    assert body["progress"]["attempts"] == 1
    assert article.ingested_by == partner.account
    assert article.title.startswith("Tram line extended")
    assert write_client.get(f"/api/v1/articles/{article.pk}/").status_code == 200


def test_an_internal_address_is_refused_before_anything_is_queued(write_client):
    response = write_client.post("/api/v1/articles/", {"url": "http://127.0.0.1:8000/admin/"}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not Job.objects.exists()


def test_a_malformed_address_is_a_400(write_client):
    response = write_client.post("/api/v1/articles/", {"url": "not a web address"}, format="json")

    assert response.status_code == 400
    assert not Job.objects.exists()


def test_only_the_partner_that_started_a_job_may_follow_it(partner, other_partner, make_key, key_client):
    from tests.factories import JobFactory

    job = JobFactory(created_by=partner.account)

    assert key_client(make_key(partner, ["read"])).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    response = key_client(make_key(other_partner, ["read"])).get(f"/api/v1/jobs/{job.pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_job_that_found_another_partners_article_does_not_name_it(partner, other_partner):
    from tests.factories import JobFactory

    theirs = ArticleFactory(ingested_by=other_partner.account)
    job = JobFactory(
        created_by=partner.account, status=JobStatus.DONE, article=theirs, result={"created": False}
    )
    from tests.api.conftest import client_with_key, create_key

    body = client_with_key(create_key(partner, ["read"])).get(f"/api/v1/jobs/{job.pk}/").json()

    assert body["article"] is None
    assert body["result"] == {"created": False}


# --- reading -------------------------------------------------------------------------------------------


def test_a_key_lists_its_own_articles_and_the_published_ones_only(
    read_client, own_article, published_claim, private_claim
):
    ArticleFactory(title="Nobody's yet")  # no published verdict, not the partner's

    assert ids(read_client.get("/api/v1/articles/")) == [published_claim.article_id, own_article.pk]


def test_the_claim_count_counts_the_claims_the_key_sees(read_client, published_claim):
    ClaimFactory(article=published_claim.article, start=0, end=10)  # unpublished: not seen

    row = read_client.get("/api/v1/articles/").json()["results"][0]
    assert row["claim_count"] == 1


def test_another_partners_article_is_not_found(read_client, private_claim):
    response = read_client.get(f"/api/v1/articles/{private_claim.article_id}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert read_client.get(f"/api/v1/articles/{private_claim.article_id}/claims/").status_code == 404


def test_an_article_is_read_with_its_text(read_client, own_article):
    body = read_client.get(f"/api/v1/articles/{own_article.pk}/").json()

    assert body["text"] == own_article.text
    assert body["claim_count"] == 1


def test_articles_are_filtered_and_searched(read_client, partner):
    tram = ArticleFactory(ingested_by=partner.account, title="Tram line extended", published_at="2026-01-10")
    budget = ArticleFactory(ingested_by=partner.account, title="Budget approved", published_at="2026-02-10")
    published = ArticleFactory(title="Someone's checked story")
    publish(ClaimFactory(article=published))

    assert ids(read_client.get("/api/v1/articles/?q=tram")) == [tram.pk]
    assert ids(read_client.get("/api/v1/articles/?published_after=2026-02-01")) == [budget.pk]
    assert ids(read_client.get("/api/v1/articles/?mine=true")) == [budget.pk, tram.pk]
    assert ids(read_client.get("/api/v1/articles/?mine=false")) == [published.pk]
    bad = read_client.get("/api/v1/articles/?published_after=yesterday")
    assert bad.status_code == 400
    assert "published_after" in bad.json()["errors"]


def test_an_articles_claims_come_in_reading_order_with_their_ratings(read_client, own_article):
    first = own_article.claims.get()
    second = ClaimFactory(article=own_article, start=first.end + 1, end=first.end + 10)
    publish(second)
    Claim.objects.filter(pk=first.pk).update(start=first.end + 20, end=first.end + 30)  # now after `second`

    rows = read_client.get(f"/api/v1/articles/{own_article.pk}/claims/").json()["results"]

    assert [r["id"] for r in rows] == [second.pk, first.pk]
    assert rows[0]["verdict"]["rating"] == {"slug": "false", "label": "False", "value": 1}
    assert rows[1]["verdict"] is None


def test_an_articles_claims_show_only_those_the_key_sees(read_client, published_claim):
    ClaimFactory(article=published_claim.article, start=0, end=5)

    assert ids(read_client.get(f"/api/v1/articles/{published_claim.article_id}/claims/")) == [
        published_claim.pk
    ]


# --- pages ---------------------------------------------------------------------------------------------


def test_articles_come_in_cursor_pages(read_client, partner):
    made = [ArticleFactory(ingested_by=partner.account) for _ in range(5)]

    first = read_client.get("/api/v1/articles/?page_size=2").json()
    second = read_client.get(first["next"]).json()
    third = read_client.get(second["next"]).json()

    seen = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert seen == [a.pk for a in reversed(made)]
    assert third["next"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        base64.b64encode(b"r=x").decode(),  # readable, but not a cursor of ours
        base64.b64encode(b"p=abc").decode(),  # a position that is not an id
        base64.b64encode(b"p=1e400").decode(),
        base64.b64encode(b"p=%00").decode(),
        base64.b64encode(b"p=99999999999999999999999").decode(),  # beyond a bigint
    ],
)
@pytest.mark.parametrize("url", ["/api/v1/articles/", "/api/v1/claims/", "/api/v1/evidence/"])
def test_a_cursor_that_is_not_ours_is_a_400_problem(read_client, url, cursor):
    response = read_client.get(f"{url}?cursor={cursor}")

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "next" in response.json()["errors"]["cursor"][0]


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_article_lists_cost_the_same_queries_whatever_the_page_size(
    read_client, partner, django_assert_num_queries
):
    article = ArticleFactory(ingested_by=partner.account, text="x" * 500)
    Claim.objects.bulk_create(
        Claim(article=article, start=i, end=i + 1, text="x", checkworthiness=0.5) for i in range(120)
    )
    for _ in range(110):
        publish(ClaimFactory())
    read_client.get("/api/v1/ratings/")  # the key's first use of the minute is recorded: not counted below

    for url in ("/api/v1/articles/", f"/api/v1/articles/{article.pk}/claims/"):
        one = query_count(read_client, f"{url}?page_size=1")
        with django_assert_num_queries(one):
            response = read_client.get(f"{url}?page_size=100")
        assert len(response.json()["results"]) == 100
