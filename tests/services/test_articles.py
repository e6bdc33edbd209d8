"""Specification of correcting an article's text and fetching it again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.choices import AnchorState, JobKind, JobStatus
from claims.errors import EditConflict, InputRejected
from claims.models import Claim, Job
from claims.services import job_queue
from claims.services.articles import article_correct_text, article_refetch, article_refetch_start
from claims.services.ingest import article_ingest_text
from claims.services.jobs import job_run
from tests.factories import VerdictFactory
from tests.services.test_ingest import ARTICLE_HTML
from tests.support.local_site import Page

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


def test_fetching_again_takes_the_pages_current_text(carol, fetched):
    article, pages = fetched
    pages["/tram"] = Page(body=ARTICLE_HTML.replace("31 to 12", "30 to 13").encode())

    outcome = article_refetch(article=article, user=carol)

    article.refresh_from_db()
    assert "voted 30 to 13" in article.text and article.text_revision == 2
    assert outcome.added >= 1


def test_an_article_without_an_address_cannot_be_fetched_again(article, carol):
    with pytest.raises(InputRejected, match="no original address"):
        article_refetch(article=article, user=carol)


# --- fetching again as a background job --------------------------------------------------------


def test_fetching_again_is_a_job_that_ends_with_the_outcome(
    fetched, carol, django_capture_on_commit_callbacks
):
    article, pages = fetched
    pages["/tram"] = Page(body=ARTICLE_HTML.replace("31 to 12", "30 to 13").encode())

    with django_capture_on_commit_callbacks(execute=True):
        job = article_refetch_start(article=article, user=carol)
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED  # nothing fetched in the request

    job.refresh_from_db()
    article.refresh_from_db()
    assert (job.kind, job.status, job.article, job.created_by) == (
        JobKind.REFETCH_ARTICLE,
        "done",
        article,
        carol,
    )
    assert "voted 30 to 13" in article.text and article.text_revision == 2
    assert set(job.result) == {"kept", "changed", "lost", "removed", "added"} and job.result["added"] >= 1
    assert article.history.first().history_user == carol


def test_a_text_corrected_before_the_job_ran_is_not_overwritten(
    fetched, carol, dan, django_capture_on_commit_callbacks
):
    article, _ = fetched
    job = article_refetch_start(article=article, user=carol)  # queued at revision 1, not run yet
    article_correct_text(article=article, text=article.text + " Corrected.", user=dan, expected_revision=1)

    job_run(job_id=job.pk, token="t1")

    job.refresh_from_db()
    article.refresh_from_db()
    assert job.status == JobStatus.FAILED and "Dan" in job.error
    assert article.text.endswith("Corrected.")


def test_asking_again_while_a_fetch_is_queued_joins_it(fetched, carol, dan):
    article, _ = fetched
    first = article_refetch_start(article=article, user=carol)
    assert article_refetch_start(article=article, user=dan) == first
    assert Job.objects.filter(kind=JobKind.REFETCH_ARTICLE).count() == 1


def test_an_article_without_an_address_gets_no_job(article, carol):
    with pytest.raises(InputRejected, match="no original address"):
        article_refetch_start(article=article, user=carol)
    assert Job.objects.count() == 0


def test_a_refetch_whose_lease_was_taken_over_changes_nothing(fetched, carol):
    article, pages = fetched
    pages["/tram"] = Page(body=ARTICLE_HTML.replace("31 to 12", "30 to 13").encode())
    job = article_refetch_start(article=article, user=carol)
    stale = job_queue.job_claim(job_id=job.pk, token="stale")
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    job_queue.job_claim(job_id=job.pk, token="newer")

    with pytest.raises(job_queue.LeaseLost):
        article_refetch(article=article, user=carol, job=stale)

    article.refresh_from_db()
    assert article.text_revision == 1 and "31 to 12" in article.text
