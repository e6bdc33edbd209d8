"""A real Celery worker process on Redis runs an ingestion job end to end.

The worker is a separate process, so the test commits its data (transaction=True) and points the worker
at the test database; it reaches the page through a local site on the fetch allow-list. What happens when
workers die or Redis goes away is in test_worker_failures.py.
"""

import os
import time

import pytest
import redis
from django.db import connection

from claims.choices import JobStatus
from claims.models import Job
from claims.services.jobs import ingestion_job_start
from factcheck.celery import app
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import LocalSite, Page
from tests.support.workers import start_worker, wait_until

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process needs a shared database"),
]


@pytest.fixture
def celery_on_redis(settings):
    """Send jobs to Redis instead of running them in-process, for this test only."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    previous = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    settings.JOB_RUNNER = "celery"
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, result_backend=None)
    app._after_fork()  # earlier tests may have pooled connections to the default broker
    yield
    app.conf.update(previous)
    # Forget this test's broker pools (kombu keeps them per URL); the next use builds fresh ones.
    app._after_fork()


@pytest.fixture
def worker(settings, celery_on_redis, tmp_path):
    started = []

    def start(allowed_host: str):
        started.append(
            start_worker(
                database=settings.DATABASES["default"],
                broker_url=REDIS_URL,
                allowed_host=allowed_host,
                log_dir=tmp_path,
                pool="solo",
            )
        )
        return started[-1]

    yield start
    for process in started:
        process.stop()


def test_a_worker_process_fetches_and_splits_a_queued_url(alice, settings, worker):
    with LocalSite({"/tram": Page(body=ARTICLE_HTML.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]  # the web process checks the address before queueing
        job = ingestion_job_start(url=site.url("/tram"), user=alice)  # queued on commit (autocommit here)
        # Nothing runs it in-process: it waits in Redis until a worker starts.
        time.sleep(0.5)
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.enqueued_at is not None
        process = worker(site.host)

        wait_until(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=60, what="the worker")
        assert process.process.poll() is None, process.output()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.attempts == 1 and job.lease_token and job.lease_expires_at is None
    assert job.article.claims.filter(text__startswith="Mayor Anna Berg said").exists()
    assert Job.objects.filter(status=JobStatus.QUEUED).count() == 0
