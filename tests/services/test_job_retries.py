"""Specification of retries: a job whose run failed transiently is tried again after a back-off, and says why.

Transient (claims/services/retries.py): the database or Redis not answering, a host name that does not
resolve, a page that timed out, or a handler's own `TransientError`. The wait is "full jitter": a random
number of seconds in [0, min(JOB_RETRY_MAX_SECONDS, JOB_RETRY_BASE_SECONDS × 2^(attempt − 1))].

Jobs run in-process here (JOB_RUNNER=eager), where a retry is left queued for the next sweep; with Celery it
is handed over at once with a countdown (the `broker` fixture stands in for it).
"""

import socket
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.template.loader import render_to_string
from django.utils import timezone

from claims import fetching
from claims.choices import JobKind, JobStatus, SourceFetchStatus
from claims.errors import InputRejected, TransientError
from claims.models import Article, Job, Source
from claims.services import job_queue, retries
from claims.services.ingest import article_ingest_url
from claims.services.jobs import HANDLERS, Handler, job_run, jobs_sweep
from claims.tasks import run_job
from tests.factories import ClaimFactory, EvidenceFactory, JobFactory
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

DB_DROPPED = OperationalError("server closed the connection unexpectedly")


@pytest.fixture(autouse=True)
def back_off(settings):
    settings.JOB_MAX_ATTEMPTS = 3
    settings.JOB_RETRY_BASE_SECONDS = 5
    settings.JOB_RETRY_MAX_SECONDS = 300


@pytest.fixture
def longest_wait():
    """random.uniform always picks the top of its range, so every wait is its ceiling."""
    with mock.patch("claims.services.retries.random.uniform", side_effect=lambda low, high: high) as uniform:
        yield uniform


@pytest.fixture
def broker(settings):
    """JOB_RUNNER=celery with apply_async replaced."""
    settings.JOB_RUNNER = "celery"
    with mock.patch.object(run_job, "apply_async") as apply_async:
        yield apply_async


class FailsFirst:
    """A stand-in for a service that raises `error` for its first `times` calls, then does the real work."""

    def __init__(self, real, error: BaseException, times: int = 1):
        self.real, self.error, self.times, self.calls = real, error, times, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls <= self.times:
            raise self.error
        return self.real(*args, **kwargs)


def failing_ingest(error: BaseException, times: int = 99):
    return mock.patch("claims.services.jobs.article_ingest_url", FailsFirst(article_ingest_url, error, times))


def retry_due(job: Job) -> None:
    """Time passes: the job's back-off is over."""
    Job.objects.filter(pk=job.pk).update(retry_at=timezone.now() - timedelta(seconds=1))


# --- a transient failure puts the job back in the queue ------------------------------------------------


def test_a_transient_error_requeues_the_job_with_its_reason_and_a_back_off_within_bounds():
    job = JobFactory()
    before = timezone.now()
    with (
        failing_ingest(DB_DROPPED),
        mock.patch("claims.services.retries.random.uniform", return_value=3.25) as uniform,
    ):
        job_run(job_id=job.pk, token="t1")

    uniform.assert_called_once_with(0, 5)  # the first retry waits up to JOB_RETRY_BASE_SECONDS
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 1
    assert job.error == "The database did not answer."
    assert before + timedelta(seconds=3.25) <= job.retry_at <= timezone.now() + timedelta(seconds=3.25)
    assert job.lease_token == "" and job.lease_expires_at is None and job.finished_at is None
    at = timezone.localtime(job.retry_at).strftime("%H:%M:%S")
    assert job.retry_note == f"The database did not answer. Retrying at {at} (attempt 2 of 3)."


def test_a_real_random_wait_stays_between_zero_and_its_ceiling():
    waits = [retries.retry_delay(attempt=3) for _ in range(500)]
    assert all(0 <= wait <= 20 for wait in waits)
    assert max(waits) - min(waits) > 10  # jittered, not one fixed wait


def test_the_wait_doubles_with_each_attempt_up_to_the_cap(settings, longest_wait):
    settings.JOB_RETRY_MAX_SECONDS = 60
    ceilings = [retries.retry_delay(attempt=attempt) for attempt in range(1, 7)]
    assert ceilings == [5, 10, 20, 40, 60, 60]


def test_each_retry_of_a_job_may_wait_longer_than_the_last(longest_wait):
    job = JobFactory()
    with failing_ingest(DB_DROPPED):
        job_run(job_id=job.pk, token="t1")
        job_run(job_id=job.pk, token="t2")
    assert [c.args for c in longest_wait.call_args_list] == [(0, 5), (0, 10)]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 2 and "attempt 3 of 3" in job.retry_note


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (OperationalError("could not connect to server"), "The database did not answer."),
        (TransientError("The fact-check archive is down for maintenance."), "The fact-check archive is down"),
        (fetching.HostNotFound("We could not find the server “x.example”."), "could not find the server"),
    ],
    ids=["database", "the handler says so", "host name"],
)
def test_what_counts_as_transient_is_retried_with_its_reason(error, reason):
    job = JobFactory()
    with mock.patch.dict(HANDLERS, {JobKind.INGEST_URL: Handler(run=mock.Mock(side_effect=error))}):
        job_run(job_id=job.pk, token="t1")
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and reason in job.error and job.retry_at is not None


def test_a_page_that_does_not_answer_in_time_is_transient(settings):
    # A server that accepts the connection and never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        host = f"127.0.0.1:{silent.getsockname()[1]}"
        settings.FETCH_ALLOWED_HOSTS = [host]
        settings.FETCH_READ_TIMEOUT = 0.2
        with pytest.raises(fetching.FetchError) as timed_out:
            fetching.fetch(f"http://{host}/slow")
    assert retries.transient_reason(timed_out.value) == timed_out.value.message
    assert "took too long to answer" in timed_out.value.message


def test_a_page_that_refuses_is_not_transient(settings):
    with LocalSite({}) as site:  # every page is a 404
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        with pytest.raises(fetching.FetchError) as refused:
            fetching.fetch(site.url("/gone"))
    assert not retries.is_transient(refused.value)


# --- anything else fails at once -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (InputRejected("That page is not an article."), "That page is not an article."),
        (
            fetching.FetchError("The page answered 404 Not Found, so there is nothing to read."),
            "404 Not Found",
        ),
        (RuntimeError("a bug"), "Something went wrong on our side"),
    ],
    ids=["refused", "fetch refused", "a bug"],
)
def test_an_error_that_is_not_transient_fails_the_job_at_once(error, message):
    job = JobFactory()
    with failing_ingest(error):
        job_run(job_id=job.pk, token="t1")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 1 and message in job.error
    assert job.retry_at is None and job.retry_note == ""


# --- out of attempts ---------------------------------------------------------------------------------


def test_out_of_attempts_the_job_fails_with_the_last_reason():
    job = JobFactory()
    with failing_ingest(DB_DROPPED):
        for token in ("t1", "t2", "t3"):
            job_run(job_id=job.pk, token=token)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 3
    assert job.error == "We gave up after 3 attempts: the database did not answer."
    assert job.finished_at is not None and job.retry_note == ""


def test_a_source_whose_host_never_resolves_fails_with_the_reason_after_its_last_attempt(monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetching, "getaddrinfo", no_such_host)
    source = Source.objects.create(
        url="https://no-such-host.example/r", fetch_status=SourceFetchStatus.PENDING
    )
    job = JobFactory(kind=JobKind.FETCH_SOURCE, source=source, url=source.url)

    job_run(job_id=job.pk, token="t1")
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.PENDING  # still waiting while the job retries
    job_run(job_id=job.pk, token="t2")
    job_run(job_id=job.pk, token="t3")

    job.refresh_from_db()
    source.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("We gave up after 3 attempts: we could not find the server “no-such-host")
    assert source.fetch_status == SourceFetchStatus.FAILED and source.fetch_error == job.error


# --- the sweeper and the runners ---------------------------------------------------------------------


def test_the_sweeper_does_not_hand_over_a_job_before_its_retry_time_and_does_after(alice, settings):
    with LocalSite({"/tram": Page(body=ARTICLE_HTML.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        job = JobFactory(url=site.url("/tram"), created_by=alice)
        with failing_ingest(DB_DROPPED, times=1):
            job_run(job_id=job.pk, token="t1")
            assert jobs_sweep()["handed_over"] == 0  # waiting out its back-off
            assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED

            retry_due(job)
            assert jobs_sweep()["handed_over"] == 1  # eager: it runs now

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert job.error == "" and job.retry_at is None and job.article is not None


def test_with_celery_a_retry_is_handed_over_at_once_with_its_wait_as_countdown(broker):
    job = JobFactory()
    with failing_ingest(DB_DROPPED), mock.patch("claims.services.retries.random.uniform", return_value=4.0):
        job_run(job_id=job.pk, token="t1")

    broker.assert_called_once()
    assert broker.call_args.kwargs["args"] == [job.pk] and broker.call_args.kwargs["countdown"] == 4.0
    assert broker.call_args.kwargs["task_id"] != "t1"  # a new delivery, a new lease token
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.enqueued_at is not None


def test_a_retry_message_held_back_by_its_countdown_is_not_taken_for_lost(broker):
    job = JobFactory()
    long_ago = timezone.now() - job_queue.resend_after() - timedelta(seconds=1)
    Job.objects.filter(pk=job.pk).update(
        enqueued_at=long_ago, created_at=long_ago, retry_at=timezone.now() + timedelta(seconds=30)
    )
    assert jobs_sweep()["handed_over"] == 0

    Job.objects.filter(pk=job.pk).update(retry_at=long_ago)  # due long ago and still not run: lost
    assert jobs_sweep()["handed_over"] == 1
    assert "countdown" not in broker.call_args.kwargs


def test_a_retry_the_broker_could_not_take_is_sent_by_the_sweeper_once_due(broker):
    broker.side_effect = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    job = JobFactory()
    with failing_ingest(DB_DROPPED):
        job_run(job_id=job.pk, token="t1")
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.enqueued_at is None

    broker.side_effect = None
    broker.reset_mock()
    assert jobs_sweep()["handed_over"] == 0
    retry_due(job)
    assert jobs_sweep()["handed_over"] == 1
    broker.assert_called_once()


def test_with_the_thread_runner_the_retry_waits_in_its_thread(settings):
    settings.JOB_RUNNER = "thread"
    job = JobFactory()
    with (
        failing_ingest(DB_DROPPED),
        mock.patch("claims.services.retries.random.uniform", return_value=2.5),
        mock.patch.object(job_queue, "_start_thread") as start_thread,
        mock.patch.object(job_queue, "ensure_local_sweeper"),
    ):
        job_run(job_id=job.pk, token="t1")

    target, job_id, _token, countdown = start_thread.call_args.args
    assert target is job_queue._run_locally and job_id == job.pk and countdown == 2.5


# --- no duplicated effect ------------------------------------------------------------------------------


def test_an_article_stored_before_the_database_dropped_is_not_stored_twice_by_the_retry(alice, settings):
    class StoresThenDrops(FailsFirst):
        def __call__(self, *args, **kwargs):
            self.calls += 1
            outcome = self.real(*args, **kwargs)
            if self.calls == 1:
                raise self.error  # the article is stored; the job never heard
            return outcome

    with LocalSite({"/tram": Page(body=ARTICLE_HTML.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        job = JobFactory(url=site.url("/tram"), created_by=alice)
        with mock.patch(
            "claims.services.jobs.article_ingest_url", StoresThenDrops(article_ingest_url, DB_DROPPED)
        ):
            job_run(job_id=job.pk, token="t1")
            assert Article.objects.count() == 1 and Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
            retry_due(job)
            jobs_sweep()

    job.refresh_from_db()
    assert Article.objects.count() == 1
    assert job.status == JobStatus.DONE and job.article == Article.objects.get()
    assert job.result == {"created": True}  # it was this job that added it


def test_a_source_fetched_on_its_retry_is_archived_once(site, monkeypatch):
    source = Source.objects.create(url=site.url("/report"), fetch_status=SourceFetchStatus.PENDING)
    evidence = EvidenceFactory(source=source, excerpt="the bridge carried 160,000 vehicles a day")
    job = JobFactory(kind=JobKind.FETCH_SOURCE, source=source, url=source.url)
    dns_blip = FailsFirst(fetching.fetch, fetching.HostNotFound("We could not find the server."))
    monkeypatch.setattr("claims.services.sources.fetching.fetch", dns_blip)

    job_run(job_id=job.pk, token="t1")
    retry_due(job)
    jobs_sweep()
    jobs_sweep()  # nothing left to do

    job.refresh_from_db()
    source.refresh_from_db()
    evidence.refresh_from_db()
    assert dns_blip.calls == 2
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert (
        source.fetch_status == SourceFetchStatus.FETCHED
        and "Cyclists were not counted" in source.archived_text
    )
    assert Source.objects.count() == 1 and evidence.excerpt_verified is True


# --- what people see ---------------------------------------------------------------------------------


def test_the_claim_panel_says_when_its_coverage_job_is_retried():
    claim = ClaimFactory()
    job = JobFactory(
        kind=JobKind.SUGGEST_COVERAGE,
        params={"claim": claim.pk},
        attempts=1,
        error="The database did not answer.",
        retry_at=timezone.now() + timedelta(seconds=40),
    )
    html = render_to_string("claims/panel/_coverage.html", {"claim": claim, "coverage_job": job})
    at = timezone.localtime(job.retry_at).strftime("%H:%M:%S")
    assert "Retrying</span> The database did not answer. Retrying at " + at + " (attempt 2 of 3)." in html
