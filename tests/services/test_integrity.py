"""Data integrity across services: concurrent edits, claims merged away, refused input storing nothing."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from claims.choices import ClaimStatus, VerdictStatus
from claims.errors import EditConflict, InputRejected
from claims.models import Article, Claim, Evidence, Job, Source, Verdict
from claims.services import claim_editing as editing
from claims.services.claims import article_replace_text, claim_create_manual
from claims.services.evidence import evidence_add_manual
from claims.services.ingest import article_ingest_text
from claims.services.jobs import ingestion_job_start
from claims.services.verdicts import (
    verdict_approve,
    verdict_return,
    verdict_revise,
    verdict_save,
    verdict_submit,
)
from tests.factories import BUDGET_SENTENCES, BUDGET_TEXT, ArticleFactory, ClaimFactory, budget_claims, rating

TEXT, SENTENCES = BUDGET_TEXT, BUDGET_SENTENCES


def counts():
    return (
        Claim.objects.count(),
        Verdict.objects.count(),
        Evidence.objects.count(),
        Source.objects.count(),
        Claim.history.count(),
        Verdict.history.count(),
    )


def wait_until_blocked(query_fragment: str, timeout: float = 10.0) -> None:
    """Wait until another connection is waiting on a row lock while running a statement like this one."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE %s",
                [f"%{query_fragment}%"],
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError(f"no connection blocked on {query_fragment!r}")


def in_thread(target, results: dict, key: str) -> threading.Thread:
    def run():
        try:
            results[key] = target()
        except Exception as error:  # reported to the test
            results[key] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


# --- A claim merged away while someone works on it ------------------------------------------------


@pytest.mark.django_db
def test_a_verdict_on_a_claim_merged_away_is_refused_with_a_message_and_stores_nothing(alice, bob):
    first, second, _ = budget_claims(ArticleFactory(text=TEXT))
    editing.claim_merge(claim=first, other=second, user=bob)
    before = counts()

    with pytest.raises(InputRejected, match="no longer exists"):
        verdict_save(claim=second, rating=rating("false"), summary="Wrong.", rationale="", user=alice)
    assert counts() == before


@pytest.mark.django_db
def test_evidence_for_a_claim_merged_away_is_refused_with_a_message_and_stores_nothing(alice, bob):
    first, second, _ = budget_claims(ArticleFactory(text=TEXT))
    editing.claim_merge(claim=first, other=second, user=bob)
    before = counts()

    with pytest.raises(InputRejected, match="no longer exists"):
        evidence_add_manual(claim=second, title="Phone call", stance="refutes", user=alice)
    assert counts() == before


@pytest.mark.django_db
def test_submitting_a_verdict_moved_by_a_merge_updates_the_claim_it_now_belongs_to(alice, bob):
    first, second, _ = budget_claims(ArticleFactory(text=TEXT))
    verdict = verdict_save(claim=second, rating=rating("false"), summary="Wrong.", rationale="", user=alice)
    editing.claim_merge(claim=first, other=second, user=bob)  # the verdict moves to `first`

    verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)  # loaded before the merge

    first.refresh_from_db()
    assert first.status == ClaimStatus.AWAITING_APPROVAL
    assert Verdict.objects.get(pk=verdict.pk).status == VerdictStatus.SUBMITTED


# --- Claim status follows its verdicts --------------------------------------------------------------


@pytest.mark.django_db
def test_returning_a_revision_of_a_published_verdict_leaves_the_claim_published(alice, bob, carol):
    claim = ClaimFactory()
    verdict = verdict_save(claim=claim, rating=rating("false"), summary="Wrong.", rationale="", user=alice)
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)
    verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)
    revision = verdict_revise(claim=claim, user=bob)
    revision = verdict_submit(verdict=revision, user=bob, expected_version=revision.version)

    verdict_return(verdict=revision, user=carol, comment="Not yet.", expected_version=revision.version)

    claim.refresh_from_db()
    assert claim.verdicts.filter(status=VerdictStatus.PUBLISHED).exists()
    assert claim.status == ClaimStatus.PUBLISHED


# --- A corrected article text and edits begun on the old text ---------------------------------------


@pytest.mark.django_db
def test_an_edit_begun_before_the_text_moved_a_reviewed_claim_is_a_conflict(alice, carol):
    article = ArticleFactory(text=TEXT)
    _, claim, _ = budget_claims(article)
    claim = editing.claim_reword(claim=claim, normalised_text="It cost 5m.", user=alice, expected_version=1)
    opened_on = claim.version
    split_at = claim.start + claim.text.index("5 million")

    article_replace_text(article=article, text=TEXT.replace("The council", "The city council"), user=carol)
    moved = Claim.objects.get(pk=claim.pk)
    assert moved.start == claim.start + 5 and moved.text == claim.text
    assert moved.start < split_at < moved.end  # the old offset now falls at another word of the claim

    with pytest.raises(EditConflict):
        editing.claim_split(claim=moved, at=split_at, user=alice, expected_version=opened_on)
    assert Claim.objects.get(pk=claim.pk).text == claim.text


@pytest.mark.django_db(transaction=True)
def test_a_text_correction_does_not_undo_a_verdict_submitted_meanwhile(alice, carol):
    article = ArticleFactory(text=TEXT)
    _, claim, _ = budget_claims(article)
    verdict = verdict_save(claim=claim, rating=rating("false"), summary="Wrong.", rationale="", user=alice)
    submitted, release = threading.Event(), threading.Event()
    results = {}

    def submit():
        with transaction.atomic():
            outcome = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)
            submitted.set()
            release.wait(10)
        return outcome

    submitting = in_thread(submit, results, "submit")
    assert submitted.wait(10)
    correcting = in_thread(
        lambda: article_replace_text(article=article, text="Update: the vote was close. " + TEXT, user=carol),
        results,
        "correct",
    )
    wait_until_blocked('"claims_claim"')  # the correction waits for the submission to finish
    release.set()
    submitting.join(10)
    correcting.join(10)

    assert not isinstance(results["submit"], Exception), results["submit"]
    assert not isinstance(results["correct"], Exception), results["correct"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.AWAITING_APPROVAL
    assert Article.objects.get(pk=article.pk).text[claim.start : claim.end] == claim.text == SENTENCES[1]


@pytest.mark.django_db(transaction=True)
def test_two_people_making_the_same_claim_at_once_get_a_message_not_an_error(alice, bob):
    article = ArticleFactory(text=TEXT)
    start, end = 0, len(SENTENCES[0])
    inserted, release = threading.Event(), threading.Event()
    results = {}

    def first_person():
        with transaction.atomic():
            claim = claim_create_manual(article=article, start=start, end=end, user=alice)
            inserted.set()
            release.wait(10)
        return claim

    first = in_thread(first_person, results, "alice")
    assert inserted.wait(10)
    second = in_thread(
        lambda: claim_create_manual(article=article, start=start, end=end, user=bob), results, "bob"
    )
    wait_until_blocked("claims_article")  # bob waits for the article lock alice holds until she commits
    release.set()
    first.join(10)
    second.join(10)

    assert isinstance(results["alice"], Claim)
    assert isinstance(results["bob"], InputRejected), results["bob"]
    assert "already a claim" in results["bob"].message
    assert Claim.objects.filter(article=article).count() == 1


# --- Oversized input ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_overlong_article_address_is_refused_and_stores_nothing(alice):
    url = "https://example.org/" + "a" * 2020  # valid (under 2,048) but over the 2,000 stored
    with pytest.raises(InputRejected, match="longer than"):
        article_ingest_text(text=TEXT, url=url, user=alice)
    assert Article.objects.count() == 0 and Claim.objects.count() == 0


@pytest.mark.django_db
def test_an_overlong_address_for_a_background_job_is_refused_and_stores_nothing(alice):
    with pytest.raises(InputRejected, match="too long"):
        ingestion_job_start(url="https://example.org/" + "a" * 2020, user=alice)
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_two_reviewed_claims_on_a_repeated_sentence_survive_removing_one_copy(alice, carol):
    article = ArticleFactory(text="He said yes. Then nothing happened. He said yes. Rain fell.")
    claims = [ClaimFactory(article=article, start=0, end=12), ClaimFactory(article=article, start=36, end=48)]
    for claim in claims:
        editing.claim_reword(claim=claim, normalised_text="He agreed.", user=alice, expected_version=1)

    outcome = article_replace_text(article=article, text="He said yes. Rain fell.", user=carol)

    states = sorted(
        Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("anchor_state", flat=True)
    )
    assert states == ["anchored", "lost"]  # both kept with their work, one no longer placed
    assert (outcome.kept, outcome.lost) == (1, 1)
