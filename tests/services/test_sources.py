"""Specification of fetched sources: archived through the guarded client, excerpts checked afterwards.

Pages are served by a local test site (tests/services/conftest.py); only its address is allowed. A fetch
runs as a `fetch_source` job (claims/services/jobs.py), which carries the lease and the retries; the
claiming rules are specified in test_jobs.py.
"""

import datetime
import hashlib
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from claims.choices import JobKind, JobStatus, SourceFetchStatus
from claims.models import Job, Source
from claims.services import job_queue
from claims.services.sources import source_fetch, source_for_url
from claims.tasks import run_job
from tests.factories import EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_fetching_archives_the_text_with_its_hash_and_fills_in_the_metadata(alice, site):
    source = Source.objects.create(url=site.url("/report"), fetch_status=SourceFetchStatus.PENDING)
    curly = EvidenceFactory(source=source, excerpt="the authority's own figures would be published in full")
    dashed = EvidenceFactory(source=source, excerpt="rise in July - pending a review")
    invented = EvidenceFactory(source=source, excerpt="the bridge carried 200,000 vehicles a day")
    empty = EvidenceFactory(source=source, excerpt="")

    source_fetch(source_id=source.pk)

    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FETCHED
    assert source.fetch_error == ""
    assert "Cyclists were not counted" in source.archived_text
    assert source.archived_hash == hashlib.sha256(source.archived_text.encode("utf-8")).hexdigest()
    assert source.fetched_at is not None
    assert source.title == "Harbour bridge traffic report 2023"
    assert source.publisher == "Harbour Gazette"
    assert source.published_at == datetime.date(2024, 3, 5)
    for evidence, expected in ((curly, True), (dashed, True), (invented, False), (empty, None)):
        evidence.refresh_from_db()
        assert evidence.excerpt_verified is expected, evidence.excerpt


def test_what_a_person_typed_is_kept_over_the_page_metadata(site):
    source = Source.objects.create(
        url=site.url("/report"),
        title="My title",
        publisher="My paper",
        fetch_status=SourceFetchStatus.PENDING,
    )
    source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert (source.title, source.publisher) == ("My title", "My paper")


def test_a_missing_page_fails_the_source_with_the_reason(site):
    source = Source.objects.create(url=site.url("/missing"), fetch_status=SourceFetchStatus.PENDING)
    evidence = EvidenceFactory(source=source, excerpt="anything")
    source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FAILED
    assert "404" in source.fetch_error
    assert source.archived_text == "" and source.archived_hash == ""
    evidence.refresh_from_db()
    assert evidence.excerpt_verified is None


def test_a_redirect_to_the_loopback_interface_is_refused(site):
    source = Source.objects.create(url=site.url("/loopback"), fetch_status=SourceFetchStatus.PENDING)
    source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FAILED
    assert "inside our own network" in source.fetch_error


def test_an_unexpected_error_fails_the_source_without_raising(site):
    source = Source.objects.create(url=site.url("/report"), fetch_status=SourceFetchStatus.PENDING)
    with mock.patch("claims.services.sources.extract_from_fetch", side_effect=RuntimeError("boom")):
        source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FAILED
    assert "on our side" in source.fetch_error


def test_a_source_already_fetched_is_not_fetched_again(site):
    source = SourceFactory(
        url=site.url("/report"), fetch_status=SourceFetchStatus.FETCHED, archived_text="Old copy"
    )
    with mock.patch("claims.fetching.fetch") as fetch:
        source_fetch(source_id=source.pk)
    fetch.assert_not_called()
    source.refresh_from_db()
    assert source.archived_text == "Old copy"


def test_a_source_that_is_gone_is_ignored():
    source_fetch(source_id=987654)


# --- one source per fetched page --------------------------------------------------------------------


def test_two_fetched_sources_cannot_share_an_address():
    Source.objects.create(url="https://example.org/r", fetch_status=SourceFetchStatus.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(url="https://example.org/r", fetch_status=SourceFetchStatus.FETCHED)


def test_sources_typed_by_hand_may_share_an_address_or_have_none():
    SourceFactory(url="https://example.org/r", fetch_status=SourceFetchStatus.FETCHED)
    SourceFactory(url="https://example.org/r", fetch_status=SourceFetchStatus.MANUAL)
    SourceFactory(url="https://example.org/r", fetch_status=SourceFetchStatus.MANUAL)
    SourceFactory(url="", fetch_status=SourceFetchStatus.MANUAL)
    SourceFactory(url="", fetch_status=SourceFetchStatus.MANUAL)
    assert Source.objects.count() == 5


def test_citing_a_pending_page_again_joins_the_fetch_already_queued(alice, bob):
    first = source_for_url(url="https://example.org/r", user=alice)
    again = source_for_url(url="https://example.org/r", user=bob)
    assert again == first
    job = Job.objects.get()
    assert (job.kind, job.source, job.status, job.created_by) == (
        JobKind.FETCH_SOURCE,
        first,
        "queued",
        alice,
    )


def test_citing_a_failed_page_again_queues_a_new_fetch(alice):
    source = Source.objects.create(
        url="https://example.org/r", fetch_status=SourceFetchStatus.FAILED, fetch_error="Timed out"
    )
    Job.objects.create(
        kind=JobKind.FETCH_SOURCE, source=source, dedupe_key=f"source:{source.pk}", status="failed"
    )
    assert source_for_url(url="https://example.org/r", user=alice) == source
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.PENDING and source.fetch_error == ""
    assert Job.objects.filter(source=source, status=JobStatus.QUEUED).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two concurrent transactions")
def test_two_people_citing_the_same_new_page_at_once_get_one_source_and_one_fetch(alice, bob, settings):
    settings.JOB_RUNNER = "celery"
    both_inside = threading.Barrier(2)
    cited, errors = [], []

    def cite(user):
        try:
            with transaction.atomic():
                both_inside.wait(timeout=10)
                cited.append(source_for_url(url="https://example.org/same", user=user).pk)
                time.sleep(0.3)  # keep the transaction open: the other insert waits on ours, then loses
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    with mock.patch.object(run_job, "apply_async"):
        threads = [threading.Thread(target=cite, args=(user,)) for user in (alice, bob)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)

    assert errors == []
    assert len(cited) == 2 and len(set(cited)) == 1
    assert Source.objects.count() == 1
    assert Job.objects.filter(kind=JobKind.FETCH_SOURCE).count() == 1


# --- the fetch as a job ---------------------------------------------------------------------------


def fetch_job(source: Source) -> Job:
    job = Job.objects.create(kind=JobKind.FETCH_SOURCE, source=source, url=source.url)
    return job_queue.job_claim(job_id=job.pk, token="t1")


def test_a_fetch_job_archives_the_page_and_completes_with_it(site):
    source = Source.objects.create(url=site.url("/report"), fetch_status=SourceFetchStatus.PENDING)
    job = fetch_job(source)

    source_fetch(source_id=source.pk, job=job)

    job.refresh_from_db()
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FETCHED
    assert job.status == JobStatus.DONE and job.result == {"fetch_status": "fetched"}


def test_a_failed_fetch_fails_its_job_with_the_same_reason(site):
    source = Source.objects.create(url=site.url("/missing"), fetch_status=SourceFetchStatus.PENDING)
    job = fetch_job(source)
    source_fetch(source_id=source.pk, job=job)
    job.refresh_from_db()
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FAILED
    assert job.status == JobStatus.FAILED and job.error == source.fetch_error and "404" in job.error


def test_a_fetch_whose_lease_was_taken_over_stores_nothing(site):
    source = Source.objects.create(url=site.url("/report"), fetch_status=SourceFetchStatus.PENDING)
    stale = fetch_job(source)
    Job.objects.filter(pk=stale.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert job_queue.job_claim(job_id=stale.pk, token="newer") is not None

    with pytest.raises(job_queue.LeaseLost):
        source_fetch(source_id=source.pk, job=stale)

    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.PENDING and source.archived_text == ""


def test_a_fetch_job_for_a_source_fetched_meanwhile_just_completes(site):
    source = SourceFactory(
        url=site.url("/report"), fetch_status=SourceFetchStatus.FETCHED, archived_text="Old"
    )
    job = fetch_job(source)
    with mock.patch("claims.fetching.fetch") as fetch:
        source_fetch(source_id=source.pk, job=job)
    fetch.assert_not_called()
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
