"""Specification of fetched sources: archived through the guarded client, excerpts checked afterwards.

Pages are served by a local test site (tests/services/conftest.py); only its address is allowed.
"""

import datetime
import hashlib
from unittest import mock

import pytest

from claims.choices import SourceFetchStatus
from claims.models import Source
from claims.services.sources import source_fetch
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


def test_a_source_being_fetched_by_another_worker_is_left_to_it(site):
    from django.utils import timezone

    source = Source.objects.create(
        url=site.url("/report"), fetch_status=SourceFetchStatus.PENDING, fetched_at=timezone.now()
    )
    with mock.patch("claims.fetching.fetch") as fetch:
        source_fetch(source_id=source.pk)
    fetch.assert_not_called()


def test_a_fetch_abandoned_by_a_dead_worker_is_taken_over(site):
    from django.utils import timezone

    source = Source.objects.create(
        url=site.url("/report"),
        fetch_status=SourceFetchStatus.PENDING,
        fetched_at=timezone.now() - datetime.timedelta(hours=1),
    )
    source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FETCHED


def test_a_source_that_is_gone_is_ignored():
    source_fetch(source_id=987654)
