"""Specification of who may call the API: partners' keys and their scopes, people signed in to the workbench
(with CSRF), rate limits per key, and errors as problem+json whatever went wrong."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from claims.api.authentication import LAST_USED_RESOLUTION
from claims.models import Article, PartnerAPIKey

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/api/v1/problems/")
    assert body["title"]
    return body


# --- keys ----------------------------------------------------------------------------------------------


def test_it_answers_401_without_a_key_and_says_how_to_authenticate(anon_client):
    response = anon_client.get("/api/v1/claims/")

    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Api-Key"
    assert "credentials" in body["detail"]


def test_it_answers_401_to_a_key_that_does_not_exist(key_client, partner, make_key):
    real = make_key(partner, ["read"])
    prefix = real.partition(".")[0]

    assert_problem(key_client(f"{prefix}.not-the-secret").get("/api/v1/claims/"), 401)
    assert_problem(key_client("nonsense").get("/api/v1/claims/"), 401)


def test_a_key_with_characters_no_key_has_is_refused_not_crashed_on(anon_client):
    assert_problem(anon_client.get("/api/v1/claims/", HTTP_AUTHORIZATION="Api-Key abc.\x00def"), 401)
    assert_problem(anon_client.get("/api/v1/claims/", HTTP_AUTHORIZATION="Api-Key \x00abc.def"), 401)
    assert_problem(anon_client.get("/api/v1/claims/", HTTP_AUTHORIZATION="Api-Key " + "a" * 5_000), 401)


def test_it_answers_401_to_the_keyword_without_a_key(anon_client):
    body = assert_problem(anon_client.get("/api/v1/claims/", HTTP_AUTHORIZATION="Api-Key   "), 401)
    assert "no key" in body["detail"]


def test_a_revoked_key_is_refused(partner, make_key, key_client):
    key = make_key(partner, ["read"])
    PartnerAPIKey.objects.update(revoked=True)

    body = assert_problem(key_client(key).get("/api/v1/claims/"), 401)
    assert "revoked" in body["detail"]


def test_an_expired_key_is_refused(partner, make_key, key_client):
    key = make_key(partner, ["read"], expiry_date=timezone.now() - timedelta(minutes=1))

    body = assert_problem(key_client(key).get("/api/v1/claims/"), 401)
    assert "expired" in body["detail"]


def test_a_key_of_a_partner_switched_off_is_refused(partner, make_key, key_client):
    key = make_key(partner, ["read"])
    partner.active = False
    partner.save()

    assert_problem(key_client(key).get("/api/v1/claims/"), 401)


def test_when_a_key_was_last_used_is_recorded_at_most_once_a_minute(partner, make_key, key_client):
    client = key_client(make_key(partner, ["read"]))
    assert PartnerAPIKey.objects.get().last_used_at is None

    assert client.get("/api/v1/ratings/").status_code == 200
    first = PartnerAPIKey.objects.get().last_used_at
    assert timezone.now() - first < timedelta(seconds=5)

    assert client.get("/api/v1/ratings/").status_code == 200
    assert PartnerAPIKey.objects.get().last_used_at == first  # within the minute: not written again

    api_key = PartnerAPIKey.objects.get()
    api_key.last_used_at = first - LAST_USED_RESOLUTION  # as if a minute had passed
    api_key.save()
    assert client.get("/api/v1/ratings/").status_code == 200
    assert PartnerAPIKey.objects.get().last_used_at > first


# --- scopes --------------------------------------------------------------------------------------------


def test_a_read_key_may_not_write(read_client):
    body = assert_problem(
        read_client.post("/api/v1/articles/", {"text": "The sky is green."}, format="json"), 403
    )

    assert "write" in body["detail"]
    assert not Article.objects.exists()


def test_a_key_without_the_read_scope_may_not_read(partner, make_key, key_client):
    client = key_client(make_key(partner, ["write"]))

    body = assert_problem(client.get("/api/v1/claims/"), 403)
    assert "read" in body["detail"]


# --- people signed in to the workbench -----------------------------------------------------------------


@pytest.fixture
def browser(alice):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


def test_a_reviewer_signed_in_reads_through_the_session(browser, private_claim):
    response = browser.get("/api/v1/claims/")

    assert response.status_code == 200
    # A person of the workbench sees what their role lets them see, partners' unpublished work included.
    assert [c["id"] for c in response.json()["results"]] == [private_claim.pk]


def test_a_session_write_needs_the_csrf_token(browser):
    refused = browser.post("/api/v1/articles/", {"text": "The council met on Tuesday."}, format="json")
    body = assert_problem(refused, 403)
    assert "CSRF" in body["detail"]
    assert not Article.objects.exists()

    browser.get("/accounts/login/")  # any page that renders a form sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/articles/", {"text": "The council met on Tuesday."}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201, accepted.content
    assert Article.objects.get().ingested_by.username == "alice"


def test_a_person_without_a_role_may_not_read(mallory):
    client = APIClient()
    client.force_login(mallory)

    assert_problem(client.get("/api/v1/claims/"), 403)


# --- rate limits ---------------------------------------------------------------------------------------


def test_over_the_rate_a_key_gets_429_with_retry_after(
    partner, other_partner, make_key, key_client, settings
):
    settings.API_RATE_LIMIT = "2/minute"  # read by the throttle on each request
    client = key_client(make_key(partner, ["read"]))

    assert client.get("/api/v1/ratings/").status_code == 200
    assert client.get("/api/v1/claims/").status_code == 200
    response = client.get("/api/v1/ratings/")

    body = assert_problem(response, 429)
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    assert body["retry_after"] == wait
    # Per key: another key (here another partner's) has its own allowance.
    assert key_client(make_key(other_partner, ["read"])).get("/api/v1/ratings/").status_code == 200


# --- every error is problem+json -----------------------------------------------------------------------


def test_an_address_that_matches_nothing_is_a_problem(read_client):
    assert_problem(read_client.get("/api/v1/no-such-thing/"), 404)
    assert_problem(read_client.get("/api/v1/claims/not-a-number/"), 404)


def test_a_method_not_allowed_is_a_problem(write_client):
    assert_problem(write_client.delete("/api/v1/ratings/"), 405)


def test_a_body_that_is_not_json_is_a_problem(write_client):
    assert_problem(write_client.post("/api/v1/articles/", "text=hello", content_type="text/plain"), 415)
    assert_problem(write_client.post("/api/v1/articles/", b"{not json", content_type="application/json"), 400)
    binary = bytes(range(256)) * 4
    assert_problem(write_client.post("/api/v1/articles/", binary, content_type="application/json"), 400)
    nested = b"[" * 100_000 + b"]" * 100_000
    body = assert_problem(
        write_client.post("/api/v1/articles/", nested, content_type="application/json"), 400
    )
    assert "nested" in body["detail"]


def test_a_body_that_is_json_but_not_an_object_is_a_validation_problem(write_client):
    body = assert_problem(write_client.post("/api/v1/articles/", [1, 2], format="json"), 400)
    assert body["detail"]


def test_a_body_over_the_size_limit_is_refused_with_413(write_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = assert_problem(write_client.post("/api/v1/articles/", {"text": "x" * 2_000}, format="json"), 413)

    assert "1,000 bytes" in body["detail"]
    assert not Article.objects.exists()


def test_asking_for_a_format_the_api_does_not_speak_is_a_problem(read_client):
    assert_problem(read_client.get("/api/v1/ratings/", HTTP_ACCEPT="text/csv"), 406)
