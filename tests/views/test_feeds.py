"""The feeds pages: the list, registering a feed, a feed's page with its settings, and "Poll now".

Reviewers (alice) may look; editors (carol) register, change and poll; mallory has no role.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.choices import CorpusKind, JobKind, JobStatus
from claims.models import CorpusItem, Feed, Job
from claims.outside.feeds import FLAG_AFTER_FAILURES
from claims.services.feeds import feed_poll, feed_register
from tests.services.test_feeds import entry, rss
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

LIST = reverse("feed_list")
CREATE = reverse("feed_create")


def detail(feed) -> str:
    return reverse("feed_detail", args=[feed.pk])


def form_data(**fields) -> dict:
    return {"url": "", "name": "", "poll_minutes": "60", "active": "on", "fetch_pages": "on", **fields}


@pytest.fixture
def site(settings):
    with LocalSite({}) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.host]
        local.pages["/feed.xml"] = Page(
            body=rss(
                entry("t-1", link=local.url("/news/tram"), title="Tram line extended", summary="Voted."),
                entry("b-2", title="Budget approved & signed"),
            ),
            content_type="application/rss+xml",
        )
        yield local


def make_feed(url: str, **fields) -> Feed:
    feed = feed_register(url=url, fetch_pages=False)
    Feed.objects.filter(pk=feed.pk).update(**fields)
    feed.refresh_from_db()
    return feed


# --- who may do what -------------------------------------------------------------------------------------


def test_every_page_needs_a_signed_in_person(client):
    feed = make_feed("https://news.example/feed.xml")
    for url in (LIST, CREATE, detail(feed)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for url in (reverse("feed_edit", args=[feed.pk]), reverse("feed_poll_now", args=[feed.pk])):
        assert client.post(url).status_code == 302
    assert Job.objects.count() == 0


def test_someone_without_a_role_sees_no_feed(client, mallory):
    feed = make_feed("https://news.example/feed.xml")
    client.force_login(mallory)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(feed)).status_code == 403
    assert "Feeds" not in client.get(reverse("dashboard")).content.decode()


def test_a_reviewer_may_look_but_not_register_change_or_poll(client, alice):
    feed = make_feed("https://news.example/feed.xml", name="News")
    client.force_login(alice)

    assert client.get(LIST).status_code == 200
    page = client.get(detail(feed))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Poll now" not in html and "Change this feed" not in html
    assert reverse("feed_list") in client.get(reverse("dashboard")).content.decode()  # the nav link

    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(url="https://other.example/feed")).status_code == 403
    assert (
        client.post(reverse("feed_edit", args=[feed.pk]), form_data(url=feed.url, name="X")).status_code
        == 403
    )
    assert client.post(reverse("feed_poll_now", args=[feed.pk])).status_code == 403
    feed.refresh_from_db()
    assert feed.name == "News" and Feed.objects.count() == 1 and Job.objects.count() == 0


def test_a_feed_that_does_not_exist_is_not_found(client, carol):
    client.force_login(carol)
    assert client.get(reverse("feed_detail", args=[999])).status_code == 404
    assert (
        client.post(reverse("feed_edit", args=[999]), form_data(url="https://x.example/")).status_code == 404
    )
    assert client.post(reverse("feed_poll_now", args=[999])).status_code == 404


def test_changing_and_polling_only_accept_posts(client, carol):
    feed = make_feed("https://news.example/feed.xml")
    client.force_login(carol)
    assert client.get(reverse("feed_edit", args=[feed.pk])).status_code == 405
    assert client.get(reverse("feed_poll_now", args=[feed.pk])).status_code == 405


# --- the list --------------------------------------------------------------------------------------------


def test_the_list_shows_each_feeds_state(client, alice):
    now = timezone.now()
    make_feed(
        "https://good.example/feed", name="Good news", last_success_at=now, last_polled_at=now, items_total=12
    )
    make_feed(
        "https://bad.example/feed",
        name="Bad news",
        last_polled_at=now,
        last_error_at=now,
        last_error="The page answered 500 Internal Server Error, so there is nothing to read.",
        consecutive_failures=FLAG_AFTER_FAILURES,
    )
    make_feed("https://off.example/feed", name="Off news", active=False)
    client.force_login(alice)

    html = client.get(LIST).content.decode()

    assert "3 feeds" in html
    assert html.index("Bad news") < html.index("Good news") < html.index("Off news")  # by name
    assert "https://good.example/feed" in html and ">12<" in html
    assert "Flagged" in html and "500 Internal Server Error" in html
    assert ">OK</span>" in html and ">Off</span>" in html and ">Flagged</span>" in html
    assert "never" in html  # the feeds that never succeeded


def test_the_list_costs_the_same_queries_for_one_feed_or_many(client, alice):
    client.force_login(alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    make_feed("https://feed0.example/rss", last_error="x", last_error_at=timezone.now())
    one = queries()
    for n in range(1, 30):
        make_feed(f"https://feed{n}.example/rss", consecutive_failures=n % 7, items_total=n)
    assert queries() == one


# --- registering -----------------------------------------------------------------------------------------


def test_an_editor_registers_a_feed_and_its_first_poll_brings_its_items(
    client, carol, site, django_capture_on_commit_callbacks
):
    client.force_login(carol)
    assert client.get(CREATE).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, form_data(url=site.url("/feed.xml?utm_source=x"), fetch_pages=""))

    feed = Feed.objects.get()
    assert response.status_code == 302 and response.url == detail(feed)
    assert feed.url == site.url("/feed.xml") and feed.created_by == carol and not feed.fetch_pages
    html = client.get(response.url).content.decode()
    assert "City News" in html  # named after the feed's own title
    assert "Tram line extended" in html and "Budget approved &amp; signed" in html
    assert "2 items read, 2 new" in html
    assert CorpusItem.objects.filter(feed=feed, kind=CorpusKind.FEED_ITEM).count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "not a web address"}, "is not a valid http or https address"),
        ({"url": ""}, "Enter the feed’s web address."),
        ({"url": "http://127.0.0.1:9/feed"}, "inside our own network"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "inside our own network"),
        ({"url": "https://news.example/feed", "poll_minutes": "4"}, "Poll at most every 5 minutes"),
        ({"url": "https://news.example/feed", "poll_minutes": "10081"}, "Poll at least once a week"),
        ({"url": "https://news.example/feed", "poll_minutes": "hourly"}, "whole number of minutes"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(client, carol, fields, message):
    client.force_login(carol)
    response = client.post(CREATE, form_data(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The feed was not registered" in html
    assert message in html.replace("&#x27;", "'")
    assert Feed.objects.count() == 0 and Job.objects.count() == 0


def test_a_feed_registered_already_is_refused(client, carol):
    make_feed("https://news.example/feed.xml", name="News")
    client.force_login(carol)
    response = client.post(CREATE, form_data(url="https://NEWS.example/feed.xml?utm_source=a"))
    assert response.status_code == 400
    assert "This feed is registered already, as “News”." in response.content.decode()
    assert Feed.objects.count() == 1


def test_a_feed_registered_switched_off_is_not_polled(client, carol):
    client.force_login(carol)
    response = client.post(CREATE, form_data(url="https://news.example/feed.xml", active=""))
    assert response.status_code == 302
    assert not Feed.objects.get().active and Job.objects.count() == 0


# --- a feed's page ---------------------------------------------------------------------------------------


def test_a_feeds_page_shows_its_last_error_its_last_success_and_its_flag_in_words(client, alice, site):
    feed = make_feed(site.url("/feed.xml"), poll_minutes=5)
    feed_poll(feed=feed)
    site.pages["/feed.xml"] = Page(body=b"<html><body>Moved</body></html>", content_type="text/html")
    for _ in range(FLAG_AFTER_FAILURES):
        feed_poll(feed=feed)
    client.force_login(alice)

    html = client.get(detail(feed)).content.decode()

    assert "Flagged" in html
    assert f"It failed {FLAG_AFTER_FAILURES} times in a row, so it is flagged" in html
    assert "This address returned a web page, not a feed." in html
    assert "failed (the error is below)" in html
    assert f"<dd>{FLAG_AFTER_FAILURES}</dd>" in html  # failures in a row
    assert "Last success" in html and "never" not in html.split("Last success")[1].split("</dd>")[0]
    assert "Tram line extended" in html  # the items of the poll that worked
    assert "Summary only: this feed does not fetch pages" in html


def test_a_feeds_page_shows_what_the_last_poll_forgave(client, alice, site):
    site.pages["/feed.xml"].body = rss(entry("a", title="M&S results"))
    feed = make_feed(site.url("/feed.xml"))
    feed_poll(feed=feed)
    client.force_login(alice)
    html = client.get(detail(feed)).content.decode()
    assert "What the last poll had to forgive" in html
    assert "unescaped “&amp;”" in html


def test_a_feeds_page_costs_the_same_queries_however_many_items(client, alice, site):
    feed = make_feed(site.url("/feed.xml"))
    client.force_login(alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail(feed)).status_code == 200
        return len(captured)

    feed_poll(feed=feed)
    few = queries()
    site.pages["/feed.xml"].body = rss(*[entry(f"n{n}", title=f"Item {n}") for n in range(60)])
    feed_poll(feed=feed)
    assert queries() == few
    html = client.get(detail(feed)).content.decode()
    assert "The newest 25 of 62." in html


def test_an_editor_changes_a_feed(client, carol):
    feed = make_feed("https://news.example/feed.xml", name="News")
    client.force_login(carol)
    response = client.post(
        reverse("feed_edit", args=[feed.pk]),
        form_data(url="https://news.example/feed.xml", name="City desk", poll_minutes="15", active=""),
    )
    assert response.status_code == 302 and response.url == detail(feed)
    feed.refresh_from_db()
    assert (feed.name, feed.poll_minutes, feed.active, feed.fetch_pages) == ("City desk", 15, False, True)


def test_a_bad_change_is_refused_and_nothing_is_saved(client, carol):
    make_feed("https://taken.example/feed", name="Taken")
    feed = make_feed("https://news.example/feed.xml", name="News")
    client.force_login(carol)
    edit = reverse("feed_edit", args=[feed.pk])

    taken = client.post(edit, form_data(url="https://taken.example/feed", name="Renamed"))
    internal = client.post(edit, form_data(url="http://10.1.2.3/feed", name="Renamed"))
    too_often = client.post(edit, form_data(url=feed.url, name="Renamed", poll_minutes="1"))

    assert [r.status_code for r in (taken, internal, too_often)] == [400, 400, 400]
    assert "registered already, as “Taken”" in taken.content.decode()
    assert "inside our own network" in internal.content.decode()
    assert "The feed was not changed" in too_often.content.decode()
    feed.refresh_from_db()
    assert (feed.url, feed.name, feed.poll_minutes) == ("https://news.example/feed.xml", "News", 60)


def test_poll_now_queues_a_poll_that_the_page_then_reports(
    client, carol, site, django_capture_on_commit_callbacks
):
    feed = make_feed(site.url("/feed.xml"))
    client.force_login(carol)
    poll_now = reverse("feed_poll_now", args=[feed.pk])

    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        response = client.post(poll_now)
        client.post(poll_now)  # a second click joins the queued poll
    assert response.status_code == 302 and response.url == detail(feed)
    job = Job.objects.get(kind=JobKind.POLL_FEED)
    assert job.status == JobStatus.QUEUED and job.created_by == carol
    assert "A poll is queued" in client.get(detail(feed)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        handed_over[0]()  # the worker picks it up

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    html = client.get(detail(feed)).content.decode()
    assert "2 items read, 2 new" in html and "A poll is" not in html


def test_markup_in_a_feed_is_shown_inert(client, alice, site):
    site.pages["/feed.xml"].body = rss(
        entry(
            "x",
            title="&lt;script&gt;alert(1)&lt;/script&gt;Headline",
            summary="&lt;img src=x onerror=alert(1)&gt;",
        ),
        title="&lt;b&gt;Bold&lt;/b&gt; feed",
    )
    feed = make_feed(site.url("/feed.xml"))
    feed_poll(feed=feed)
    client.force_login(alice)
    html = client.get(detail(feed)).content.decode()
    assert "<script>alert(1)" not in html and "onerror=alert" not in html
