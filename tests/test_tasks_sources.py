"""The source-fetching task: registered by name, thin, harmless when run twice or for a row that is gone."""

from unittest import mock

import pytest

from claims.choices import SourceFetchStatus
from claims.models import Source
from claims.tasks import fetch_source
from factcheck.celery import app
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db


def test_the_task_is_registered_under_its_name():
    assert fetch_source.name == "claims.fetch_source"
    assert "claims.fetch_source" in app.tasks


def test_the_task_hands_the_id_to_the_service():
    with mock.patch("claims.services.sources.source_fetch") as service:
        fetch_source.delay(42)
    service.assert_called_once_with(source_id=42)


def test_the_task_fetches_a_pending_source_once(settings):
    page = Page(
        body=b"<html><head><title>Budget</title></head><body><article><p>"
        b"The council approved the budget on Tuesday after a long debate about the tram line.</p>"
        b"</article></body></html>"
    )
    with LocalSite({"/budget": page}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        source = Source.objects.create(url=site.url("/budget"), fetch_status=SourceFetchStatus.PENDING)
        fetch_source.delay(source.pk)
        source.refresh_from_db()
        fetched_at = source.fetched_at
        assert source.fetch_status == SourceFetchStatus.FETCHED and source.title == "Budget"

        fetch_source.delay(source.pk)  # a redelivered task
        source.refresh_from_db()
        assert source.fetched_at == fetched_at


def test_a_refused_url_does_not_raise_out_of_the_task():
    source = Source.objects.create(url="http://127.0.0.1:9/secret", fetch_status=SourceFetchStatus.PENDING)
    fetch_source.delay(source.pk)  # eager tasks propagate exceptions: this would raise
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FAILED
    assert "127.0.0.1" in source.fetch_error


def test_a_source_that_is_gone_is_ignored():
    fetch_source.delay(987654)
