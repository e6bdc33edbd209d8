"""Specification of exporting from the browser: the export page and buttons, a small export downloaded at
once, a large one written in the background with its progress and then a download link."""

import pytest
from django.urls import reverse

from claims.models import Job
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, VerdictFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("export_report")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def article(db):
    """An article with a published claim and a claim with a draft verdict."""
    article = ArticleFactory(title="Budget story", text="It cost 5 million euros. It rained on Tuesday.")
    published = ClaimFactory(article=article, start=0, end=24, text="It cost 5 million euros.")
    EvidenceFactory(claim=published, excerpt="The budget was 3 million.")
    VerdictFactory(claim=published, status="published", summary="Published summary.")
    draft = ClaimFactory(article=article, start=25, end=46, text="It rained on Tuesday.")
    VerdictFactory(claim=draft, status="draft", summary="Draft summary.")
    return article


@pytest.fixture
def editor(client, carol):
    client.force_login(carol)
    return client


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(EXPORT)

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_reviewer_may_not_export(client, alice):
    client.force_login(alice)

    assert client.get(EXPORT).status_code == 403
    assert client.post(EXPORT, {"format": "csv"}).status_code == 403


def test_the_article_page_offers_editors_its_export(editor, client, alice, article):
    page = editor.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert f'action="{EXPORT}"' in page and f'name="article" value="{article.pk}"' in page

    client.force_login(alice)
    assert (
        f'action="{EXPORT}"' not in client.get(reverse("article_detail", args=[article.pk])).content.decode()
    )


def test_the_export_page_names_the_article_it_exports(editor, article):
    page = editor.get(f"{EXPORT}?article={article.pk}").content.decode()

    assert "Budget story" in page and 'name="with_drafts"' in page


def test_a_small_export_downloads_at_once_with_published_work_only(editor, article):
    response = editor.post(EXPORT, {"format": "csv", "article": article.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="factcheck-report-article-{article.pk}-'
    )
    text = body(response)
    assert "It cost 5 million euros." in text and "Published summary." in text
    assert "It rained on Tuesday." not in text and "Draft summary." not in text


def test_an_internal_export_with_drafts_marks_them(editor, article):
    text = body(editor.post(EXPORT, {"format": "md", "article": article.pk, "with_drafts": "on"}))

    assert "Draft summary." in text and "DRAFT" in text


def test_a_mistaken_selection_is_shown_and_nothing_is_queued(editor, article):
    response = editor.post(EXPORT, {"format": "csv", "date_from": "2026-05-02", "date_to": "2026-05-01"})

    assert response.status_code == 400
    assert "The first date is after the second." in response.content.decode()
    assert not Job.objects.exists()


def test_an_unknown_article_is_not_found(editor, article):
    assert editor.post(EXPORT, {"format": "csv", "article": 999_999}).status_code == 404


def test_a_large_export_runs_in_the_background_then_offers_its_file(
    editor, client, dan, article, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_BACKGROUND_THRESHOLD = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(EXPORT, {"format": "json"})

    job = Job.objects.get(kind="export_report")
    assert response.status_code == 302 and response.url == reverse("job_status", args=[job.pk])
    page = editor.get(response.url).content.decode()
    download = reverse("export_download", args=[job.pk])
    assert "Writing the report" in page and f'href="{download}"' in page
    file = editor.get(download)
    assert file.status_code == 200 and file["Content-Disposition"].startswith("attachment")
    assert b"It cost 5 million euros." in b"".join(file.streaming_content)
    polled = editor.get(reverse("job_status", args=[job.pk]) + "?format=json").json()
    assert polled["status"] == "done" and polled["download_url"] == download

    client.force_login(dan)  # another editor: not theirs
    assert client.get(download).status_code == 404


def test_a_running_export_says_how_far_it_got(editor, carol, article, settings):
    settings.EXPORT_BACKGROUND_THRESHOLD = 0
    editor.post(EXPORT, {"format": "csv"})  # not committed in this test: the job stays queued
    job = Job.objects.get(kind="export_report")
    Job.objects.filter(pk=job.pk).update(status="running", result={"done": 200, "total": 1500})

    page = editor.get(reverse("job_status", args=[job.pk])).content.decode()

    assert "200 of 1,500 claims read" in page
