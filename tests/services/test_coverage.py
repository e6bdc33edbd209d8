"""Related coverage: indexing on commit, suggestions per claim, corpus growth, and reviewers' decisions."""

import pytest
from django.core.exceptions import PermissionDenied

from claims.choices import (
    CorpusKind,
    JobKind,
    JobStatus,
    SourceFetchStatus,
    Stance,
    SuggestionStatus,
    SuggestionUse,
)
from claims.coverage.readers import FactCheck
from claims.coverage.store import corpus_store_reset
from claims.errors import InputRejected
from claims.models import CorpusItem, Evidence, Job, Suggestion
from claims.selectors.coverage import claim_coverage, coverage_labelled_pairs
from claims.services import coverage, suggestions
from claims.services.claim_editing import claim_reword
from claims.services.ingest import article_ingest_text
from claims.services.verdicts import verdict_approve, verdict_save, verdict_submit
from tests.factories import rating

pytestmark = pytest.mark.django_db

TUNNEL = FactCheck(
    id="7",
    vclaim="Riverside's Mill Street tunnel under the harbour opened in 1984.",
    title="When did the Mill Street tunnel open?",
    url="https://factcheck.example.org/mill-street",
)
FERRY = FactCheck(
    id="8",
    vclaim="Ferry delays in Riverside rose by 38% between 2022 and 2025.",
    title="Riverside ferry delays: the 38% figure checks out",
    url="https://factcheck.example.org/ferry",
)
VACCINE = FactCheck(id="9", vclaim="Vaccines do not change human DNA.", title="No, vaccines do not alter DNA")
TEXT = (
    "Riverside's last new harbour crossing, the Mill Street tunnel, opened in 1974. "
    "Ferry delays rose by 38% between 2022 and 2025, the council said. "
    "The weather was pleasant on Tuesday."
)


@pytest.fixture(autouse=True)
def coverage_on(settings):
    settings.COVERAGE_AUTO_JOBS = True
    corpus_store_reset()
    yield
    corpus_store_reset()


@pytest.fixture
def loaded(db):
    return coverage.corpus_load_factchecks(checks=[TUNNEL, FERRY, VACCINE], prefix="t:")


@pytest.fixture
def ingested(alice, loaded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = article_ingest_text(text=TEXT, user=alice).article
    return article


def tunnel_claim(article):
    return article.claims.get(text__contains="Mill Street")


def suggested_ids(claim) -> list[str]:
    return list(
        Suggestion.objects.filter(claim=claim, status=SuggestionStatus.SUGGESTED)
        .order_by("rank")
        .values_list("item__external_id", flat=True)
    )


def test_loading_is_idempotent_and_embeds_once(loaded):
    again = coverage.corpus_load_factchecks(checks=[TUNNEL, FERRY, VACCINE], prefix="t:")
    assert (loaded.created, loaded.embedded) == (3, 3)
    assert (again.created, again.updated, again.unchanged, again.embedded) == (0, 0, 3, 0)
    assert CorpusItem.objects.filter(kind=CorpusKind.FACTCHECK).count() == 3


def test_a_new_article_indexes_its_passages_and_suggests_the_matching_fact_check(ingested):
    claim = tunnel_claim(ingested)
    passages = CorpusItem.objects.filter(kind=CorpusKind.PASSAGE, claim__article=ingested)
    assert passages.count() == 3 and all(p.embedding for p in passages)

    assert suggested_ids(claim)[0] == "t:7"
    best = Suggestion.objects.filter(claim=claim).order_by("rank").first()
    assert best.passage and best.reasons and 0 < best.score <= 1
    # Its own article's passages are never suggested.
    assert not Suggestion.objects.filter(claim__article=ingested, item__claim__article=ingested).exists()
    panel = claim_coverage(claim=claim)
    assert panel["coverage_job"].status == JobStatus.DONE and panel["suggestions"][0] == best


def test_a_rerun_replaces_the_undecided_suggestions_and_keeps_the_decided_ones(
    ingested, alice, django_capture_on_commit_callbacks
):
    claim = tunnel_claim(ingested)
    first = Suggestion.objects.filter(claim=claim).order_by("rank").first()
    suggestions.suggestion_dismiss(suggestion=first, user=alice)
    before = Suggestion.objects.filter(claim=claim).count()

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            coverage.coverage_suggest_submit(claim_ids=[claim.pk])

    assert Suggestion.objects.filter(claim=claim).count() == before
    assert Suggestion.objects.get(pk=first.pk).status == SuggestionStatus.DISMISSED
    assert "t:7" not in suggested_ids(claim)  # dismissed: not suggested again


def test_rewording_a_claim_suggests_again_for_the_new_wording(
    ingested, alice, django_capture_on_commit_callbacks
):
    claim = ingested.claims.get(text__contains="weather")
    with django_capture_on_commit_callbacks(execute=True):
        claim_reword(
            claim=claim, normalised_text="Vaccines change the DNA of people.", user=alice, expected_version=1
        )
    assert suggested_ids(claim)[0] == "t:9"


def test_accepting_as_evidence_cites_the_fact_check_with_its_passage(ingested, alice, bob):
    suggestion = Suggestion.objects.filter(claim=tunnel_claim(ingested)).order_by("rank").first()

    accepted = suggestions.suggestion_accept(
        suggestion=suggestion, use=SuggestionUse.EVIDENCE, stance=Stance.REFUTES, user=alice
    )

    evidence = Evidence.objects.get(pk=accepted.evidence_id)
    assert evidence.stance == Stance.REFUTES and evidence.author == alice and evidence.excerpt_verified
    assert evidence.source.fetch_status == SourceFetchStatus.MANUAL
    assert evidence.source.url == "https://factcheck.example.org/mill-street"
    assert (
        accepted.status == SuggestionStatus.ACCEPTED and accepted.decided_by == alice and accepted.decided_at
    )
    with pytest.raises(InputRejected, match="Alice already accepted"):
        suggestions.suggestion_dismiss(suggestion=suggestion, user=bob)
    with pytest.raises(InputRejected, match="already accepted"):
        suggestions.suggestion_accept(
            suggestion=suggestion, use=SuggestionUse.EVIDENCE, stance=Stance.SUPPORTS, user=bob
        )
    assert Evidence.objects.count() == 1
    pair = coverage_labelled_pairs()[0]
    assert (pair["item__external_id"], pair["status"], pair["used_as"]) == ("t:7", "accepted", "evidence")


def test_same_claim_is_only_for_fact_checks_and_people_without_a_role_decide_nothing(
    ingested, alice, mallory
):
    claim = tunnel_claim(ingested)
    factcheck = Suggestion.objects.filter(claim=claim, item__kind=CorpusKind.FACTCHECK).first()
    with pytest.raises(PermissionDenied):
        suggestions.suggestion_dismiss(suggestion=factcheck, user=mallory)
    with pytest.raises(PermissionDenied):
        suggestions.suggestion_accept(
            suggestion=factcheck, use=SuggestionUse.EVIDENCE, stance="supports", user=mallory
        )
    with pytest.raises(InputRejected, match="supports the claim"):
        suggestions.suggestion_accept(suggestion=factcheck, use=SuggestionUse.EVIDENCE, stance="", user=alice)

    same = suggestions.suggestion_accept(suggestion=factcheck, use=SuggestionUse.SAME_CLAIM, user=alice)
    assert same.used_as == SuggestionUse.SAME_CLAIM and same.evidence is None


def test_a_published_verdict_becomes_a_fact_check_and_refreshes_claims_it_may_affect(
    ingested, alice, carol, alice_and_other_article, django_capture_on_commit_callbacks
):
    other = alice_and_other_article
    claim = other.claims.get(text__contains="Mill Street")
    Job.objects.filter(kind=JobKind.SUGGEST_COVERAGE).delete()
    with django_capture_on_commit_callbacks(execute=True):
        verdict = verdict_save(
            claim=claim,
            rating=rating("false"),
            summary="It opened in 1974, not 1984.",
            rationale="",
            user=alice,
        )
        verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)
        verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)

    item = CorpusItem.objects.get(verdict=verdict)
    assert item.kind == CorpusKind.FACTCHECK and "1974, not 1984" in item.text and item.embedding
    # The first article's tunnel claim is close to the new fact-check: it was suggested again.
    refreshed = Job.objects.filter(
        kind=JobKind.SUGGEST_COVERAGE, dedupe_key=f"claim:{tunnel_claim(ingested).pk}"
    )
    assert refreshed.get().status == JobStatus.DONE
    assert Suggestion.objects.filter(claim=tunnel_claim(ingested), item=item).exists()
    assert not Suggestion.objects.filter(claim=claim, item=item).exists()  # never its own fact-check


@pytest.fixture
def alice_and_other_article(ingested, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return article_ingest_text(
            text="A viral post says the Mill Street tunnel in Riverside opened in 1984. Nobody checked it.",
            user=alice,
        ).article


def test_splitting_a_claim_reindexes_both_parts_and_suggests_for_each(
    ingested, alice, django_capture_on_commit_callbacks
):
    from claims.services.claim_editing import claim_split

    claim = ingested.claims.get(text__contains="Ferry delays")
    at = claim.start + claim.text.index(" the council said")
    with django_capture_on_commit_callbacks(execute=True):
        first, second = claim_split(claim=claim, at=at, user=alice, expected_version=claim.version)

    for part in (first, second):
        assert CorpusItem.objects.get(claim=part).text == part.text
        job = Job.objects.filter(dedupe_key=f"claim:{part.pk}", kind=JobKind.SUGGEST_COVERAGE).latest("id")
        assert job.status == JobStatus.DONE
    assert suggested_ids(first)[0] == "t:8"


def test_loading_new_fact_checks_refreshes_the_open_claims_they_may_affect(
    ingested, django_capture_on_commit_callbacks
):
    claim = ingested.claims.get(text__contains="weather")
    assert not Suggestion.objects.filter(claim=claim, item__external_id="t:10").exists()
    weather = FactCheck(id="10", vclaim="The weather in Riverside was pleasant on Tuesday.", title="Weather")
    outcome = coverage.corpus_load_factchecks(checks=[weather], prefix="t:")
    with django_capture_on_commit_callbacks(execute=True):
        coverage.coverage_items_loaded(item_ids=outcome.item_ids)

    assert suggested_ids(claim)[0] == "t:10"
    # Claims the new fact-check is far from were left alone.
    tunnel_jobs = Job.objects.filter(
        dedupe_key=f"claim:{tunnel_claim(ingested).pk}", kind=JobKind.SUGGEST_COVERAGE
    )
    assert tunnel_jobs.count() == 1
