"""Reviewers' edits to claims: make from a browser selection, dismiss, restore, merge, split, reword, assign.

Every edit is a compare-and-set on `Claim.version` through the one edit primitive (`claims/editing.py`):
the person's form carries the version they saw, and the save is refused with EditConflict if someone saved
since. Status changes go through the lifecycle table (`claims/lifecycle.py`).
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from claims import roles
from claims.choices import AnchorState, ClaimantKind, ClaimOrigin, ClaimStatus, VerdictStatus
from claims.editing import lock_for_edit, person_name, save_edit
from claims.errors import InputRejected
from claims.lifecycle import ClaimEvent, claim_apply, claims_with_reviewer_work
from claims.models import Article, Claim, Comment
from claims.selectors.claim_editing import claim_neighbours
from claims.services import checkworthiness, coverage
from claims.services.claims import claim_create_manual
from claims.text.anchoring import TextQuoteSelector, make_selector, resolve_browser_selection
from claims.text.checkworthiness import assess

REASON_MAX = 2000
NORMALISED_MAX = 2000
NOT_CHECKWORTHY_REASON = "Not check-worthy."
CLAIMANT_MAX = 200  # Claim.claimant's max_length

# A claim whose verdict is with an editor or published is frozen for edits that would change what was judged.
_LOCKING_VERDICTS = (VerdictStatus.SUBMITTED, VerdictStatus.PUBLISHED)


# --- Helpers ---------------------------------------------------------------------------------------


def _lock(claim: Claim | int, expected_version: int | None) -> Claim:
    """The claim, row-locked for this transaction; refused if it moved on from `expected_version`."""
    pk = claim if isinstance(claim, int) else claim.pk
    return lock_for_edit(Claim.objects.select_related("article"), pk, expected_version=expected_version)


def _verdict_statuses(claim: Claim) -> set[str]:
    return set(claim.verdicts.values_list("status", flat=True))


def _refuse_if_lost(claim: Claim, action: str) -> None:
    if claim.anchor_state == AnchorState.LOST:
        raise InputRejected(f"This claim is no longer found in the article's text, so it cannot be {action}.")


def _set_span(claim: Claim, start: int, end: int) -> None:
    """Point the claim at article.text[start:end] and re-derive everything that follows from its words."""
    text = claim.article.text
    selector = make_selector(text, start, end)
    assessment = assess(text[start:end])
    claim.start, claim.end, claim.text = start, end, text[start:end]
    claim.quote_prefix, claim.quote_suffix = selector.prefix, selector.suffix
    claim.checkworthiness = round(assessment.score, 4)
    claim.kind = assessment.kind
    claim.reasons = list(assessment.reasons)
    claim.scored_by = None  # the rules' score, until an active model's job re-scores the new words


def _span_taken(article_id: int, start: int, end: int, *, exclude: list[int]) -> bool:
    return (
        Claim.objects.filter(article_id=article_id, start=start, end=end)
        .exclude(pk__in=exclude)
        .exclude(anchor_state=AnchorState.LOST)
        .exists()
    )


# --- Making a claim --------------------------------------------------------------------------------


@transaction.atomic
def claim_create_from_selection(
    *, article: Article, exact: str, prefix: str = "", suffix: str = "", utf16_start: int | None = None, user
) -> Claim:
    """A claim from text a reviewer selected in the browser (offsets in UTF-16, the quote decides)."""
    try:
        start, end = resolve_browser_selection(
            article.text,
            selector=TextQuoteSelector(exact=exact or "", prefix=prefix or "", suffix=suffix or ""),
            utf16_start=utf16_start,
        )
    except ValueError as error:
        raise InputRejected(str(error)) from None
    return claim_create_manual(article=article, start=start, end=end, user=user)


# --- Dismiss and restore ---------------------------------------------------------------------------


@transaction.atomic
def claim_dismiss(
    *, claim: Claim, reason: str, user, expected_version: int, not_checkworthy: bool = False
) -> Claim:
    """Set the claim aside, saying why. `not_checkworthy`: it is not worth checking (the one-click answer,
    a "No" label for training the check-worthiness model); the reason may then be left out."""
    reason = (reason or "").strip()
    if not reason and not_checkworthy:
        reason = NOT_CHECKWORTHY_REASON
    if not reason:
        raise InputRejected("Give a reason for dismissing the claim.")
    if len(reason) > REASON_MAX:
        raise InputRejected(f"The reason is longer than {REASON_MAX} characters.")
    claim = _lock(claim, expected_version)
    claim_apply(claim, ClaimEvent.DISMISS)
    claim.dismissed_reason = reason
    claim.not_checkworthy = bool(not_checkworthy)
    return save_edit(claim, user)


@transaction.atomic
def claim_restore(*, claim: Claim, user, expected_version: int) -> Claim:
    """Undo a dismissal: back to in review when someone worked on or was assigned the claim, otherwise new."""
    claim = _lock(claim, expected_version)
    worked_on = bool(claims_with_reviewer_work([claim], counting_dismissal=False))
    claim_apply(claim, ClaimEvent.RESTORE, worked_on=worked_on)
    claim.dismissed_reason = ""  # the reason stays in the claim's history
    claim.not_checkworthy = False
    return save_edit(claim, user)


# --- Merge and split -------------------------------------------------------------------------------


def _merge_partner(claim: Claim, other: Claim | int | None, direction: str | None) -> Claim:
    if other is not None:
        pk = other if isinstance(other, int) else other.pk
        found = Claim.objects.filter(pk=pk).first()
        if found is None:
            raise InputRejected("The other claim no longer exists (it may have been merged already).")
        return found
    if direction not in ("previous", "next"):
        raise InputRejected("Choose the claim to merge with.")
    found = claim_neighbours(claim=claim)[direction]
    if found is None:
        raise InputRejected(f"There is no {direction} claim in this article to merge with.")
    return found


@transaction.atomic
def claim_merge(
    *,
    claim: Claim,
    other: Claim | int | None = None,
    direction: str | None = None,
    user,
    expected_version: int | None = None,
    other_version: int | None = None,
) -> Claim:
    """Merge two adjacent claims of one article into the earlier one, which then spans both.

    The other claim is given, or found as the `direction` ("previous" or "next") neighbour. Its evidence,
    verdicts and comments move to the earlier claim, and it is deleted (its record stays in the history).
    """
    other = _merge_partner(claim, other, direction)
    if claim.pk == other.pk:
        raise InputRejected("A claim cannot be merged with itself.")
    # Lock in primary-key order so two people merging the same pair cannot deadlock.
    versions = {claim.pk: expected_version, other.pk: other_version}
    locked = {pk: _lock(pk, versions[pk]) for pk in sorted(versions)}
    claim, other = locked[claim.pk], locked[other.pk]
    if claim.article_id != other.article_id:
        raise InputRejected("Only claims of the same article can be merged.")
    for each in (claim, other):
        _refuse_if_lost(each, "merged")
        if each.status == ClaimStatus.DISMISSED:
            raise InputRejected("One of the claims is dismissed: restore it before merging.")
    first, second = sorted((claim, other), key=lambda c: (c.start, c.id))
    between = (
        Claim.objects.filter(article_id=first.article_id, start__gte=first.start, start__lte=second.start)
        .exclude(pk__in=[first.pk, second.pk])
        .exclude(anchor_state=AnchorState.LOST)
    )
    if any((first.start, first.id) < (c.start, c.id) < (second.start, second.id) for c in between):
        raise InputRejected("Only adjacent claims can be merged: another claim lies between these two.")

    first_statuses, second_statuses = _verdict_statuses(first), _verdict_statuses(second)
    if first_statuses and second_statuses:
        raise InputRejected("Both claims have verdicts: only one of two merged claims may have a verdict.")
    if (first_statuses | second_statuses) & set(_LOCKING_VERDICTS):
        raise InputRejected(
            "One of the claims has a verdict awaiting approval or published, so the claims cannot be merged."
        )
    start, end = first.start, max(first.end, second.end)
    if _span_taken(first.article_id, start, end, exclude=[first.pk, second.pk]):
        raise InputRejected("The merged text is already a claim of its own.")

    for evidence in second.evidence.all():
        evidence.claim = first
        save_edit(evidence, user)  # a removal begun on the other claim's panel must be looked at again
    for verdict in second.verdicts.all():
        # The version stays: a verdict form opened before the merge still names this revision's state.
        verdict.claim = first
        verdict._history_user = user
        verdict.save()
    Comment.objects.filter(claim=second).update(claim=first)  # comments keep no history of their own

    if claims_with_reviewer_work([first, second]):
        claim_apply(first, ClaimEvent.START_WORK)
    first.assignee_id = first.assignee_id or second.assignee_id
    first.normalised_text = " ".join(t for t in (first.normalised_text, second.normalised_text) if t)
    if AnchorState.CHANGED in (first.anchor_state, second.anchor_state):
        first.anchor_state = AnchorState.CHANGED  # someone still has to confirm the changed part
    first.origin = ClaimOrigin.MANUAL

    second._history_user = user
    second.delete()
    _set_span(first, start, end)
    coverage.coverage_claims_changed(claims=[first])
    checkworthiness.checkworthiness_claims_changed(claim_ids=[first.pk])
    return save_edit(first, user)


@transaction.atomic
def claim_split(*, claim: Claim, at: int, user, expected_version: int) -> tuple[Claim, Claim]:
    """Split a claim at article offset `at` (code points); the first part keeps the claim and its work.

    The second part becomes a new claim made by the reviewer. Whitespace at the cut is trimmed off both.
    """
    claim = _lock(claim, expected_version)
    _refuse_if_lost(claim, "split")
    if not isinstance(at, int) or not claim.start < at < claim.end:
        raise InputRejected("Choose a split point inside the claim's text.")
    statuses = _verdict_statuses(claim)
    if statuses & set(_LOCKING_VERDICTS):
        raise InputRejected("This claim has a verdict awaiting approval or published, so it cannot be split.")
    text = claim.article.text
    first_end = claim.start + len(text[claim.start : at].rstrip())
    second_start = at + (len(text[at : claim.end]) - len(text[at : claim.end].lstrip()))
    if first_end <= claim.start or second_start >= claim.end:
        raise InputRejected("Both parts of a split claim must contain some text.")
    if _span_taken(claim.article_id, claim.start, first_end, exclude=[claim.pk]):
        raise InputRejected("The first part is already a claim of its own.")
    old_end = claim.end
    _set_span(claim, claim.start, first_end)
    claim.origin = ClaimOrigin.MANUAL  # reshaped by a reviewer: kept when the article's text changes
    first = save_edit(claim, user)
    coverage.coverage_claims_changed(claims=[first])
    checkworthiness.checkworthiness_claims_changed(claim_ids=[first.pk])
    second = claim_create_manual(article=claim.article, start=second_start, end=old_end, user=user)
    return first, second


# --- Wording and assignment ------------------------------------------------------------------------


@transaction.atomic
def claim_reword(
    *,
    claim: Claim,
    normalised_text: str,
    user,
    expected_version: int,
    claimant: str | None = None,
    claimant_kind: str | None = None,
) -> Claim:
    """Give the claim a self-contained wording (and, when given, say who made it: `claimant`, a person or an
    organisation: `claimant_kind`); its span in the article stays as it is. Empty clears any of them."""
    normalised_text = " ".join((normalised_text or "").split())
    if len(normalised_text) > NORMALISED_MAX:
        raise InputRejected(f"The normalised wording is longer than {NORMALISED_MAX} characters.")
    if claimant is not None:
        claimant = " ".join(claimant.split())
        if len(claimant) > CLAIMANT_MAX:
            raise InputRejected(f"The claimant's name is longer than {CLAIMANT_MAX} characters.")
    if claimant_kind is not None and claimant_kind not in ("", *ClaimantKind.values):
        raise InputRejected("Say whether the claimant is a person or an organisation.")
    claim = _lock(claim, expected_version)
    reworded = claim.normalised_text != normalised_text
    if (
        not reworded
        and (claimant is None or claim.claimant == claimant)
        and (claimant_kind is None or claim.claimant_kind == claimant_kind)
    ):
        return claim
    claim.normalised_text = normalised_text
    if claimant is not None:
        claim.claimant = claimant
    if claimant_kind is not None:
        claim.claimant_kind = claimant_kind
    if reworded:
        coverage.coverage_claims_changed(claims=[claim])
    return save_edit(claim, user)


def _may_be_assigned(assignee) -> bool:
    return (
        assignee.is_active
        and get_user_model()
        .objects.filter(pk=assignee.pk, groups__name__in=[roles.REVIEWER, roles.EDITOR])
        .exists()
    )


@transaction.atomic
def claim_assign(*, claim: Claim, assignee, user, expected_version: int) -> Claim:
    """Assign the claim to a reviewer or editor (None unassigns). A new claim is then in review."""
    if assignee is not None and not _may_be_assigned(assignee):
        raise InputRejected(f"{person_name(assignee)} is not an active reviewer or editor.")
    claim = _lock(claim, expected_version)
    if assignee is not None and claim.status == ClaimStatus.DISMISSED:
        raise InputRejected("This claim is dismissed: restore it before assigning it.")
    new_id = assignee.pk if assignee is not None else None
    if claim.assignee_id == new_id:
        return claim
    claim.assignee = assignee
    if assignee is not None:
        claim_apply(claim, ClaimEvent.START_WORK)
    return save_edit(claim, user)
