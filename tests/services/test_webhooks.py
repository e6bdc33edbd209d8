"""Specification of partner webhooks: who hears of which event, signed deliveries, retries with back-off, giving
up, disabling an endpoint, redelivery, and the guarded POST they go through (claims/services/webhooks.py).

Jobs run in-process here (JOB_RUNNER=eager) when their transaction commits; the receiver is a local site
(tests/support/local_site.py) on the fetch allow-list. tests/test_webhook_worker.py does the same on a real
worker and kills it mid-delivery.
"""

import hashlib
import hmac
import json
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from claims import fetching
from claims.choices import DeliveryStatus, JobKind, JobStatus, WebhookEvent
from claims.errors import InputRejected
from claims.models import Job, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from claims.services import webhooks
from claims.services.ingest import article_ingest_text
from claims.services.jobs import job_run
from claims.services.partners import partner_create
from claims.services.verdicts import verdict_approve, verdict_revise, verdict_save, verdict_submit
from tests.factories import ClaimFactory, fresh, rating
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

ALL_EVENTS = list(WebhookEvent.values)
TEXT = "The tram line opened in 1974. It carried 20,000 people a day. Critics called it a waste of money."


# --- the stage: partners, a receiver, a way to let jobs run --------------------------------------------------


@pytest.fixture
def receiver(settings):
    """A local web site whose /hook answers 200 (change `receiver.pages["/hook"]` to change its answer)."""
    with LocalSite({"/hook": Page(body=b"ok", content_type="text/plain")}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        yield site


@pytest.fixture
def planet(db):
    return partner_create(name="Daily Planet", contact_email="api@planet.example")


@pytest.fixture
def bugle(db):
    return partner_create(name="Bugle Wire", contact_email="api@bugle.example")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block queued on commit (jobs, e-mails), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def longest_wait():
    """random.uniform always picks the top of its range, so every back-off is its ceiling."""
    with mock.patch("claims.services.webhooks.random.uniform", side_effect=lambda low, high: high) as uniform:
        yield uniform


def register(partner, url, events=ALL_EVENTS):
    endpoint, secret = webhooks.webhook_endpoint_create(partner=partner, url=url, events=events)
    return endpoint, secret


def publish(claim, author, editor, *, summary="The line opened in 1984, not 1974."):
    """Write, submit and approve a verdict of `claim` through the services; returns it published."""
    verdict = verdict_save(claim=claim, rating=rating("false"), summary=summary, rationale="", user=author)
    verdict = verdict_submit(verdict=verdict, user=author, expected_version=verdict.version)
    return verdict_approve(verdict=verdict, user=editor, expected_version=verdict.version)


def posts(site, path="/hook"):
    return [request for request in site.requests if request.method == "POST" and request.path == path]


def signatures(header: str) -> tuple[int, list[str]]:
    """A receiver's reading of X-Webhook-Signature: its timestamp and every v1 signature."""
    pairs = [part.split("=", 1) for part in header.split(",")]
    [timestamp] = [int(value) for name, value in pairs if name == "t"]
    return timestamp, [value for name, value in pairs if name == "v1"]


def signed_with(request, secret: str) -> bool:
    """What a receiver does: recompute HMAC-SHA256(secret, f"{t}.{body}") and compare in constant time."""
    timestamp, given = signatures(request.headers["x-webhook-signature"])
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    return abs(time.time() - timestamp) < 300 and any(hmac.compare_digest(expected, v1) for v1 in given)


def run_the_queued_job() -> None:
    """Run the one delivery job that is queued (its transaction did not commit, so nothing ran it yet)."""
    job = Job.objects.get(kind=JobKind.DELIVER_WEBHOOK, status=JobStatus.QUEUED)
    job_run(job_id=job.pk, token=f"run-{job.pk}")


def time_passes(delivery) -> None:
    """The delivery's next attempt is due now."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def the_window_ended(delivery) -> None:
    """The event happened a retry window (and a minute) ago."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(hours=24, minutes=1)
    )


# --- registering an endpoint ----------------------------------------------------------------------------------


def test_an_endpoint_is_registered_with_a_new_secret_returned_once(planet, receiver):
    endpoint, secret = register(planet, receiver.url("/hook"), ["verdict.published", "claim.created"])

    assert secret.startswith("whsec_") and len(secret) > 40
    endpoint.refresh_from_db()
    assert endpoint.secret == secret and endpoint.active and endpoint.partner == planet
    assert endpoint.events == ["verdict.published", "claim.created"]
    _, other = register(planet, receiver.url("/hook"), ["verdict.published"])
    assert other != secret


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://127.0.0.1:8000/hook", "inside our own network"),
        ("http://localhost/hook", "inside our own network"),
        ("http://10.1.2.3/hook", "inside our own network"),
        ("http://169.254.169.254/latest/meta-data/", "inside our own network"),
        ("http://[::1]/hook", "inside our own network"),
        ("http://2130706433/hook", "inside our own network"),
        ("ftp://files.example/hook", "only fetch web pages"),
        ("https://user:secret@cms.example/hook", "user name or password"),
        ("", "Give the address"),
    ],
)
def test_an_internal_or_malformed_address_is_refused_and_nothing_is_stored(planet, url, message):
    with pytest.raises(InputRejected, match=message):
        register(planet, url)
    assert WebhookEndpoint.objects.count() == 0


def test_events_must_be_known_and_are_kept_once_each(planet, receiver):
    with pytest.raises(InputRejected, match="Unknown event 'verdict.deleted'"):
        register(planet, receiver.url("/hook"), ["verdict.published", "verdict.deleted"])
    with pytest.raises(InputRejected, match="at least one event"):
        register(planet, receiver.url("/hook"), [])
    endpoint, _ = register(
        planet, receiver.url("/hook"), ["claim.created", "verdict.published", "claim.created"]
    )
    assert endpoint.events == ["verdict.published", "claim.created"]


def test_a_partner_has_at_most_twenty_endpoints(planet, receiver):
    for _ in range(webhooks.MAX_ENDPOINTS_PER_PARTNER):
        register(planet, receiver.url("/hook"))
    with pytest.raises(InputRejected, match="at most 20"):
        register(planet, receiver.url("/hook"))


def test_switching_an_endpoint_on_again_forgets_why_it_was_disabled(planet, receiver):
    endpoint, _ = register(planet, receiver.url("/hook"))
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False, disabled_at=timezone.now(), disabled_reason="It kept failing.", consecutive_failures=3
    )
    endpoint = webhooks.webhook_endpoint_update(endpoint=endpoint, active=True)
    assert (endpoint.active, endpoint.disabled_at, endpoint.disabled_reason) == (True, None, "")
    assert endpoint.consecutive_failures == 0

    endpoint = webhooks.webhook_endpoint_update(endpoint=endpoint, active=False)
    assert not endpoint.active and endpoint.disabled_reason == "Switched off by the partner."


def test_a_changed_address_is_checked_like_a_new_one(planet, receiver):
    endpoint, _ = register(planet, receiver.url("/hook"))
    with pytest.raises(InputRejected, match="inside our own network"):
        webhooks.webhook_endpoint_update(endpoint=endpoint, url="http://192.168.0.1/hook")
    assert fresh(endpoint).url == receiver.url("/hook")


# --- who hears of which event ----------------------------------------------------------------------------------


def test_a_published_verdict_is_told_to_every_subscribed_active_endpoint_of_every_partner(
    planet, bugle, receiver, alice, carol
):
    planet_hook, _ = register(planet, receiver.url("/hook"), ["verdict.published"])
    bugle_hook, _ = register(bugle, receiver.url("/hook"), ["verdict.published", "verdict.updated"])
    register(bugle, receiver.url("/hook"), ["claim.created"])  # not subscribed
    off, _ = register(planet, receiver.url("/hook"), ["verdict.published"])
    webhooks.webhook_endpoint_update(endpoint=off, active=False)

    verdict = publish(ClaimFactory(), alice, carol)

    deliveries = WebhookDelivery.objects.order_by("endpoint_id")
    assert [d.endpoint_id for d in deliveries] == [planet_hook.pk, bugle_hook.pk]
    assert {d.event for d in deliveries} == {"verdict.published"}
    assert len({d.event_id for d in deliveries}) == 1  # one event, one id wherever it is told
    payload = deliveries[0].payload
    assert set(payload) == {"id", "event", "created", "data"}
    assert payload["id"] == str(deliveries[0].event_id) and payload["event"] == "verdict.published"
    data = payload["data"]
    assert data["id"] == verdict.pk and data["summary"] == "The line opened in 1984, not 1974."
    assert data["rating"] == {"slug": "false", "label": rating("false").label, "value": rating("false").value}
    assert data["claim"]["id"] == verdict.claim_id and data["replaces"] is None
    # What a read key may see: nothing about who wrote or approved it, no review comments.
    assert not {"author", "approver", "review_comment", "version"} & set(data)


def test_a_later_revision_published_is_told_as_verdict_updated_naming_the_one_it_replaces(
    planet, receiver, alice, carol
):
    register(planet, receiver.url("/hook"), ["verdict.published", "verdict.updated"])
    claim = ClaimFactory()
    first = publish(claim, alice, carol)
    revision = verdict_revise(claim=claim, user=alice)
    revision = verdict_save(
        claim=claim,
        rating=rating("false"),
        summary="It opened in 1984.",
        rationale="",
        user=alice,
        expected_version=revision.version,
    )
    revision = verdict_submit(verdict=revision, user=alice, expected_version=revision.version)
    verdict_approve(verdict=revision, user=carol, expected_version=revision.version)

    events = list(WebhookDelivery.objects.order_by("id").values_list("event", "payload__data__id"))
    assert events == [("verdict.published", first.pk), ("verdict.updated", revision.pk)]
    assert WebhookDelivery.objects.get(event="verdict.updated").payload["data"]["replaces"] == first.pk


def test_an_article_and_its_claims_are_told_only_to_the_partner_that_pushed_it(
    planet, bugle, receiver, alice
):
    planet_hook, _ = register(planet, receiver.url("/hook"), ["article.ingested", "claim.created"])
    register(bugle, receiver.url("/hook"), ["article.ingested", "claim.created"])

    article = article_ingest_text(text=TEXT, user=planet.account).article
    article_ingest_text(text="A person pasted this. It has two sentences.", user=alice)

    deliveries = WebhookDelivery.objects.order_by("id")
    assert {d.endpoint_id for d in deliveries} == {planet_hook.pk}
    assert [d.event for d in deliveries] == ["claim.created"] * 3 + ["article.ingested"]
    told = [d.payload["data"]["id"] for d in deliveries if d.event == "claim.created"]
    assert sorted(told) == sorted(article.claims.values_list("pk", flat=True))
    first_claim = deliveries[0].payload["data"]
    assert first_claim["text"] == "The tram line opened in 1974." and first_claim["article"] == article.pk
    article_data = deliveries.get(event="article.ingested").payload["data"]
    assert article_data["id"] == article.pk and article_data["claims"] == 3
    assert "text" not in article_data  # the partner sent it; the event says it was stored


def test_a_change_that_rolls_back_leaves_no_delivery(planet, receiver, alice, carol):
    register(planet, receiver.url("/hook"))
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(ClaimFactory(), alice, carol)
        assert WebhookDelivery.objects.count() == 1  # stored with the change…
        raise RuntimeError("the request failed later")
    assert WebhookDelivery.objects.count() == 0  # …and gone with it
    assert not Job.objects.filter(kind=JobKind.DELIVER_WEBHOOK).exists()


def test_each_delivery_is_a_job_handed_over_on_commit(planet, receiver, alice, carol, committed):
    register(planet, receiver.url("/hook"))
    with committed():
        publish(ClaimFactory(), alice, carol)
        delivery = WebhookDelivery.objects.get()
        job = Job.objects.get(kind=JobKind.DELIVER_WEBHOOK)
        assert job.params == {"delivery": delivery.pk} and job.dedupe_key == f"webhook:{delivery.pk}"
        assert job.enqueued_at is None and posts(receiver) == []  # nothing sent before the commit

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert fresh(delivery).status == DeliveryStatus.DELIVERED and len(posts(receiver)) == 1


# --- a delivery, signed ----------------------------------------------------------------------------------------


def test_a_receiver_verifies_the_signature_with_the_secret_shown_at_creation(
    planet, receiver, alice, carol, committed
):
    endpoint, secret = register(planet, receiver.url("/hook"), ["verdict.published"])
    with committed():
        publish(ClaimFactory(), alice, carol)

    [request] = posts(receiver)
    delivery = WebhookDelivery.objects.get()
    assert signed_with(request, secret)
    assert not signed_with(request, "whsec_not-the-secret")
    _, given = signatures(request.headers["x-webhook-signature"])
    assert len(given) == 1
    body = json.loads(request.body)
    assert body == delivery.payload and body["id"] == request.headers["x-webhook-id"]
    assert request.body == webhooks.delivery_body(delivery)  # canonical: sorted keys, no spaces
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-webhook-event"] == "verdict.published"
    assert request.headers["x-webhook-attempt"] == "1"
    assert int(request.headers["content-length"]) == len(request.body)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    [attempt] = delivery.attempt_log.all()
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 200, "")
    assert 0 <= attempt.duration_ms < 5000


def test_during_a_rotation_both_secrets_sign_and_afterwards_only_the_new_one(
    planet, receiver, alice, carol, committed, settings
):
    settings.WEBHOOK_SECRET_OVERLAP_HOURS = 24
    endpoint, old = register(planet, receiver.url("/hook"), ["verdict.published", "verdict.updated"])
    endpoint, new = webhooks.webhook_secret_rotate(endpoint=endpoint)
    assert new != old and fresh(endpoint).secret == new
    hours = (endpoint.previous_secret_expires_at - timezone.now()).total_seconds() / 3600
    assert 23.9 < hours <= 24

    with committed():
        publish(ClaimFactory(), alice, carol)
    [during] = posts(receiver)
    _, given = signatures(during.headers["x-webhook-signature"])
    assert len(given) == 2
    assert signed_with(during, new) and signed_with(during, old)

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )
    with committed():
        publish(ClaimFactory(), alice, carol)
    after = posts(receiver)[-1]
    _, given = signatures(after.headers["x-webhook-signature"])
    assert len(given) == 1
    assert signed_with(after, new) and not signed_with(after, old)


# --- failures, retries, giving up ------------------------------------------------------------------------------


def test_a_receiver_answering_500_is_retried_with_growing_waits_then_given_up_and_the_endpoint_disabled(
    planet, receiver, alice, carol, committed, longest_wait, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_RETRY_MAX_SECONDS = 3600
    receiver.pages["/hook"] = Page(status=500, body=b"oops", content_type="text/plain")
    endpoint, _ = register(planet, receiver.url("/hook"), ["verdict.published"])
    with committed():
        publish(ClaimFactory(), alice, carol)
    delivery = WebhookDelivery.objects.get()

    waits = []
    for attempt in range(1, 6):
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", attempt, 500)
        assert delivery.last_error == "The server answered 500 Internal Server Error."
        last = delivery.attempt_log.get(number=attempt)
        waits.append((delivery.next_attempt_at - last.attempted_at).total_seconds())
        # Not due yet: the beat leaves it alone.
        with committed():
            assert webhooks.webhooks_submit_due() == 0
        time_passes(delivery)
        with committed():
            assert webhooks.webhooks_submit_due() == 1
    assert waits == [30, 60, 120, 240, 480]  # each the ceiling of its full-jitter range: doubling
    assert len(posts(receiver)) == 6

    # A day after the event, the next wait would end past the window: the delivery is given up.
    the_window_ended(delivery)
    time_passes(delivery)
    with committed():
        webhooks.webhooks_submit_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 7, None)
    assert [a.status_code for a in delivery.attempt_log.all()] == [500] * 7

    # A whole window with no success: the endpoint is disabled, says why, and its partner is told.
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None and endpoint.consecutive_failures == 1
    assert endpoint.disabled_reason.startswith("No delivery succeeded for 24 hours (7 attempts")
    [email] = mail.outbox
    assert email.to == ["api@planet.example"] and receiver.url("/hook") in email.subject
    assert "No delivery succeeded for 24 hours" in email.body and "active" in email.body
    # Nothing more is sent there.
    with committed():
        publish(ClaimFactory(), alice, carol)
    assert WebhookDelivery.objects.count() == 1 and len(posts(receiver)) == 7


def test_a_wait_never_exceeds_its_ceiling_and_stops_doubling_at_the_cap(settings, longest_wait):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_RETRY_MAX_SECONDS = 3600
    ceilings = [webhooks.retry_delay(attempt=n) for n in range(1, 10)]
    assert ceilings == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_real_wait_is_random_between_zero_and_its_ceiling(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    waits = [webhooks.retry_delay(attempt=3) for _ in range(500)]
    assert all(0 <= wait <= 120 for wait in waits) and max(waits) - min(waits) > 60


def test_after_three_deliveries_in_a_row_are_given_up_the_endpoint_is_disabled_and_its_partner_told(
    planet, receiver, alice, carol, committed, settings
):
    # A window too short for a second attempt: each delivery is given up after its first.
    settings.WEBHOOK_RETRY_WINDOW_HOURS = 0
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    receiver.pages["/hook"] = Page(status=503, content_type="text/plain")
    endpoint, _ = register(planet, receiver.url("/hook"), ["verdict.published"])

    for given_up in (1, 2):
        with committed():
            publish(ClaimFactory(), alice, carol)
        endpoint.refresh_from_db()
        assert endpoint.active and endpoint.consecutive_failures == given_up
    assert mail.outbox == []
    with committed():
        publish(ClaimFactory(), alice, carol)

    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.consecutive_failures == 3
    assert endpoint.disabled_reason.startswith("3 deliveries in a row failed")
    assert "503 Service Unavailable" in endpoint.disabled_reason
    assert list(WebhookDelivery.objects.values_list("status", flat=True)) == ["failed"] * 3
    [email] = mail.outbox
    assert email.to == ["api@planet.example"] and "3 deliveries in a row failed" in email.body


def test_a_success_resets_the_count_of_failures_in_a_row(planet, receiver, alice, carol, committed, settings):
    settings.WEBHOOK_RETRY_WINDOW_HOURS = 0
    endpoint, _ = register(planet, receiver.url("/hook"), ["verdict.published"])
    for answer in (500, 500, 200, 500, 500):
        receiver.pages["/hook"] = Page(status=answer, content_type="text/plain")
        with committed():
            publish(ClaimFactory(), alice, carol)

    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.consecutive_failures == 2 and mail.outbox == []


def test_disabling_an_endpoint_fails_its_pending_deliveries_unsent(planet, receiver, alice, carol, committed):
    endpoint, _ = register(planet, receiver.url("/hook"), ["verdict.published"])
    publish(ClaimFactory(), alice, carol)  # not committed: its job has not run
    delivery = WebhookDelivery.objects.get()
    webhooks.webhook_endpoint_update(endpoint=endpoint, active=False)

    run_the_queued_job()
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.last_error == webhooks.DISABLED
    assert delivery.attempts == 0 and posts(receiver) == []


def test_a_redirect_is_a_failed_attempt_and_its_target_is_never_contacted(
    planet, receiver, alice, carol, committed
):
    with LocalSite({"/admin": Page(body=b"internal")}) as internal:  # not on the allow-list: "internal"
        receiver.pages["/hook"] = Page(status=302, headers={"Location": internal.url("/admin")})
        register(planet, receiver.url("/hook"), ["verdict.published"])
        with committed():
            publish(ClaimFactory(), alice, carol)

        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "pending" and delivery.last_status_code == 302
        assert delivery.last_error == "The server answered 302 Found: redirects are not followed."
        assert internal.requests == []


def test_an_address_that_has_become_internal_is_refused_at_the_attempt(
    planet, receiver, alice, carol, committed, settings
):
    register(planet, receiver.url("/hook"), ["verdict.published"])
    settings.FETCH_ALLOWED_HOSTS = []  # as when the name now resolves to an internal address
    with committed():
        publish(ClaimFactory(), alice, carol)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert "inside our own network" in delivery.last_error
    assert delivery.attempt_log.get().error == delivery.last_error
    assert posts(receiver) == []


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(
    planet, receiver, alice, carol, committed, settings
):
    settings.WEBHOOK_TIMEOUT = 0.5
    receiver.pages["/hook"] = Page(status=200, delay=2)
    register(planet, receiver.url("/hook"), ["verdict.published"])
    with committed():
        publish(ClaimFactory(), alice, carol)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "took too long" in delivery.last_error
    assert delivery.attempt_log.get().duration_ms < 2000


# --- idempotence, kills and redelivery ---------------------------------------------------------------------


def test_running_a_delivery_again_once_it_is_delivered_sends_nothing(
    planet, receiver, alice, carol, committed
):
    register(planet, receiver.url("/hook"), ["verdict.published"])
    with committed():
        publish(ClaimFactory(), alice, carol)
    delivery = WebhookDelivery.objects.get()

    assert webhooks.webhook_attempt(delivery_id=delivery.pk) == {
        "delivery": delivery.pk,
        "status": "delivered",
    }
    assert webhooks.webhook_attempt(delivery_id=delivery.pk + 1000) == {
        "delivery": delivery.pk + 1000,
        "status": "gone",
    }
    assert len(posts(receiver)) == 1 and fresh(delivery).attempts == 1


def test_the_beat_submits_one_job_per_due_delivery_however_often_it_runs(planet, receiver, alice, carol):
    register(planet, receiver.url("/hook"), ["verdict.published"])
    register(planet, receiver.url("/hook"), ["verdict.published"])
    publish(ClaimFactory(), alice, carol)  # two deliveries, their jobs queued, not yet run
    for delivery in WebhookDelivery.objects.all():
        time_passes(delivery)

    assert webhooks.webhooks_submit_due() == 2
    assert webhooks.webhooks_submit_due() == 2  # joins the jobs already queued
    assert Job.objects.filter(kind=JobKind.DELIVER_WEBHOOK).count() == 2


def test_an_attempt_whose_worker_was_killed_counts_as_failed_and_the_next_one_is_made(
    planet, receiver, alice, carol, committed
):
    register(planet, receiver.url("/hook"), ["verdict.published"])
    publish(ClaimFactory(), alice, carol)
    delivery = WebhookDelivery.objects.get()
    # What a worker killed mid-POST leaves: the attempt claimed and logged as stopped, the next one scheduled.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=1, next_attempt_at=timezone.now())
    WebhookAttempt.objects.create(delivery=delivery, number=1, error=webhooks.STOPPED)

    run_the_queued_job()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert list(delivery.attempt_log.values_list("number", "status_code", "error")) == [
        (1, None, webhooks.STOPPED_CLOSED),
        (2, 200, ""),
    ]
    assert [request.headers["x-webhook-attempt"] for request in posts(receiver)] == ["2"]


def test_a_killed_attempt_after_the_window_ended_gives_the_delivery_up_without_sending(
    planet, receiver, alice, carol, committed
):
    register(planet, receiver.url("/hook"), ["verdict.published"])
    publish(ClaimFactory(), alice, carol)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=4, next_attempt_at=timezone.now())
    WebhookAttempt.objects.create(delivery=delivery, number=4, error=webhooks.STOPPED)
    the_window_ended(delivery)

    run_the_queued_job()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 4, webhooks.STOPPED_CLOSED)
    assert posts(receiver) == []


def test_redelivering_sends_the_same_event_id_and_body_again(planet, receiver, alice, carol, committed):
    endpoint, secret = register(planet, receiver.url("/hook"), ["verdict.published"])
    with committed():
        publish(ClaimFactory(), alice, carol)
    delivery = WebhookDelivery.objects.get()

    with committed():
        webhooks.webhook_redeliver(delivery=delivery)

    first, again = posts(receiver)
    assert again.body == first.body and again.headers["x-webhook-id"] == first.headers["x-webhook-id"]
    assert signed_with(again, secret) and again.headers["x-webhook-attempt"] == "2"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_a_failed_delivery_redelivered_by_hand_is_sent_at_once(
    planet, receiver, alice, carol, committed, settings
):
    settings.WEBHOOK_RETRY_WINDOW_HOURS = 0
    receiver.pages["/hook"] = Page(status=500)
    register(planet, receiver.url("/hook"), ["verdict.published"])
    with committed():
        publish(ClaimFactory(), alice, carol)
    delivery = WebhookDelivery.objects.get()
    assert fresh(delivery).status == "failed"

    receiver.pages["/hook"] = Page(status=204)
    with committed():
        webhooks.webhook_redeliver(delivery=delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 204)
    assert fresh(delivery.endpoint).consecutive_failures == 0


def test_redelivery_is_refused_while_the_endpoint_is_disabled(planet, receiver, alice, carol, committed):
    endpoint, _ = register(planet, receiver.url("/hook"), ["verdict.published"])
    with committed():
        publish(ClaimFactory(), alice, carol)
    webhooks.webhook_endpoint_update(endpoint=endpoint, active=False)

    with pytest.raises(InputRejected, match="disabled"):
        webhooks.webhook_redeliver(delivery=WebhookDelivery.objects.get())
    assert len(posts(receiver)) == 1


# --- the guarded POST ------------------------------------------------------------------------------------------


def test_post_sends_the_body_and_headers_to_the_checked_address(receiver):
    result = fetching.post(
        receiver.url("/hook?x=1"), body=b'{"a":1}', headers={"Content-Type": "application/json"}, timeout=5
    )

    assert (result.status, result.body, result.content_type) == (200, b"ok", "text/plain")
    [request] = receiver.requests
    assert (request.method, request.path, request.body) == ("POST", "/hook?x=1", b'{"a":1}')
    assert request.headers["content-type"] == "application/json"
    assert request.headers["host"] == receiver.host


def test_post_never_follows_a_redirect(receiver):
    receiver.pages["/hook"] = Page(status=307, headers={"Location": receiver.url("/elsewhere")})
    with pytest.raises(fetching.HTTPStatusError, match="redirects are not followed") as refused:
        fetching.post(receiver.url("/hook"), body=b"{}")
    assert refused.value.status == 307
    assert [request.path for request in receiver.requests] == ["/hook"]


def test_post_reports_an_error_status_with_its_code(receiver):
    receiver.pages["/hook"] = Page(status=429, headers={"Retry-After": "30"})
    with pytest.raises(fetching.HTTPStatusError, match="429 Too Many Requests") as refused:
        fetching.post(receiver.url("/hook"), body=b"{}")
    assert refused.value.status == 429 and refused.value.headers["retry-after"] == "30"


def test_post_reads_a_large_answer_only_up_to_its_cap(receiver):
    receiver.pages["/hook"] = Page(body=b"x" * 500_000)
    result = fetching.post(receiver.url("/hook"), body=b"{}", max_bytes=1000)
    assert result.status == 200 and result.body == b"x" * 1000


def test_post_refuses_an_internal_address_before_connecting(receiver, settings):
    settings.FETCH_ALLOWED_HOSTS = []
    with pytest.raises(fetching.FetchError, match="inside our own network"):
        fetching.post(receiver.url("/hook"), body=b"{}")
    assert receiver.requests == []


def test_post_keeps_the_headers_that_guard_the_request_its_own(receiver):
    with pytest.raises(ValueError, match="Host"):
        fetching.post(receiver.url("/hook"), body=b"{}", headers={"Host": "internal.example"})
