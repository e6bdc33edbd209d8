import pytest
from django.urls import reverse

from claims.choices import JobKind, JobStatus
from claims.models import Job
from claims.services.ingest import article_ingest_text
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import Page

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


# --- fetching again: a background job with a progress page --------------------------------------


def test_fetching_again_shows_its_progress_then_the_outcome_on_the_article(
    client, carol, fetched, django_capture_on_commit_callbacks
):
    article, pages = fetched
    pages["/tram"] = Page(body=ARTICLE_HTML.replace("31 to 12", "30 to 13").encode())
    client.force_login(carol)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("article_refetch", args=[article.pk]))

    job = Job.objects.get(kind=JobKind.REFETCH_ARTICLE)
    assert response.status_code == 302 and response.url == reverse("job_status", args=[job.pk])
    assert client.get(response.url, {"format": "json"}).json()["status"] == "done"
    page = client.get(response.url, follow=True)
    assert page.redirect_chain[-1][0] == reverse("article_detail", args=[article.pk])
    html = page.content.decode()
    assert "Text updated" in html and "claims kept in place" in html
    article.refresh_from_db()
    assert "voted 30 to 13" in article.text


def test_a_refetch_in_progress_says_what_it_does_in_its_chips_and_its_text(client, carol, fetched):
    article, _ = fetched
    client.force_login(carol)
    response = client.post(reverse("article_refetch", args=[article.pk]))  # not committed: stays queued
    job = Job.objects.get(kind=JobKind.REFETCH_ARTICLE)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200 and page["Refresh"] == "2"
    assert "<h1>Fetching the article again</h1>" in html
    assert 'class="step-current" aria-current="step">Fetching and re-anchoring' in html
    assert "Fetching the page again and finding its claims in the new text" in html
    poll = client.get(response.url, {"format": "json"}).json()
    assert poll["label"] == "Fetching the page again and finding its claims in the new text…"
    assert [step["state"] for step in poll["steps"]] == ["done", "current", "todo"]


def test_a_failed_refetch_says_why_and_leads_back_to_the_article(
    client, carol, fetched, django_capture_on_commit_callbacks
):
    article, pages = fetched
    del pages["/tram"]  # the page is gone: 404
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("article_refetch", args=[article.pk]))

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200 and not page.has_header("Refresh")
    assert "Could not fetch the article again" in html and "404" in html
    assert reverse("article_detail", args=[article.pk]) in html
    article.refresh_from_db()
    assert article.text_revision == 1


def test_a_refetch_someone_else_started_is_joined_not_repeated(client, carol, dan, fetched):
    article, _ = fetched
    client.force_login(carol)
    client.post(reverse("article_refetch", args=[article.pk]))
    client.force_login(dan)

    response = client.post(reverse("article_refetch", args=[article.pk]), follow=True)

    assert Job.objects.filter(kind=JobKind.REFETCH_ARTICLE).count() == 1
    assert "Carol is already fetching this article again" in response.content.decode()


def test_an_article_without_an_address_is_not_fetched_again(client, carol, article):
    client.force_login(carol)
    response = client.post(reverse("article_refetch", args=[article.pk]), follow=True)
    assert "no original address" in response.content.decode()
    assert Job.objects.count() == 0
