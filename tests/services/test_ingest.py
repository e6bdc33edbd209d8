"""Specification of article ingestion: one service behind the form, the command, jobs and the API."""

import datetime

import pytest

from claims.choices import IngestMethod
from claims.errors import InputRejected
from claims.models import Article, Claim
from claims.services.ingest import (
    article_ingest_text,
    article_ingest_upload,
    article_ingest_url,
    canonicalise_url,
)
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

ARTICLE_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Tram line extended | City Herald</title>
<meta property="og:site_name" content="City Herald">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2024-03-05">
<link rel="canonical" href="https://herald.example/news/tram?utm_source=feed">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Tram line extended</h1>
<p>The city council voted 31 to 12 on Tuesday to extend the tram line by 4.5 kilometres to the airport.</p>
<p>Mayor Anna Berg said the works would start in May and cost 120 million euros.</p>
<p>Opposition councillors argued that the money should go to buses instead, which carry twice as many passengers.</p>
</article>
<footer>Subscribe to our newsletter. Cookie settings. © City Herald</footer>
</body></html>"""


def test_pasted_text_is_stored_normalised_and_split_into_anchored_claims(alice):
    outcome = article_ingest_text(
        text="The council met on Tuesday.\r\nIt approved a budget of 5 million euros.  \n\n\n\nNothing else.",
        title="Council",
        user=alice,
    )

    article = outcome.article
    assert outcome.created
    assert (
        article.text
        == "The council met on Tuesday.\nIt approved a budget of 5 million euros.\n\nNothing else."
    )
    assert article.ingest_method == IngestMethod.PASTE and article.ingested_by == alice
    claims = list(article.claims.order_by("start"))
    assert [c.text for c in claims] == [
        "The council met on Tuesday.",
        "It approved a budget of 5 million euros.",
        "Nothing else.",
    ]
    for claim in claims:
        assert article.text[claim.start : claim.end] == claim.text
        assert 0 <= claim.checkworthiness <= 1
        # The quote selector's context is the text around the claim, to find it again after edits.
        assert article.text[: claim.start].endswith(claim.quote_prefix)
        assert article.text[claim.end :].startswith(claim.quote_suffix)


def test_the_seed_article_keeps_every_sentence_and_its_date(seed_text, alice):
    article = article_ingest_text(text=seed_text, user=alice).article

    assert article.published_at == datetime.date(2023, 11, 6)
    assert article.text.startswith("Delegates from the Palestinian militant group Hamas")
    assert "date 2023" not in article.text
    covered = "".join(c.text for c in article.claims.order_by("start"))
    assert "".join(covered.split()) == "".join(article.text.split())


def test_the_seed_articles_facts_outrank_its_advocacy(seed_text, alice):
    claims = {
        c.text[:40]: c.checkworthiness
        for c in article_ingest_text(text=seed_text, user=alice).article.claims.all()
    }
    led_by = next(score for text, score in claims.items() if text.startswith("Led by Moussa Abu Marzouk"))
    abbas = next(score for text, score in claims.items() if text.startswith("In parallel, Russia"))
    essential = next(score for text, score in claims.items() if text.startswith("While some may view"))
    assert min(led_by, abbas) > essential


def test_the_same_text_twice_is_found_not_stored_twice(alice, bob):
    first = article_ingest_text(text="A bridge opened in 1974 in Riverside.", user=alice)
    second = article_ingest_text(text="  A bridge opened in 1974 in Riverside.\n", user=bob)

    assert second.article == first.article and not second.created
    assert Article.objects.count() == 1


def test_the_same_canonical_url_is_found_not_stored_twice(alice):
    first = article_ingest_text(
        text="One text about the story.", url="https://Example.org/story?utm_source=x#top", user=alice
    )
    second = article_ingest_text(text="A corrected text.", url="https://example.org/story", user=alice)

    assert second.article == first.article and not second.created


@pytest.mark.parametrize(
    "text, message",
    [("", "no text"), ("   \n\t ", "no text"), ("x" * 600_001, "at most 600,000")],
)
def test_unusable_text_is_refused_and_nothing_stored(alice, text, message, settings):
    settings.INGEST_MAX_CHARS = 600_000
    with pytest.raises(InputRejected, match=message):
        article_ingest_text(text=text, user=alice)
    assert Article.objects.count() == 0 and Claim.objects.count() == 0


@pytest.mark.parametrize(
    "filename, data",
    [
        ("scan.pdf", b"%PDF-1.7 binary"),
        ("notes.txt", b"\x00\x01\x02\x03binary\x00\x00"),
        ("empty.md", b"   \n"),
    ],
)
def test_unusable_uploads_are_refused_and_nothing_stored(alice, filename, data):
    with pytest.raises(InputRejected):
        article_ingest_upload(filename=filename, data=data, user=alice)
    assert Article.objects.count() == 0


def test_an_oversized_upload_is_refused(alice, settings):
    settings.INGEST_MAX_BYTES = 1000
    with pytest.raises(InputRejected):
        article_ingest_upload(filename="long.txt", data=b"word " * 1000, user=alice)
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    "text", ["x", "?", "Hi", "ok ok", "date 2024-01-02\nYes."], ids=["letter", "mark", "word", "two", "dated"]
)
def test_text_too_short_to_hold_a_claim_is_refused_and_nothing_stored(alice, text):
    with pytest.raises(InputRejected, match="too short to check"):
        article_ingest_text(text=text, user=alice)
    assert Article.objects.count() == 0


def test_a_short_sentence_in_a_script_without_spaces_is_accepted(alice):
    article = article_ingest_text(text="東京で雨。", user=alice).article
    assert article.claims.get().text == "東京で雨。"


def test_a_paste_with_unreadable_characters_is_refused_and_nothing_stored(alice):
    with pytest.raises(InputRejected) as refused:
        article_ingest_text(text="The Caf\ufffd Royal was sold for 5 million euros on Tuesday.", user=alice)
    assert "could not be read" in refused.value.message and "nothing was stored" in refused.value.message
    assert Article.objects.count() == 0


def test_a_latin_1_upload_is_stored_as_the_text_it_was(alice):
    data = "It was déjà vu for the council, which met on Tuesday to discuss the new café.".encode("latin-1")
    article = article_ingest_upload(filename="notes.txt", data=data, user=alice).article
    assert article.text == "It was déjà vu for the council, which met on Tuesday to discuss the new café."


def test_a_utf_16_upload_without_a_bom_is_stored_not_refused(alice):
    data = "Der Stadtrat hat am Dienstag die Straßenbahn verlängert.".encode("utf-16-le")
    article = article_ingest_upload(filename="notiz.txt", data=data, user=alice).article
    assert article.text == "Der Stadtrat hat am Dienstag die Straßenbahn verlängert."


LONG_TITLE = "Tram line extended to the airport " * 30  # 1,020 characters


def assert_cut_at_a_word(title, original):
    kept = title.removesuffix("…")
    assert len(title) <= 500 and title.endswith("…")
    assert original.startswith(kept) and original[len(kept)] == " "


def test_a_page_with_an_overlong_title_is_stored_with_the_title_cut_to_fit(alice, settings):
    page = ARTICLE_HTML.replace("Tram line extended | City Herald", LONG_TITLE)
    page = page.replace("<h1>Tram line extended</h1>", "")
    with LocalSite({"/tram": Page(body=page.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        article = article_ingest_url(url=site.url("/tram"), user=alice).article
    assert_cut_at_a_word(article.title, LONG_TITLE)


def test_an_uploaded_page_with_an_overlong_title_is_stored_with_the_title_cut_to_fit(alice):
    page = ARTICLE_HTML.replace("Tram line extended | City Herald", LONG_TITLE).replace(
        "<h1>Tram line extended</h1>", ""
    )
    article = article_ingest_upload(filename="tram.html", data=page.encode(), user=alice).article
    assert_cut_at_a_word(article.title, LONG_TITLE)


def test_an_overlong_title_typed_by_a_person_is_refused_and_nothing_stored(alice):
    with pytest.raises(InputRejected, match="1,019 characters long; keep it to 500 at most"):
        article_ingest_text(text="The council met on Tuesday.", title=LONG_TITLE, user=alice)
    assert Article.objects.count() == 0


def test_a_markdown_upload_takes_its_heading_as_title(alice):
    data = b"# Harbour bridge approved\n\nThe council voted 9 to 4 on Tuesday."
    article = article_ingest_upload(filename="story.md", data=data, user=alice).article
    assert article.title == "Harbour bridge approved"
    assert article.claims.filter(text="The council voted 9 to 4 on Tuesday.").exists()


def test_a_page_is_fetched_extracted_and_split(alice, settings):
    with LocalSite({"/tram": Page(body=ARTICLE_HTML.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        article = article_ingest_url(url=site.url("/tram"), user=alice).article

    assert "voted 31 to 12" in article.text
    assert "Subscribe to our newsletter" not in article.text and "Cookie settings" not in article.text
    assert article.site_name == "City Herald"
    assert article.published_at == datetime.date(2024, 3, 5)
    assert article.url == "https://herald.example/news/tram"
    assert article.ingest_method == IngestMethod.URL
    assert article.claims.filter(text__startswith="Mayor Anna Berg said").exists()


def test_a_page_declared_utf8_but_sent_as_cp1252_decodes_correctly(alice, settings):
    body = ARTICLE_HTML.replace("Mayor Anna Berg", "Mayor Zoë Café").encode("cp1252")
    with LocalSite({"/tram": Page(body=body, content_type="text/html; charset=utf-8")}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        article = article_ingest_url(url=site.url("/tram"), user=alice).article
    assert "Mayor Zoë Café said" in article.text


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://[::1]/", "http://169.254.169.254/", "http://2130706433/"],
)
def test_urls_inside_our_network_are_refused_with_a_clear_message(alice, url):
    with pytest.raises(InputRejected) as refused:
        article_ingest_url(url=url, user=alice)
    assert "address" in refused.value.message.lower()
    assert Article.objects.count() == 0


def test_a_page_that_redirects_to_loopback_is_refused(alice, settings):
    redirect = Page(status=302, headers={"Location": "http://127.0.0.1:9/admin"})
    with LocalSite({"/go": redirect}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        with pytest.raises(InputRejected) as refused:
            article_ingest_url(url=site.url("/go"), user=alice)
    assert "127.0.0.1" in refused.value.message
    assert Article.objects.count() == 0


def test_a_non_html_response_is_refused(alice, settings):
    with LocalSite({"/doc.pdf": Page(body=b"%PDF-1.4", content_type="application/pdf")}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        with pytest.raises(InputRejected):
            article_ingest_url(url=site.url("/doc.pdf"), user=alice)
    assert Article.objects.count() == 0


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/file", "javascript:alert(1)", "http://"])
def test_malformed_urls_are_refused(url):
    with pytest.raises(InputRejected):
        canonicalise_url(url)


def test_canonical_urls_drop_tracking_fragments_and_default_ports():
    assert canonicalise_url("HTTPS://News.Example:443/a?id=3&utm_medium=social&fbclid=x#comments") == (
        "https://news.example/a?id=3"
    )
