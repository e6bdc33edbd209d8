"""The job tasks: registered by name, thin, harmless when run twice or for a row that is gone.

Sources are fetched by the one job task, `claims.run_job`, as `fetch_source` jobs.
"""

from unittest import mock

import pytest

from claims.choices import JobKind, JobStatus, SourceFetchStatus
from claims.models import Job, Source
from claims.tasks import run_job, sweep_jobs
from factcheck.celery import app
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db


def fetch_job(source: Source) -> Job:
    return Job.objects.create(kind=JobKind.FETCH_SOURCE, source=source, url=source.url)


def test_the_tasks_are_registered_under_their_names():
    assert run_job.name == "claims.run_job" and sweep_jobs.name == "claims.sweep_jobs"
    assert "claims.run_job" in app.tasks and "claims.sweep_jobs" in app.tasks


def test_the_task_hands_the_id_and_its_own_task_id_to_the_service():
    with mock.patch("claims.tasks.job_run") as service:
        run_job.apply(args=[42], task_id="delivery-1")
    service.assert_called_once_with(job_id=42, token="delivery-1")


def test_the_task_fetches_a_pending_source_once(settings):
    page = Page(
        body=b"<html><head><title>Budget</title></head><body><article><p>"
        b"The council approved the budget on Tuesday after a long debate about the tram line.</p>"
        b"</article></body></html>"
    )
    with LocalSite({"/budget": page}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        source = Source.objects.create(url=site.url("/budget"), fetch_status=SourceFetchStatus.PENDING)
        job = fetch_job(source)
        run_job.delay(job.pk)
        source.refresh_from_db()
        fetched_at = source.fetched_at
        assert source.fetch_status == SourceFetchStatus.FETCHED and source.title == "Budget"

        run_job.delay(job.pk)  # a redelivered task
        source.refresh_from_db()
        assert source.fetched_at == fetched_at
        assert Job.objects.get(pk=job.pk).attempts == 1


def test_a_refused_url_does_not_raise_out_of_the_task():
    source = Source.objects.create(url="http://127.0.0.1:9/secret", fetch_status=SourceFetchStatus.PENDING)
    job = fetch_job(source)
    run_job.delay(job.pk)  # eager tasks propagate exceptions: this would raise
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FAILED
    assert "127.0.0.1" in source.fetch_error
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_a_job_that_is_gone_is_ignored():
    run_job.delay(987654)
