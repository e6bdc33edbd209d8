"""Specification of the article reading page and the claim side panel."""

import html
import re

import pytest
from django.urls import reverse

from claims.services.ingest import article_ingest_text
from tests.factories import EvidenceFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def sentences(n: int) -> str:
    return " ".join(f"The agency counted {i} new permits in district {i % 7} during 2024." for i in range(n))


def article_text_in_page(content: str) -> str:
    """The text content of the article element, as a browser would see it."""
    inner = re.search(r'<article class="article-text"[^>]*>(.*?)</article>', content, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", inner))


@pytest.fixture
def article(alice):
    return article_ingest_text(
        text="Prices rose 4% in May. Exports fell.\n\nA report is due on Friday.", user=alice
    ).article


def test_anonymous_people_are_sent_to_sign_in(client, article):
    response = client.get(reverse("article_detail", args=[article.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_people_without_a_role_are_refused(client, mallory, article):
    client.force_login(mallory)
    assert client.get(reverse("article_detail", args=[article.pk])).status_code == 403
    assert client.get(reverse("claim_panel", args=[article.claims.first().pk])).status_code == 403


def test_the_page_shows_the_exact_text_with_every_claim_highlighted(client, alice, article):
    client.force_login(alice)
    content = client.get(reverse("article_detail", args=[article.pk])).content.decode()

    assert article_text_in_page(content) == article.text
    for claim in article.claims.all():
        assert f'data-claim="{claim.pk}"' in content


def test_the_seed_article_renders_with_all_its_claims(client, alice, seed_text):
    article = article_ingest_text(text=seed_text, user=alice).article
    client.force_login(alice)
    content = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert article_text_in_page(content) == article.text
    assert content.count('class="claim ') >= article.claims.count()


def test_a_selected_claim_opens_in_the_side_panel(client, alice, article):
    claim = article.claims.get(text="Prices rose 4% in May.")
    client.force_login(alice)
    content = client.get(reverse("article_detail", args=[article.pk]), {"claim": claim.pk}).content.decode()
    assert f'data-claim-panel="{claim.pk}"' in content


def test_the_panel_alone_is_served_to_the_pages_script(client, alice, article):
    claim = article.claims.first()
    client.force_login(alice)
    response = client.get(reverse("claim_panel", args=[claim.pk]), headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert f'data-claim-panel="{claim.pk}"' in response.content.decode()


def test_the_panel_url_without_script_leads_to_the_article(client, alice, article):
    claim = article.claims.first()
    client.force_login(alice)
    response = client.get(reverse("claim_panel", args=[claim.pk]))
    assert response.status_code == 302
    assert response.url == f"{reverse('article_detail', args=[article.pk])}?claim={claim.pk}#claim-panel"


def test_hostile_text_and_titles_render_inert(client, alice):
    hostile = '<script>alert(1)</script> <img src=x onerror=alert(2)> <a href="javascript:alert(3)">x</a>.'
    article = article_ingest_text(text=f"Budget cut 5%. {hostile}", title=hostile, user=alice).article
    client.force_login(alice)
    content = client.get(
        reverse("article_detail", args=[article.pk]), {"claim": article.claims.last().pk}
    ).content.decode()

    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert 'href="javascript:' not in content
    assert article_text_in_page(content) == article.text


def test_the_page_of_a_300_claim_article_takes_a_constant_number_of_queries(
    client, alice, django_assert_max_num_queries
):
    small = article_ingest_text(text=sentences(5), user=alice).article
    large = article_ingest_text(text=sentences(300), user=alice).article
    assert large.claims.count() == 300
    for claim in large.claims.all()[::10]:
        EvidenceFactory(claim=claim, author=alice)
        VerdictFactory(claim=claim, author=alice)
    client.force_login(alice)
    client.get(reverse("article_detail", args=[small.pk]))  # warm the session and content types

    with django_assert_max_num_queries(10):
        assert client.get(reverse("article_detail", args=[large.pk])).status_code == 200

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for article in (small, large):
        claim = article.claims.order_by("start").first()
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("article_detail", args=[article.pk]), {"claim": claim.pk})
        counts.append(len(queries))
    # The selected claim's panel adds evidence, verdicts, comments, its coverage job and suggestions...
    assert counts[0] == counts[1] <= 14


def test_a_claims_history_is_served_on_its_own(client, alice, article):
    claim = article.claims.first()
    client.force_login(alice)
    fragment = client.get(reverse("claim_history", args=[claim.pk]), headers={"X-Requested-With": "fetch"})
    page = client.get(reverse("claim_history", args=[claim.pk]))
    assert 'class="claim-history"' in fragment.content.decode() and "<html" not in fragment.content.decode()
    assert "<html" in page.content.decode() and "created the claim" in page.content.decode()
