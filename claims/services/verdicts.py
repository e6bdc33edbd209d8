"""Verdicts: written by reviewers, approved (published) or returned by an editor, revised as new revisions.

Each Verdict row is one revision of a claim's verdict. A claim has at most one open revision (draft,
submitted or returned) and at most one published one; publishing a revision supersedes the one before.
Every change is a compare-and-set on `Verdict.version`, so two people working on the same verdict never
overwrite each other silently: the later save is refused with an EditConflict naming the other person.

Versions keep counting across a claim's revisions (a new revision starts above every version before it),
so the version a form was opened on names exactly one state of the claim's verdict: a form opened on
revision 2 cannot be mistaken for a fresh revision 3 whose row version happens to be the same number.

Locks are always taken claim first, then verdicts, so concurrent actions cannot deadlock.
"""

import functools
import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from claims.choices import OPEN_VERDICT_STATUSES, VerdictStatus
from claims.editing import GONE, conflict, lock_for_edit, save_edit
from claims.errors import InputRejected
from claims.lifecycle import VERDICT_EDITABLE, ClaimEvent, VerdictEvent, claim_apply, verdict_apply
from claims.models import CitedEvidence, Claim, Evidence, Rating, Verdict
from claims.services import coverage, webhooks
from claims.services.claims import claim_start_work
from claims.services.comments import comment_add

logger = logging.getLogger(__name__)

SUMMARY_MAX_LENGTH = 300
RATIONALE_MAX_LENGTH = 20_000
# Below the comment limit, leaving room for the note that introduces it in the claim's discussion.
RETURN_COMMENT_MAX_LENGTH = 4_000
APPROVE_PERMISSION = "claims.approve_verdict"


class ReviewRefused(InputRejected):
    """This person may not approve or return this verdict: no editor rights, or it is their own work."""


def _lock_claim(claim_id: int) -> Claim:
    return lock_for_edit(Claim.objects.all(), claim_id, expected_version=None)


def _lock_verdict(verdict: Verdict, expected_version: int, *, outcome: str) -> tuple[Claim, Verdict]:
    """The claim and the verdict as they now stand, locked; EditConflict if the verdict moved on."""
    # The verdict's claim as it stands now: a merge may have moved the verdict since it was loaded.
    claim_id = Verdict.objects.filter(pk=verdict.pk).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise InputRejected(GONE["verdict"])
    claim = _lock_claim(claim_id)
    current = lock_for_edit(
        Verdict.objects.filter(claim_id=claim.pk),
        verdict.pk,
        expected_version=expected_version,
        outcome=outcome,
    )
    return claim, current


def _clean_content(*, rating, summary: str, rationale: str) -> tuple[str, str]:
    if not isinstance(rating, Rating) or not Rating.objects.filter(pk=rating.pk, is_active=True).exists():
        raise InputRejected("Choose a rating from the scale.")
    summary = (summary or "").strip()
    rationale = (rationale or "").strip()
    if not summary:
        raise InputRejected("Write a summary of the verdict.")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise InputRejected(
            f"The summary can be at most {SUMMARY_MAX_LENGTH} characters long (this one has {len(summary)})."
        )
    if len(rationale) > RATIONALE_MAX_LENGTH:
        raise InputRejected(
            f"The rationale can be at most {RATIONALE_MAX_LENGTH:,} characters long "
            f"(this one has {len(rationale):,})."
        )
    return summary, rationale


@transaction.atomic
def verdict_save(
    *, claim: Claim, rating: Rating, summary: str, rationale: str, user, expected_version: int | None = None
) -> Verdict:
    """Write the claim's first draft, or update its open (draft or returned) revision.

    `expected_version` is the version the person's form was opened on; None means they started a new
    verdict, so finding an open revision someone else started is a conflict too.
    """
    summary, rationale = _clean_content(rating=rating, summary=summary, rationale=rationale)
    claim = _lock_claim(claim.pk)
    claim_start_work(claim=claim, user=user)  # refused for a dismissed claim
    verdict = claim.verdicts.select_for_update().filter(status__in=OPEN_VERDICT_STATUSES).first()
    if verdict is None:
        latest = claim.verdicts.order_by("-revision").first()
        if latest is not None:
            if expected_version is not None and expected_version != latest.version:
                raise conflict(latest, outcome="Your changes were not saved")
            raise InputRejected("This verdict is published; start a new revision to change it.")
        verdict = Verdict(
            claim=claim, revision=1, rating=rating, summary=summary, rationale=rationale, author=user
        )
        verdict._history_user = user
        verdict.save()
    else:
        if expected_version != verdict.version:
            raise conflict(verdict, outcome="Your changes were not saved")
        if verdict.status not in VERDICT_EDITABLE:
            raise InputRejected(
                "This verdict is awaiting approval; it can be edited again if an editor returns it."
            )
        if (verdict.rating_id, verdict.summary, verdict.rationale) != (rating.pk, summary, rationale):
            verdict.rating, verdict.summary, verdict.rationale = rating, summary, rationale
            save_edit(verdict, user)
    return verdict


@transaction.atomic
def verdict_submit(*, verdict: Verdict, user, expected_version: int) -> Verdict:
    """Send a draft or returned verdict to the editors for approval."""
    claim, verdict = _lock_verdict(verdict, expected_version, outcome="The verdict was not submitted")
    verdict_apply(verdict, VerdictEvent.SUBMIT)
    _claim_follows(claim, ClaimEvent.SUBMIT_VERDICT, user)
    verdict.submitted_at = timezone.now()
    save_edit(verdict, user)
    return verdict


def _claim_follows(claim: Claim, event: ClaimEvent, user, **facts) -> None:
    """The claim's status follows its verdict's (through the lifecycle table)."""
    if claim_apply(claim, event, **facts):
        save_edit(claim, user, update_fields=["status"])


def _helped_write(verdict: Verdict, user) -> bool:
    """Whether `user` created this revision or changed its rating, summary or rationale."""
    previous = None
    for record in verdict.history.order_by("history_date", "history_id"):
        content = (record.rating_id, record.summary, record.rationale)
        if record.history_user_id == user.pk and content != previous:
            return True
        previous = content
    return False


@transaction.atomic
def verdict_approve(*, verdict: Verdict, user, expected_version: int) -> Verdict:
    """Publish a submitted verdict; the revision published before it (if any) is superseded."""
    if not user.has_perm(APPROVE_PERMISSION):
        raise ReviewRefused("Only an editor can approve a verdict.")
    claim, verdict = _lock_verdict(verdict, expected_version, outcome="The verdict was not approved")
    # The database refuses approver == author as well; this says so in words first. Someone who edited
    # another person's draft is a co-author, so they may not be its second pair of eyes either.
    if verdict.author_id == user.pk:
        raise ReviewRefused("You cannot approve your own verdict: another editor has to approve it.")
    if _helped_write(verdict, user):
        raise ReviewRefused(
            "You cannot approve a verdict you helped write: another editor has to approve it."
        )
    verdict_apply(verdict, VerdictEvent.APPROVE)
    _claim_follows(claim, ClaimEvent.PUBLISH_VERDICT, user)
    published = claim.verdicts.select_for_update().filter(status=VerdictStatus.PUBLISHED)
    for previous in published.exclude(pk=verdict.pk):
        verdict_apply(previous, VerdictEvent.SUPERSEDE)
        save_edit(previous, user)
    verdict.approver = user
    verdict.published_at = timezone.now()
    save_edit(verdict, user)
    cite_claim_evidence(verdict=verdict)
    webhooks.webhooks_verdict_published(verdict=verdict)
    transaction.on_commit(functools.partial(_verdict_published, verdict.pk))
    return verdict


def cite_claim_evidence(*, verdict: Verdict) -> list[CitedEvidence]:
    """Record the claim's evidence as it stands, as the evidence the verdict being published cites.

    Part of publishing (in its transaction, the claim locked): what the claim gains or loses afterwards
    changes the next revision, not this one. See CitedEvidence.
    """
    evidence = Evidence.objects.filter(claim_id=verdict.claim_id).order_by("created_at", "id")
    return CitedEvidence.objects.bulk_create(
        CitedEvidence.copy_of(item, verdict_id=verdict.pk, position=position)
        for position, item in enumerate(evidence, start=1)
    )


def _verdict_published(verdict_id: int) -> None:
    """Runs once a verdict's publication has committed: the fact-check joins the related-coverage corpus.

    (Partners' webhooks are not queued here: their deliveries are stored in the approval's own transaction,
    by `verdict_approve`, so a rolled-back approval sends nothing; claims/services/webhooks.py.)
    """
    logger.info("Verdict %s published", verdict_id)
    coverage.coverage_verdict_published(verdict_id=verdict_id)


@transaction.atomic
def verdict_return(*, verdict: Verdict, user, comment: str, expected_version: int) -> Verdict:
    """Send a submitted verdict back to its author with a comment saying what needs to change.

    The comment is also posted to the claim's discussion, so the exchange stays in one place.
    """
    if not user.has_perm(APPROVE_PERMISSION):
        raise ReviewRefused("Only an editor can return a verdict.")
    comment = (comment or "").strip()
    if not comment:
        raise InputRejected("Say what needs to change: returning a verdict needs a comment.")
    if len(comment) > RETURN_COMMENT_MAX_LENGTH:
        raise InputRejected(
            f"The comment can be at most {RETURN_COMMENT_MAX_LENGTH:,} characters long "
            f"(this one has {len(comment):,})."
        )
    claim, verdict = _lock_verdict(verdict, expected_version, outcome="The verdict was not returned")
    verdict_apply(verdict, VerdictEvent.RETURN)
    # A returned revision of a published verdict leaves the earlier one public: the claim stays published.
    still_published = claim.verdicts.filter(status=VerdictStatus.PUBLISHED).exists()
    _claim_follows(claim, ClaimEvent.RETURN_VERDICT, user, still_published=still_published)
    verdict.review_comment = comment
    save_edit(verdict, user)
    comment_add(claim=claim, author=user, body=f"Returned revision {verdict.revision} for changes: {comment}")
    return verdict


@transaction.atomic
def verdict_revise(*, claim: Claim, user) -> Verdict:
    """Start a new revision of a published verdict: a draft copying its rating, summary and rationale.

    The published revision stays public (and the claim published) until the new one is approved.
    """
    claim = _lock_claim(claim.pk)
    claim_start_work(claim=claim, user=user)  # refused for a dismissed claim
    verdicts = claim.verdicts.all()
    open_revision = verdicts.filter(status__in=OPEN_VERDICT_STATUSES).first()
    if open_revision is not None:
        raise InputRejected(
            f"Revision {open_revision.revision} is already open "
            f"({open_revision.get_status_display().lower()}): work on it rather than starting another."
        )
    published = verdicts.filter(status=VerdictStatus.PUBLISHED).order_by("-revision").first()
    if published is None:
        raise InputRejected("There is no published verdict to revise; write a draft instead.")
    highest = verdicts.aggregate(revision=Max("revision"), version=Max("version"))
    revision = Verdict(
        claim=claim,
        revision=highest["revision"] + 1,
        rating=published.rating,
        summary=published.summary,
        rationale=published.rationale,
        author=user,
        version=highest["version"] + 1,
    )
    revision._history_user = user
    revision.save()
    return revision
