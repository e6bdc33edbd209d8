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
from django.utils.dateformat import format as date_format

from claims.choices import OPEN_VERDICT_STATUSES, ClaimStatus, VerdictStatus
from claims.errors import EditConflict, InputRejected
from claims.models import Claim, Rating, Verdict
from claims.services.claims import claim_mark_in_review
from claims.services.comments import comment_add

logger = logging.getLogger(__name__)

EDITABLE_STATUSES = (VerdictStatus.DRAFT, VerdictStatus.RETURNED)
SUMMARY_MAX_LENGTH = 300
RATIONALE_MAX_LENGTH = 20_000
# Below the comment limit, leaving room for the note that introduces it in the claim's discussion.
RETURN_COMMENT_MAX_LENGTH = 4_000
APPROVE_PERMISSION = "claims.approve_verdict"


class ReviewRefused(InputRejected):
    """This person may not approve or return this verdict: no editor rights, or it is their own work."""


def display_name(user) -> str:
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


def _conflict(verdict: Verdict, *, outcome: str = "Your changes were not saved") -> EditConflict:
    """The refusal for a stale edit, naming who last saved the verdict and when (from its history)."""
    record = verdict.history.select_related("history_user").first()
    user = record.history_user if record else None
    # Name and username both: "Bob Smith (bsmith)" is unambiguous in a team where two people share a name.
    who = display_name(user)
    if user is not None and user.get_full_name():
        who = f"{who} ({user.get_username()})"
    when = timezone.localtime(record.history_date if record else verdict.updated_at)
    message = f"{outcome}: {who} saved this verdict at {date_format(when, 'j M Y, H:i:s')}."
    return EditConflict(message, current=verdict)


def _wrong_status(verdict: Verdict, expected: str) -> InputRejected:
    return InputRejected(f"{expected}; this one is {verdict.get_status_display().lower()}.")


def _lock_claim(claim_id: int) -> Claim:
    try:
        return Claim.objects.select_for_update().get(pk=claim_id)
    except Claim.DoesNotExist:
        # Merged into another claim (or its article removed) since the page was opened.
        raise InputRejected("This claim no longer exists (it may have been merged into another).") from None


def _lock_verdict(verdict: Verdict, expected_version: int, *, outcome: str) -> tuple[Claim, Verdict]:
    """The claim and the verdict as they now stand, locked; EditConflict if the verdict moved on."""
    # The verdict's claim as it stands now: a merge may have moved the verdict since it was loaded.
    claim_id = Verdict.objects.filter(pk=verdict.pk).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise InputRejected("This verdict no longer exists.")
    claim = _lock_claim(claim_id)
    current = Verdict.objects.select_for_update().filter(pk=verdict.pk, claim_id=claim.pk).first()
    if current is None:
        raise InputRejected("This verdict was moved or removed while you were working; reload the claim.")
    if current.version != expected_version:
        raise _conflict(current, outcome=outcome)
    if claim.status == ClaimStatus.DISMISSED:
        raise InputRejected("This claim was dismissed; restore it before working on its verdict.")
    return claim, current


def _save(verdict: Verdict, user) -> None:
    verdict.version += 1
    verdict._history_user = user
    verdict.save()


def _set_claim_status(claim: Claim, status: str, user) -> None:
    if claim.status != status:
        claim.status = status
        claim.version += 1
        claim._history_user = user
        claim.save(update_fields=["status", "version", "updated_at"])


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
    if claim.status == ClaimStatus.DISMISSED:
        raise InputRejected("This claim was dismissed; restore it before writing a verdict.")
    verdict = claim.verdicts.select_for_update().filter(status__in=OPEN_VERDICT_STATUSES).first()
    if verdict is None:
        latest = claim.verdicts.order_by("-revision").first()
        if latest is not None:
            if expected_version is not None and expected_version != latest.version:
                raise _conflict(latest)
            raise InputRejected("This verdict is published; start a new revision to change it.")
        verdict = Verdict(
            claim=claim, revision=1, rating=rating, summary=summary, rationale=rationale, author=user
        )
        verdict._history_user = user
        verdict.save()
    else:
        if expected_version != verdict.version:
            raise _conflict(verdict)
        if verdict.status == VerdictStatus.SUBMITTED:
            raise InputRejected(
                "This verdict is awaiting approval; it can be edited again if an editor returns it."
            )
        if (verdict.rating_id, verdict.summary, verdict.rationale) != (rating.pk, summary, rationale):
            verdict.rating, verdict.summary, verdict.rationale = rating, summary, rationale
            _save(verdict, user)
    claim_mark_in_review(claim=claim, user=user)
    return verdict


@transaction.atomic
def verdict_submit(*, verdict: Verdict, user, expected_version: int) -> Verdict:
    """Send a draft or returned verdict to the editors for approval."""
    claim, verdict = _lock_verdict(verdict, expected_version, outcome="The verdict was not submitted")
    if verdict.status not in EDITABLE_STATUSES:
        raise _wrong_status(verdict, "Only a draft or returned verdict can be submitted")
    verdict.status = VerdictStatus.SUBMITTED
    verdict.submitted_at = timezone.now()
    _save(verdict, user)
    _set_claim_status(claim, ClaimStatus.AWAITING_APPROVAL, user)
    return verdict


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
    if verdict.status != VerdictStatus.SUBMITTED:
        raise _wrong_status(verdict, "Only a verdict awaiting approval can be approved")
    published = claim.verdicts.select_for_update().filter(status=VerdictStatus.PUBLISHED)
    for previous in published.exclude(pk=verdict.pk):
        previous.status = VerdictStatus.SUPERSEDED
        _save(previous, user)
    verdict.status = VerdictStatus.PUBLISHED
    verdict.approver = user
    verdict.published_at = timezone.now()
    _save(verdict, user)
    _set_claim_status(claim, ClaimStatus.PUBLISHED, user)
    transaction.on_commit(functools.partial(_verdict_published, verdict.pk))
    return verdict


def _verdict_published(verdict_id: int) -> None:
    """Runs once a verdict's publication has committed.

    Hook point: partner webhooks will be queued from here (a thin task taking the id) in a later issue.
    Until then it only logs; nothing else is queued here.
    """
    logger.info("Verdict %s published", verdict_id)


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
    if verdict.status != VerdictStatus.SUBMITTED:
        raise _wrong_status(verdict, "Only a verdict awaiting approval can be returned")
    verdict.status = VerdictStatus.RETURNED
    verdict.review_comment = comment
    _save(verdict, user)
    # A returned revision of a published verdict leaves the earlier one public: the claim stays published.
    still_published = claim.verdicts.filter(status=VerdictStatus.PUBLISHED).exists()
    _set_claim_status(claim, ClaimStatus.PUBLISHED if still_published else ClaimStatus.IN_REVIEW, user)
    comment_add(claim=claim, author=user, body=f"Returned revision {verdict.revision} for changes: {comment}")
    return verdict


@transaction.atomic
def verdict_revise(*, claim: Claim, user) -> Verdict:
    """Start a new revision of a published verdict: a draft copying its rating, summary and rationale.

    The published revision stays public (and the claim published) until the new one is approved.
    """
    claim = _lock_claim(claim.pk)
    if claim.status == ClaimStatus.DISMISSED:
        raise InputRejected("This claim was dismissed; restore it before working on its verdict.")
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
