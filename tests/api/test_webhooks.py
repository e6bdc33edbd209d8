"""Specification of `/api/v1/webhooks/` and `/api/v1/webhook-deliveries/`: a partner registers its endpoints
(the secret shown once), reads their delivery log, rotates the secret, redelivers; it never sees another
partner's. The deliveries themselves are specified in tests/services/test_webhooks.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import WebhookDelivery, WebhookEndpoint
from claims.services import webhooks
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

HOOKS = "/api/v1/webhooks/"
EVENTS = ["verdict.published", "claim.created"]


def hook(endpoint) -> str:
    return f"{HOOKS}{endpoint.pk}/"


def redeliver(delivery) -> str:
    return f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/"


@pytest.fixture
def receiver(settings):
    with LocalSite({"/hook": Page(body=b"ok", content_type="text/plain")}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        yield site


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def endpoint(partner, receiver) -> WebhookEndpoint:
    return webhooks.webhook_endpoint_create(partner=partner, url=receiver.url("/hook"), events=EVENTS)[0]


@pytest.fixture
def theirs(other_partner, receiver) -> WebhookEndpoint:
    return webhooks.webhook_endpoint_create(partner=other_partner, url=receiver.url("/hook"), events=EVENTS)[
        0
    ]


def tell(partner, n: int = 1) -> list[WebhookDelivery]:
    """`n` claim.created events for `partner` (as if claims of its article were made)."""
    made = []
    for i in range(n):
        made += webhooks.webhooks_emit(
            event="claim.created", data={"id": 1000 + i, "text": f"Claim {i}."}, partners=[partner]
        )
    return made


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["type"].startswith("/api/v1/problems/")
    return body


# --- registering ----------------------------------------------------------------------------------------------


def test_a_write_key_registers_an_endpoint_and_is_shown_its_secret_only_then(write_client, receiver):
    response = write_client.post(HOOKS, {"url": receiver.url("/hook"), "events": EVENTS}, format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    endpoint = WebhookEndpoint.objects.get()
    assert created["secret"] == endpoint.secret and created["secret"].startswith("whsec_")
    assert created["id"] == endpoint.pk and created["events"] == EVENTS and created["active"] is True
    assert response["Location"].endswith(hook(endpoint))

    shown = write_client.get(hook(endpoint)).json()
    assert "secret" not in shown and shown["url"] == receiver.url("/hook")
    listed = write_client.get(HOOKS).json()["results"]
    assert [row["id"] for row in listed] == [endpoint.pk] and "secret" not in listed[0]
    assert endpoint.secret not in write_client.get(f"{hook(endpoint)}deliveries/").content.decode()


def test_a_read_key_lists_its_endpoints_but_cannot_register_one(read_client, endpoint, receiver):
    assert [row["id"] for row in read_client.get(HOOKS).json()["results"]] == [endpoint.pk]
    assert read_client.get(hook(endpoint)).status_code == 200

    body = assert_problem(read_client.post(HOOKS, {"url": receiver.url("/hook"), "events": EVENTS}), 403)
    assert "“write” scope" in body["detail"]
    assert_problem(read_client.patch(hook(endpoint), {"active": False}, format="json"), 403)
    assert_problem(read_client.delete(hook(endpoint)), 403)
    assert_problem(read_client.post(f"{hook(endpoint)}rotate-secret/"), 403)
    assert WebhookEndpoint.objects.count() == 1 and fresh_endpoint(endpoint).active


def fresh_endpoint(endpoint) -> WebhookEndpoint:
    return WebhookEndpoint.objects.get(pk=endpoint.pk)


def test_without_a_key_it_is_401(anon_client, endpoint):
    for response in (anon_client.get(HOOKS), anon_client.get(hook(endpoint)), anon_client.post(HOOKS, {})):
        assert_problem(response, 401)
        assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/hook", "http://10.0.0.7:8080/hook", "http://[::ffff:127.0.0.1]/", "http://localhost/"],
)
def test_an_internal_address_is_refused_with_a_problem_and_nothing_is_stored(write_client, url):
    body = assert_problem(write_client.post(HOOKS, {"url": url, "events": EVENTS}, format="json"), 400)
    assert "inside our own network" in body["detail"]
    assert WebhookEndpoint.objects.count() == 0


def test_mistakes_in_the_request_are_named_field_by_field(write_client, receiver):
    body = assert_problem(
        write_client.post(HOOKS, {"url": "not a url", "events": ["nope"]}, format="json"), 400
    )
    assert set(body["errors"]) == {"url", "events"}
    body = assert_problem(
        write_client.post(HOOKS, {"url": receiver.url("/hook"), "events": []}, format="json"), 400
    )
    assert set(body["errors"]) == {"events"}
    assert WebhookEndpoint.objects.count() == 0


def test_a_person_signed_in_has_no_endpoints_here(client, carol, endpoint, receiver):
    client.force_login(carol)
    assert client.get(HOOKS).json()["results"] == []
    assert_problem(client.get(hook(endpoint)), 404)
    response = client.post(
        HOOKS, {"url": receiver.url("/hook"), "events": EVENTS}, content_type="application/json"
    )
    assert response.status_code == 403


# --- another partner's endpoints --------------------------------------------------------------------------------


def test_another_partners_endpoints_and_deliveries_are_not_found(write_client, theirs, committed):
    with committed():
        [delivery] = tell(theirs.partner)

    assert write_client.get(HOOKS).json()["results"] == []
    assert_problem(write_client.get(hook(theirs)), 404)
    assert_problem(write_client.patch(hook(theirs), {"active": False}, format="json"), 404)
    assert_problem(write_client.put(hook(theirs), {"url": theirs.url, "events": EVENTS}, format="json"), 404)
    assert_problem(write_client.post(f"{hook(theirs)}rotate-secret/"), 404)
    assert_problem(write_client.get(f"{hook(theirs)}deliveries/"), 404)
    assert_problem(write_client.get(f"/api/v1/webhook-deliveries/{delivery.pk}/"), 404)
    assert_problem(write_client.post(redeliver(delivery)), 404)
    assert_problem(write_client.delete(hook(theirs)), 404)

    theirs.refresh_from_db()
    assert theirs.active and WebhookDelivery.objects.get().attempts == 1


def test_an_id_that_is_not_a_number_is_not_found(write_client):
    assert_problem(write_client.get(f"{HOOKS}abc/"), 404)
    assert_problem(write_client.get(f"{HOOKS}99999999999999999/"), 404)


# --- changing, rotating, deleting -------------------------------------------------------------------------------


def test_an_endpoint_is_changed_in_part_or_in_whole(write_client, endpoint, receiver):
    response = write_client.patch(hook(endpoint), {"events": ["verdict.updated"]}, format="json")
    assert response.status_code == 200 and response.json()["events"] == ["verdict.updated"]

    response = write_client.put(
        hook(endpoint), {"url": receiver.url("/hook?v=2"), "events": ["article.ingested"]}, format="json"
    )
    assert response.status_code == 200
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == (receiver.url("/hook?v=2"), ["article.ingested"])

    assert_problem(write_client.put(hook(endpoint), {"events": EVENTS}, format="json"), 400)  # PUT needs url
    body = assert_problem(
        write_client.patch(hook(endpoint), {"url": "http://192.168.1.1/"}, format="json"), 400
    )
    assert "inside our own network" in body["detail"]
    assert fresh_endpoint(endpoint).url == receiver.url("/hook?v=2")


def test_a_disabled_endpoint_says_when_and_why_and_is_switched_on_again(write_client, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False,
        disabled_at=timezone.now(),
        disabled_reason="3 deliveries in a row failed",
        consecutive_failures=3,
    )
    shown = write_client.get(hook(endpoint)).json()
    assert shown["active"] is False and shown["disabled_at"] is not None
    assert shown["disabled_reason"] == "3 deliveries in a row failed" and shown["consecutive_failures"] == 3

    shown = write_client.patch(hook(endpoint), {"active": True}, format="json").json()
    assert (
        shown["active"],
        shown["disabled_at"],
        shown["disabled_reason"],
        shown["consecutive_failures"],
    ) == (
        True,
        None,
        "",
        0,
    )


def test_rotating_shows_the_new_secret_once_and_when_the_old_one_stops_signing(write_client, endpoint):
    old = endpoint.secret
    response = write_client.post(f"{hook(endpoint)}rotate-secret/")

    assert response.status_code == 200
    rotated = response.json()
    endpoint.refresh_from_db()
    assert rotated["secret"] == endpoint.secret != old and endpoint.previous_secret == old
    assert rotated["rotation_ends_at"] is not None
    assert "secret" not in write_client.get(hook(endpoint)).json()


def test_deleting_an_endpoint_removes_it_and_its_log(write_client, endpoint, committed):
    with committed():
        tell(endpoint.partner)
    assert write_client.delete(hook(endpoint)).status_code == 204
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()
    assert_problem(write_client.get(hook(endpoint)), 404)


# --- the delivery log and redelivery ----------------------------------------------------------------------------


def test_the_log_lists_deliveries_newest_first_with_every_attempt(read_client, endpoint, receiver, committed):
    receiver.pages["/hook"] = Page(status=500)
    with committed():
        first, second = tell(endpoint.partner, 2)

    page = read_client.get(f"{hook(endpoint)}deliveries/").json()
    assert [row["id"] for row in page["results"]] == [second.pk, first.pk]
    row = page["results"][1]
    assert row["event"] == "claim.created" and row["status"] == "pending" and row["attempts"] == 1
    assert row["event_id"] == row["payload"]["id"] == str(first.event_id)
    assert row["payload"]["data"] == {"id": 1000, "text": "Claim 0."}
    [attempt] = row["attempt_log"]
    assert attempt["number"] == 1 and attempt["status_code"] == 500
    assert attempt["error"] == "The server answered 500 Internal Server Error."
    assert isinstance(attempt["duration_ms"], int)

    assert read_client.get(f"{hook(endpoint)}deliveries/?status=delivered").json()["results"] == []
    assert len(read_client.get(f"{hook(endpoint)}deliveries/?status=pending").json()["results"]) == 2
    assert_problem(read_client.get(f"{hook(endpoint)}deliveries/?status=lost"), 400)
    assert read_client.get(f"/api/v1/webhook-deliveries/{first.pk}/").json()["id"] == first.pk


def test_the_log_costs_the_same_queries_for_one_delivery_or_many(read_client, endpoint, receiver, committed):
    receiver.pages["/hook"] = Page(status=500)
    url = f"{hook(endpoint)}deliveries/?page_size=200"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert read_client.get(url).status_code == 200
        return len(captured)

    queries()  # the key's first use is recorded once (last_used_at): not part of the page's cost
    with committed():
        tell(endpoint.partner)
    one = queries()
    with committed():
        many = tell(endpoint.partner, 20)
    with committed():
        for delivery in many:
            webhooks.webhook_redeliver(delivery=delivery)  # a second attempt each
    assert WebhookDelivery.objects.filter(attempts=2).count() == 20
    assert queries() == one


def test_the_list_of_endpoints_costs_the_same_queries_for_one_or_many(
    read_client, endpoint, partner, receiver
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert read_client.get(f"{HOOKS}?page_size=200").status_code == 200
        return len(captured)

    queries()  # the key's first use is recorded once
    one = queries()
    for _ in range(15):
        webhooks.webhook_endpoint_create(partner=partner, url=receiver.url("/hook"), events=EVENTS)
    assert len(read_client.get(HOOKS).json()["results"]) == 16
    assert queries() == one


def test_a_write_key_redelivers_the_same_event_now(write_client, read_client, endpoint, receiver, committed):
    with committed():
        [delivery] = tell(endpoint.partner)
    assert_problem(read_client.post(redeliver(delivery)), 403)

    with committed():
        response = write_client.post(redeliver(delivery))

    assert response.status_code == 202, response.content
    assert response.json()["status"] == "pending" and response.json()["event_id"] == str(delivery.event_id)
    delivery.refresh_from_db()  # the attempt was made once the request's transaction committed
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    first, again = (request for request in receiver.requests if request.method == "POST")
    assert again.body == first.body and again.headers["x-webhook-id"] == str(delivery.event_id)


def test_redelivery_to_a_disabled_endpoint_is_refused(write_client, endpoint, committed):
    with committed():
        [delivery] = tell(endpoint.partner)
    webhooks.webhook_endpoint_update(endpoint=endpoint, active=False)

    body = assert_problem(write_client.post(redeliver(delivery)), 400)
    assert "disabled" in body["detail"]
