"""The claim panel's related coverage: job state, suggestions with reasons, accept, dismiss, retry, and the
section alone, which the page polls while the claim's job is queued or running."""

import pytest
from django.urls import reverse

from claims.choices import JobKind, JobStatus, SuggestionStatus
from claims.coverage.readers import FactCheck
from claims.coverage.store import corpus_store_reset
from claims.models import CorpusItem, Evidence, Job, Suggestion
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


@pytest.fixture
def queued_claim(alice, settings, django_capture_on_commit_callbacks):
    """A claim whose suggestion job is still queued: the hand-over that runs it on commit has not run."""
    settings.COVERAGE_AUTO_JOBS = True
    with django_capture_on_commit_callbacks(execute=False):
        article = article_ingest_text(text="The harbour bridge cost 40 million pounds.", user=alice).article
    return article.claims.get()


def section(client, claim):
    """The section alone, as the page's script asks for it."""
    return client.get(reverse("coverage_section", args=[claim.pk]), headers={"X-Requested-With": "fetch"})


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


def test_the_section_alone_is_for_signed_in_people_only(client, claim):
    response = section(client, claim)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_section_alone_needs_the_right_to_see_claims(client, mallory, claim):
    client.force_login(mallory)
    assert section(client, claim).status_code == 403


def test_an_ordinary_visit_to_the_section_goes_to_the_claim_in_its_panel(client, alice, claim):
    client.force_login(alice)
    response = client.get(reverse("coverage_section", args=[claim.pk]))
    assert response.status_code == 302
    assert (
        response.url == f"{reverse('article_detail', args=[claim.article_id])}?claim={claim.pk}#claim-panel"
    )


def test_a_missing_claim_has_no_section(client, alice):
    client.force_login(alice)
    response = client.get(reverse("coverage_section", args=[999_999]), headers={"X-Requested-With": "fetch"})
    assert response.status_code == 404


def test_while_the_job_is_queued_the_section_says_so_and_where_the_page_asks_again(
    client, alice, queued_claim
):
    client.force_login(alice)
    content = section(client, queued_claim).content.decode()
    assert 'data-coverage-state="queued"' in content
    assert f'data-coverage-url="{reverse("coverage_section", args=[queued_claim.pk])}"' in content
    assert '<p class="coverage-job meta" aria-live="polite">' in content and "Queued" in content
    # Nothing to decide yet, and no second search while one waits.
    assert "suggestion-list" not in content and "Search again" not in content


def test_once_the_job_is_done_the_section_shows_the_suggestions_and_their_forms(client, alice, claim):
    client.force_login(alice)
    content = section(client, claim).content.decode()
    suggestion = Suggestion.objects.filter(claim=claim).order_by("rank").first()
    assert 'data-coverage-state="done"' in content and "Done" in content
    assert "When did the Mill Street tunnel open?" in content
    assert reverse("suggestion_accept", args=[suggestion.pk]) in content
    assert reverse("suggestion_dismiss", args=[suggestion.pk]) in content
    assert reverse("coverage_retry", args=[claim.pk]) in content and "csrfmiddlewaretoken" in content


def test_the_section_costs_the_same_queries_however_many_suggestions(
    client, alice, bob, claim, django_assert_num_queries
):
    client.force_login(alice)
    # Session, user, the user's and the groups' permissions, the claim, its job, its suggestions.
    with django_assert_num_queries(8):
        assert section(client, claim).status_code == 200

    for n in range(5):
        item = CorpusItem.objects.create(kind="factcheck", text=f"Check {n}", external_id=f"t:{n}")
        Suggestion.objects.create(
            claim=claim,
            item=item,
            rank=10 + n,
            score=0.5,
            reasons=["Close in meaning"],
            **({"status": SuggestionStatus.DISMISSED, "decided_by": bob} if n % 2 else {}),
        )
    with django_assert_num_queries(8):
        content = section(client, claim).content.decode()
    assert "Check 4" in content and "Decided (2)" in content


def test_the_section_costs_as_much_while_the_job_is_queued_when_the_page_asks_most(
    client, alice, queued_claim, django_assert_num_queries
):
    client.force_login(alice)
    with django_assert_num_queries(8):
        assert "Queued" in section(client, queued_claim).content.decode()
