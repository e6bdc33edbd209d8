"""The claim panel's related coverage: job state, suggestions with reasons, accept, dismiss, retry."""

import pytest
from django.urls import reverse

from claims.choices import JobKind, JobStatus, SuggestionStatus
from claims.coverage.readers import FactCheck
from claims.coverage.store import corpus_store_reset
from claims.models import Evidence, Job, Suggestion
from claims.services import coverage
from claims.services.ingest import article_ingest_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(alice, settings, django_capture_on_commit_callbacks):
    settings.COVERAGE_AUTO_JOBS = True
    corpus_store_reset()
    coverage.corpus_load_factchecks(
        checks=[
            FactCheck(
                id="1",
                vclaim="The Mill Street tunnel in Riverside opened in 1984.",
                title="When did the Mill Street tunnel open?",
                url="https://factcheck.example.org/mill-street",
            )
        ],
        prefix="v:",
    )
    with django_capture_on_commit_callbacks(execute=True):
        article = article_ingest_text(
            text="The Mill Street tunnel opened in 1974. It rained.", user=alice
        ).article
    yield article.claims.get(text__contains="Mill Street")
    corpus_store_reset()


def panel(client, claim) -> str:
    return client.get(
        reverse("claim_panel", args=[claim.pk]), headers={"X-Requested-With": "fetch"}
    ).content.decode()


def test_the_panel_shows_the_job_state_and_each_suggestion_with_its_reasons(client, alice, claim):
    client.force_login(alice)
    content = panel(client, claim)
    suggestion = Suggestion.objects.filter(claim=claim).order_by("rank").first()
    assert "Related coverage" in content and "Done" in content
    assert "When did the Mill Street tunnel open?" in content and "Fact-check" in content
    assert suggestion.reasons and suggestion.reasons[0].split("“")[0][:20] in content
    assert "Attach as evidence" in content and "Same claim" in content and "Dismiss" in content


def test_a_failed_job_shows_why_and_a_retry_button_that_queues_it_again(
    client, alice, claim, django_capture_on_commit_callbacks
):
    Job.objects.filter(kind=JobKind.SUGGEST_COVERAGE).update(
        status=JobStatus.FAILED, error="The worker stopped."
    )
    client.force_login(alice)
    content = panel(client, claim)
    assert "Failed" in content and "The worker stopped." in content and "Retry" in content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("coverage_retry", args=[claim.pk]))
    assert response.status_code == 302
    assert Job.objects.filter(kind=JobKind.SUGGEST_COVERAGE).order_by("-id").first().status == JobStatus.DONE


def test_accepting_attaches_evidence_and_a_second_decision_is_refused(client, alice, bob, claim):
    suggestion = Suggestion.objects.filter(claim=claim).order_by("rank").first()
    client.force_login(alice)
    response = client.post(
        reverse("suggestion_accept", args=[suggestion.pk]),
        {"use": "evidence", "stance": "refutes"},
        follow=True,
    )
    assert "Attached as evidence." in response.content.decode()
    assert Evidence.objects.get(claim=claim).stance == "refutes"

    client.force_login(bob)
    response = client.post(reverse("suggestion_dismiss", args=[suggestion.pk]), follow=True)
    assert "already accepted this suggestion" in response.content.decode()
    assert Suggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.ACCEPTED


def test_dismissing_needs_a_role_and_is_kept(client, alice, mallory, claim):
    suggestion = Suggestion.objects.filter(claim=claim).order_by("rank").first()
    client.force_login(mallory)
    assert client.post(reverse("suggestion_dismiss", args=[suggestion.pk])).status_code == 403
    client.force_login(alice)
    client.post(reverse("suggestion_dismiss", args=[suggestion.pk]))
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DISMISSED and suggestion.decided_by == alice
    assert "Decided (1)" in panel(client, claim)
