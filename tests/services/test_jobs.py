"""Specification of background ingestion jobs (Celery runs them in-process in tests unless a worker is started)."""

import pytest

from claims.choices import JobStatus
from claims.errors import InputRejected
from claims.models import Article, IngestionJob
from claims.services.jobs import ingestion_job_run, ingestion_job_start
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db


def test_a_job_is_queued_after_commit_and_ends_with_the_article(
    alice, settings, django_capture_on_commit_callbacks
):
    with LocalSite({"/tram": Page(body=ARTICLE_HTML.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            job = ingestion_job_start(url=site.url("/tram"), user=alice)
            assert IngestionJob.objects.get(pk=job.pk).status == JobStatus.QUEUED

    job.refresh_from_db()
    assert len(callbacks) == 1
    assert job.status == JobStatus.DONE and job.error == ""
    assert job.article.claims.exists()


def test_a_refused_url_fails_the_job_with_the_reason(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = ingestion_job_start(url="http://127.0.0.1/secret", user=alice)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "127.0.0.1" in job.error
    assert Article.objects.count() == 0


def test_a_malformed_url_is_refused_before_a_job_exists(alice):
    with pytest.raises(InputRejected):
        ingestion_job_start(url="not a url", user=alice)
    assert IngestionJob.objects.count() == 0


def test_running_a_job_twice_does_the_work_once(alice):
    job = IngestionJob.objects.create(
        method="url", url="http://127.0.0.1/", created_by=alice, status=JobStatus.DONE
    )
    ingestion_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.error == ""


def test_a_job_that_is_gone_is_ignored():
    ingestion_job_run(job_id=987654)


def test_a_job_abandoned_by_a_dead_worker_is_taken_over(alice, settings):
    from datetime import timedelta

    from django.utils import timezone

    job = IngestionJob.objects.create(
        method="url", url="http://127.0.0.1/", created_by=alice, status=JobStatus.RUNNING
    )
    IngestionJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))

    ingestion_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "127.0.0.1" in job.error


def test_a_job_running_now_is_left_to_its_worker(alice):
    job = IngestionJob.objects.create(
        method="url", url="http://127.0.0.1/", created_by=alice, status=JobStatus.RUNNING
    )
    ingestion_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
