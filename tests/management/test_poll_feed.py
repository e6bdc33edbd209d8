"""`manage.py poll_feed URL [--json]`: one poll, now; other tools read the JSON on its last line."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import CorpusItem, Feed, Job
from tests.services.test_feeds import entry, rss
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {"status", "items_seen", "items_new", "error"}


@pytest.fixture
def site(settings):
    with LocalSite({}) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.host]
        local.pages["/feed.xml"] = Page(
            body=rss(
                entry("t-1", link=local.url("/news/tram"), title="Tram line extended", summary="Voted."),
                entry("b-2", link=local.url("/news/budget"), title="Budget approved"),
            ),
            content_type="application/rss+xml",
            etag='"v1"',
        )
        yield local


def poll(*args) -> tuple[dict, str]:
    """Run the command with --json; the JSON object on its last line, and the whole output."""
    out = StringIO()
    try:
        call_command("poll_feed", *args, "--json", stdout=out)
    except CommandError as error:
        assert error.returncode == 1
    output = out.getvalue()
    last = output.rstrip("\n").splitlines()[-1]
    result = json.loads(last)
    assert set(result) == CONTRACT_KEYS
    return result, output


def test_a_new_feed_is_registered_polled_and_named_after_its_title(site):
    result, output = poll(site.url("/feed.xml"))
    assert result == {"status": "ok", "items_seen": 2, "items_new": 2, "error": None}
    assert output.count("\n") == 1  # exactly one line: the JSON
    feed = Feed.objects.get()
    assert (feed.url, feed.name) == (site.url("/feed.xml"), "City News")
    assert CorpusItem.objects.filter(feed=feed).count() == 2


def test_a_second_poll_of_unchanged_content_adds_no_item(site):
    poll(site.url("/feed.xml"))
    result, _ = poll(site.url("/feed.xml?utm_source=cli"))  # the same feed, spelt otherwise
    assert result == {"status": "not_modified", "items_seen": 0, "items_new": 0, "error": None}
    assert Feed.objects.count() == 1 and CorpusItem.objects.count() == 2


def test_content_served_again_in_full_adds_no_item_either(site):
    site.pages["/feed.xml"].etag = None
    poll(site.url("/feed.xml"))
    result, _ = poll(site.url("/feed.xml"))
    assert result == {"status": "ok", "items_seen": 2, "items_new": 0, "error": None}
    assert CorpusItem.objects.count() == 2


def test_a_registered_feed_is_polled_as_it_is(site):
    call_command("poll_feed", site.url("/feed.xml"), stdout=StringIO())
    Feed.objects.update(name="My name", fetch_pages=False)
    site.pages["/feed.xml"].etag = '"v2"'
    site.pages["/feed.xml"].body = rss(entry("new", link=site.url("/news/new"), title="New"))
    result, _ = poll(site.url("/feed.xml"))
    assert result["items_new"] == 1
    feed = Feed.objects.get()
    assert feed.name == "My name" and not feed.fetch_pages


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/feed", "http://169.254.169.254/", "http://10.0.0.1/rss"])
def test_an_internal_address_is_an_error_and_nothing_is_stored(url):
    result, _ = poll(url)
    assert result["status"] == "error" and "inside our own network" in result["error"]
    assert (result["items_seen"], result["items_new"]) == (0, 0)
    assert Feed.objects.count() == 0 and Job.objects.count() == 0


def test_a_malformed_address_is_an_error_and_nothing_is_stored():
    result, _ = poll("not a feed address")
    assert result["status"] == "error" and "not a valid http or https address" in result["error"]
    assert Feed.objects.count() == 0


def test_a_failing_feed_exits_with_status_1_after_its_json_line(site):
    site.pages["/home"] = Page(body=b"<!doctype html><html><body>Hello</body></html>")
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("poll_feed", site.url("/home"), "--json", stdout=out)
    assert failed.value.returncode == 1
    result = json.loads(out.getvalue().splitlines()[-1])
    assert result == {
        "status": "error",
        "items_seen": 0,
        "items_new": 0,
        "error": "This address returned a web page, not a feed.",
    }
    feed = Feed.objects.get()  # a public address that failed is registered, with its failure counted
    assert feed.consecutive_failures == 1 and feed.last_error == result["error"]


def test_without_json_it_says_what_happened_in_words(site):
    out = StringIO()
    call_command("poll_feed", site.url("/feed.xml"), stdout=out)
    assert "“City News”" in out.getvalue() and "registered now" in out.getvalue()
    assert "2 items in the feed, 2 new." in out.getvalue()
    out = StringIO()
    call_command("poll_feed", site.url("/feed.xml"), stdout=out)
    assert "not modified since the last poll" in out.getvalue()


def test_without_json_a_failure_is_a_command_error(settings):
    with pytest.raises(CommandError, match="inside our own network") as failed:
        call_command("poll_feed", "http://127.0.0.1:9/feed", stdout=StringIO())
    assert failed.value.returncode == 1
