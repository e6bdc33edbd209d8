"""Specification of `/api/v1/evidence/` and `/api/v1/sources/`: partners cite sources for the claims they see
(a web page archived in the background, or a source stored before), and store sources on their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.choices import ClaimStatus, JobKind, SourceFetchStatus
from claims.models import Claim, Evidence, Job, Source
from tests.factories import EvidenceFactory, SourceFactory
from tests.services.conftest import REPORT_HTML
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

QUOTE = "the bridge carried 160,000 vehicles a day"


@pytest.fixture
def site(settings):
    with LocalSite({"/report": Page(body=REPORT_HTML)}) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.host]
        yield local


@pytest.fixture
def claim(own_article):
    return own_article.claims.get()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- citing --------------------------------------------------------------------------------------------


def test_citing_a_web_page_archives_it_in_the_background_and_checks_the_excerpt(
    partner, write_client, claim, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = write_client.post(
            "/api/v1/evidence/",
            {"claim": claim.pk, "source_url": site.url("/report"), "stance": "supports", "excerpt": QUOTE},
            format="json",
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"]["fetch_status"] == SourceFetchStatus.PENDING  # as it stood when answered
    assert body["excerpt_verified"] is None
    evidence = Evidence.objects.get()
    assert evidence.author == partner.account
    assert evidence.source.fetch_status == SourceFetchStatus.FETCHED
    assert evidence.excerpt_verified is True
    assert Job.objects.get().kind == JobKind.FETCH_SOURCE
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW  # work started on it

    again = write_client.get(f"/api/v1/evidence/?claim={claim.pk}").json()["results"][0]
    assert (again["excerpt_verified"], again["source"]["fetch_status"]) == (True, "fetched")


def test_citing_a_stored_source_by_id(write_client, claim):
    created = write_client.post(
        "/api/v1/sources/",
        {"title": "Phone call with the press office", "archived_text": "We spent 3.2 million."},
        format="json",
    )
    source_id = created.json()["id"]

    response = write_client.post(
        "/api/v1/evidence/",
        {
            "claim": claim.pk,
            "source": source_id,
            "stance": "refutes",
            "excerpt": "3.2 million",
            "note": "Called",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    assert evidence.source_id == source_id
    assert (evidence.stance, evidence.note, evidence.excerpt_verified) == ("refutes", "Called", True)
    assert Source.objects.count() == 1


def test_a_published_claim_of_someone_else_takes_evidence_too(write_client, published_claim):
    source = SourceFactory(fetch_status=SourceFetchStatus.MANUAL)
    EvidenceFactory(claim=published_claim, source=source)  # so the key sees the source

    response = write_client.post(
        "/api/v1/evidence/",
        {"claim": published_claim.pk, "source": source.pk, "stance": "context"},
        format="json",
    )

    assert response.status_code == 201, response.content


def test_a_read_key_may_not_cite(read_client, claim):
    response = read_client.post(
        "/api/v1/evidence/",
        {"claim": claim.pk, "source_url": "https://example.org/", "stance": "supports"},
        format="json",
    )

    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_a_claim_the_key_may_not_see_is_not_found_and_nothing_is_stored(write_client, private_claim):
    response = write_client.post(
        "/api/v1/evidence/",
        {"claim": private_claim.pk, "source_url": "https://example.org/report", "stance": "supports"},
        format="json",
    )

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert not Evidence.objects.exists()
    assert not Source.objects.exists()


def test_a_source_the_key_may_not_see_is_not_found(write_client, claim, private_claim):
    theirs = EvidenceFactory(claim=private_claim, source=SourceFactory(fetch_status=SourceFetchStatus.MANUAL))

    response = write_client.post(
        "/api/v1/evidence/",
        {"claim": claim.pk, "source": theirs.source_id, "stance": "supports"},
        format="json",
    )

    assert response.status_code == 404
    assert Evidence.objects.count() == 1


def test_evidence_input_is_checked_field_by_field(write_client, claim):
    response = write_client.post(
        "/api/v1/evidence/",
        {"claim": "one", "stance": "agrees", "source_url": "x", "source": 1},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"claim", "stance"}
    both = write_client.post(
        "/api/v1/evidence/",
        {"claim": claim.pk, "stance": "supports", "source_url": "https://example.org/", "source": 1},
        format="json",
    )
    assert both.json()["errors"] == {
        "source": ["Give either source (the id of a stored source) or source_url, not both."]
    }


def test_the_evidence_services_refusals_are_400s_with_their_message(write_client, claim):
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.DISMISSED)
    dismissed = write_client.post(
        "/api/v1/evidence/",
        {"claim": claim.pk, "source_url": "https://example.org/", "stance": "supports"},
        format="json",
    )
    assert dismissed.status_code == 400
    assert "dismissed" in dismissed.json()["detail"]

    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.NEW)
    internal = write_client.post(
        "/api/v1/evidence/",
        {"claim": claim.pk, "source_url": "http://10.0.0.1/", "stance": "supports"},
        format="json",
    )
    assert internal.status_code == 400
    assert not Evidence.objects.exists()


# --- listing evidence ----------------------------------------------------------------------------------


def test_a_key_lists_the_evidence_of_the_claims_it_sees(read_client, claim, published_claim, private_claim):
    ours = EvidenceFactory(claim=claim)
    published = EvidenceFactory(claim=published_claim)
    EvidenceFactory(claim=private_claim)

    assert ids(read_client.get("/api/v1/evidence/")) == [published.pk, ours.pk]
    assert ids(read_client.get(f"/api/v1/evidence/?claim={claim.pk}")) == [ours.pk]
    assert ids(read_client.get(f"/api/v1/evidence/?claim={private_claim.pk}")) == []


def test_the_evidence_list_costs_the_same_queries_whatever_the_page_size(
    read_client, claim, django_assert_num_queries
):
    for _ in range(105):
        EvidenceFactory(claim=claim)
    read_client.get("/api/v1/ratings/")
    with CaptureQueriesContext(connection) as one:
        read_client.get("/api/v1/evidence/?page_size=1")

    with django_assert_num_queries(len(one)):
        assert len(read_client.get("/api/v1/evidence/?page_size=100").json()["results"]) == 100


# --- sources -------------------------------------------------------------------------------------------


def test_a_source_by_address_is_queued_for_archiving(
    partner, write_client, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = write_client.post("/api/v1/sources/", {"url": site.url("/report")}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["fetch_status"] == "pending"
    source = Source.objects.get()
    assert source.created_by == partner.account
    assert source.fetch_status == SourceFetchStatus.FETCHED
    body = write_client.get(f"/api/v1/sources/{source.pk}/").json()
    assert body["fetch_status"] == "fetched"
    assert body["title"] == "Harbour bridge traffic report 2023"
    assert len(body["archived_hash"]) == 64

    # The same page again is the same source.
    with django_capture_on_commit_callbacks(execute=True):
        again = write_client.post(
            "/api/v1/sources/", {"url": site.url("/report") + "?utm_source=x"}, format="json"
        )
    assert again.json()["id"] == source.pk
    assert Source.objects.count() == 1


def test_a_source_entered_by_hand(write_client):
    response = write_client.post(
        "/api/v1/sources/",
        {"title": "  Council   minutes ", "publisher": "City council", "published_at": "2026-01-05"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["publisher"], body["published_at"], body["fetch_status"]) == (
        "Council minutes",
        "City council",
        "2026-01-05",
        "manual",
    )
    assert not Job.objects.exists()


def test_a_source_needs_an_address_or_a_title_and_the_services_checks_apply(write_client):
    empty = write_client.post("/api/v1/sources/", {"publisher": "Nobody"}, format="json")
    assert empty.status_code == 400
    assert "url" in empty.json()["errors"]

    internal = write_client.post("/api/v1/sources/", {"url": "http://localhost/secret"}, format="json")
    assert internal.status_code == 400
    future = write_client.post(
        "/api/v1/sources/", {"title": "Tomorrow's paper", "published_at": "2999-01-01"}, format="json"
    )
    assert future.status_code == 400
    assert "future" in future.json()["detail"]
    assert not Source.objects.exists()


def test_a_read_key_may_not_add_a_source(read_client):
    assert read_client.post("/api/v1/sources/", {"title": "A note"}, format="json").status_code == 403
    assert not Source.objects.exists()


def test_a_key_sees_the_sources_it_added_and_those_cited_where_it_sees(
    partner, read_client, published_claim, private_claim
):
    added = SourceFactory(created_by=partner.account)
    cited = EvidenceFactory(claim=published_claim).source
    theirs = EvidenceFactory(claim=private_claim).source
    SourceFactory()  # nobody cites it

    assert ids(read_client.get("/api/v1/sources/")) == [cited.pk, added.pk]
    assert read_client.get(f"/api/v1/sources/{theirs.pk}/").status_code == 404


def test_the_source_list_costs_the_same_queries_whatever_the_page_size(
    partner, read_client, django_assert_num_queries
):
    for _ in range(105):
        SourceFactory(created_by=partner.account)
    read_client.get("/api/v1/ratings/")
    with CaptureQueriesContext(connection) as one:
        read_client.get("/api/v1/sources/?page_size=1")

    with django_assert_num_queries(len(one)):
        assert len(read_client.get("/api/v1/sources/?page_size=100").json()["results"]) == 100
