"""Specification of feeds as a source of related coverage (claims/services/feeds.py).

Feeds are served by a local site on the fetch allow-list; the internet is never reached. Jobs a poll
queues (page fetches) run only inside `django_capture_on_commit_callbacks(execute=True)`, as they would
once the poll's transaction commits; outside it they stay queued, which is how the tests see them.
"""

import datetime
import hashlib
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from claims.choices import CorpusKind, JobKind, JobStatus
from claims.errors import InputRejected
from claims.models import CorpusItem, Feed, Job
from claims.outside.feeds import FLAG_AFTER_FAILURES, NOT_A_FEED_PAGE
from claims.selectors.feeds import PageState, feed_health
from claims.services import feeds
from claims.services.feeds import (
    feed_poll,
    feed_poll_submit,
    feed_register,
    feed_update,
    feeds_poll_due,
    item_external_id,
)
from claims.tasks import poll_due_feeds
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

RSS_TYPE = "application/rss+xml; charset=utf-8"
ARTICLE_HTML = """<!doctype html><html lang="en"><head><title>Tram line extended</title></head><body><article>
<h1>Tram line extended</h1>
<p>The city council voted on Tuesday to extend the tram line by twelve kilometres, with 31 of 45 councillors
in favour of the plan.</p>
<p>The extension will cost 240 million euros and open in 2027, the mayor said at a press conference.</p>
</article></body></html>"""


def rss(
    *items: str, title: str = "City News", prefix: str = '<?xml version="1.0" encoding="utf-8"?>'
) -> bytes:
    return (
        f'{prefix}<rss version="2.0"><channel><title>{title}</title><link>https://city.example/</link>'
        f"<language>en-GB</language>{''.join(items)}</channel></rss>"
    ).encode()


def entry(guid: str, link: str = "", title: str = "", summary: str = "", date: str = "") -> str:
    parts = [f"<guid isPermaLink='false'>{guid}</guid>"]
    if link:
        parts.append(f"<link>{link}</link>")
    if title:
        parts.append(f"<title>{title}</title>")
    if summary:
        parts.append(f"<description>{summary}</description>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    return f"<item>{''.join(parts)}</item>"


@pytest.fixture
def site(settings):
    """A local site on the allow-list; tests put their feeds and pages in `site.pages`."""
    feeds.robots_forget()
    with LocalSite({}) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.host]
        yield local
    feeds.robots_forget()


def two_items(site) -> bytes:
    return rss(
        entry(
            "tram-1",
            link=site.url("/news/tram?utm_source=rss"),
            title="Tram line extended",
            summary="&lt;p&gt;The council voted on &lt;b&gt;Tuesday&lt;/b&gt;.&lt;/p&gt;",
            date="Tue, 02 Jan 2024 23:30:00 -0100",
        ),
        entry("budget-2", link=site.url("/news/budget"), title="Budget approved"),
    )


def serve(site, path: str, body: bytes, **page) -> str:
    site.pages[path] = Page(body=body, content_type=page.pop("content_type", RSS_TYPE), **page)
    return site.url(path)


def registered(url: str, **options) -> Feed:
    return feed_register(url=url, **{"fetch_pages": False, **options})


def items_of(feed: Feed) -> list[CorpusItem]:
    return list(CorpusItem.objects.filter(feed=feed).order_by("id"))


# --- registering ---------------------------------------------------------------------------------------


def test_a_feed_is_registered_under_its_canonical_address_and_is_due_at_once(site, carol):
    feed = feed_register(url=site.url("/feed.xml?utm_source=x#top"), user=carol)
    assert feed.url == site.url("/feed.xml")
    assert (feed.poll_minutes, feed.active, feed.fetch_pages) == (60, True, True)
    assert feed.name == "127.0.0.1"  # the host, until the first poll names it after the feed's title
    assert feed.next_poll_at is None and feed.created_by == carol
    assert Job.objects.count() == 0  # polled when the scheduler next looks, unless asked


def test_registering_can_queue_the_first_poll(site, carol, django_capture_on_commit_callbacks):
    url = serve(site, "/feed.xml", two_items(site))
    with django_capture_on_commit_callbacks(execute=True):
        feed = feed_register(url=url, user=carol, fetch_pages=False, poll_now=True)
    feed.refresh_from_db()
    assert feed.name == "City News" and feed.title == "City News"
    assert feed.last_items_new == 2
    assert Job.objects.get(kind=JobKind.POLL_FEED).status == JobStatus.DONE


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/rss",
        "http://[::1]/feed",
        "http://localhost/feed",
    ],
)
def test_an_internal_address_is_refused_and_nothing_is_stored(url):
    # No allow-list here: the local test site would be an internal address like any other.
    with pytest.raises(InputRejected, match="inside our own network|non-public"):
        feed_register(url=url, poll_now=True)
    assert Feed.objects.count() == 0 and Job.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the feed’s web address."),
        ("not a url", "is not a valid http or https address"),
        ("ftp://news.example/feed", "is not a valid http or https address"),
        ("https://user:secret@news.example/feed", "user name or password"),
    ],
)
def test_a_malformed_address_is_refused_and_nothing_is_stored(url, message):
    with pytest.raises(InputRejected, match=message):
        feed_register(url=url)
    assert Feed.objects.count() == 0


def test_the_same_feed_cannot_be_registered_twice_however_it_is_spelt(site):
    feed_register(url=site.url("/feed.xml"), name="City")
    with pytest.raises(InputRejected, match="registered already, as “City”"):
        feed_register(url=site.url("/feed.xml?utm_medium=social").replace("http://", "HTTP://"))
    assert Feed.objects.count() == 1


@pytest.mark.parametrize("minutes", [0, 4, 10_081, "often"])
def test_the_polling_interval_must_lie_between_five_minutes_and_a_week(site, minutes):
    with pytest.raises(InputRejected, match="polling interval"):
        feed_register(url=site.url("/feed.xml"), poll_minutes=minutes)
    assert Feed.objects.count() == 0


def test_the_bounds_of_the_interval_are_allowed(site):
    assert feed_register(url=site.url("/a"), poll_minutes=5).poll_minutes == 5
    assert feed_register(url=site.url("/b"), poll_minutes=7 * 24 * 60).poll_minutes == 10_080


def test_a_new_address_starts_the_feed_over(site):
    feed = registered(site.url("/old"))
    Feed.objects.filter(pk=feed.pk).update(
        etag='"v1"', consecutive_failures=3, next_poll_at=timezone.now() + timedelta(hours=8)
    )
    feed.refresh_from_db()
    feed = feed_update(feed=feed, url=site.url("/new"), name="Renamed")
    assert (feed.url, feed.name, feed.etag, feed.consecutive_failures, feed.next_poll_at) == (
        site.url("/new"),
        "Renamed",
        "",
        0,
        None,
    )


def test_changing_a_feed_refuses_another_feeds_address_and_keeps_it_unchanged(site):
    registered(site.url("/one"), name="One")
    two = registered(site.url("/two"), name="Two")
    with pytest.raises(InputRejected, match="registered already, as “One”"):
        feed_update(feed=two, url=site.url("/one"), name="Changed")
    two.refresh_from_db()
    assert (two.url, two.name) == (site.url("/two"), "Two")


def test_a_new_interval_reschedules_the_next_poll_from_the_last(site):
    url = serve(site, "/feed.xml", two_items(site))
    feed = registered(url, poll_minutes=24 * 60)
    feed_poll(feed=feed)
    feed = feed_update(feed=feed, poll_minutes=30)
    assert feed.next_poll_at - feed.last_polled_at <= timedelta(minutes=30)


# --- polling --------------------------------------------------------------------------------------------


def test_a_poll_stores_each_item_as_coverage_and_records_the_outcome(site):
    url = serve(
        site, "/feed.xml", two_items(site), etag='"v1"', last_modified="Tue, 02 Jan 2024 10:00:00 GMT"
    )
    feed = registered(url, poll_minutes=30)

    before = timezone.now()
    outcome = feed_poll(feed=feed)

    assert outcome.as_json() == {"status": "ok", "items_seen": 2, "items_new": 2, "error": None}
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"v1"', "Tue, 02 Jan 2024 10:00:00 GMT")
    assert (feed.last_items_seen, feed.last_items_new, feed.items_total) == (2, 2, 2)
    assert feed.last_success_at == feed.last_polled_at and feed.last_polled_at >= before
    assert feed.consecutive_failures == 0 and feed.last_error == "" and feed.warnings == []
    assert feed.name == "City News"  # no name given: the feed's own title
    wait = feed.next_poll_at - feed.last_polled_at
    assert timedelta(minutes=27) <= wait <= timedelta(minutes=30)  # the interval, less a little jitter

    tram, budget = items_of(feed)
    assert tram.kind == CorpusKind.FEED_ITEM
    assert tram.url == site.url("/news/tram")  # canonical: the tracking parameter is gone
    assert (tram.title, tram.text) == ("Tram line extended", "The council voted on Tuesday.")
    assert tram.date == datetime.date(2024, 1, 3)  # 23:30 at UTC-1 is the 3rd in UTC
    assert (tram.language, tram.publisher) == ("en", "127.0.0.1")
    assert tram.details == {"guid": "tram-1", "page": PageState.OFF}
    assert tram.external_id == f"{feed.pk}:{hashlib.sha256(b'tram-1').hexdigest()}"
    assert len(tram.external_id) <= 200
    assert tram.terms and tram.title_terms and tram.term_count > 0  # searchable lexically at once
    assert tram.embedding is None  # and by meaning once the index job embedded it
    assert budget.text == "Budget approved"  # no summary: the title stands in


def test_a_second_poll_of_unchanged_content_adds_no_item(site):
    url = serve(site, "/feed.xml", two_items(site))  # no validators: the server sends it all again
    feed = registered(url)
    feed_poll(feed=feed)

    outcome = feed_poll(feed=feed)

    assert outcome.as_json() == {"status": "ok", "items_seen": 2, "items_new": 0, "error": None}
    assert CorpusItem.objects.count() == 2
    feed.refresh_from_db()
    assert (feed.last_items_seen, feed.last_items_new, feed.items_total) == (2, 0, 2)


def test_an_etag_answered_with_304_adds_nothing_and_keeps_the_validators(site):
    url = serve(
        site, "/feed.xml", two_items(site), etag='"v1"', last_modified="Tue, 02 Jan 2024 10:00:00 GMT"
    )
    feed = registered(url)
    feed_poll(feed=feed)

    outcome = feed_poll(feed=feed)

    assert outcome.as_json() == {"status": "not_modified", "items_seen": 0, "items_new": 0, "error": None}
    assert site.requests[-1].headers["if-none-match"] == '"v1"'
    assert site.requests[-1].headers["if-modified-since"] == "Tue, 02 Jan 2024 10:00:00 GMT"
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"v1"', "Tue, 02 Jan 2024 10:00:00 GMT")
    assert feed.last_success_at == feed.last_polled_at and feed.consecutive_failures == 0
    assert (feed.last_items_seen, feed.last_items_new, feed.items_total) == (0, 0, 2)
    assert CorpusItem.objects.count() == 2


def test_last_modified_alone_is_answered_with_304_too(site):
    url = serve(site, "/feed.xml", two_items(site), last_modified="Wed, 03 Jan 2024 00:00:00 GMT")
    feed = registered(url)
    feed_poll(feed=feed)
    assert feed_poll(feed=feed).status == "not_modified"
    assert "if-none-match" not in site.requests[-1].headers
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ("", "Wed, 03 Jan 2024 00:00:00 GMT")


def test_a_changed_feed_brings_only_its_new_items(site):
    url = serve(site, "/feed.xml", two_items(site), etag='"v1"')
    feed = registered(url)
    feed_poll(feed=feed)
    newer = entry("metro-3", link=site.url("/news/metro"), title="Metro delayed")
    serve(
        site,
        "/feed.xml",
        rss(newer, *[entry("tram-1", link=site.url("/news/tram"), title="Tram")]),
        etag='"v2"',
    )

    outcome = feed_poll(feed=feed)

    assert (outcome.status, outcome.items_seen, outcome.items_new) == ("ok", 2, 1)
    assert [i.details["guid"] for i in items_of(feed)] == ["tram-1", "budget-2", "metro-3"]
    feed.refresh_from_db()
    assert feed.etag == '"v2"' and feed.items_total == 3


# --- duplicates -------------------------------------------------------------------------------------------


def test_the_same_guid_twice_in_one_feed_is_one_item(site):
    body = rss(
        entry("same", link=site.url("/a"), title="First copy"),
        entry("same", link=site.url("/b"), title="Second copy"),
    )
    feed = registered(serve(site, "/feed.xml", body))
    assert feed_poll(feed=feed).items_new == 1
    assert [i.title for i in items_of(feed)] == ["First copy"]


def test_the_same_page_under_a_new_guid_is_not_brought_again(site):
    url = serve(site, "/feed.xml", rss(entry("old-scheme-1", link=site.url("/news/tram"), title="Tram")))
    feed = registered(url)
    feed_poll(feed=feed)
    serve(
        site,
        "/feed.xml",
        rss(entry("urn:new-scheme:1", link=site.url("/news/tram?utm_campaign=x"), title="Tram")),
    )

    outcome = feed_poll(feed=feed)

    assert (outcome.items_seen, outcome.items_new) == (1, 0)
    assert CorpusItem.objects.count() == 1


def test_an_article_two_feeds_carry_is_stored_once(site):
    shared = entry("a-1", link=site.url("/news/tram"), title="Tram line extended")
    first = registered(serve(site, "/all.xml", rss(shared, title="All news")))
    second = registered(
        serve(
            site,
            "/local.xml",
            rss(
                entry("local-77", link=site.url("/news/tram"), title="Tram"),
                entry("local-78", title="Only here"),
            ),
        )
    )
    feed_poll(feed=first)

    outcome = feed_poll(feed=second)

    assert (outcome.items_seen, outcome.items_new) == (2, 1)
    assert [i.title for i in items_of(second)] == ["Only here"]
    assert CorpusItem.objects.filter(url=site.url("/news/tram")).count() == 1


def test_the_same_guid_in_two_feeds_is_two_items_when_their_pages_differ(site):
    # GUIDs are a feed's own: "1" in one feed says nothing about "1" in another.
    one = registered(serve(site, "/one.xml", rss(entry("1", link=site.url("/one/1"), title="One"))))
    two = registered(serve(site, "/two.xml", rss(entry("1", link=site.url("/two/1"), title="Two"))))
    feed_poll(feed=one)
    assert feed_poll(feed=two).items_new == 1
    assert CorpusItem.objects.count() == 2


# --- malformed feeds ------------------------------------------------------------------------------------


def test_blank_space_before_the_xml_declaration_is_forgiven(site):
    body = b"\n\n   " + two_items(site)
    feed = registered(serve(site, "/feed.xml", body))
    assert feed_poll(feed=feed).items_new == 2


def test_unescaped_ampersands_are_read_as_text_and_said_on_the_feed(site):
    body = rss(entry("m-1", link=site.url("/news/ms"), title="M&S & AT&T merge"))
    feed = registered(serve(site, "/feed.xml", body))
    assert feed_poll(feed=feed).status == "ok"
    assert items_of(feed)[0].title == "M&S & AT&T merge"
    feed.refresh_from_db()
    assert feed.warnings == ["The feed has 3 unescaped “&” or unknown entities; they were read as text."]


def test_a_wrongly_declared_encoding_is_read_by_its_bytes(site):
    body = rss(entry("c-1", title="Café crème approved")).replace(
        b'encoding="utf-8"', b'encoding="iso-8859-1"'
    )
    feed = registered(serve(site, "/feed.xml", body, content_type="application/rss+xml; charset=iso-8859-1"))
    feed_poll(feed=feed)
    assert items_of(feed)[0].title == "Café crème approved"
    feed.refresh_from_db()
    assert feed.warnings == ["The feed says it is encoded as iso-8859-1 but is utf-8; it was read as utf-8."]


def test_a_truncated_feed_keeps_the_items_before_the_cut(site):
    body = two_items(site)
    cut = body[: body.index(b"Budget approved</title>") + len(b"Budget approved</title>")]  # mid-item
    feed = registered(serve(site, "/feed.xml", cut))

    outcome = feed_poll(feed=feed)

    assert (outcome.status, outcome.items_new) == ("ok", 2)
    assert [i.title for i in items_of(feed)] == ["Tram line extended", "Budget approved"]
    feed.refresh_from_db()
    assert any("cut off" in warning for warning in feed.warnings)


def test_items_without_link_or_date_are_kept(site):
    body = rss(
        entry("no-link", title="Only a title"), entry("no-date", link=site.url("/x"), summary="Words.")
    )
    feed = registered(serve(site, "/feed.xml", body), fetch_pages=True)

    feed_poll(feed=feed)

    no_link, no_date = items_of(feed)
    assert (no_link.url, no_link.date, no_link.details["page"]) == ("", None, PageState.NO_LINK)
    assert no_link.publisher == "127.0.0.1"  # the feed's site stands in
    assert (no_date.text, no_date.date, no_date.details["page"]) == ("Words.", None, PageState.PENDING)
    assert list(Job.objects.filter(kind=JobKind.FETCH_FEED_PAGE).values_list("params", flat=True)) == [
        {"item": no_date.pk}
    ]


def test_a_flood_of_warnings_is_kept_short(site):
    broken = [entry(f"g{n}", link=f"javascript:alert({n})", title=f"Item {n}") for n in range(30)]
    feed = registered(serve(site, "/feed.xml", rss(*broken)))
    feed_poll(feed=feed)
    feed.refresh_from_db()
    assert len(feed.warnings) == feeds.WARNINGS_KEPT + 1
    assert feed.warnings[-1] == "… and 10 more warnings."
    assert len(items_of(feed)) == 30


# --- failures and back-off --------------------------------------------------------------------------------


def test_a_web_page_instead_of_a_feed_is_an_error_on_the_feed(site):
    page = b'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head></html>'
    feed = registered(serve(site, "/", page, content_type="text/html; charset=utf-8"))

    outcome = feed_poll(feed=feed)

    assert outcome.status == "error" and outcome.error.startswith(NOT_A_FEED_PAGE)
    assert site.url("/rss") in outcome.error  # the feed the page names, for the editor to try
    feed.refresh_from_db()
    assert feed.last_error == outcome.error and feed.last_error_at == feed.last_polled_at
    assert feed.consecutive_failures == 1 and feed.last_success_at is None
    assert CorpusItem.objects.count() == 0


def test_a_missing_feed_is_an_error_with_the_status(site):
    feed = registered(site.url("/gone.xml"))
    assert "404 Not Found" in feed_poll(feed=feed).error


def test_a_feed_that_keeps_failing_waits_longer_each_time_and_is_flagged(site):
    feed = registered(site.url("/gone.xml"), poll_minutes=5)
    waits = []
    for _ in range(FLAG_AFTER_FAILURES):
        assert not feed_health(feed).flagged
        feed_poll(feed=feed)
        waits.append(feed.next_poll_at - feed.last_polled_at)

    assert waits == sorted(waits) and len(set(waits)) == len(waits)  # each wait longer than the last
    assert timedelta(minutes=9) <= waits[0] <= timedelta(minutes=10)  # 2 × 5 minutes, less jitter
    assert feed.consecutive_failures == FLAG_AFTER_FAILURES
    assert feed_health(feed).flagged
    assert "flagged" in feed_health(feed).explanation


def test_the_wait_of_a_failing_feed_is_capped_at_a_day(site):
    feed = registered(site.url("/gone.xml"))
    Feed.objects.filter(pk=feed.pk).update(consecutive_failures=40)
    feed.refresh_from_db()
    feed_poll(feed=feed)
    assert timedelta(hours=21) <= feed.next_poll_at - feed.last_polled_at <= timedelta(days=1)


def test_a_success_clears_the_flag_and_keeps_the_last_error_for_the_record(site):
    feed = registered(site.url("/feed.xml"))
    for _ in range(FLAG_AFTER_FAILURES):
        feed_poll(feed=feed)
    error_at = feed.last_error_at
    serve(site, "/feed.xml", two_items(site))

    assert feed_poll(feed=feed).status == "ok"

    assert feed.consecutive_failures == 0 and not feed_health(feed).flagged
    assert feed.last_error_at == error_at and "404" in feed.last_error
    assert feed.last_success_at > error_at


def test_polling_a_feed_at_an_internal_address_is_refused_without_a_request(site, settings):
    feed = registered(site.url("/feed.xml"))
    serve(site, "/feed.xml", two_items(site))
    settings.FETCH_ALLOWED_HOSTS = []  # as if its address had come to point inside our network

    outcome = feed_poll(feed=feed)

    assert outcome.status == "error" and "inside our own network" in outcome.error
    assert site.requests == [] and CorpusItem.objects.count() == 0


def test_a_parser_crash_counts_as_a_failure_of_the_feed(site):
    feed = registered(serve(site, "/feed.xml", two_items(site)))
    with mock.patch("claims.outside.feeds.parse_feed", side_effect=RuntimeError("boom")):
        outcome = feed_poll(feed=feed)
    assert outcome.error == feeds.GENERIC_ERROR
    feed.refresh_from_db()
    assert feed.consecutive_failures == 1 and feed.next_poll_at > timezone.now()


# --- scheduling -------------------------------------------------------------------------------------------


def test_only_active_feeds_that_are_due_are_queued_and_their_next_poll_moves_on(site):
    now = timezone.now()
    never = registered(site.url("/never"))
    overdue = registered(site.url("/overdue"), poll_minutes=30)
    later = registered(site.url("/later"))
    off = registered(site.url("/off"), active=False)
    Feed.objects.filter(pk=overdue.pk).update(next_poll_at=now - timedelta(minutes=1))
    Feed.objects.filter(pk=later.pk).update(next_poll_at=now + timedelta(minutes=10))

    # The jobs are not run here (no commit): as if no worker had picked them up yet.
    assert feeds_poll_due(now=now) == 2

    queued = Job.objects.filter(kind=JobKind.POLL_FEED, status=JobStatus.QUEUED)
    assert sorted(j.params["feed"] for j in queued) == sorted([never.pk, overdue.pk])
    for feed in (never, overdue, later, off):
        feed.refresh_from_db()
    assert never.next_poll_at > now + timedelta(minutes=50)
    assert now + timedelta(minutes=27) <= overdue.next_poll_at <= now + timedelta(minutes=30)
    assert later.next_poll_at == now + timedelta(minutes=10) and off.next_poll_at is None


def test_a_slow_worker_never_leads_to_a_tight_loop(site):
    feed = registered(site.url("/feed.xml"))
    now = timezone.now()
    assert feeds_poll_due(now=now) == 1
    # Beat keeps looking while nothing runs: the feed is not due again, and once it is, it joins its job.
    assert feeds_poll_due(now=now + timedelta(seconds=60)) == 0
    assert feeds_poll_due(now=now + timedelta(hours=2)) == 1
    assert Job.objects.filter(kind=JobKind.POLL_FEED).count() == 1
    feed.refresh_from_db()
    assert feed.next_poll_at > now + timedelta(hours=2)


def test_the_back_off_holds_for_the_scheduler_too(site):
    feed = registered(site.url("/gone.xml"), poll_minutes=60)
    Feed.objects.filter(pk=feed.pk).update(consecutive_failures=3)
    now = timezone.now()
    feeds_poll_due(now=now)
    feed.refresh_from_db()
    assert feed.next_poll_at >= now + timedelta(hours=7)  # 8 hours, less jitter


def test_a_queued_poll_runs_and_records_its_outcome(site, django_capture_on_commit_callbacks):
    feed = registered(serve(site, "/feed.xml", two_items(site)))
    with django_capture_on_commit_callbacks(execute=True):
        feeds_poll_due()
    job = Job.objects.get(kind=JobKind.POLL_FEED)
    assert job.status == JobStatus.DONE
    assert job.result == {"status": "ok", "items_seen": 2, "items_new": 2, "error": None}
    feed.refresh_from_db()
    assert feed.items_total == 2


def test_a_failing_poll_still_completes_its_job_the_feed_holds_the_failure(
    site, django_capture_on_commit_callbacks
):
    feed = registered(site.url("/gone.xml"))
    with django_capture_on_commit_callbacks(execute=True):
        feed_poll_submit(feed=feed)
    job = Job.objects.get(kind=JobKind.POLL_FEED)
    assert job.status == JobStatus.DONE and job.result["status"] == "error"
    assert job.attempts == 1  # the feed's back-off is its retry, not the job's
    feed.refresh_from_db()
    assert feed.consecutive_failures == 1


def test_a_feed_switched_off_after_it_was_queued_is_not_polled(site, django_capture_on_commit_callbacks):
    feed = registered(serve(site, "/feed.xml", two_items(site)))
    feeds_poll_due()
    Feed.objects.filter(pk=feed.pk).update(active=False)
    job = Job.objects.get(kind=JobKind.POLL_FEED)
    with django_capture_on_commit_callbacks(execute=True):
        feeds.job_queue.job_hand_over(job_id=job.pk)
    job.refresh_from_db()
    assert job.result == {"status": "inactive"} and site.requests == []


def test_polling_now_joins_a_poll_already_queued(site):
    feed = registered(site.url("/feed.xml"))
    first = feed_poll_submit(feed=feed)
    assert feed_poll_submit(feed=feed) == first


# --- indexing ---------------------------------------------------------------------------------------------


def test_new_items_are_queued_for_indexing_when_coverage_jobs_are_on(site, settings):
    settings.COVERAGE_AUTO_JOBS = True
    feed = registered(serve(site, "/feed.xml", two_items(site)))
    outcome = feed_poll(feed=feed)
    index = Job.objects.get(kind=JobKind.INDEX_CORPUS)
    assert sorted(index.params["items"]) == sorted(outcome.item_ids)
    assert feed_poll(feed=feed).items_new == 0
    assert Job.objects.filter(kind=JobKind.INDEX_CORPUS).count() == 1  # nothing new, nothing to index


def test_no_indexing_is_queued_when_coverage_jobs_are_off(site):
    feed = registered(serve(site, "/feed.xml", two_items(site)))
    feed_poll(feed=feed)
    assert not Job.objects.filter(kind=JobKind.INDEX_CORPUS).exists()


# --- an item's page ---------------------------------------------------------------------------------------


def poll_with_pages(site, django_capture_on_commit_callbacks, body: bytes) -> Feed:
    feed = registered(serve(site, "/feed.xml", body), fetch_pages=True)
    with django_capture_on_commit_callbacks(execute=True):
        feed_poll(feed=feed)
    return feed


def test_an_items_page_replaces_its_summary(site, django_capture_on_commit_callbacks):
    site.pages["/news/tram"] = Page(body=ARTICLE_HTML.encode())
    body = rss(entry("tram-1", link=site.url("/news/tram"), title="Tram line extended", summary="Short."))

    feed = poll_with_pages(site, django_capture_on_commit_callbacks, body)

    [item] = items_of(feed)
    assert item.details["page"] == PageState.FETCHED and "page_fetched_at" in item.details
    assert item.text.startswith("Tram line extended")
    assert "240 million euros" in item.text and "Short." not in item.text
    assert "240" in item.terms.split()  # the lexical terms follow the new text
    assert Job.objects.get(kind=JobKind.FETCH_FEED_PAGE).status == JobStatus.DONE


def test_a_long_page_is_cut_to_its_opening(site, django_capture_on_commit_callbacks):
    paragraphs = "".join(
        f"<p>At meeting number {n} the council argued about the budget for {n % 7 + 2} hours.</p>"
        for n in range(300)
    )
    html = ARTICLE_HTML.replace("</article>", paragraphs + "</article>")
    site.pages["/news/long"] = Page(body=html.encode())
    feed = poll_with_pages(
        site, django_capture_on_commit_callbacks, rss(entry("l", link=site.url("/news/long"), title="Long"))
    )
    [item] = items_of(feed)
    assert len(item.text) <= feeds.PAGE_TEXT_MAX and item.text.endswith("…")


def test_a_page_that_cannot_be_read_keeps_the_summary_and_says_why(site, django_capture_on_commit_callbacks):
    body = rss(entry("gone-1", link=site.url("/news/gone"), title="Gone", summary="The summary stays."))

    feed = poll_with_pages(site, django_capture_on_commit_callbacks, body)

    [item] = items_of(feed)
    assert item.text == "The summary stays."
    assert item.details["page"] == PageState.FAILED and "404 Not Found" in item.details["page_error"]
    job = Job.objects.get(kind=JobKind.FETCH_FEED_PAGE)
    assert job.status == JobStatus.FAILED and "404" in job.error


def test_a_page_the_sites_robots_txt_disallows_is_not_fetched(site, django_capture_on_commit_callbacks):
    site.pages["/robots.txt"] = Page(
        body=b"User-agent: FactcheckWorkbench\nDisallow: /private/\n", content_type="text/plain"
    )
    site.pages["/private/tram"] = Page(body=ARTICLE_HTML.encode())
    site.pages["/news/tram"] = Page(body=ARTICLE_HTML.encode())
    body = rss(
        entry("p", link=site.url("/private/tram"), title="Private", summary="Kept."),
        entry("n", link=site.url("/news/tram"), title="Tram line extended", summary="Replaced."),
    )

    feed = poll_with_pages(site, django_capture_on_commit_callbacks, body)

    private, public = items_of(feed)
    assert private.details["page"] == PageState.DISALLOWED and private.text == "Kept."
    assert public.details["page"] == PageState.FETCHED
    fetched = [r.path for r in site.requests]
    assert "/private/tram" not in fetched
    assert fetched.count("/robots.txt") == 1  # read once for the site, not once per page


def test_a_feed_that_does_not_fetch_pages_queues_no_page_job(site):
    feed = registered(serve(site, "/feed.xml", two_items(site)), fetch_pages=False)
    feed_poll(feed=feed)
    assert not Job.objects.filter(kind=JobKind.FETCH_FEED_PAGE).exists()
    assert {i.details["page"] for i in items_of(feed)} == {PageState.OFF}


def test_a_page_fetched_again_changes_nothing(site, django_capture_on_commit_callbacks):
    site.pages["/news/tram"] = Page(body=ARTICLE_HTML.encode())
    feed = poll_with_pages(
        site, django_capture_on_commit_callbacks, rss(entry("t", link=site.url("/news/tram"), title="T"))
    )
    [item] = items_of(feed)
    with django_capture_on_commit_callbacks(execute=True):
        feeds.job_queue.job_submit(kind=JobKind.FETCH_FEED_PAGE, params={"item": item.pk})
    assert Job.objects.filter(kind=JobKind.FETCH_FEED_PAGE).latest("id").result == {"page": PageState.FETCHED}
    assert [r.path for r in site.requests].count("/news/tram") == 1


def test_a_fetched_page_is_indexed_again_in_place_of_the_summary(
    site, settings, django_capture_on_commit_callbacks
):
    settings.COVERAGE_AUTO_JOBS = True
    site.pages["/news/tram"] = Page(body=ARTICLE_HTML.encode())
    feed = registered(
        serve(site, "/feed.xml", rss(entry("t", link=site.url("/news/tram"), title="T"))), fetch_pages=True
    )
    with mock.patch.object(feeds.coverage, "coverage_items_loaded") as index:
        with django_capture_on_commit_callbacks(execute=True):
            feed_poll(feed=feed)
    [item] = items_of(feed)
    assert index.call_args_list == [mock.call(item_ids=[item.pk]), mock.call(item_ids=[item.pk])]
    assert (item.embedding, item.embedding_model, item.indexed_at) == (None, "", None)


def test_the_item_id_fits_its_column_whatever_the_guid():
    assert len(item_external_id(10**12, "x" * 5000)) <= 200
    assert item_external_id(1, "a") != item_external_id(2, "a")


def test_a_page_whose_host_does_not_resolve_is_tried_again_later(site, django_capture_on_commit_callbacks):
    body = rss(entry("far", link="http://no-such-host.invalid/story", title="Far", summary="Summary."))

    feed = poll_with_pages(site, django_capture_on_commit_callbacks, body)

    [item] = items_of(feed)
    assert item.details["page"] == PageState.PENDING and item.text == "Summary."
    job = Job.objects.get(kind=JobKind.FETCH_FEED_PAGE)
    assert job.status == JobStatus.QUEUED and job.retry_at is not None  # a passing fault: back-off
    assert "no-such-host.invalid" in job.error


def test_beat_runs_the_scheduler_under_the_name_the_settings_give(site, settings):
    registered(site.url("/feed.xml"))
    assert poll_due_feeds.name == settings.CELERY_BEAT_SCHEDULE["poll-feeds"]["task"]
    assert poll_due_feeds.apply().get() == 1
    assert Job.objects.filter(kind=JobKind.POLL_FEED).count() == 1
