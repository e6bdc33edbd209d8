"""Specification of background jobs: claiming by compare-and-set under a lease, attempts, completion.

Jobs run in-process here (JOB_RUNNER=eager) when their transaction commits; tests/test_celery_worker.py
runs them on a real worker and kills it.
"""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from claims.choices import JobKind, JobStatus, SourceFetchStatus
from claims.errors import InputRejected
from claims.models import Article, Job, Source
from claims.services import job_queue
from claims.services.jobs import ingestion_job_start, job_run
from tests.factories import JobFactory
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db


def running(job: Job, *, token: str = "other-run", expires_in: float = 60, attempts: int = 1) -> Job:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        lease_token=token,
        lease_expires_at=timezone.now() + timedelta(seconds=expires_in),
        attempts=attempts,
    )
    job.refresh_from_db()
    return job


# --- a URL job from start to end -----------------------------------------------------------------


def test_a_job_is_queued_after_commit_and_ends_with_the_article(
    alice, settings, django_capture_on_commit_callbacks
):
    with LocalSite({"/tram": Page(body=ARTICLE_HTML.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            job = ingestion_job_start(url=site.url("/tram"), user=alice)
            assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED

    job.refresh_from_db()
    assert len(callbacks) == 1
    assert job.kind == JobKind.INGEST_URL
    assert job.status == JobStatus.DONE and job.error == ""
    assert job.article.claims.exists() and job.result == {"created": True}
    assert job.attempts == 1 and job.enqueued_at and job.finished_at and job.lease_expires_at is None


def test_an_internal_address_is_refused_before_a_job_exists(alice):
    with pytest.raises(InputRejected, match="inside our own network"):
        ingestion_job_start(url="http://127.0.0.1/secret", user=alice)
    assert Job.objects.count() == 0


def test_a_redirect_to_an_internal_address_fails_the_job_with_the_reason(
    alice, settings, django_capture_on_commit_callbacks
):
    with LocalSite({"/moved": Page(status=302, headers={"Location": "http://localhost:1/admin"})}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        with django_capture_on_commit_callbacks(execute=True):
            job = ingestion_job_start(url=site.url("/moved"), user=alice)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "inside our own network" in job.error
    assert Article.objects.count() == 0


def test_a_malformed_url_is_refused_before_a_job_exists(alice):
    with pytest.raises(InputRejected):
        ingestion_job_start(url="not a url", user=alice)
    assert Job.objects.count() == 0


def test_the_same_address_sent_twice_while_queued_is_one_job(alice, bob):
    first = ingestion_job_start(url="https://example.org/a?utm_source=x", user=alice)
    again = ingestion_job_start(url="https://example.org/a", user=alice)
    other = ingestion_job_start(url="https://example.org/a", user=bob)
    assert again == first and other != first
    assert Job.objects.count() == 2


def test_an_unexpected_error_fails_the_job_with_a_generic_message(alice):
    job = JobFactory(url="https://example.org/a", created_by=alice)
    with mock.patch("claims.services.jobs.article_ingest_url", side_effect=RuntimeError("boom")):
        job_run(job_id=job.pk, token="t1")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "on our side" in job.error


# --- claiming --------------------------------------------------------------------------------------


def test_a_queued_job_is_claimed_with_a_lease_and_an_attempt(settings):
    settings.JOB_LEASE_SECONDS = 60
    job = JobFactory()
    before = timezone.now()

    claimed = job_queue.job_claim(job_id=job.pk, token="t1")

    assert claimed.status == JobStatus.RUNNING and claimed.lease_token == "t1" and claimed.attempts == 1
    assert before + timedelta(seconds=59) < claimed.lease_expires_at <= timezone.now() + timedelta(seconds=60)


def test_a_job_held_by_another_live_run_is_left_to_it():
    job = running(JobFactory(), token="other-run")
    assert job_queue.job_claim(job_id=job.pk, token="t2") is None
    job_run(job_id=job.pk, token="t2")
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.lease_token == "other-run" and job.attempts == 1


def test_the_same_delivery_handed_back_takes_its_job_over_at_once():
    # A pool process was killed: the broker hands the same message (same task id) to another one while
    # the lease the dead process took is still live.
    job = running(JobFactory(), token="delivery-1", expires_in=60)
    claimed = job_queue.job_claim(job_id=job.pk, token="delivery-1")
    assert claimed is not None and claimed.attempts == 2


def test_a_job_whose_lease_ran_out_is_taken_over_by_another_run():
    job = running(JobFactory(), token="dead-run", expires_in=-1)
    claimed = job_queue.job_claim(job_id=job.pk, token="t2")
    assert claimed.lease_token == "t2" and claimed.attempts == 2


@pytest.mark.parametrize("status", [JobStatus.DONE, JobStatus.FAILED])
def test_a_finished_job_is_not_run_again(status):
    job = JobFactory(status=status, url="http://127.0.0.1/")
    job_run(job_id=job.pk, token="t1")
    job.refresh_from_db()
    assert job.status == status and job.attempts == 0 and job.error == ""


def test_a_job_that_is_gone_is_ignored():
    job_run(job_id=987654, token="t1")


def test_a_job_out_of_attempts_fails_with_a_message_a_person_understands(settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = running(JobFactory(), token="dead-run", expires_in=-1, attempts=3)

    job_run(job_id=job.pk, token="t4")

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 3
    assert "tried 3 times" in job.error and "Try again later" in job.error


def test_a_fetch_out_of_attempts_also_fails_its_source(settings):
    settings.JOB_MAX_ATTEMPTS = 2
    source = Source.objects.create(url="https://example.org/r", fetch_status=SourceFetchStatus.PENDING)
    job = running(
        JobFactory(kind=JobKind.FETCH_SOURCE, source=source, url=source.url),
        token="delivery-1",
        attempts=2,
    )

    job_run(job_id=job.pk, token="delivery-1")  # its worker died twice; the message came back again

    source.refresh_from_db()
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
    assert source.fetch_status == SourceFetchStatus.FAILED and "tried 2 times" in source.fetch_error


# --- completion and the lease ------------------------------------------------------------------


def test_a_run_that_lost_its_lease_cannot_overwrite_the_newer_run():
    job = JobFactory()
    stale = job_queue.job_claim(job_id=job.pk, token="stale")
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    newer = job_queue.job_claim(job_id=job.pk, token="newer")
    job_queue.job_complete(job=newer, result={"created": True})

    with pytest.raises(job_queue.LeaseLost):
        job_queue.job_complete(job=stale, result={"created": False})
    with pytest.raises(job_queue.LeaseLost):
        job_queue.job_fail(job=stale, error="late")

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result == {"created": True} and job.error == ""


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_the_handler_works(settings):
    settings.JOB_LEASE_SECONDS = 1  # renewed every third of a second
    job = job_queue.job_claim(job_id=JobFactory().pk, token="t1")
    first_expiry = job.lease_expires_at

    with job_queue.heartbeat(job):
        time.sleep(1.5)
        renewed = Job.objects.get(pk=job.pk).lease_expires_at
    assert renewed > first_expiry + timedelta(seconds=0.5)
    assert renewed > timezone.now()  # still held, although the first lease ran out long ago


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_stops_when_the_lease_was_taken_over(settings, caplog):
    settings.JOB_LEASE_SECONDS = 1
    job = job_queue.job_claim(job_id=JobFactory().pk, token="t1")
    with job_queue.heartbeat(job):
        Job.objects.filter(pk=job.pk).update(lease_token="t2", lease_expires_at=timezone.now())
        time.sleep(0.8)
        taken = Job.objects.get(pk=job.pk)
    assert taken.lease_token == "t2" and taken.lease_expires_at < timezone.now()  # not renewed for t1
    assert "lease lost" in caplog.text
