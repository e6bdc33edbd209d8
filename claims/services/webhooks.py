"""Partner webhooks: endpoints, events, signed deliveries retried with back-off, and endpoints that give up.

**Who hears of what.** An event goes to every active endpoint subscribed to it whose partner may see its
data, by the rule of claims/selectors/visibility.py (what a read key of that partner sees):

- `verdict.published` (a claim's first published verdict) and `verdict.updated` (a later revision of it
  published, replacing the one before): published verdicts are public, so every partner's endpoints;
- `claim.created` and `article.ingested`: only the endpoints of the partner whose account pushed the article
  (`partner_of(article.ingested_by)`); an article a person added, or its claims, is heard of by nobody.

The data holds what such a key may read: never a draft, an author, a review comment or a discussion.

**Outbox.** `webhooks_emit` is called inside the transaction of the change: it stores one `WebhookDelivery`
per endpoint (its body fixed then: `{"id", "event", "created", "data"}`; `id` is the event's and is the same
for every attempt and redelivery) and submits one `deliver_webhook` job per delivery, handed over when the
transaction commits. A change that rolls back leaves no delivery; a committed one always has its deliveries,
whatever happens to the broker or the worker (the job machinery's leases and sweeper, claims/services/jobs.py).

**An attempt** (the job's handler, `webhook_delivery_job`) POSTs the stored body, its bytes the canonical
JSON of the payload (keys sorted, no spaces, UTF-8), through the guarded client (claims/fetching.py `post`:
the address checked again, pinned, no redirects), with the headers

    Content-Type: application/json
    X-Webhook-Id: <the event id>            X-Webhook-Event: <the event>      X-Webhook-Attempt: <n>
    X-Webhook-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>

and logs it (`WebhookAttempt`: number, status code, duration, error). A 2xx delivers. Anything else (another
status, a redirect, a refused address, a timeout) schedules the next attempt after a "full jitter" back-off,
random in [0, min(WEBHOOK_RETRY_MAX_SECONDS, WEBHOOK_RETRY_BASE_SECONDS × 2^(n − 1))], until
WEBHOOK_RETRY_WINDOW_HOURS after the event, when the delivery is given up (failed). The job itself always
completes: the delivery's own schedule is the retry, and the beat task `claims.deliver_due_webhooks`
submits a job for each delivery whose next attempt is due (one active job per delivery, dedupe key
`webhook:<id>`). The next attempt is scheduled *before* the POST, so an attempt whose worker is killed
mid-request counts as a failed one (logged as such) and is retried on the same schedule.

Delivery is **at least once**: a worker killed after the receiver answered but before the answer was
stored sends the same event again. Receivers deduplicate on the `id` (also in X-Webhook-Id), check the
signature, and reject a `t` too far from their clock.

**Secrets** are shown once, when the endpoint is made and when it is rotated. A rotated secret keeps signing
beside the new one for WEBHOOK_SECRET_OVERLAP_HOURS: the header then carries two `v1=` signatures (new first),
as Stripe's does, so a receiver can switch over without missing a delivery. Rotating again within the
overlap drops the oldest secret.

**Disabling.** An endpoint is disabled (inactive, with when and why, its other pending deliveries failed and
its partner's contact e-mailed) when WEBHOOK_DISABLE_AFTER_FAILURES deliveries in a row were given up (a
delivered one resets the count), or when a delivery is given up after a whole window in which the endpoint
answered nothing successfully, with at least that many attempts made. Enabling it again (`active: true`)
resets the count; redelivering by hand (`webhook_redeliver`) sends a failed or delivered event again, with
the same id and body, at once.
"""

import hashlib
import hmac
import json
import logging
import random
import secrets
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from claims import fetching
from claims.choices import DeliveryStatus, JobKind, VerdictStatus, WebhookEvent
from claims.errors import InputRejected
from claims.models import (
    Article,
    Claim,
    Job,
    Partner,
    Verdict,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from claims.selectors.visibility import partner_of
from claims.services import job_queue

logger = logging.getLogger(__name__)

# Everyone: the event's data is public (a published verdict).
EVERY_PARTNER = object()
MAX_ENDPOINTS_PER_PARTNER = 20
URL_MAX = WebhookEndpoint._meta.get_field("url").max_length
SECRET_PREFIX = "whsec_"
USER_AGENT = "FactcheckWorkbench-Webhooks/1.0"
# What we read of a receiver's answer: its status is the answer, the body is not used.
RESPONSE_MAX_BYTES = 64 * 1024
# The attempt as logged before the POST: what stays if the worker is killed before the answer is stored.
# Such an attempt counts as failed; once another attempt follows (or none will) it reads STOPPED_CLOSED.
STOPPED = "The worker stopped before the answer arrived; it is tried again."
STOPPED_CLOSED = "The worker stopped before the answer arrived."
DISABLED = "Not sent: the endpoint is disabled. Redeliver it once the endpoint is enabled again."
PARTNER_OFF = "Not sent: the partner's access is switched off."
DELIVERY_JOB_PREFIX = "webhook:"


# --- endpoints ------------------------------------------------------------------------------------------


def webhook_secret_new() -> str:
    """A new signing secret: 256 random bits, with a prefix that says what it is."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def webhook_url_clean(url: str) -> str:
    """The address stripped, or InputRejected: empty, too long, malformed or internal."""
    url = (url or "").strip()
    if not url:
        raise InputRejected("Give the address (URL) the events are to be sent to.")
    if len(url) > URL_MAX:
        raise InputRejected(f"The address is longer than {URL_MAX:,} characters.")
    # An internal address is refused now, and checked again on every attempt (a name may resolve anew).
    fetching.refuse_unless_public(url)
    return url


def webhook_events_clean(events) -> list[str]:
    """The events known and chosen, each once; InputRejected for none or an unknown one."""
    if not isinstance(events, list | tuple) or not events:
        raise InputRejected("Choose at least one event to subscribe to.")
    unknown = [str(event) for event in events if event not in WebhookEvent.values]
    if unknown:
        raise InputRejected(f"Unknown event {unknown[0]!r}: the events are {', '.join(WebhookEvent.values)}.")
    return [event for event in WebhookEvent.values if event in events]  # once each, in a fixed order


@transaction.atomic
def webhook_endpoint_create(*, partner: Partner, url: str, events) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint of `partner` for `events`; returns it and its secret (shown this once)."""
    url, events = webhook_url_clean(url), webhook_events_clean(events)
    Partner.objects.select_for_update().filter(pk=partner.pk).first()  # counts below stay true
    if WebhookEndpoint.objects.filter(partner=partner).count() >= MAX_ENDPOINTS_PER_PARTNER:
        raise InputRejected(
            f"A partner can have at most {MAX_ENDPOINTS_PER_PARTNER} webhook endpoints; delete one first."
        )
    secret = webhook_secret_new()
    endpoint = WebhookEndpoint.objects.create(partner=partner, url=url, events=events, secret=secret)
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str | None = None, events=None, active: bool | None = None
) -> WebhookEndpoint:
    """Change an endpoint's address, events or whether it is on. Switching it on again clears why it was
    disabled and its count of failures; switching it off leaves its pending deliveries to fail unsent."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if url is not None:
        endpoint.url = webhook_url_clean(url)
    if events is not None:
        endpoint.events = webhook_events_clean(events)
    if active is not None and active != endpoint.active:
        endpoint.active = active
        if active:
            endpoint.disabled_at, endpoint.disabled_reason, endpoint.consecutive_failures = None, "", 0
        else:
            endpoint.disabled_at, endpoint.disabled_reason = timezone.now(), "Switched off by the partner."
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its delivery log; jobs still queued for it find nothing to do."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


@transaction.atomic
def webhook_secret_rotate(*, endpoint: WebhookEndpoint) -> tuple[WebhookEndpoint, str]:
    """A new secret (returned, shown this once); the current one keeps signing beside it for the overlap."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = webhook_secret_new()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + timedelta(
        hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS
    )
    endpoint.secret = secret
    endpoint.save()
    return endpoint, secret


# --- events ---------------------------------------------------------------------------------------------


def _subscribed(event: str, partners) -> list[WebhookEndpoint]:
    endpoints = WebhookEndpoint.objects.filter(active=True, partner__active=True)
    if partners is not EVERY_PARTNER:
        partner_ids = {partner.pk for partner in partners if partner is not None}
        if not partner_ids:
            return []
        endpoints = endpoints.filter(partner_id__in=partner_ids)
    # Filtered here rather than in SQL: JSON containment is not available on SQLite (`make run`), and a
    # deployment has a handful of endpoints.
    return [endpoint for endpoint in endpoints.order_by("pk") if event in endpoint.events]


def _json_safe(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _timestamp(moment) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _emit(*, event: str, items: list[dict], endpoints: list[WebhookEndpoint]) -> list[WebhookDelivery]:
    now = timezone.now()
    deliveries = []
    for data in items:
        event_id = uuid.uuid4()  # one event, the same id at every endpoint that hears of it
        payload = {"id": str(event_id), "event": event, "created": _timestamp(now), "data": _json_safe(data)}
        deliveries.extend(
            WebhookDelivery(
                endpoint=endpoint, event_id=event_id, event=event, payload=payload, next_attempt_at=now
            )
            for endpoint in endpoints
        )
    if not deliveries:
        return []
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(deliveries)
        for delivery in deliveries:
            _submit(delivery.pk)
    return deliveries


def webhooks_emit(*, event: str, data: dict | Callable[[], dict], partners) -> list[WebhookDelivery]:
    """Store a delivery of `event` for every active endpoint of `partners` subscribed to it, and queue each.

    `partners`: EVERY_PARTNER when the data is public, else the partners who may see it (None entries are
    skipped). `data` may be a function, called only if some endpoint listens. Call it inside the transaction
    of the change: the deliveries are stored with it and their jobs handed over when it commits.
    """
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}.")
    endpoints = _subscribed(event, partners)
    if not endpoints:
        return []
    return _emit(event=event, items=[data() if callable(data) else data], endpoints=endpoints)


def _article_data(article: Article) -> dict:
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.url,
        "site_name": article.site_name,
        "published_at": article.published_at,
        "language": article.language,
        "created_at": article.created_at,
    }


def _claim_data(claim: Claim) -> dict:
    return {
        "id": claim.pk,
        "article": claim.article_id,
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "checkworthiness": claim.checkworthiness,
        "kind": claim.kind,
        "status": claim.status,
        "created_at": claim.created_at,
    }


def _verdict_data(verdict: Verdict, *, replaces: Verdict | None) -> dict:
    claim, rating = verdict.claim, verdict.rating
    return {
        "id": verdict.pk,
        "revision": verdict.revision,
        "rating": {"slug": rating.slug, "label": rating.label, "value": rating.value},
        "summary": verdict.summary,
        "rationale": verdict.rationale,
        "published_at": verdict.published_at,
        "replaces": replaces.pk if replaces else None,
        "claim": {
            "id": claim.pk,
            "text": claim.text,
            "normalised_text": claim.normalised_text,
            "article": _article_data(claim.article),
        },
    }


def webhooks_verdict_published(*, verdict: Verdict) -> list[WebhookDelivery]:
    """A verdict was approved (in its transaction): `verdict.published` for a claim's first published verdict,
    `verdict.updated` when it replaces an earlier published revision. Public: every partner hears of it."""
    replaces = (
        Verdict.objects.filter(claim_id=verdict.claim_id, status=VerdictStatus.SUPERSEDED)
        .order_by("-revision")
        .first()
    )
    event = WebhookEvent.VERDICT_UPDATED if replaces else WebhookEvent.VERDICT_PUBLISHED
    return webhooks_emit(
        event=event, data=lambda: _verdict_data(verdict, replaces=replaces), partners=EVERY_PARTNER
    )


def _owner(article: Article) -> Partner | None:
    """The partner whose account pushed the article, if one did: the only one who may see its new claims."""
    if article.ingested_by_id is None:
        return None
    return partner_of(article.ingested_by)


def webhooks_claims_created(*, claims: Iterable[Claim]) -> list[WebhookDelivery]:
    """Claims were made (in their transaction): a `claim.created` each, for their article's partner."""
    by_article: dict[int, tuple[Article, list[Claim]]] = {}
    for claim in claims:
        by_article.setdefault(claim.article_id, (claim.article, []))[1].append(claim)
    deliveries = []
    for article, made in by_article.values():
        endpoints = _subscribed(WebhookEvent.CLAIM_CREATED, [_owner(article)])
        if endpoints:
            items = [_claim_data(claim) for claim in made]
            deliveries += _emit(event=WebhookEvent.CLAIM_CREATED, items=items, endpoints=endpoints)
    return deliveries


def webhooks_article_ingested(*, article: Article) -> list[WebhookDelivery]:
    """An article was stored (in its transaction): `article.ingested`, for the partner who pushed it."""
    return webhooks_emit(
        event=WebhookEvent.ARTICLE_INGESTED,
        data=lambda: {**_article_data(article), "claims": article.claims.count()},
        partners=[_owner(article)],
    )


# --- signing --------------------------------------------------------------------------------------------


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The bytes POSTed for a delivery: the canonical JSON of its payload, the same at every attempt."""
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of f"{timestamp}.{body}" with the secret: what a receiver recomputes."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(*, endpoint: WebhookEndpoint, body: bytes, timestamp: int, now=None) -> str:
    """`t=<timestamp>,v1=<new>` and, during a rotation's overlap, `,v1=<previous>`."""
    now = now or timezone.now()
    parts = [
        f"t={timestamp}",
        f"v1={webhook_signature(secret=endpoint.secret, timestamp=timestamp, body=body)}",
    ]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and now < expires:
        parts.append(
            f"v1={webhook_signature(secret=endpoint.previous_secret, timestamp=timestamp, body=body)}"
        )
    return ",".join(parts)


# --- delivering -----------------------------------------------------------------------------------------


def _submit(delivery_id: int) -> Job:
    return job_queue.job_submit(
        kind=JobKind.DELIVER_WEBHOOK,
        params={"delivery": delivery_id},
        dedupe_key=f"{DELIVERY_JOB_PREFIX}{delivery_id}",
    )


def retry_delay(*, attempt: int) -> float:
    """Seconds before the attempt after the `attempt`-th (1, 2, …) failed: full jitter, doubling, capped."""
    ceiling = min(
        settings.WEBHOOK_RETRY_MAX_SECONDS, settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0)
    )
    return random.uniform(0, ceiling)


def _window_ends(delivery: WebhookDelivery):
    return delivery.created_at + timedelta(hours=settings.WEBHOOK_RETRY_WINDOW_HOURS)


def webhook_delivery_job(job: Job) -> dict:
    """The `deliver_webhook` job's handler: one attempt of its delivery, if it is due."""
    return webhook_attempt(delivery_id=job.params.get("delivery"))


def webhook_attempt(*, delivery_id) -> dict:
    """POST a due delivery once, log the attempt, and deliver it, schedule the next attempt or give it up.

    Idempotent: a delivery that is gone, no longer pending or not yet due is left alone, and the attempt is
    claimed by compare-and-set on the delivery's attempt count, so two runs never log the same attempt.
    """
    now = timezone.now()
    delivery = WebhookDelivery.objects.select_related("endpoint__partner").filter(pk=delivery_id).first()
    if delivery is None:
        return {"delivery": delivery_id, "status": "gone"}
    if delivery.status != DeliveryStatus.PENDING:
        return {"delivery": delivery.pk, "status": delivery.status}
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return {"delivery": delivery.pk, "status": "not due"}
    endpoint = delivery.endpoint
    if not endpoint.active or not endpoint.partner.active:
        _fail_unsent(delivery, DISABLED if not endpoint.active else PARTNER_OFF)
        return {"delivery": delivery.pk, "status": DeliveryStatus.FAILED}
    if now > _window_ends(delivery) and _last_attempt_stopped(delivery):
        # Its last attempt's worker was killed and the window has ended since: that was the last try.
        with transaction.atomic():
            _close_stopped_attempts(delivery)
            status = _settle(
                delivery.pk, delivery.attempts, status_code=None, error=STOPPED_CLOSED, now=now, give_up=True
            )
        return {"delivery": delivery.pk, "status": status}

    number = delivery.attempts + 1
    next_attempt_at = now + timedelta(seconds=retry_delay(attempt=number))
    with transaction.atomic():
        claimed = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
        ).update(attempts=number, next_attempt_at=next_attempt_at)
        if claimed != 1:
            return {"delivery": delivery.pk, "status": "taken"}
        _close_stopped_attempts(delivery)
        attempt = WebhookAttempt.objects.create(
            delivery=delivery, number=number, attempted_at=now, error=STOPPED
        )

    status_code, error, took_ms = _post(delivery, endpoint, number)
    WebhookAttempt.objects.filter(pk=attempt.pk).update(
        status_code=status_code, error=error, duration_ms=took_ms
    )
    with transaction.atomic():
        status = _settle(delivery.pk, number, status_code=status_code, error=error, now=timezone.now())
    logger.info(
        "Webhook delivery %s (%s) attempt %s to endpoint %s: %s in %s ms%s",
        delivery.pk,
        delivery.event,
        number,
        endpoint.pk,
        status_code or "no answer",
        took_ms,
        f" ({error})" if error else "",
    )
    return {"delivery": delivery.pk, "attempt": number, "status_code": status_code, "status": status}


def _post(delivery: WebhookDelivery, endpoint: WebhookEndpoint, number: int) -> tuple[int | None, str, int]:
    """One POST: (status code or None, error or "", milliseconds)."""
    body = delivery_body(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Id": str(delivery.event_id),
        "X-Webhook-Event": delivery.event,
        "X-Webhook-Attempt": str(number),
        "X-Webhook-Signature": signature_header(endpoint=endpoint, body=body, timestamp=timestamp),
    }
    started = time.monotonic()
    try:
        result = fetching.post(
            endpoint.url,
            body=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT,
            max_bytes=RESPONSE_MAX_BYTES,
        )
        status_code, error = result.status, ""
    except fetching.HTTPStatusError as refused:
        status_code, error = refused.status, refused.message
    except fetching.FetchError as failed:  # refused address, no connection, timeout, bad certificate
        status_code, error = None, failed.message
    return status_code, error, round((time.monotonic() - started) * 1000)


def _last_attempt_stopped(delivery: WebhookDelivery) -> bool:
    last = delivery.attempt_log.order_by("-number").first()
    return last is not None and last.status_code is None and last.error == STOPPED


def _close_stopped_attempts(delivery: WebhookDelivery) -> None:
    """Attempts whose worker was killed: no longer "tried again" once another attempt (or none) follows."""
    WebhookAttempt.objects.filter(delivery_id=delivery.pk, status_code=None, error=STOPPED).update(
        error=STOPPED_CLOSED
    )


def _settle(
    delivery_id: int, number: int, *, status_code: int | None, error: str, now, give_up: bool = False
) -> str:
    """Record attempt `number`'s outcome on its delivery (locked), unless someone moved it on meanwhile.

    A failed attempt leaves the delivery pending if the next attempt (scheduled before the POST) falls
    within the event's window; otherwise, or with `give_up`, the delivery has failed.
    """
    delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING or delivery.attempts != number:
        return "superseded"  # redelivered, or settled by another run: the attempt stays in the log
    delivery.last_status_code, delivery.last_error = status_code, error
    if not error:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
        delivery.save(
            update_fields=["status", "delivered_at", "next_attempt_at", "last_status_code", "last_error"]
        )
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)
        return DeliveryStatus.DELIVERED
    next_at = delivery.next_attempt_at
    if not give_up and next_at is not None and next_at <= _window_ends(delivery):
        delivery.save(update_fields=["last_status_code", "last_error"])  # the next attempt stays as scheduled
        return DeliveryStatus.PENDING
    delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    delivery.save(update_fields=["status", "next_attempt_at", "last_status_code", "last_error"])
    _count_given_up(delivery)
    return DeliveryStatus.FAILED


def _count_given_up(delivery: WebhookDelivery) -> None:
    endpoint = (
        WebhookEndpoint.objects.select_for_update().select_related("partner").get(pk=delivery.endpoint_id)
    )
    endpoint.consecutive_failures += 1
    endpoint.save(update_fields=["consecutive_failures", "updated_at"])
    if not endpoint.active:
        return
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    hours = f"{settings.WEBHOOK_RETRY_WINDOW_HOURS:g}"
    if endpoint.consecutive_failures >= limit:
        _disable(
            endpoint,
            f"{endpoint.consecutive_failures} deliveries in a row failed, each tried for {hours} hours "
            f"(the last: {delivery.last_error})",
        )
        return
    # A whole window without one success, though it was tried often enough: the endpoint is not there.
    window_start = delivery.created_at
    succeeded = endpoint.deliveries.filter(delivered_at__gte=window_start).exists()
    tried = WebhookAttempt.objects.filter(delivery__endpoint=endpoint, attempted_at__gte=window_start).count()
    if not succeeded and tried >= limit:
        _disable(
            endpoint,
            f"No delivery succeeded for {hours} hours ({tried} attempts; the last: {delivery.last_error})",
        )


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    """Switch the endpoint off, fail what it still had pending (unsent), and tell its partner on commit."""
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False, disabled_at=now, disabled_reason=reason
    )
    endpoint.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=DISABLED
    )
    logger.warning("Webhook endpoint %s (%s) disabled: %s", endpoint.pk, endpoint.url, reason)
    address = endpoint.partner.contact_email
    if address:
        subject = f"Webhook endpoint disabled: {endpoint.url}"
        message = (
            f"Hello {endpoint.partner.name},\n\n"
            f"We stopped sending events to your webhook endpoint {endpoint.url} (#{endpoint.pk}).\n"
            f"Why: {reason}.\n\n"
            "Once it answers again, switch it back on (PATCH /api/v1/webhooks/"
            f'{endpoint.pk}/ with {{"active": true}}) and redeliver the events it missed '
            f"(POST /api/v1/webhook-deliveries/<id>/redeliver/; the log is at /api/v1/webhooks/{endpoint.pk}/"
            "deliveries/).\n"
        )
        transaction.on_commit(lambda: _tell(address, subject, message))


def _tell(address: str, subject: str, message: str) -> None:
    # After the commit: a mail server that is down must not undo the disabling (it is shown in the API too).
    try:
        send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:
        logger.exception("Could not e-mail %s that a webhook endpoint was disabled", address)


def _fail_unsent(delivery: WebhookDelivery, reason: str) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=reason
    )


def webhooks_submit_due(*, limit: int = 500) -> int:
    """Beat: submit an attempt for each pending delivery whose next attempt is due; returns how many.

    A delivery whose job is still queued or running joins it (dedupe key), so a slow beat never doubles one.
    """
    due = (
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    submitted = 0
    for delivery_id in due:
        _submit(delivery_id)
        submitted += 1
    return submitted


@transaction.atomic
def webhook_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now, with the same event id and body: a failed or delivered one becomes pending.

    It gets an attempt at once, and retries only within its event's window (the person who asked sees how
    that attempt went). Refused while its endpoint is disabled.
    """
    delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    if not delivery.endpoint.active:
        raise InputRejected(
            "This endpoint is disabled: switch it on again (active: true) before redelivering."
        )
    _close_stopped_attempts(delivery)
    delivery.status, delivery.next_attempt_at, delivery.delivered_at = (
        DeliveryStatus.PENDING,
        timezone.now(),
        None,
    )
    delivery.save(update_fields=["status", "next_attempt_at", "delivered_at"])
    _submit(delivery.pk)
    return delivery
