import pytest
from django.urls import reverse

from claims.services.ingest import article_ingest_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(alice):
    return article_ingest_text(text="Rents rose 8% last year. Wages rose 3%.", user=alice).article


def test_editors_correct_the_text_from_the_article_page(client, carol, article):
    client.force_login(carol)
    page = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert reverse("article_correct_text", args=[article.pk]) in page

    response = client.post(
        reverse("article_correct_text", args=[article.pk]),
        {"text": "Rents rose 9% last year. Wages rose 3%.", "text_revision": 1},
        follow=True,
    )

    article.refresh_from_db()
    assert article.text == "Rents rose 9% last year. Wages rose 3%."
    assert "Text updated" in response.content.decode()


def test_reviewers_cannot_change_an_articles_text(client, alice, article):
    client.force_login(alice)
    assert (
        reverse("article_correct_text", args=[article.pk])
        not in client.get(reverse("article_detail", args=[article.pk])).content.decode()
    )
    response = client.post(
        reverse("article_correct_text", args=[article.pk]), {"text": "x", "text_revision": 1}
    )
    assert response.status_code == 403
    assert client.post(reverse("article_refetch", args=[article.pk])).status_code == 403


def test_a_stale_correction_is_refused_with_a_message(client, carol, article):
    client.force_login(carol)
    url = reverse("article_correct_text", args=[article.pk])
    client.post(url, {"text": "Rents rose 9% last year.", "text_revision": 1})
    response = client.post(url, {"text": "Rents rose 7% last year.", "text_revision": 1}, follow=True)
    assert "was not saved" in response.content.decode()
    article.refresh_from_db()
    assert article.text == "Rents rose 9% last year."
