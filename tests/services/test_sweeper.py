"""Specification of the outbox and the sweeper (`claims.sweep_jobs`, run by beat every JOB_SWEEP_SECONDS).

A job is a row before it is a message: if the broker is down when its request commits, the row stays
"not handed over" and the sweeper hands it over later. Running jobs whose lease ran out (their worker died)
go back in the queue, or fail once out of attempts.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from claims.choices import JobKind, JobStatus, SourceFetchStatus
from claims.models import Job, Source
from claims.services import job_queue
from claims.services.jobs import ingestion_job_start, jobs_sweep
from claims.tasks import run_job, sweep_jobs
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(settings):
    """JOB_RUNNER=celery with apply_async replaced: `broker.side_effect = OperationalError(...)` is "down"."""
    settings.JOB_RUNNER = "celery"
    with mock.patch.object(run_job, "apply_async") as apply_async:
        yield apply_async


def age(job: Job, seconds: float) -> None:
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


def expired(job: Job, *, attempts: int) -> Job:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        lease_token="dead-worker",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        attempts=attempts,
        enqueued_at=timezone.now() - timedelta(minutes=2),
        created_at=timezone.now() - timedelta(minutes=2),
    )
    return job


# --- the outbox ----------------------------------------------------------------------------------


def test_a_job_is_handed_to_the_broker_on_commit_with_its_own_task_id(
    alice, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = ingestion_job_start(url="https://example.org/a", user=alice)
    broker.assert_called_once()
    assert broker.call_args.kwargs["args"] == [job.pk]
    assert broker.call_args.kwargs["task_id"]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.enqueued_at is not None


def test_a_broker_that_is_down_leaves_the_job_saved_and_not_handed_over(
    alice, broker, django_capture_on_commit_callbacks, caplog
):
    broker.side_effect = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with django_capture_on_commit_callbacks(execute=True):
        job = ingestion_job_start(url="https://example.org/a", user=alice)  # raises nothing

    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.enqueued_at is None
    assert "broker unreachable" in caplog.text


def test_the_sweeper_hands_over_what_the_broker_missed(broker):
    job = JobFactory()
    age(job, 10)

    assert jobs_sweep()["handed_over"] == 1

    assert broker.call_args.kwargs["args"] == [job.pk]
    assert Job.objects.get(pk=job.pk).enqueued_at is not None
    assert jobs_sweep()["handed_over"] == 0  # handed over once, not at every sweep


def test_the_sweeper_leaves_a_job_its_request_is_still_handing_over(broker):
    JobFactory()  # committed a moment ago: its on-commit hand-over is under way
    assert jobs_sweep()["handed_over"] == 0
    broker.assert_not_called()


def test_the_sweeper_stops_at_the_first_send_the_broker_refuses(broker):
    jobs = [JobFactory() for _ in range(3)]
    for job in jobs:
        age(job, 10)
    broker.side_effect = OperationalError("down")

    assert jobs_sweep()["handed_over"] == 0

    assert broker.call_count == 1  # the others would only wait for the same dead broker
    assert Job.objects.filter(enqueued_at__isnull=True).count() == 3


def test_a_job_whose_message_was_lost_is_handed_over_again(broker):
    job = JobFactory()
    lost_at = timezone.now() - job_queue.resend_after() - timedelta(seconds=1)
    Job.objects.filter(pk=job.pk).update(enqueued_at=lost_at, created_at=lost_at)

    assert jobs_sweep()["handed_over"] == 1
    assert Job.objects.get(pk=job.pk).enqueued_at > lost_at


def test_a_job_is_handed_over_by_one_sweeper_only(broker):
    job = JobFactory()
    age(job, 10)
    # Two sweepers read the same row; the second one's compare-and-set on `enqueued_at` finds it changed.
    assert job_queue.job_hand_over(job_id=job.pk, was_enqueued_at=None) is True
    assert job_queue.job_hand_over(job_id=job.pk, was_enqueued_at=None) is False
    assert broker.call_count == 1


# --- workers that died ---------------------------------------------------------------------------


def test_a_job_whose_worker_died_is_put_back_in_the_queue_and_run_again(settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = expired(JobFactory(url="http://127.0.0.1/secret"), attempts=1)

    result = jobs_sweep()  # eager here: the handed-over job runs at once

    assert result["requeued"] == 1 and result["handed_over"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "127.0.0.1" in job.error  # the handler's own verdict
    assert job.attempts == 2


def test_a_job_held_by_a_live_worker_is_left_alone(broker):
    job = JobFactory()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        lease_token="alive",
        lease_expires_at=timezone.now() + timedelta(seconds=30),
        attempts=1,
        created_at=timezone.now() - timedelta(minutes=5),
    )
    assert jobs_sweep() == {"given_up": 0, "requeued": 0, "handed_over": 0}
    assert Job.objects.get(pk=job.pk).lease_token == "alive"


def test_a_job_out_of_attempts_is_failed_by_the_sweeper(settings):
    settings.JOB_MAX_ATTEMPTS = 3
    source = Source.objects.create(url="https://example.org/r", fetch_status=SourceFetchStatus.PENDING)
    job = expired(JobFactory(kind=JobKind.FETCH_SOURCE, source=source, url=source.url), attempts=3)

    assert jobs_sweep()["given_up"] == 1

    job.refresh_from_db()
    source.refresh_from_db()
    assert job.status == JobStatus.FAILED and "tried 3 times" in job.error
    assert source.fetch_status == SourceFetchStatus.FAILED and source.fetch_error == job.error


def test_the_sweep_task_is_thin_and_registered_for_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]["task"] == sweep_jobs.name == "claims.sweep_jobs"
    assert settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]["schedule"] == settings.JOB_SWEEP_SECONDS
    with mock.patch("claims.tasks.jobs_sweep", return_value={"handed_over": 0}) as sweep:
        sweep_jobs.delay()
    sweep.assert_called_once_with()
