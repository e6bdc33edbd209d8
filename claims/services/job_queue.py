"""The life cycle every background job shares: saved, handed over on commit, claimed, kept, completed.

- **Outbox.** A job is a row before it is a message. `job_submit` saves it in the caller's transaction and
  hands it over when that transaction commits; `enqueued_at` records that the hand-over happened. If the
  broker cannot be reached the row simply stays unmarked (nothing is raised to the person who asked) and
  the sweeper (`claims.sweep_jobs`, every JOB_SWEEP_SECONDS) hands it over once the broker is back.
- **Lease.** A run claims a job by compare-and-set, as healthchecks' sendalerts does: the UPDATE succeeds
  only for a queued job, a running job whose lease ran out, or a running job whose lease token is this
  delivery's own Celery task id (the same message handed back after its worker died, which may take over
  at once). The lease lasts JOB_LEASE_SECONDS and a heartbeat renews it every third of that while the
  handler works. Every claim counts an attempt; after JOB_MAX_ATTEMPTS the job fails instead.
- **Retry.** A run that failed transiently (claims/services/retries.py) puts the job back in the queue by
  compare-and-set on its lease token, with the reason in `error` and the moment it may run again in
  `retry_at`, and hands it over with that delay (a Celery countdown). The sweeper leaves it alone until then.
- **Completion** is compare-and-set on the lease token too, so a worker that lost its lease (it stalled and
  someone else took over) cannot overwrite the newer run. A handler whose effect is a database write calls
  `job_complete` inside the transaction that writes it, making the effect and the completion one.

Who runs a handed-over job is settings.JOB_RUNNER: "celery" (the `claims.run_job` task on a worker),
"eager" (in-process, at once: the test suite) or "thread" (a thread of this process: `make run` with no
broker, so a request never waits for a page to be fetched). Services never import `claims.tasks`: the task
is found by name in the Celery app's registry. A retry waits on the broker (countdown) or in its thread;
with "eager" it is left queued for the next sweep: running it again at once would skip the back-off, and
sleeping would hold up whoever ran the job (a test, a request), so a test sees the waiting state and
sweeps once `retry_at` has passed.
"""

import logging
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.choices import ACTIVE_JOB_STATUSES, JobStatus
from claims.models import Job
from claims.services import retries

logger = logging.getLogger(__name__)

RUN_TASK = "claims.run_job"
# A job younger than this may still be being handed over by the request that made it: the sweeper waits.
HAND_OVER_GRACE = timedelta(seconds=5)


class LeaseLost(Exception):
    """This run no longer holds the job: its lease ran out and another run took it, or it was finished."""


def lease_seconds() -> int:
    return settings.JOB_LEASE_SECONDS


def resend_after() -> timedelta:
    """A job handed over this long ago and still queued lost its message (a broker restarted empty)."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    return timedelta(seconds=options.get("visibility_timeout", 2 * settings.CELERY_TASK_TIME_LIMIT + 60))


# --- submitting -------------------------------------------------------------------------------


@transaction.atomic
def job_submit(
    *,
    kind: str,
    user=None,
    article=None,
    source=None,
    url: str = "",
    params: dict | None = None,
    dedupe_key: str = "",
) -> Job:
    """Save a job and hand it over once the caller's transaction commits.

    With a `dedupe_key`, a job of the same kind and key that is still queued or running is returned
    instead of a new one (a database constraint makes that hold under concurrency too).
    """
    if dedupe_key:
        active = _active(kind, dedupe_key)
        if active is not None:
            return active
    job = Job(
        kind=kind,
        created_by=user,
        article=article,
        source=source,
        url=url,
        params=params or {},
        dedupe_key=dedupe_key,
    )
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        # Someone queued the same work between our look-up and our insert: join theirs.
        active = _active(kind, dedupe_key) if dedupe_key else None
        if active is None:
            raise
        return active
    job_id = job.pk
    transaction.on_commit(lambda: job_hand_over(job_id=job_id))
    return job


def _active(kind: str, dedupe_key: str) -> Job | None:
    return Job.objects.filter(kind=kind, dedupe_key=dedupe_key, status__in=ACTIVE_JOB_STATUSES).first()


# --- handing over (the outbox) ----------------------------------------------------------------


def job_hand_over(*, job_id: int, was_enqueued_at=None) -> bool:
    """Give a job to its runner and mark it handed over; False (logged, never raised) if it was not."""
    return _hand_over(job_id, was_enqueued_at) == SENT


SENT, TAKEN, UNREACHABLE = "sent", "taken", "unreachable"


def _hand_over(job_id: int, was_enqueued_at, *, countdown: float = 0) -> str:
    # The mark is a compare-and-set from what the caller saw, so two sweepers never both hand a job over.
    now = timezone.now()
    marked = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED, enqueued_at=was_enqueued_at).update(
        enqueued_at=now
    )
    if marked != 1:
        return TAKEN  # started, finished or handed over by someone else meanwhile
    token = str(uuid.uuid4())
    runner = _runner()
    if runner == "celery":
        try:
            options = {"countdown": countdown} if countdown > 0 else {}
            _task(RUN_TASK).apply_async(args=[job_id], task_id=token, **options)
        except Exception:
            # Broker unreachable (the publish retry policy keeps this to a second or two). The job is saved:
            # unmark it, and the sweeper hands it over when the broker answers again.
            Job.objects.filter(pk=job_id, enqueued_at=now).update(enqueued_at=was_enqueued_at)
            logger.warning("Job %s could not be queued (broker unreachable); the sweeper will retry.", job_id)
            return UNREACHABLE
    elif runner == "eager":
        _task(RUN_TASK).apply(args=[job_id], task_id=token)
    else:
        _start_thread(_run_locally, job_id, token, countdown, name=f"job-{job_id}")
        ensure_local_sweeper()
    return SENT


_in_this_process = threading.local()


def _runner() -> str:
    if settings.JOB_RUNNER == "thread" and getattr(_in_this_process, "active", False):
        return "eager"
    return settings.JOB_RUNNER


@contextmanager
def jobs_run_here():
    """Inside, jobs that would go to a thread of this process run at once instead, on commit.

    For management commands with no Celery worker configured: the process ends when the command does, and a
    thread cut off mid-job (an embedding, say) would leave the job to the sweeper, or abort the interpreter.
    """
    previous = getattr(_in_this_process, "active", False)
    _in_this_process.active = True
    try:
        yield
    finally:
        _in_this_process.active = previous


def jobs_hand_over_pending(*, limit: int = 200) -> int:
    """Hand over queued jobs not handed over yet (or whose message was lost); return how many went.

    A job waiting out a retry's back-off is not due before its `retry_at`, and its message (held back by a
    countdown) is not lost before `retry_at` plus the usual resend delay.
    """
    now = timezone.now()
    lost_before = now - resend_after()
    pending = (
        Job.objects.filter(status=JobStatus.QUEUED)
        .filter(
            Q(enqueued_at__isnull=True, retry_at__isnull=True, created_at__lt=now - HAND_OVER_GRACE)
            | Q(enqueued_at__isnull=True, retry_at__lte=now)
            | (Q(enqueued_at__lt=lost_before) & (Q(retry_at__isnull=True) | Q(retry_at__lt=lost_before)))
        )
        .order_by("created_at")
        .values_list("pk", "enqueued_at")[:limit]
    )
    sent = 0
    for job_id, enqueued_at in pending:
        outcome = _hand_over(job_id, enqueued_at)
        if outcome == UNREACHABLE:
            break  # every other send would wait for the broker too: the next sweep tries again
        sent += outcome == SENT
    return sent


_discovering = threading.Lock()


def _task(name: str):
    app = current_app
    if name not in app.tasks:
        # A worker imports every app's tasks module when it starts; a web process does it on first use,
        # once: threads handed jobs at the same moment (an article's suggestion jobs) wait for the first.
        with _discovering:
            if name not in app.tasks:
                app.autodiscover_tasks(force=True)
    return app.tasks[name]


# --- running in this process (JOB_RUNNER=thread) ----------------------------------------------


def _start_thread(target, *args, name: str) -> None:
    threading.Thread(target=target, args=args, name=name, daemon=True).start()


def _run_locally(job_id: int, token: str, countdown: float = 0) -> None:
    if countdown > 0:
        threading.Event().wait(countdown)  # a retry's back-off (lost if the process stops: the sweeper)
    try:
        _task(RUN_TASK).apply(args=[job_id], task_id=token, throw=True)
    except Exception:
        logger.exception("Job %s failed in its thread", job_id)
    finally:
        connections.close_all()  # this thread's connections only


_local_sweeper = threading.Lock()
_local_sweeper_started = False


def ensure_local_sweeper() -> None:
    """With JOB_RUNNER=thread there is no beat: this process runs the beat schedule itself (sweeping its own
    jobs after a reload, polling the feeds that are due)."""
    global _local_sweeper_started
    if settings.JOB_RUNNER != "thread":
        return
    with _local_sweeper:
        if _local_sweeper_started:
            return
        _local_sweeper_started = True
    _start_thread(_beat_forever, name="local-beat")


def _beat_forever() -> None:
    """Each task of CELERY_BEAT_SCHEDULE (schedules in seconds), run in this thread when it is due."""
    entries = {entry["task"]: float(entry["schedule"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    due = {task: time.monotonic() + every for task, every in entries.items()}
    while True:
        task = min(due, key=due.get)
        threading.Event().wait(max(0.0, due[task] - time.monotonic()))
        due[task] = time.monotonic() + entries[task]
        try:
            _task(task).apply(throw=True)
        except Exception:
            logger.exception("The periodic task %s failed", task)
        finally:
            connections.close_all()  # this thread's connections only


# --- claiming, keeping and completing ---------------------------------------------------------


def _claimable(now, token: str | None) -> Q:
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)
    if token:
        # The same delivery again (its worker died and the broker handed the message back): at once.
        claimable |= Q(status=JobStatus.RUNNING, lease_token=token)
    return claimable


def job_claim(*, job_id: int, token: str) -> Job | None:
    """Take the job for the run `token`, or None if it is finished, held by a live run, or out of attempts."""
    now = timezone.now()
    claimed = Job.objects.filter(
        _claimable(now, token), pk=job_id, attempts__lt=settings.JOB_MAX_ATTEMPTS
    ).update(
        status=JobStatus.RUNNING,
        lease_token=token,
        lease_expires_at=now + timedelta(seconds=lease_seconds()),
        attempts=F("attempts") + 1,
        started_at=now,
        updated_at=now,
        # A retry's wait is over and its reason is the last run's, not this one's.
        retry_at=None,
        error="",
    )
    if claimed != 1:
        return None
    return Job.objects.select_related("created_by", "article", "source").get(pk=job_id)


def job_exhausted(*, job_id: int, token: str) -> Job | None:
    """The job, if this run could have claimed it but for having used up its attempts."""
    now = timezone.now()
    return Job.objects.filter(
        _claimable(now, token), pk=job_id, attempts__gte=settings.JOB_MAX_ATTEMPTS
    ).first()


@contextmanager
def heartbeat(job: Job):
    """Renew the job's lease every third of its length while the block runs (a daemon thread)."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(lease_seconds() / 3):
                renewed = Job.objects.filter(
                    pk=job.pk, status=JobStatus.RUNNING, lease_token=job.lease_token
                ).update(lease_expires_at=timezone.now() + timedelta(seconds=lease_seconds()))
                if renewed != 1:
                    logger.warning("Job %s: lease lost; its result will be dropped.", job.pk)
                    return
        except Exception:
            logger.exception("Job %s: renewing the lease failed", job.pk)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"job-{job.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()


def _finish(job: Job, *, status: str, **fields) -> None:
    now = timezone.now()
    finished = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, lease_token=job.lease_token).update(
        status=status, finished_at=now, updated_at=now, lease_expires_at=None, **fields
    )
    if finished != 1:
        raise LeaseLost(f"Job {job.pk} is no longer held by this run.")
    job.status, job.finished_at, job.lease_expires_at = status, now, None
    for name, value in fields.items():
        setattr(job, name, value)


def job_complete(*, job: Job, result: dict | None = None) -> None:
    """Mark the job done with its result (and `job.article`), if this run still holds it; else LeaseLost.

    Call it inside the transaction that stores the job's effect: a run that lost its lease then rolls its
    effect back with it.
    """
    _finish(job, status=JobStatus.DONE, result=result or {}, error="", article_id=job.article_id)


def job_fail(*, job: Job, error: str) -> None:
    """Mark the job failed with a message for the person who asked, if this run still holds it."""
    _finish(job, status=JobStatus.FAILED, error=error)


def job_retry_later(*, job: Job, reason: str) -> float:
    """Put the job back in the queue to run again after a back-off, if this run still holds it (else LeaseLost).

    `reason` (why this run failed, for the person who asked) is kept in `error` and the moment it may run
    again in `retry_at`; the job is handed over at once with that delay. Returns the delay in seconds.
    The caller checks that attempts are left.
    """
    delay = retries.retry_delay(attempt=job.attempts)
    now = timezone.now()
    retry_at = now + timedelta(seconds=delay)
    requeued = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, lease_token=job.lease_token).update(
        status=JobStatus.QUEUED,
        error=reason,
        retry_at=retry_at,
        lease_token="",
        lease_expires_at=None,
        enqueued_at=None,
        updated_at=now,
    )
    if requeued != 1:
        raise LeaseLost(f"Job {job.pk} is no longer held by this run.")
    job.status, job.error, job.retry_at = JobStatus.QUEUED, reason, retry_at
    job.lease_token, job.lease_expires_at, job.enqueued_at = "", None, None
    if settings.JOB_RUNNER != "eager":  # see the module docstring: eager retries wait for a sweep
        _hand_over(job.pk, None, countdown=delay)
    return delay


def job_give_up(*, job: Job, error: str, token: str | None = None) -> bool:
    """Fail a job out of attempts, if it still is (compare-and-set); True if this call failed it."""
    now = timezone.now()
    failed = Job.objects.filter(
        _claimable(now, token), pk=job.pk, attempts__gte=settings.JOB_MAX_ATTEMPTS
    ).update(
        status=JobStatus.FAILED,
        error=error,
        finished_at=now,
        updated_at=now,
        lease_token="",
        lease_expires_at=None,
    )
    return failed == 1


def jobs_requeue_expired() -> int:
    """Put running jobs whose lease ran out (their worker died) back in the queue, to be handed over."""
    now = timezone.now()
    return Job.objects.filter(
        status=JobStatus.RUNNING, lease_expires_at__lt=now, attempts__lt=settings.JOB_MAX_ATTEMPTS
    ).update(
        status=JobStatus.QUEUED,
        lease_token="",
        lease_expires_at=None,
        enqueued_at=None,
        updated_at=now,
    )


def jobs_expired_out_of_attempts() -> list[Job]:
    return list(
        Job.objects.filter(
            status=JobStatus.RUNNING,
            lease_expires_at__lt=timezone.now(),
            attempts__gte=settings.JOB_MAX_ATTEMPTS,
        ).select_related("source", "article")
    )
