"""Specification of correcting an article's text and fetching it again."""

import pytest

from claims.choices import AnchorState
from claims.errors import EditConflict, InputRejected
from claims.models import Article, Claim
from claims.services.articles import article_correct_text, article_refetch
from claims.services.ingest import article_ingest_text, article_ingest_url
from tests.factories import VerdictFactory
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

TEXT = "The dam is 120 metres high. It was finished in 1961.\n\nCritics say it is ugly."


@pytest.fixture
def article(alice):
    return article_ingest_text(text=TEXT, user=alice).article


def test_a_correction_resplits_and_keeps_reviewed_claims(article, carol):
    reviewed = article.claims.get(text="It was finished in 1961.")
    VerdictFactory(claim=reviewed, author=carol)

    outcome = article_correct_text(
        article=article, text=TEXT.replace("1961", "1962"), user=carol, expected_revision=1
    )

    reviewed.refresh_from_db()
    article.refresh_from_db()
    assert article.text_revision == 2 and "1962" in article.text
    assert reviewed.anchor_state == AnchorState.CHANGED and reviewed.text == "It was finished in 1962."
    assert outcome.changed == 1
    assert article.history.first().history_user == carol


def test_a_correction_from_a_stale_page_is_refused(article, carol, dan):
    article_correct_text(article=article, text=TEXT + " More.", user=dan, expected_revision=1)
    with pytest.raises(EditConflict, match="Dan"):
        article_correct_text(article=article, text=TEXT + " Other.", user=carol, expected_revision=1)
    article.refresh_from_db()
    assert article.text.endswith("More.")


@pytest.mark.parametrize("text", ["", "   \n", "\x00\x01"])
def test_an_empty_correction_changes_nothing(article, carol, text):
    claims_before = list(Claim.objects.values_list("pk", "text"))
    with pytest.raises(InputRejected):
        article_correct_text(article=article, text=text, user=carol, expected_revision=1)
    article.refresh_from_db()
    assert article.text == TEXT.strip() and article.text_revision == 1
    assert list(Claim.objects.values_list("pk", "text")) == claims_before


def test_a_correction_that_duplicates_another_article_is_refused(article, alice, carol):
    article_ingest_text(text="Another story entirely.", user=alice)
    with pytest.raises(InputRejected, match="already has exactly this text"):
        article_correct_text(article=article, text="Another story entirely.", user=carol, expected_revision=1)


def test_fetching_again_takes_the_pages_current_text(alice, carol, settings):
    site_pages = {"/tram": Page(body=ARTICLE_HTML.encode())}
    with LocalSite(site_pages) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        article = article_ingest_url(url=site.url("/tram"), user=alice).article
        Article.objects.filter(pk=article.pk).update(url=site.url("/tram"))
        article.refresh_from_db()
        site_pages["/tram"] = Page(body=ARTICLE_HTML.replace("31 to 12", "30 to 13").encode())

        outcome = article_refetch(article=article, user=carol)

    article.refresh_from_db()
    assert "voted 30 to 13" in article.text and article.text_revision == 2
    assert outcome.added >= 1


def test_an_article_without_an_address_cannot_be_fetched_again(article, carol):
    with pytest.raises(InputRejected, match="no original address"):
        article_refetch(article=article, user=carol)
