"""Verdicts: drafted, submitted, returned or approved by another editor, revised only as new revisions."""

import pytest
from django.db import IntegrityError, transaction

from claims.errors import EditConflict, InputRejected
from claims.models import Comment, Verdict
from claims.services.evidence import evidence_add_manual, evidence_delete, evidence_edit
from claims.services.verdicts import (
    ReviewRefused,
    verdict_approve,
    verdict_return,
    verdict_revise,
    verdict_save,
    verdict_submit,
)
from tests.factories import ClaimFactory, VerdictFactory, rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return ClaimFactory()


def draft(claim, user, *, summary="The figure is wrong.", rationale="See the **report**.", slug="false"):
    return verdict_save(claim=claim, rating=rating(slug), summary=summary, rationale=rationale, user=user)


def submitted(claim, user, **kwargs):
    verdict = draft(claim, user, **kwargs)
    return verdict_submit(verdict=verdict, user=user, expected_version=verdict.version)


def published(claim, author, editor, **kwargs):
    verdict = submitted(claim, author, **kwargs)
    return verdict_approve(verdict=verdict, user=editor, expected_version=verdict.version)


def snapshot(claim):
    """Everything a refused request must leave as it was."""
    claim.refresh_from_db()
    return (
        list(
            Verdict.objects.filter(claim=claim).values_list("id", "status", "version", "summary", "rating_id")
        ),
        Verdict.history.filter(claim_id=claim.pk).count(),
        Comment.objects.filter(claim=claim).count(),
        claim.status,
        claim.version,
    )


def test_first_save_creates_a_draft_revision_one_and_puts_the_claim_in_review(claim, alice):
    verdict = draft(claim, alice, summary="  Wrong by a factor of ten.  ")

    assert (verdict.revision, verdict.status, verdict.author, verdict.version) == (1, "draft", alice, 1)
    assert verdict.summary == "Wrong by a factor of ten."
    claim.refresh_from_db()
    assert claim.status == "in_review"
    assert verdict.history.first().history_user == alice


def test_full_lifecycle_from_draft_to_a_second_published_revision(claim, alice, bob, carol, dan):
    verdict = draft(claim, alice)
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)
    assert verdict.status == "submitted" and verdict.submitted_at is not None
    claim.refresh_from_db()
    assert claim.status == "awaiting_approval"

    verdict = verdict_return(
        verdict=verdict, user=carol, comment="Cite the report's page.", expected_version=verdict.version
    )
    assert (verdict.status, verdict.review_comment) == ("returned", "Cite the report's page.")
    claim.refresh_from_db()
    assert claim.status == "in_review"
    comment = Comment.objects.get(claim=claim)
    assert comment.author == carol and "Cite the report's page." in comment.body

    verdict = verdict_save(
        claim=claim,
        rating=rating("mostly-false"),
        summary="Mostly wrong.",
        rationale="Page 12 says so.",
        user=alice,
        expected_version=verdict.version,
    )
    assert verdict.status == "returned" and verdict.rating.slug == "mostly-false"
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)
    verdict = verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)
    assert (verdict.status, verdict.approver) == ("published", carol)
    assert verdict.published_at is not None
    claim.refresh_from_db()
    assert claim.status == "published"

    revision = verdict_revise(claim=claim, user=bob)
    assert (revision.revision, revision.status, revision.author) == (2, "draft", bob)
    assert (revision.rating, revision.summary, revision.rationale) == (
        verdict.rating,
        "Mostly wrong.",
        "Page 12 says so.",
    )
    revision = verdict_save(
        claim=claim,
        rating=rating("false"),
        summary="Wrong.",
        rationale="A correction was issued.",
        user=bob,
        expected_version=revision.version,
    )
    revision = verdict_submit(verdict=revision, user=bob, expected_version=revision.version)
    revision = verdict_approve(verdict=revision, user=dan, expected_version=revision.version)

    verdict.refresh_from_db()
    assert (verdict.status, revision.status) == ("superseded", "published")
    assert list(claim.verdicts.values_list("revision", "status")) == [(2, "published"), (1, "superseded")]
    # Who did what is recorded in the history.
    assert {r.history_user.username for r in Verdict.history.filter(id=verdict.pk)} == {
        "alice",
        "carol",
        "dan",
    }


def test_nobody_can_approve_their_own_verdict(claim, carol):
    verdict = submitted(claim, carol)
    before = snapshot(claim)

    with pytest.raises(ReviewRefused, match="You cannot approve your own verdict"):
        verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)
    assert snapshot(claim) == before


def test_the_database_refuses_a_verdict_approved_by_its_author(claim, carol):
    with pytest.raises(IntegrityError), transaction.atomic():
        VerdictFactory(claim=claim, author=carol, approver=carol, status="published")


def test_an_editor_who_edited_the_draft_cannot_approve_it(claim, alice, carol):
    verdict = draft(claim, alice)
    verdict = verdict_save(
        claim=claim,
        rating=rating("true"),
        summary="Carol's wording.",
        rationale="",
        user=carol,
        expected_version=verdict.version,
    )
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)

    with pytest.raises(ReviewRefused, match="helped write"):
        verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)


def test_an_editor_who_returned_a_verdict_can_approve_it_after_resubmission(claim, alice, carol):
    verdict = submitted(claim, alice)
    verdict = verdict_return(
        verdict=verdict, user=carol, comment="Add a source.", expected_version=verdict.version
    )
    verdict = verdict_submit(verdict=verdict, user=alice, expected_version=verdict.version)

    verdict = verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)
    assert verdict.status == "published"


def test_reviewer_without_the_approve_permission_cannot_approve_or_return(claim, alice, bob):
    verdict = submitted(claim, alice)
    before = snapshot(claim)

    with pytest.raises(ReviewRefused, match="Only an editor"):
        verdict_approve(verdict=verdict, user=bob, expected_version=verdict.version)
    with pytest.raises(ReviewRefused, match="Only an editor"):
        verdict_return(verdict=verdict, user=bob, comment="No.", expected_version=verdict.version)
    assert snapshot(claim) == before


def test_stale_version_is_refused_naming_the_other_person_and_nothing_is_overwritten(claim, alice, bob):
    verdict = draft(claim, alice, summary="Alice's first draft.")
    opened_at = verdict.version
    verdict_save(
        claim=claim,
        rating=rating("true"),
        summary="Bob's change.",
        rationale="",
        user=bob,
        expected_version=opened_at,
    )
    before = snapshot(claim)

    with pytest.raises(EditConflict) as conflict:
        verdict_save(
            claim=claim,
            rating=rating("false"),
            summary="Alice's second thoughts.",
            rationale="",
            user=alice,
            expected_version=opened_at,
        )

    assert "were not saved" in conflict.value.message
    assert "Bob (bob)" in conflict.value.message
    assert conflict.value.current.summary == "Bob's change."
    assert snapshot(claim) == before


def test_starting_a_verdict_someone_else_already_started_is_a_conflict(claim, alice, bob):
    draft(claim, bob, summary="Bob got there first.")
    before = snapshot(claim)

    with pytest.raises(EditConflict, match="Bob"):
        draft(claim, alice, summary="Alice's take.")
    assert snapshot(claim) == before


def test_stale_approval_is_a_conflict(claim, alice, carol):
    verdict = submitted(claim, alice)
    stale = verdict.version - 1

    with pytest.raises(EditConflict, match="not approved: Alice"):
        verdict_approve(verdict=verdict, user=carol, expected_version=stale)
    verdict.refresh_from_db()
    assert verdict.status == "submitted"


def test_a_form_opened_on_an_earlier_revision_cannot_overwrite_a_newer_one(claim, alice, bob, carol):
    first = draft(claim, alice)
    opened_at = first.version
    first = verdict_submit(verdict=first, user=alice, expected_version=first.version)
    verdict_approve(verdict=first, user=carol, expected_version=first.version)
    revision = verdict_revise(claim=claim, user=bob)
    assert revision.version > opened_at  # versions keep counting across revisions

    with pytest.raises(EditConflict):
        verdict_save(
            claim=claim,
            rating=rating("true"),
            summary="Stale.",
            rationale="",
            user=alice,
            expected_version=opened_at,
        )
    revision.refresh_from_db()
    assert revision.summary == first.summary


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"summary": "   "}, "Write a summary"),
        ({"summary": "x" * 301}, "at most 300 characters"),
        ({"rationale": "x" * 20_001}, "at most 20,000 characters"),
        ({"rating": None}, "Choose a rating"),
        ({"rating": "inactive"}, "Choose a rating"),
    ],
)
def test_invalid_input_is_refused_and_leaves_the_database_unchanged(claim, alice, changes, message):
    existing = draft(claim, alice)
    before = snapshot(claim)
    arguments = {"rating": rating("false"), "summary": "Fine.", "rationale": "Fine.", **changes}
    if arguments["rating"] == "inactive":
        inactive = rating("unverifiable")
        inactive.is_active = False
        inactive.save()
        arguments["rating"] = inactive

    with pytest.raises(InputRejected, match=message):
        verdict_save(claim=claim, user=alice, expected_version=existing.version, **arguments)
    assert snapshot(claim) == before


def test_invalid_first_draft_stores_nothing(claim, alice):
    with pytest.raises(InputRejected):
        verdict_save(claim=claim, rating=rating("false"), summary="", rationale="", user=alice)
    assert not Verdict.objects.exists()
    claim.refresh_from_db()
    assert claim.status == "new"


def test_a_submitted_verdict_cannot_be_edited_until_it_is_returned(claim, alice):
    verdict = submitted(claim, alice)

    with pytest.raises(InputRejected, match="awaiting approval"):
        verdict_save(
            claim=claim,
            rating=rating("true"),
            summary="Changed my mind.",
            rationale="",
            user=alice,
            expected_version=verdict.version,
        )


def test_a_published_verdict_changes_only_through_a_new_revision(claim, alice, carol):
    verdict = published(claim, alice, carol)
    before = snapshot(claim)

    with pytest.raises(InputRejected, match="start a new revision"):
        verdict_save(claim=claim, rating=rating("true"), summary="Edited in place.", rationale="", user=alice)
    assert snapshot(claim) == before
    verdict.refresh_from_db()
    assert verdict.summary == "The figure is wrong."


def cited(verdict) -> list[tuple[str, str]]:
    return [(c.stance, c.excerpt) for c in verdict.cited_evidence.order_by("position")]


def test_a_published_verdict_cites_the_evidence_it_was_approved_with_until_a_new_revision(
    claim, alice, bob, carol
):
    first = evidence_add_manual(
        claim=claim, title="Audit", stance="refutes", excerpt="9 million.", user=alice
    )
    verdict = published(claim, alice, carol)
    evidence_add_manual(claim=claim, title="Minutes", stance="context", excerpt="Later.", user=bob)
    evidence_edit(
        evidence=first, stance="refutes", excerpt="9.1 million.", note="", user=alice, expected_version=1
    )

    assert cited(verdict) == [("refutes", "9 million.")]
    revision = verdict_revise(claim=claim, user=bob)
    revision = verdict_submit(verdict=revision, user=bob, expected_version=revision.version)
    revision = verdict_approve(verdict=revision, user=carol, expected_version=revision.version)
    assert cited(revision) == [("refutes", "9.1 million."), ("context", "Later.")]
    assert cited(verdict) == [("refutes", "9 million.")]  # the superseded revision keeps its record


def test_withdrawn_evidence_stays_cited_by_the_verdict_published_with_it(claim, alice, carol):
    evidence = evidence_add_manual(claim=claim, title="Audit", stance="refutes", excerpt="9 m.", user=alice)
    verdict = published(claim, alice, carol)

    evidence_delete(evidence=evidence, user=alice, expected_version=evidence.version)

    (citation,) = verdict.cited_evidence.all()
    assert (citation.evidence, citation.source.title, citation.excerpt) == (None, "Audit", "9 m.")


def test_revise_is_refused_while_a_revision_is_open(claim, alice, bob, carol):
    published(claim, alice, carol)
    verdict_revise(claim=claim, user=bob)

    with pytest.raises(InputRejected, match="Revision 2 is already open"):
        verdict_revise(claim=claim, user=alice)
    assert claim.verdicts.count() == 2


def test_revise_needs_a_published_verdict(claim, alice):
    draft(claim, alice)
    with pytest.raises(InputRejected, match="already open"):
        verdict_revise(claim=claim, user=alice)
    with pytest.raises(InputRejected, match="no published verdict"):
        verdict_revise(claim=ClaimFactory(), user=alice)


def test_the_database_allows_only_one_open_revision_per_claim(claim, alice):
    VerdictFactory(claim=claim, author=alice, revision=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        VerdictFactory(claim=claim, author=alice, revision=2)


def test_returning_needs_a_comment(claim, alice, carol):
    verdict = submitted(claim, alice)
    before = snapshot(claim)

    with pytest.raises(InputRejected, match="needs a comment"):
        verdict_return(verdict=verdict, user=carol, comment="  ", expected_version=verdict.version)
    assert snapshot(claim) == before


def test_only_a_submitted_verdict_can_be_approved(claim, alice, carol):
    verdict = draft(claim, alice)
    with pytest.raises(InputRejected, match="awaiting approval can be approved"):
        verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)


def test_a_dismissed_claim_gets_no_verdict(alice):
    claim = ClaimFactory(status="dismissed", dismissed_reason="Opinion.")
    with pytest.raises(InputRejected, match="dismissed"):
        draft(claim, alice)
    assert not Verdict.objects.exists()


def test_publishing_runs_the_hook_only_after_commit(
    claim, alice, carol, django_capture_on_commit_callbacks, caplog
):
    verdict = submitted(claim, alice)
    caplog.set_level("INFO", logger="claims.services.verdicts")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)

    assert len(callbacks) == 1
    assert f"Verdict {verdict.pk} published" in caplog.text


def test_a_refused_approval_queues_nothing(claim, carol, django_capture_on_commit_callbacks):
    verdict = submitted(claim, carol)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ReviewRefused):
        verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)
    assert callbacks == []
