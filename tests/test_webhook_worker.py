"""Webhook deliveries on a real Celery worker: a delivery whose worker is SIGKILLed mid-POST is delivered after
a restart, and a receiver that keeps answering 500 is retried by the beat until its window ends.

Real worker processes on Redis (tests/support/workers.py) against the test database, with JOB_LEASE_SECONDS=3
and JOB_SWEEP_SECONDS=1, and short webhook timings in their environment. The receiver is a local site.

Delivery is at least once: the killed attempt's request reached the receiver, so it hears of the same event
twice, with the same id (and the same body), and deduplicates on it.
"""

import hashlib
import hmac
import json
import os
import time

import pytest
import redis
from django.db import connection

from claims.choices import DeliveryStatus
from claims.models import WebhookDelivery, WebhookEndpoint
from claims.services import webhooks
from claims.services.partners import partner_create
from claims.services.verdicts import verdict_approve, verdict_save, verdict_submit
from factcheck.celery import app
from tests.factories import ClaimFactory, rating
from tests.support.local_site import LocalSite, Page
from tests.support.workers import start_worker, wait_until

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TIMEOUT = 60

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process needs a shared database"),
]


@pytest.fixture
def broker(settings):
    """This process queues to the test Redis (emptied first); everything is put back afterwards."""
    previous = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    redis.Redis.from_url(REDIS_URL).flushdb()
    settings.JOB_RUNNER = "celery"
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, result_backend=None)
    app._after_fork()  # forget pooled connections to another broker
    yield REDIS_URL
    app.conf.update(previous)
    app._after_fork()


@pytest.fixture
def workers(settings, tmp_path, broker):
    started = []

    def start(**kwargs):
        worker = start_worker(
            database=settings.DATABASES["default"], broker_url=broker, log_dir=tmp_path, **kwargs
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def receiver(settings):
    with LocalSite({"/hook": Page(body=b"ok", content_type="text/plain")}) as site:
        # A killed worker hangs up before the slow answer is written: not worth a traceback.
        site.server.handle_error = lambda request, client_address: None
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        yield site


def publish_a_verdict(alice, carol):
    claim = ClaimFactory()
    verdict = verdict_save(
        claim=claim, rating=rating("false"), summary="Wrong year.", rationale="", user=alice
    )
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)
    return verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)  # commits: queued


def posts(site):
    return [request for request in site.requests if request.method == "POST"]


def signed_with(request, secret: str) -> bool:
    pairs = [part.split("=", 1) for part in request.headers["x-webhook-signature"].split(",")]
    [timestamp] = [value for name, value in pairs if name == "t"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, value) for name, value in pairs if name == "v1")


def test_a_delivery_whose_worker_is_killed_mid_post_is_delivered_after_a_restart(
    alice, carol, receiver, workers, monkeypatch
):
    # The receiver takes 3 s to answer, so the worker is mid-request when it is killed; the attempt after
    # a killed one waits at most a second.
    receiver.pages["/hook"] = Page(body=b"ok", content_type="text/plain", delay=3)
    monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "1")
    monkeypatch.setenv("WEBHOOK_CHECK_SECONDS", "1")
    partner = partner_create(name="Daily Planet", contact_email="api@planet.example")
    endpoint, secret = webhooks.webhook_endpoint_create(
        partner=partner, url=receiver.url("/hook"), events=["verdict.published"]
    )
    first = workers(allowed_host=receiver.host)

    publish_a_verdict(alice, carol)
    wait_until(lambda: len(posts(receiver)) >= 1, timeout=TIMEOUT, what="the first POST")
    first.kill_everything()  # SIGKILL, the worker and its pool, while the receiver is still answering
    killed_at = time.monotonic()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1), first.output()
    assert delivery.attempt_log.get().error == webhooks.STOPPED  # logged before the POST: it was cut off

    second = workers(allowed_host=receiver.host, beat=True)
    wait_until(
        lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED,
        timeout=TIMEOUT,
        what="the delivery after the restart",
    )
    recovery = time.monotonic() - killed_at
    assert second.process.poll() is None, second.output()

    assert WebhookDelivery.objects.count() == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_status_code == 200
    assert list(delivery.attempt_log.values_list("number", "status_code", "error")) == [
        (1, None, webhooks.STOPPED_CLOSED),
        (2, 200, ""),
    ]
    # At least once: the receiver heard of the same event twice, the same id, the same body, both signed.
    cut_off, delivered = posts(receiver)
    assert cut_off.headers["x-webhook-id"] == delivered.headers["x-webhook-id"] == str(delivery.event_id)
    assert cut_off.body == delivered.body and json.loads(delivered.body)["id"] == str(delivery.event_id)
    assert signed_with(cut_off, secret) and signed_with(delivered, secret)
    print(f"webhook worker killed mid-POST: delivered {recovery:.1f} s after the kill")


def test_a_receiver_answering_500_is_retried_by_the_beat_until_the_window_ends_then_disabled(
    alice, carol, receiver, workers, monkeypatch
):
    receiver.pages["/hook"] = Page(status=500, body=b"down", content_type="text/plain")
    # A 9-second window; waits of up to 0.5 × 2^(n − 1) s, never more than 2 s; the beat looks every second.
    for name, value in {
        "WEBHOOK_RETRY_BASE_SECONDS": "0.5",
        "WEBHOOK_RETRY_MAX_SECONDS": "2",
        "WEBHOOK_RETRY_WINDOW_HOURS": "0.0025",
        "WEBHOOK_CHECK_SECONDS": "1",
        "WEBHOOK_DISABLE_AFTER_FAILURES": "3",
    }.items():
        monkeypatch.setenv(name, value)
    partner = partner_create(name="Daily Planet", contact_email="api@planet.example")
    endpoint, _ = webhooks.webhook_endpoint_create(
        partner=partner, url=receiver.url("/hook"), events=["verdict.published"]
    )
    worker = workers(allowed_host=receiver.host, beat=True)

    publish_a_verdict(alice, carol)
    wait_until(
        lambda: WebhookDelivery.objects.get().status == DeliveryStatus.FAILED,
        timeout=TIMEOUT,
        what="the delivery to be given up",
    )

    delivery = WebhookDelivery.objects.get()
    attempts = list(delivery.attempt_log.order_by("number"))
    assert len(attempts) == delivery.attempts >= 3, worker.output()
    assert all(attempt.status_code == 500 for attempt in attempts)
    assert len(posts(receiver)) == len(attempts)
    # Each wait stays under its doubling ceiling (plus the beat's second and a worker's start as slack).
    for n, (before, after) in enumerate(zip(attempts, attempts[1:], strict=False), start=1):
        ceiling = min(2, 0.5 * 2 ** (n - 1))
        assert (after.attempted_at - before.attempted_at).total_seconds() <= ceiling + 3
    assert (attempts[-1].attempted_at - delivery.created_at).total_seconds() <= 9 + 3

    endpoint = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert not endpoint.active and endpoint.disabled_at is not None
    assert endpoint.disabled_reason.startswith("No delivery succeeded for 0.0025 hours")
