"""The public fact-check pages (claims/views/public.py): anyone may read them, and they show published work
only: never drafts, returned or submitted revisions, review comments or internal comments."""

import datetime as dt
import json
import re
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.exports.claimreview import claimreview
from claims.models import Rating
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    EvidenceFactory,
    SourceFactory,
    UserFactory,
    VerdictFactory,
    budget_claims,
    cited_as_published,
    rating,
)

pytestmark = pytest.mark.django_db

BASE = "https://checks.example.org"
SECRETS = ("INTERNAL-COMMENT-7731", "REVIEW-COMMENT-7731", "DRAFT-SUMMARY-7731")


@pytest.fixture(autouse=True)
def _public_settings(settings):
    settings.PUBLIC_BASE_URL = BASE
    settings.ORGANISATION_NAME = "Example Checks"
    settings.ORGANISATION_URL = "https://example.org/"


@pytest.fixture
def verdict(article):
    """The budget article's second claim, published as false, with a refuting and a context source, an
    internal comment and a review comment; its third claim has a draft."""
    article.url, article.title, article.published_at = (
        "https://news.example.com/b",
        "Budget",
        dt.date(2026, 1, 5),
    )
    article.save()
    first, second, third = budget_claims(article)
    published = VerdictFactory(
        claim=second,
        status="published",
        rating=rating("false"),
        summary="The budget cost 9 million euros.",
        rationale="The **audited accounts** say [9 million](https://example.org/accounts).",
        review_comment=SECRETS[1],
        author=UserFactory(username="bsmith", first_name="Bob", last_name="Smith"),
        approver=UserFactory(username="cjones", first_name="", last_name="Jones"),
        published_at=timezone.make_aware(dt.datetime(2026, 1, 9, 12)),
    )
    archived = SourceFactory(
        title="Audited accounts 2025",
        url="https://example.org/accounts",
        archived_text="…",
        archived_hash="ab" * 32,
        fetched_at=timezone.make_aware(dt.datetime(2026, 1, 7, 9)),
    )
    EvidenceFactory(claim=second, source=archived, stance="refutes", excerpt="Total: 9.0 million euros.")
    EvidenceFactory(claim=second, stance="context", excerpt="Costs rose in 2025.", note="internal note 7731")
    cited_as_published(published)
    CommentFactory(claim=second, body=SECRETS[0])
    VerdictFactory(claim=third, status="draft", summary=SECRETS[2])
    return published


def page(client, verdict):
    response = client.get(reverse("public_verdict", args=[verdict.pk]))
    assert response.status_code == 200
    return response.content.decode()


def ld_json_of(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(blocks) == 1
    return json.loads(blocks[0])


# --- the verdict page -------------------------------------------------------------------------


def test_anyone_can_read_a_published_verdict(client, verdict):
    html = page(client, verdict)

    assert "It cost 5 million euros." in html
    assert "The budget cost 9 million euros." in html


def test_the_claim_is_shown_in_its_context_and_highlighted(client, verdict):
    html = page(client, verdict)

    assert (
        "The council approved the budget on Tuesday. <mark>It cost 5 million euros.</mark> "
        "Critics said it was far too high." in html
    )


def test_the_rating_shows_its_colour_and_its_label(client, verdict):
    html = page(client, verdict)

    assert 'style="background: #dc2626">Rating: False</span>' in html


def test_a_colour_that_escaped_validation_is_drawn_grey_on_the_page_and_the_index(client, verdict):
    Rating.objects.filter(pk=verdict.rating_id).update(colour="0;}<b>x")  # seven characters, as the column

    for html in (page(client, verdict), client.get(reverse("public_index")).content.decode()):
        assert "0;}" not in html
        assert "background: #6b7280" in html


def test_the_rationale_is_rendered_markdown(client, verdict):
    html = page(client, verdict)

    assert "<strong>audited accounts</strong>" in html
    assert '<a href="https://example.org/accounts" rel="noopener noreferrer nofollow">9 million</a>' in html


def test_the_sources_show_stance_excerpt_link_and_archive_date_but_no_internal_page(client, verdict):
    html = page(client, verdict)

    assert (
        '<a href="https://example.org/accounts" rel="noopener noreferrer nofollow">Audited accounts 2025</a>'
        in html
    )
    assert "Refutes" in html and "Adds context" in html
    assert "Total: 9.0 million euros." in html and "Costs rose in 2025." in html
    assert "We archived a copy of this page on" in html and "7 Jan 2026" in html
    assert "/sources/" not in html  # the archived copy is a workbench page: not linked
    assert "internal note 7731" not in html


def test_evidence_found_after_publication_is_not_shown_until_a_new_revision_is_published(client, verdict):
    EvidenceFactory(claim=verdict.claim, stance="supports", excerpt="Found the week after.")

    assert "Found the week after." not in page(client, verdict)


def test_reviewer_and_approver_are_named_by_first_name_or_user_name_with_the_dates(client, verdict):
    html = page(client, verdict)

    assert "Fact-checked by Bob, approved by cjones." in html
    assert "Smith" not in html and "Jones" not in html
    assert "9 Jan 2026" in html  # published
    assert "5 Jan 2026" in html  # the article's date: when the claim was made


def test_the_claimreview_is_embedded_as_json_ld(client, verdict):
    html = page(client, verdict)

    assert ld_json_of(html) == claimreview(
        verdict, base_url=BASE, organisation="Example Checks", organisation_url="https://example.org/"
    )


def test_the_page_has_a_canonical_link_and_open_graph_tags(client, verdict):
    html = page(client, verdict)
    url = f"{BASE}/fact-checks/{verdict.pk}/"

    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="False: It cost 5 million euros.">' in html
    assert '<meta property="og:description" content="The budget cost 9 million euros.">' in html


def test_the_page_has_no_workbench_links_and_no_script_to_run(client, verdict):
    response = client.get(reverse("public_verdict", args=[verdict.pk]))
    html = response.content.decode()

    hrefs = re.findall(r'href="([^"]+)"', html)
    assert all(h.startswith(("/fact-checks/", "/static/", "https://", "http://")) for h in hrefs), hrefs
    assert "/accounts/" not in html and "Sign out" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script type="application/ld+json">']


def test_the_page_carries_the_content_security_policy(client, verdict):
    policy = client.get(reverse("public_verdict", args=[verdict.pk])).headers["Content-Security-Policy"]

    # A JSON-LD block is data: the policy allows no inline script and need not, since it is never run.
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_a_signed_in_reviewer_sees_the_same_public_page(client, alice, verdict):
    client.force_login(alice)

    html = page(client, verdict)

    assert "Sign out" not in html and "INTERNAL" not in html


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_a_verdict_that_is_not_published_is_not_found(client, article, status):
    open_revision = VerdictFactory(claim=ClaimFactory(article=article), status=status)

    assert client.get(reverse("public_verdict", args=[open_revision.pk])).status_code == 404


def test_a_verdict_that_does_not_exist_is_not_found(client):
    assert client.get(reverse("public_verdict", args=[999_999])).status_code == 404


def test_a_superseded_revision_redirects_permanently_to_the_current_one(client, article):
    claim = ClaimFactory(article=article)
    old = VerdictFactory(claim=claim, status="superseded", revision=1)
    current = VerdictFactory(claim=claim, status="published", revision=2)

    response = client.get(reverse("public_verdict", args=[old.pk]))

    assert response.status_code == 301
    assert response.url == reverse("public_verdict", args=[current.pk])


def test_a_superseded_revision_whose_claim_has_only_a_pending_revision_is_not_found(client, article):
    claim = ClaimFactory(article=article)
    old = VerdictFactory(claim=claim, status="superseded", revision=1)
    VerdictFactory(claim=claim, status="submitted", revision=2)

    assert client.get(reverse("public_verdict", args=[old.pk])).status_code == 404


def test_only_reading_is_allowed(client, verdict):
    assert client.post(reverse("public_verdict", args=[verdict.pk])).status_code == 405


# --- markup in what people typed --------------------------------------------------------------

XSS = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile_verdict():
    text = f"Intro sentence. {XSS} is what they said. Outro sentence."
    article = ArticleFactory(text=text, title=XSS, url="https://news.example.com/x")
    start = text.index(XSS)
    claim = ClaimFactory(
        article=article, start=start, end=start + len(XSS) + len(" is what they said."), claimant=XSS
    )
    verdict = VerdictFactory(
        claim=claim,
        status="published",
        summary=XSS[:200],
        rationale=f"{XSS}\n\n<script>alert(2)</script> text",
    )
    EvidenceFactory(claim=claim, source=SourceFactory(title=XSS, publisher=XSS), excerpt=XSS)
    return cited_as_published(verdict)


def test_markup_in_claim_rationale_and_sources_is_shown_as_text(client, hostile_verdict):
    html = page(client, hostile_verdict)

    assert "<img" not in html  # the title, claim, claimant, source and excerpt: escaped everywhere
    assert "alert(2)" not in html  # a script in the rationale is dropped with its content by the sanitiser
    assert html.count("<script") == 1  # the JSON-LD block, nothing the text smuggled in
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_markup_cannot_break_out_of_the_json_ld_block(client, hostile_verdict):
    html = page(client, hostile_verdict)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)[1]

    assert "<" not in block and ">" not in block
    review = json.loads(block)
    assert review["claimReviewed"].startswith(XSS)
    assert review["itemReviewed"]["author"]["name"] == XSS


# --- the index, the feeds and robots.txt -------------------------------------------------------


def test_anyone_can_read_the_index_of_published_verdicts(client, verdict):
    response = client.get(reverse("public_index"))
    html = response.content.decode()

    assert response.status_code == 200
    assert reverse("public_verdict", args=[verdict.pk]) in html
    assert 'style="background: #dc2626">False</span>' in html
    assert f'<link rel="canonical" href="{BASE}/fact-checks/">' in html


def test_the_index_takes_the_same_queries_however_many_verdicts_it_shows(client):
    def queries_for(n):
        for _ in range(n):
            VerdictFactory(claim=ClaimFactory(), status="published")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("public_index")).status_code == 200
        return len(queries)

    assert queries_for(1) == queries_for(25)  # a full page of 20 and more


def test_the_index_pages_through_the_verdicts(client):
    for _ in range(21):
        VerdictFactory(claim=ClaimFactory(), status="published")

    second = client.get(reverse("public_index") + "?page=2").content.decode()

    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_the_atom_feed_lists_the_newest_published_verdicts(client, verdict):
    response = client.get(reverse("public_feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("atom:entry", ns)
    assert [e.find("atom:title", ns).text for e in entries] == ["False: It cost 5 million euros."]
    assert entries[0].find("atom:link", ns).get("href") == f"{BASE}/fact-checks/{verdict.pk}/"
    assert entries[0].find("atom:summary", ns).text == "The budget cost 9 million euros."


def test_the_datafeed_holds_every_published_verdicts_claimreview(client, verdict):
    response = client.get(reverse("public_claimreview_feed"))

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("application/ld+json")
    feed = json.loads(b"".join(response.streaming_content))
    assert feed["@type"] == "DataFeed"
    assert [r["url"] for r in feed["dataFeedElement"]] == [f"{BASE}/fact-checks/{verdict.pk}/"]


def test_nothing_internal_reaches_any_public_page_or_feed(client, verdict):
    urls = [
        reverse("public_verdict", args=[verdict.pk]),
        reverse("public_index"),
        reverse("public_feed"),
        reverse("public_claimreview_feed"),
    ]
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for secret in SECRETS:
            assert secret.encode() not in body, (url, secret)


def test_robots_txt_allows_the_fact_checks_only(client):
    lines = client.get("/robots.txt").content.decode().splitlines()

    assert lines == ["User-agent: *", "Allow: /fact-checks/", "Disallow: /"]
