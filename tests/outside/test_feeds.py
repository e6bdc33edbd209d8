"""Specification of claims.outside.feeds: reading RSS, Atom and JSON feeds as they are found in the wild.

The parser is pure and gets bytes; the polling tests go through the guarded client to a local site.
"""

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest

from claims.errors import InputRejected
from claims.fetching import FetchError
from claims.outside.feeds import (
    FeedError,
    FeedItem,
    FeedPage,
    is_flagged,
    new_items,
    next_poll_after,
    parse_feed,
    poll,
)
from tests.support.local_site import LocalSite, Page

UTC = datetime.UTC
FEED_URL = "https://news.example/feed.xml"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Example News</title>
    <link>https://news.example/</link>
    <language>en-GB</language>
    <item>
      <title>Council extends the tram line</title>
      <link>https://news.example/2024/tram?utm_source=rss</link>
      <guid isPermaLink="false">news-1</guid>
      <description>&lt;p&gt;The council voted on &lt;b&gt;Tuesday&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Twelve kilometres.&lt;/p&gt;</description>
      <pubDate>Tue, 02 Jan 2024 10:00:00 +0100</pubDate>
    </item>
    <item>
      <title>Budget approved</title>
      <link>/2024/budget</link>
      <guid isPermaLink="false">news-2</guid>
      <description>The budget passed.</description>
    </item>
  </channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de-AT">
  <title type="html">Wiener &lt;em&gt;Nachrichten&lt;/em&gt;</title>
  <id>urn:uuid:feed</id>
  <updated>2024-01-03T00:00:00Z</updated>
  <entry>
    <id>urn:uuid:entry-1</id>
    <title>Straßenbahn wird länger</title>
    <link rel="alternate" href="https://wien.example/tram"/>
    <updated>2024-01-03T08:00:00+01:00</updated>
    <summary type="html">&lt;p&gt;Der Gemeinderat hat &lt;i&gt;entschieden&lt;/i&gt;.&lt;/p&gt;</summary>
  </entry>
  <entry>
    <id>urn:uuid:entry-2</id>
    <title type="text">Use &lt;b&gt; for bold</title>
    <published>2024-01-02T08:00:00Z</published>
    <updated>2024-01-03T08:00:00Z</updated>
    <content type="html">&lt;p&gt;Only content here&lt;/p&gt;</content>
  </entry>
</feed>
""".encode()

JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON News",
    "home_page_url": "https://json.example/",
    "language": "fr-FR",
    "items": [
        {
            "id": "https://json.example/1",
            "url": "https://json.example/1",
            "title": "Le tramway s’allonge",
            "content_html": "<p>Le conseil a voté &amp; décidé.</p><script>alert(1)</script>",
            "date_published": "2024-01-02T10:00:00+01:00",
        },
        {"id": 2, "content_text": "A note without a title", "language": "en-US"},
        {"id": "3"},
    ],
}


def item(**fields) -> FeedItem:
    defaults = {"guid": "g", "url": "", "title": "T", "summary": "", "published": None, "language": ""}
    return FeedItem(**{**defaults, **fields})


class TestRSS:
    def test_it_reads_the_items_of_an_rss_2_feed(self):
        page = parse_feed(RSS, content_type="application/rss+xml", charset="utf-8", url=FEED_URL)
        assert page.title == "Example News"
        assert page.warnings == []
        first, second = page.items
        assert first == FeedItem(
            guid="news-1",
            url="https://news.example/2024/tram",
            title="Council extends the tram line",
            summary="The council voted on Tuesday. Twelve kilometres.",
            published=datetime.datetime(2024, 1, 2, 9, 0, tzinfo=UTC),
            language="en",
        )
        assert second.url == "https://news.example/2024/budget"  # resolved against the feed's address
        assert second.published is None

    def test_published_dates_are_aware_and_in_utc(self):
        [first, _] = parse_feed(RSS, content_type="application/rss+xml", url=FEED_URL).items
        assert first.published.utcoffset() == datetime.timedelta(0)


class TestAtom:
    def test_it_reads_an_atom_feed(self):
        page = parse_feed(ATOM, content_type="application/atom+xml", url="https://wien.example/atom")
        assert page.title == "Wiener Nachrichten"
        first, second = page.items
        assert (first.guid, first.url, first.title) == (
            "urn:uuid:entry-1",
            "https://wien.example/tram",
            "Straßenbahn wird länger",
        )
        assert first.summary == "Der Gemeinderat hat entschieden."
        assert first.published == datetime.datetime(2024, 1, 3, 7, 0, tzinfo=UTC)
        assert first.language == "de"

    def test_plain_text_titles_keep_their_angle_brackets_and_content_stands_in_for_a_summary(self):
        second = parse_feed(ATOM, content_type="application/atom+xml").items[1]
        assert second.title == "Use <b> for bold"
        assert second.summary == "Only content here"
        assert second.url == ""
        assert second.published == datetime.datetime(2024, 1, 2, 8, 0, tzinfo=UTC)  # published over updated


class TestJSONFeed:
    def test_it_reads_a_json_feed(self):
        body = json.dumps(JSON_FEED).encode()
        page = parse_feed(body, content_type="application/feed+json", url="https://json.example/feed.json")
        assert page.title == "JSON News"
        first, second = page.items
        assert first == FeedItem(
            guid="https://json.example/1",
            url="https://json.example/1",
            title="Le tramway s’allonge",
            summary="Le conseil a voté & décidé.",
            published=datetime.datetime(2024, 1, 2, 9, 0, tzinfo=UTC),
            language="fr",
        )
        assert (second.guid, second.title, second.summary, second.language) == (
            "2",
            "",
            "A note without a title",
            "en",
        )
        assert page.warnings == ["1 item had neither a title nor a summary and was skipped."]

    def test_it_is_recognised_by_its_content_even_when_labelled_otherwise(self):
        page = parse_feed(json.dumps(JSON_FEED).encode(), content_type="text/plain")
        assert page.title == "JSON News"

    def test_json_that_is_no_feed_is_refused(self):
        with pytest.raises(FeedError, match="returned JSON data, but not a JSON Feed"):
            parse_feed(b'{"status": "ok"}', content_type="application/json")

    def test_cut_off_json_is_refused_clearly(self):
        with pytest.raises(FeedError, match="cut off or malformed"):
            parse_feed(json.dumps(JSON_FEED).encode()[:80], content_type="application/feed+json")


class TestMalformedFeeds:
    def test_blank_space_before_the_xml_declaration_is_ignored(self):
        page = parse_feed(b"\n\n   \t" + RSS, content_type="application/rss+xml", url=FEED_URL)
        assert [i.guid for i in page.items] == ["news-1", "news-2"]
        assert page.warnings == []

    def test_unescaped_ampersands_and_html_entities_are_read_as_text(self):
        body = RSS.replace(b"Budget approved", b"Budget &nbsp;approved by M&S & AT&T")
        page = parse_feed(body, content_type="application/rss+xml", url=FEED_URL)
        assert page.items[1].title == "Budget approved by M&S & AT&T"
        assert page.warnings == ["The feed has 4 unescaped “&” or unknown entities; they were read as text."]

    def test_ampersands_inside_cdata_are_left_alone(self):
        body = RSS.replace(b"<title>Budget approved</title>", b"<title><![CDATA[Fish & chips]]></title>")
        page = parse_feed(body, content_type="application/rss+xml", url=FEED_URL)
        assert page.items[1].title == "Fish & chips"
        assert page.warnings == []

    def test_a_wrong_declared_encoding_is_overruled_by_the_bytes(self):
        body = RSS.replace(b"Budget approved", "Café crème approved".encode()).replace(
            b'encoding="utf-8"', b'encoding="iso-8859-1"'
        )
        page = parse_feed(body, content_type="application/rss+xml", charset="iso-8859-1", url=FEED_URL)
        assert page.items[1].title == "Café crème approved"
        assert page.warnings == [
            "The feed says it is encoded as iso-8859-1 but is utf-8; it was read as utf-8."
        ]

    def test_a_feed_in_windows_1252_labelled_utf_8_is_read(self):
        body = RSS.replace(b"Budget approved", "Zoë’s “budget” approved".encode("cp1252"))
        page = parse_feed(body, content_type="application/rss+xml", charset="utf-8", url=FEED_URL)
        assert page.items[1].title == "Zoë’s “budget” approved"
        assert page.warnings and "encoded as utf-8" in page.warnings[0]

    def test_a_feed_without_any_declared_encoding_is_read(self):
        body = (
            "<rss version='2.0'><channel><title>Новости</title>"
            "<item><title>Трамвай станет длиннее</title></item></channel></rss>"
        ).encode("cp1251")
        page = parse_feed(body, content_type="text/xml")
        assert page.title == "Новости"
        assert page.items[0].title == "Трамвай станет длиннее"

    def test_the_xml_declaration_wins_over_a_default_server_charset(self):
        body = (
            '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Новости</title>'
            "<item><title>Трамвай</title></item></channel></rss>"
        ).encode("cp1251")
        page = parse_feed(body, content_type="text/xml", charset="iso-8859-1")
        assert page.items[0].title == "Трамвай"

    def test_a_cut_off_feed_keeps_the_items_read_so_far(self):
        cut = RSS[: RSS.index(b'<guid isPermaLink="false">news-2')]
        page = parse_feed(cut, content_type="application/rss+xml", url=FEED_URL)
        assert [i.title for i in page.items] == ["Council extends the tram line", "Budget approved"]
        assert page.warnings == [
            "The feed is damaged (it ends early, as if cut off); the 2 items before the damage were kept."
        ]

    def test_a_feed_cut_off_inside_an_item_drops_only_the_empty_remainder(self):
        cut = RSS[: RSS.index(b"<title>Budget") + 3]
        page = parse_feed(cut, content_type="application/rss+xml", url=FEED_URL)
        assert [i.guid for i in page.items] == ["news-1"]
        assert "cut off" in page.warnings[0]
        assert page.warnings[-1] == "1 item had neither a title nor a summary and was skipped."

    def test_items_without_links_or_dates_are_kept_with_a_stable_guid(self):
        body = (
            b"<rss version='2.0'><channel><title>T</title>"
            b"<item><title>Only a title</title></item>"
            b"<item><description>Only a summary</description></item>"
            b"<item><link>https://news.example/with-link-only</link></item>"
            b"<item><title>Linked</title><link>https://news.example/linked</link></item>"
            b"</channel></rss>"
        )
        page = parse_feed(body, content_type="application/rss+xml")
        only_title, only_summary, linked = page.items
        assert only_title.guid.startswith("sha256:") and only_title.url == "" and only_title.published is None
        assert only_summary.summary == "Only a summary"
        assert linked.guid == "https://news.example/linked"  # no GUID: the link stands in
        assert parse_feed(body, content_type="application/rss+xml").items[0].guid == only_title.guid
        assert page.warnings == ["1 item had neither a title nor a summary and was skipped."]

    def test_a_link_that_is_no_web_address_is_dropped_with_a_warning(self):
        body = RSS.replace(b"<link>/2024/budget</link>", b"<link>javascript:alert(1)</link>")
        page = parse_feed(body, content_type="application/rss+xml", url=FEED_URL)
        assert page.items[1].url == ""
        assert page.warnings == ["The item “Budget approved” links to no web address; kept without it."]

    def test_a_very_long_guid_is_replaced_by_its_hash(self):
        body = RSS.replace(b">news-1<", b">" + b"x" * 400 + b"<")
        guid = parse_feed(body, content_type="application/rss+xml").items[0].guid
        assert guid.startswith("sha256:") and len(guid) == 71

    def test_an_empty_answer_is_refused(self):
        with pytest.raises(FeedError, match="empty answer"):
            parse_feed(b"  \n", content_type="application/rss+xml")

    def test_text_that_is_no_feed_is_refused(self):
        with pytest.raises(FeedError, match="did not return a feed we can read"):
            parse_feed(b"Just some words.", content_type="text/plain")

    def test_feed_errors_are_input_rejections(self):
        with pytest.raises(InputRejected):
            parse_feed(b"", content_type="")


class TestWebPageInsteadOfAFeed:
    PAGE = b"""<!DOCTYPE html><html><head><title>Example News</title>
        <link rel="stylesheet" href="/style.css">
        <link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">
        </head><body><h1>Example News</h1></body></html>"""

    def test_a_web_page_is_refused_with_the_feed_it_names(self):
        with pytest.raises(FeedError) as refused:
            parse_feed(self.PAGE, content_type="text/html", url="https://news.example/")
        assert refused.value.message == (
            "This address returned a web page, not a feed. "
            "The page names its feed at https://news.example/rss.xml: try that address instead."
        )
        assert refused.value.alternate == "https://news.example/rss.xml"

    def test_a_web_page_without_a_feed_link_is_refused_plainly(self):
        with pytest.raises(FeedError) as refused:
            parse_feed(b"<html><body>Hello</body></html>", content_type="text/xml")
        assert refused.value.message == "This address returned a web page, not a feed."
        assert refused.value.alternate == ""

    def test_an_xhtml_page_with_an_xml_declaration_names_its_feed_too(self):
        page = b'<?xml version="1.0" encoding="utf-8"?>' + self.PAGE.replace(
            b'"/rss.xml"', b'"feed.json"'
        ).replace(b"application/rss+xml", b"application/feed+json")
        with pytest.raises(FeedError) as refused:
            parse_feed(page, content_type="application/xhtml+xml", url="https://news.example/blog/")
        assert refused.value.alternate == "https://news.example/blog/feed.json"

    def test_a_feed_served_as_text_html_is_still_read(self):
        page = parse_feed(RSS, content_type="text/html", url=FEED_URL)
        assert len(page.items) == 2


class TestNewItems:
    def test_it_keeps_only_items_not_seen_by_guid_or_url(self):
        items = [
            item(guid="a", url="https://x.example/a"),
            item(guid="b", url="https://x.example/b"),
            item(guid="c", url="https://x.example/old"),
            item(guid="d", url=""),
        ]
        fresh = new_items(items, seen_guids={"a"}, seen_urls={"https://x.example/old"})
        assert [i.guid for i in fresh] == ["b", "d"]

    def test_an_item_repeated_within_one_feed_is_kept_once(self):
        items = [
            item(guid="a", url="https://x.example/a"),
            item(guid="a", url="https://x.example/a"),
            item(guid="a2", url="https://x.example/a"),  # same article, new GUID
            item(guid="n1", url=""),
            item(guid="n2", url=""),  # items without a link are told apart by GUID alone
        ]
        assert [i.guid for i in new_items(items, set(), set())] == ["a", "n1", "n2"]

    def test_duplicates_in_a_parsed_feed_are_dropped(self):
        body = RSS.replace(b"news-2", b"news-1")
        page = parse_feed(body, content_type="application/rss+xml", url=FEED_URL)
        assert [i.title for i in new_items(page.items, set(), set())] == ["Council extends the tram line"]


class TestBackOff:
    HOUR = datetime.timedelta(hours=1)

    def test_without_failures_the_interval_stands(self):
        assert next_poll_after(self.HOUR, 0, rand=lambda: 0.0) == self.HOUR

    def test_each_failure_doubles_the_wait(self):
        waits = [next_poll_after(self.HOUR, n, rand=lambda: 0.0) for n in range(4)]
        assert waits == [self.HOUR, 2 * self.HOUR, 4 * self.HOUR, 8 * self.HOUR]

    def test_the_wait_is_capped(self):
        assert next_poll_after(self.HOUR, 10, rand=lambda: 0.0) == datetime.timedelta(days=1)
        assert next_poll_after(self.HOUR, 10_000, rand=lambda: 0.0) == datetime.timedelta(days=1)
        cap = datetime.timedelta(hours=6)
        assert next_poll_after(self.HOUR, 5, cap=cap, rand=lambda: 0.0) == cap

    def test_an_interval_longer_than_the_cap_is_kept(self):
        week = datetime.timedelta(days=7)
        assert next_poll_after(week, 3, rand=lambda: 0.0) == week

    def test_jitter_only_shortens_the_wait_by_a_little(self):
        wait = next_poll_after(self.HOUR, 2, rand=lambda: 1.0)
        assert wait == 4 * self.HOUR * 0.9
        waits = {next_poll_after(self.HOUR, 30) for _ in range(20)}
        assert all(datetime.timedelta(days=1) * 0.9 <= w <= datetime.timedelta(days=1) for w in waits)
        assert len(waits) > 1

    def test_a_feed_is_flagged_after_five_failures_in_a_row(self):
        assert [is_flagged(n) for n in (0, 4, 5, 6)] == [False, False, True, True]
        assert is_flagged(2, threshold=2)


@pytest.fixture
def feed_site(settings):
    pages = {
        "/rss": Page(
            body=RSS,
            content_type="application/rss+xml; charset=utf-8",
            etag='"rss-v1"',
            last_modified="Tue, 02 Jan 2024 10:00:00 GMT",
        ),
        "/dated": Page(
            body=ATOM, content_type="application/atom+xml", last_modified="Wed, 03 Jan 2024 00:00:00 GMT"
        ),
        "/json": Page(body=json.dumps(JSON_FEED).encode(), content_type="application/feed+json"),
        "/home": Page(body=TestWebPageInsteadOfAFeed.PAGE, content_type="text/html; charset=utf-8"),
        "/moved": Page(status=301, headers={"Location": "/rss"}),
        "/image": Page(body=b"\x89PNG\r\n\x1a\n", content_type="image/png"),
    }
    with LocalSite(pages) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        yield site


class TestPolling:
    def test_it_fetches_and_parses_a_feed_and_keeps_its_validators(self, feed_site):
        page = poll(feed_site.url("/rss"))
        assert [i.guid for i in page.items] == ["news-1", "news-2"]
        assert (page.etag, page.last_modified, page.not_modified) == (
            '"rss-v1"',
            "Tue, 02 Jan 2024 10:00:00 GMT",
            False,
        )
        assert page.items[1].url == f"http://{feed_site.host}/2024/budget"
        accept = feed_site.requests[0].headers["accept"]
        assert accept.startswith("application/rss+xml,application/atom+xml,application/feed+json")

    def test_the_etag_round_trip_gives_not_modified(self, feed_site):
        first = poll(feed_site.url("/rss"))
        second = poll(feed_site.url("/rss"), etag=first.etag, last_modified=first.last_modified)
        assert second == FeedPage(
            title="",
            items=[],
            etag='"rss-v1"',
            last_modified="Tue, 02 Jan 2024 10:00:00 GMT",
            not_modified=True,
            url=feed_site.url("/rss"),
        )
        sent = feed_site.requests[1].headers
        assert sent["if-none-match"] == '"rss-v1"'
        assert sent["if-modified-since"] == "Tue, 02 Jan 2024 10:00:00 GMT"

    def test_a_changed_etag_gets_the_feed_again(self, feed_site):
        page = poll(feed_site.url("/rss"), etag='"rss-v0"')
        assert not page.not_modified and len(page.items) == 2

    def test_last_modified_alone_gives_not_modified(self, feed_site):
        first = poll(feed_site.url("/dated"))
        assert first.etag is None and first.last_modified == "Wed, 03 Jan 2024 00:00:00 GMT"
        second = poll(feed_site.url("/dated"), last_modified=first.last_modified)
        assert second.not_modified
        assert second.last_modified == first.last_modified  # the 304 repeated it
        assert "if-none-match" not in feed_site.requests[1].headers

    def test_no_validators_sends_no_conditional_headers(self, feed_site):
        poll(feed_site.url("/json"))
        sent = feed_site.requests[0].headers
        assert "if-none-match" not in sent and "if-modified-since" not in sent

    def test_it_polls_a_json_feed(self, feed_site):
        assert poll(feed_site.url("/json")).title == "JSON News"

    def test_it_follows_a_redirect_and_reports_where_the_feed_is(self, feed_site):
        page = poll(feed_site.url("/moved"))
        assert page.url == feed_site.url("/rss")
        assert len(page.items) == 2

    def test_a_web_page_is_refused_clearly(self, feed_site):
        with pytest.raises(FeedError) as refused:
            poll(feed_site.url("/home"))
        assert refused.value.message.startswith("This address returned a web page, not a feed.")
        assert refused.value.alternate == feed_site.url("/rss.xml")

    def test_content_that_no_feed_can_be_is_refused_by_the_guarded_client(self, feed_site):
        with pytest.raises(FetchError, match=r"an image \(image/png\)"):
            poll(feed_site.url("/image"))

    def test_an_error_status_is_a_fetch_error(self, feed_site):
        with pytest.raises(FetchError, match="404 Not Found"):
            poll(feed_site.url("/gone"))

    def test_an_internal_address_is_refused_by_the_guarded_client(self, feed_site, settings):
        settings.FETCH_ALLOWED_HOSTS = []  # the site is on 127.0.0.1, as an internal service would be
        with pytest.raises(FetchError, match=r"points inside our own network \(127\.0\.0\.1\)"):
            poll(feed_site.url("/rss"))
        assert feed_site.requests == []

    @pytest.mark.parametrize(
        "url", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/feed", "file:///etc/passwd"]
    )
    def test_other_internal_or_non_web_addresses_are_refused(self, url):
        with pytest.raises(FetchError):
            poll(url)

    def test_the_fetcher_can_be_injected(self):
        calls = []

        class Result:
            url, status, content_type, charset, body = FEED_URL, 200, "application/rss+xml", None, RSS
            headers = {"etag": 'W/"1"'}

        def fake_fetch(url, **kwargs):
            calls.append((url, kwargs))
            return Result()

        page = poll(FEED_URL, etag='W/"0"', fetcher=fake_fetch)
        assert page.etag == 'W/"1"' and len(page.items) == 2
        [(url, kwargs)] = calls
        assert kwargs["headers"] == {"If-None-Match": 'W/"0"'}
        assert kwargs["allow_not_modified"] is True


def test_the_parser_imports_without_django():
    probe = (
        "import sys; sys.modules['django'] = None\n"
        "from claims.outside import feeds\n"
        "page = feeds.parse_feed(b'<rss version=\"2.0\"><channel><item><title>x</title></item></channel></rss>')\n"
        "assert page.items[0].title == 'x'\n"
    )
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=repo,
        capture_output=True,
        text=True,
        env={"PATH": "", "PYTHONPATH": str(repo)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
