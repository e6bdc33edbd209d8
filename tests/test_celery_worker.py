"""A real Celery worker process on Redis runs an ingestion job end to end.

The worker is a separate process, so the test commits its data (transaction=True) and points the worker
at the test database; it reaches the page through a local site on the fetch allow-list.
"""

import os
import subprocess
import sys
import time

import pytest
import redis
from django.db import connection

from claims.choices import JobStatus
from claims.models import IngestionJob
from claims.services.jobs import ingestion_job_start
from factcheck.celery import app
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import LocalSite, Page

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process needs a shared database"),
]


@pytest.fixture
def celery_on_redis():
    """Send tasks to Redis instead of running them in-process, for this test only."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    previous = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, result_backend=REDIS_URL)
    app._after_fork()  # earlier tests may have pooled connections to the default broker
    yield
    app.conf.update(previous)
    # Forget this test's broker pools (kombu keeps them per URL); the next use builds fresh ones.
    app._after_fork()


@pytest.fixture
def worker(settings, celery_on_redis):
    def start(allowed_host: str) -> subprocess.Popen:
        db = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": REDIS_URL,
            "FETCH_ALLOWED_HOSTS": allowed_host,
            "DB_CONN_MAX_AGE": "0",
        }
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--pool=solo",
                "--loglevel=warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    processes = []
    yield lambda host: processes.append(start(host)) or processes[-1]
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_worker_process_fetches_and_splits_a_queued_url(alice, worker):
    with LocalSite({"/tram": Page(body=ARTICLE_HTML.encode())}) as site:
        job = ingestion_job_start(url=site.url("/tram"), user=alice)  # queued on commit (autocommit here)
        # Nothing runs it in-process: it waits in Redis until a worker starts.
        time.sleep(0.5)
        assert IngestionJob.objects.get(pk=job.pk).status == JobStatus.QUEUED
        process = worker(site.host)

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            assert process.poll() is None, process.stdout.read().decode()
            time.sleep(0.3)

    assert job.status == JobStatus.DONE, job.error
    assert job.article.claims.filter(text__startswith="Mayor Anna Berg said").exists()
    assert IngestionJob.objects.filter(status=JobStatus.QUEUED).count() == 0
