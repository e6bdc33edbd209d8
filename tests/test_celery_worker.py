"""Background jobs on a real Celery worker: they run, survive their worker dying and their broker going
away, and run exactly once.

Real worker processes on Redis (tests/support/workers.py), against the test database; the pages they
fetch come from a local site that answers slowly, so a job is mid-flight when it is killed. The workers
run with JOB_LEASE_SECONDS=3 and JOB_SWEEP_SECONDS=1.

Recovery bounds (production defaults: lease 60 s, sweep 30 s):
- a pool process killed: the message comes back at once (acks late + reject on worker lost) and its
  redelivery, holding the same task id as lease token, takes the job over at once: seconds;
- the whole worker killed: its job's lease runs out (≤ JOB_LEASE_SECONDS after its last heartbeat) and
  the next sweep puts it back in the queue: ≤ JOB_LEASE_SECONDS + JOB_SWEEP_SECONDS once a worker is up
  (≤ 90 s by default; here 3 + 1 s, about 7.5 s measured with the new worker's start and the 2.5 s page),
  instead of Redis' visibility timeout (2 × CELERY_TASK_TIME_LIMIT + 60 s, 11 minutes);
- the broker down when the job is queued: the request answers at once with a clear message; the job is
  handed over by the first sweep after the broker is back.
Every wait below is bounded (60 s), so a regression fails rather than hangs.
"""

import os
import signal
import time

import pytest
import redis
from django.db import connection, transaction
from django.urls import reverse

from claims.choices import JobKind, JobStatus, SourceFetchStatus, Stance
from claims.models import Article, Evidence, Job, Source
from claims.services.evidence import evidence_add_from_url
from claims.services.jobs import ingestion_job_start
from factcheck.celery import app
from tests.factories import ClaimFactory
from tests.services.conftest import REPORT_HTML
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import LocalSite, Page
from tests.support.workers import PrivateRedis, SlowPages, start_worker, wait_until

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CANONICAL = "https://herald.example/news/tram"  # ARTICLE_HTML's canonical link
TIMEOUT = 60

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process needs a shared database"),
]


def use_broker(settings, url: str) -> None:
    """This process queues to `url` (the fixture below puts everything back)."""
    settings.JOB_RUNNER = "celery"
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=None)
    app._after_fork()  # forget pooled connections to another broker


@pytest.fixture
def celery_conf():
    previous = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    yield
    app.conf.update(previous)
    app._after_fork()


@pytest.fixture
def workers(settings, tmp_path, celery_conf):
    started = []

    def start(**kwargs):
        worker = start_worker(database=settings.DATABASES["default"], log_dir=tmp_path, **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def slow_site(settings):
    pages = SlowPages(
        {"/article": Page(body=ARTICLE_HTML.encode()), "/source": Page(body=REPORT_HTML)}, delay=2.5
    )
    with LocalSite(pages) as site:
        # A killed worker hangs up before the slow answer is written: not worth a traceback.
        site.server.handle_error = lambda request, client_address: None
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        yield site, pages


def cite_a_source(site, alice) -> Job:
    evidence = evidence_add_from_url(
        claim=ClaimFactory(),
        url=site.url("/source"),
        stance=Stance.SUPPORTS,
        excerpt="Cyclists were not counted",
        user=alice,
    )
    return Job.objects.get(kind=JobKind.FETCH_SOURCE, source=evidence.source)


def queue_an_article_and_a_source(site, alice):
    """An article added by URL and a source cited by URL: two jobs, in that order."""
    return ingestion_job_start(url=site.url("/article"), user=alice), cite_a_source(site, alice)


def finished(*jobs) -> bool:
    return all(Job.objects.get(pk=job.pk).is_finished for job in jobs)


def assert_each_done_once(ingest: Job, fetch: Job, site) -> None:
    ingest.refresh_from_db()
    fetch.refresh_from_db()
    assert (ingest.status, ingest.error) == (JobStatus.DONE, "")
    assert (fetch.status, fetch.error) == (JobStatus.DONE, "")
    assert Article.objects.filter(url=CANONICAL).count() == 1 and ingest.article.url == CANONICAL
    assert ingest.article.claims.filter(text__startswith="Mayor Anna Berg said").count() == 1
    assert Source.objects.filter(url=site.url("/source")).count() == 1
    source = Source.objects.get(url=site.url("/source"))
    assert source.fetch_status == SourceFetchStatus.FETCHED
    assert Evidence.objects.get(source=source).excerpt_verified is True
    assert Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).count() == 0


def test_a_worker_process_fetches_and_splits_a_queued_url(alice, settings, workers):
    redis.Redis.from_url(REDIS_URL).flushdb()
    use_broker(settings, REDIS_URL)
    with LocalSite({"/tram": Page(body=ARTICLE_HTML.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]  # the web process checks the address before queueing
        job = ingestion_job_start(url=site.url("/tram"), user=alice)  # queued on commit (autocommit here)
        # Nothing runs it in-process: it waits in Redis until a worker starts.
        time.sleep(0.5)
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.enqueued_at is not None
        worker = workers(broker_url=REDIS_URL, allowed_host=site.host, pool="solo")

        wait_until(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=TIMEOUT, what="the worker")
        assert worker.process.poll() is None, worker.output()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.attempts == 1 and job.lease_token and job.lease_expires_at is None
    assert job.article.claims.filter(text__startswith="Mayor Anna Berg said").exists()
    assert Job.objects.filter(status=JobStatus.QUEUED).count() == 0


def test_a_pool_process_killed_mid_job_is_replaced_and_every_job_completes_once(
    alice, settings, workers, slow_site
):
    site, pages = slow_site
    redis.Redis.from_url(REDIS_URL).flushdb()
    use_broker(settings, REDIS_URL)
    # A lease far longer than the recovery we expect: only the redelivery's own lease token can take over.
    worker = workers(broker_url=REDIS_URL, allowed_host=site.host, lease_seconds=45)

    recovery = []
    ingest = ingestion_job_start(url=site.url("/article"), user=alice)
    recovery.append(kill_the_pool_process_mid_job(worker, ingest, pages, "/article"))
    fetch = cite_a_source(site, alice)
    recovery.append(kill_the_pool_process_mid_job(worker, fetch, pages, "/source"))

    assert_each_done_once(ingest, fetch, site)
    for job in (ingest, fetch):
        assert Job.objects.get(pk=job.pk).attempts == 2  # the killed run and its redelivery
    assert pages.hits["/article"] == 2 and pages.hits["/source"] == 2
    print(f"pool process killed: jobs done {recovery[0]:.1f} s and {recovery[1]:.1f} s after the kill")
    # At once: neither the lease (45 s here) nor Redis' visibility timeout (11 minutes) is waited for.
    assert max(recovery) < 20


def kill_the_pool_process_mid_job(worker, job: Job, pages: SlowPages, path: str) -> float:
    """SIGKILL the pool process while it fetches `path` for `job`; return how long the job then took."""
    wait_until(lambda: pages.hits[path] >= 1, timeout=TIMEOUT, what=f"{path} to be fetched")
    held = Job.objects.get(pk=job.pk)
    assert held.status == JobStatus.RUNNING
    [child] = worker.children()  # concurrency 1, no beat: the one pool process
    os.kill(child, signal.SIGKILL)  # mid-fetch: the page is still being answered
    killed_at = time.monotonic()
    wait_until(lambda: finished(job), timeout=TIMEOUT, what=f"job {job.pk} after the kill")
    took = time.monotonic() - killed_at
    assert worker.process.poll() is None, worker.output()
    # Taken over by the same message handed back (same task id, hence the same lease token), at once.
    assert Job.objects.get(pk=job.pk).lease_token == held.lease_token
    return took


def test_a_whole_worker_killed_mid_job_is_recovered_by_the_next_worker_and_its_sweeper(
    alice, settings, workers, slow_site
):
    site, pages = slow_site
    redis.Redis.from_url(REDIS_URL).flushdb()
    use_broker(settings, REDIS_URL)
    first = workers(broker_url=REDIS_URL, allowed_host=site.host)
    ingest, fetch = queue_an_article_and_a_source(site, alice)
    wait_until(lambda: pages.hits["/article"] >= 1, timeout=TIMEOUT, what="the article to be fetched")

    first.kill_everything()  # the worker, its pool: the message stays unacknowledged in Redis
    killed_at = time.monotonic()
    assert Job.objects.get(pk=ingest.pk).status == JobStatus.RUNNING
    second = workers(broker_url=REDIS_URL, allowed_host=site.host, beat=True)

    wait_until(lambda: finished(ingest, fetch), timeout=TIMEOUT, what="both jobs on the second worker")
    recovery = time.monotonic() - killed_at

    assert second.process.poll() is None, second.output()
    assert_each_done_once(ingest, fetch, site)
    assert Job.objects.get(pk=ingest.pk).attempts == 2 and Job.objects.get(pk=fetch.pk).attempts == 1
    print(f"whole worker killed: both jobs done {recovery:.1f} s after the kill")
    # Well under Redis' visibility timeout (which would hand the message back after minutes).
    assert recovery < 30


def test_a_job_queued_while_redis_is_down_runs_when_it_is_back(alice, settings, client, workers, tmp_path):
    broker = PrivateRedis(tmp_path)
    broker.start()
    try:
        use_broker(settings, broker.url)
        with LocalSite({"/article": Page(body=ARTICLE_HTML.encode())}) as site:
            settings.FETCH_ALLOWED_HOSTS = [site.host]
            worker = workers(broker_url=broker.url, allowed_host=site.host, beat=True)
            broker.stop()

            client.force_login(alice)
            started = time.monotonic()
            response = client.post(reverse("article_create"), {"method": "url", "url": site.url("/article")})
            answered_in = time.monotonic() - started

            assert response.status_code == 302, response.content[:500]
            page = client.get(response.url)
            assert page.status_code == 200
            assert "background worker can’t be reached right now" in page.content.decode()
            job = Job.objects.get(kind=JobKind.INGEST_URL)
            assert job.status == JobStatus.QUEUED and job.enqueued_at is None

            time.sleep(1)
            broker.start()  # same port, empty: the job's message was never sent
            back_at = time.monotonic()
            wait_until(lambda: finished(job), timeout=TIMEOUT, what="the job after Redis came back")
            ran_after = time.monotonic() - back_at

            job.refresh_from_db()
            assert job.status == JobStatus.DONE, (job.error, worker.output())
            assert Article.objects.filter(url=CANONICAL).count() == 1
            print(
                f"broker down: request answered in {answered_in:.2f} s; job done {ran_after:.1f} s after Redis"
            )
            assert answered_in < 5
    finally:
        broker.stop()


def test_a_worker_killed_mid_suggestion_job_leaves_no_duplicate_suggestions(
    alice, settings, workers, monkeypatch
):
    from claims.coverage.readers import FactCheck
    from claims.models import Suggestion
    from claims.services import coverage

    coverage.corpus_load_factchecks(
        checks=[
            FactCheck(
                id="1",
                vclaim="The Mill Street tunnel in Riverside opened in 1984.",
                title="Mill Street tunnel",
            ),
            FactCheck(id="2", vclaim="Riverside's harbour tunnel is the oldest crossing in the city."),
        ]
    )
    claim = ClaimFactory(text="The Mill Street tunnel opened in 1974.")
    redis.Redis.from_url(REDIS_URL).flushdb()
    use_broker(settings, REDIS_URL)
    # The job waits this long before storing its suggestions (a switch only the tests set), so it is
    # mid-flight when its worker is killed.
    monkeypatch.setenv(coverage.TEST_DELAY_ENV, "8")
    first = workers(broker_url=REDIS_URL, allowed_host="127.0.0.1")
    with transaction.atomic():
        (job,) = coverage.coverage_suggest_submit(claim_ids=[claim.pk])
    wait_until(
        lambda: Job.objects.get(pk=job.pk).status == JobStatus.RUNNING,
        timeout=TIMEOUT,
        what="the job to start",
    )
    time.sleep(2)

    first.kill_everything()  # SIGKILL: the worker and its pool, mid-job
    killed_at = time.monotonic()
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING
    assert not Suggestion.objects.filter(claim=claim).exists()  # nothing stored half way
    monkeypatch.delenv(coverage.TEST_DELAY_ENV)
    second = workers(broker_url=REDIS_URL, allowed_host="127.0.0.1", beat=True)

    wait_until(
        lambda: Job.objects.get(pk=job.pk).is_finished, timeout=TIMEOUT, what="the job on the second worker"
    )
    recovery = time.monotonic() - killed_at
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == (JobStatus.DONE, "", 2), second.output()
    items = list(Suggestion.objects.filter(claim=claim).values_list("item_id", flat=True))
    assert items and len(items) == len(set(items)) == job.result["suggestions"]
    print(f"suggestion job: done {recovery:.1f} s after its worker was killed")


def test_activating_a_model_re_scores_the_open_claims_on_a_worker(settings, workers, tmp_path):
    from claims.services import checkworthiness
    from tests.support.checkworthiness_data import LABELLED, text_label_csv

    redis.Redis.from_url(REDIS_URL).flushdb()
    use_broker(settings, REDIS_URL)
    labels = tmp_path / "labels.csv"
    labels.write_text(text_label_csv(LABELLED), encoding="utf-8")
    directory = checkworthiness.model_train(
        inputs=[str(labels)], from_reviews=False, output=tmp_path
    ).directory
    claims = [ClaimFactory(), ClaimFactory(status="in_review")]
    model = checkworthiness.model_register(directory=directory)

    job = checkworthiness.model_activate(model=model)  # queued on commit (autocommit here)
    workers(broker_url=REDIS_URL, allowed_host="127.0.0.1", pool="solo")

    wait_until(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=TIMEOUT, what="the worker")
    job.refresh_from_db()
    assert (job.status, job.result["scored"]) == (JobStatus.DONE, 2), job.error
    for claim in claims:
        claim.refresh_from_db()
        assert claim.scored_by == model and any("trained model" in reason for reason in claim.reasons)
