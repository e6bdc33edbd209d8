"""Background jobs: what each kind does, running one, and sweeping up after workers that died.

Every kind of background work is a `Job` row with one life cycle (claims/services/job_queue.py: outbox,
lease, heartbeat, compare-and-set completion) and one Celery task, `claims.run_job(job_id)`, which claims
the job and calls the handler registered for its kind below. A new kind of work (related-coverage
suggestions for a claim, a webhook delivery) is a `JobKind`, a handler and one line in `HANDLERS`.

A handler gets the claimed job and must be idempotent: it may run again after its worker died half way
(no duplicate rows: it relies on the unique constraints of what it stores). It raises `InputRejected` to
fail the job with that message for the person who asked; a transient error (claims/services/retries.py:
the database or Redis not answering, a host name not resolving, a page timing out, or `TransientError`)
puts the job back in the queue to run again after a back-off, and once out of attempts fails it with the
last reason; anything else fails it with a generic message (and is logged). It either returns a JSON-able
result (and may set `job.article`), or completes or fails the job itself inside the transaction that
stores its effect (`job_complete` / `job_fail`).

Recovery: a pool process killed mid-job has its message handed back at once (acks late, reject on worker
lost) and the redelivery, with the same task id as lease token, takes the job over at once. A whole worker
killed leaves its jobs with a lease that runs out within JOB_LEASE_SECONDS; the sweeper, every
JOB_SWEEP_SECONDS, puts them back in the queue: they run again within JOB_LEASE_SECONDS +
JOB_SWEEP_SECONDS (60 + 30 s by default) once a worker is up. After JOB_MAX_ATTEMPTS a job fails.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, transaction

from claims import fetching
from claims.choices import JobKind, JobStatus
from claims.errors import InputRejected
from claims.models import Job
from claims.services import (
    articles,
    checkworthiness,
    coverage,
    exports,
    feeds,
    job_queue,
    retries,
    sources,
    webhooks,
)
from claims.services.ingest import article_ingest_url, canonicalise_url

logger = logging.getLogger(__name__)

GENERIC_ERROR = "Something went wrong on our side while reading that page."
TOO_SLOW_ERROR = (
    "It took too long, so it was stopped. The page may be very large or very slow; try again later."
)


def _given_up_error() -> str:
    return (
        f"It was tried {settings.JOB_MAX_ATTEMPTS} times and each time the background worker stopped before "
        "it finished (the page may be too large or too slow to read). Try again later."
    )


# --- kinds -------------------------------------------------------------------------------------


def ingestion_job_start(*, url: str, user) -> Job:
    """Queue a URL for ingestion once this transaction commits; the address is validated first.

    Sending the same address twice while the first is still queued or running (a double click) gives
    the same job.
    """
    canonical = canonicalise_url(url)  # refuses a malformed address before anything is stored
    fetching.refuse_unless_public(canonical)  # and an internal one (a redirect to one is refused later)
    url = url.strip()
    if len(url) > Job._meta.get_field("url").max_length:
        raise InputRejected("The web address is too long.")
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return job_queue.job_submit(
        kind=JobKind.INGEST_URL, url=url, user=user, dedupe_key=f"user:{user.pk}:url:{digest}"
    )


def _ingest_url(job: Job) -> dict:
    outcome = article_ingest_url(url=job.url, user=job.created_by, method=job.method)
    article = outcome.article
    # A retry after the worker died between storing the article and finishing the job finds "its" article.
    created = outcome.created or (
        job.attempts > 1
        and article.ingested_by_id == job.created_by_id
        and article.created_at >= job.created_at
    )
    job.article = article
    return {"created": created}


@dataclass(frozen=True)
class Handler:
    run: Callable[[Job], dict | None]
    # Called, in the transaction that fails the job, when the handler did not decide the failure itself
    # (an unexpected error, or the worker dying once too often): e.g. to say so on the source.
    on_failed: Callable[[Job, str], None] | None = None


HANDLERS: dict[str, Handler] = {
    JobKind.INGEST_URL: Handler(run=_ingest_url),
    JobKind.FETCH_SOURCE: Handler(run=sources.source_fetch_job, on_failed=sources.source_fetch_failed),
    JobKind.REFETCH_ARTICLE: Handler(run=articles.article_refetch_job),
    JobKind.INDEX_CORPUS: Handler(run=coverage.corpus_index_job),
    JobKind.SUGGEST_COVERAGE: Handler(run=coverage.coverage_suggest_job),
    JobKind.POLL_FEED: Handler(run=feeds.feed_poll_job),
    JobKind.FETCH_FEED_PAGE: Handler(run=feeds.feed_page_fetch_job, on_failed=feeds.feed_page_fetch_failed),
    JobKind.DELIVER_WEBHOOK: Handler(run=webhooks.webhook_delivery_job),
    JobKind.EXPORT_REPORT: Handler(run=exports.export_report_job),
    JobKind.SCORE_CLAIMS: Handler(run=checkworthiness.score_claims_job),
}


# --- running -----------------------------------------------------------------------------------


def job_run(*, job_id: int, token: str) -> None:
    """Run a job for one delivery (`token` is its Celery task id): claim it, call its handler, finish it.

    A delivery that cannot claim it (finished, or held by a live run) does nothing.
    """
    job = job_queue.job_claim(job_id=job_id, token=token)
    if job is None:
        exhausted = job_queue.job_exhausted(job_id=job_id, token=token)
        if exhausted is None:
            logger.info("Job %s is gone, finished or held by another run; nothing to do.", job_id)
        else:
            _give_up(exhausted, token=token)
        return
    handler = HANDLERS.get(job.kind)
    if handler is None:
        _fail(job, None, f"There is no handler for jobs of kind {job.kind!r}.")
        return
    retry_reason = None
    with job_queue.heartbeat(job):
        try:
            result = handler.run(job)
        except job_queue.LeaseLost:
            logger.warning("Job %s was taken over while it ran; this run's result is dropped.", job_id)
            return
        except SoftTimeLimitExceeded:
            _fail(job, handler, TOO_SLOW_ERROR)
            return
        except Exception as error:
            # Transient first: a host name that does not resolve is an InputRejected too, but may yet resolve.
            retry_reason = retries.transient_reason(error)
            if retry_reason is None:
                if isinstance(error, InputRejected):
                    _fail(job, handler, error.message)
                else:
                    logger.exception("Job %s (%s) failed", job_id, job.kind)
                    _fail(job, handler, GENERIC_ERROR)
                return
            if isinstance(error, OperationalError | InterfaceError):
                _drop_broken_connections()
    if retry_reason is not None:
        # Outside the heartbeat: it renews only a running job's lease, and the retry gives this one up.
        _retry_later(job, handler, retry_reason)
        return
    if job.status == JobStatus.RUNNING:  # the handler did not finish the job itself
        try:
            job_queue.job_complete(job=job, result=result)
        except job_queue.LeaseLost:
            logger.warning("Job %s was taken over while it ran; this run's result is dropped.", job_id)


def _fail(job: Job, handler: Handler | None, error: str) -> None:
    try:
        with transaction.atomic():
            if handler is not None and handler.on_failed is not None:
                handler.on_failed(job, error)
            job_queue.job_fail(job=job, error=error)
    except job_queue.LeaseLost:
        logger.warning("Job %s was taken over while it ran; its failure is not recorded.", job.pk)


def _retry_later(job: Job, handler: Handler, reason: str) -> None:
    if job.attempts >= settings.JOB_MAX_ATTEMPTS:
        logger.warning("Job %s (%s): %s Out of attempts.", job.pk, job.kind, reason)
        _fail(job, handler, retries.gave_up_error(reason=reason, attempts=job.attempts))
        return
    try:
        delay = job_queue.job_retry_later(job=job, reason=reason)
    except job_queue.LeaseLost:
        logger.warning("Job %s was taken over while it ran; its retry is not recorded.", job.pk)
        return
    logger.warning(
        "Job %s (%s): %s Retrying in %.0f s (attempt %s of %s).",
        job.pk,
        job.kind,
        reason,
        delay,
        job.attempts + 1,
        settings.JOB_MAX_ATTEMPTS,
    )


def _drop_broken_connections() -> None:
    # The database dropped the connection under the handler: Django would keep using the dead one, so the
    # write that records the retry would fail too. Close what no longer answers (never a connection inside a
    # transaction: that is the caller's, e.g. a test's). If the database is really down, recording the retry
    # fails and the job is left running: the sweeper puts it back once its lease runs out.
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def _give_up(job: Job, *, token: str | None = None) -> bool:
    handler = HANDLERS.get(job.kind)
    error = _given_up_error()
    with transaction.atomic():
        if handler is not None and handler.on_failed is not None:
            handler.on_failed(job, error)
        if not job_queue.job_give_up(job=job, error=error, token=token):
            transaction.set_rollback(True)  # someone else moved it on meanwhile
            return False
    logger.warning("Job %s (%s) failed after %s attempts.", job.pk, job.kind, job.attempts)
    return True


# --- sweeping ----------------------------------------------------------------------------------


def jobs_sweep() -> dict:
    """Recover what workers left behind; safe to run in several processes at once (compare-and-set).

    Running jobs whose lease ran out go back in the queue (or fail, out of attempts); queued jobs that
    were never handed to the broker (it was down) or whose message was lost are handed over.
    """
    given_up = sum(_give_up(job) for job in job_queue.jobs_expired_out_of_attempts())
    requeued = job_queue.jobs_requeue_expired()
    handed_over = job_queue.jobs_hand_over_pending()
    if given_up or requeued or handed_over:
        logger.info("Swept jobs: %s given up, %s requeued, %s handed over.", given_up, requeued, handed_over)
    return {"given_up": given_up, "requeued": requeued, "handed_over": handed_over}
