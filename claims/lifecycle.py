"""The claim and verdict lifecycles: the one owner of `Claim.status` and `Verdict.status`.

Every status change, from the browser, the partner API or a task, is an *event* looked up in a table
here: the table says which statuses the event may start from and where it leads, and refuses anything
else with one `TransitionNotAllowed` whose message a person can act on. Who may make a transition
(an editor approves; nobody approves their own verdict) is checked by the services, which also lock and
save the rows (`claims/editing.py`); this module only decides.

"Someone has worked on this claim" has one definition, `claims_with_reviewer_work`, used wherever the
answer matters: re-splitting a changed article keeps such claims, restoring a dismissed one puts it back
in review rather than among the new ones.
"""

from enum import StrEnum

from claims.choices import ClaimOrigin, ClaimStatus, VerdictStatus
from claims.errors import TransitionNotAllowed
from claims.models import Comment, Evidence, Verdict


class ClaimEvent(StrEnum):
    START_WORK = "start_work"  # evidence, a verdict draft, an assignment or a merge touched a new claim
    DISMISS = "dismiss"
    RESTORE = "restore"
    SUBMIT_VERDICT = "submit_verdict"
    PUBLISH_VERDICT = "publish_verdict"
    RETURN_VERDICT = "return_verdict"


# Where an event leads that depends on the claim: RESTORE goes back to in review when someone worked on
# the claim (new otherwise); RETURN_VERDICT leaves the claim published while an earlier revision is public.
BY_WORK = "in review if worked on, else new"
BY_PUBLISHED = "published if a revision is still public, else in review"

S = ClaimStatus
CLAIM_TRANSITIONS: dict[ClaimEvent, dict[str, str]] = {
    ClaimEvent.START_WORK: {
        S.NEW: S.IN_REVIEW,
        S.IN_REVIEW: S.IN_REVIEW,
        S.AWAITING_APPROVAL: S.AWAITING_APPROVAL,
        S.PUBLISHED: S.PUBLISHED,
    },
    ClaimEvent.DISMISS: {S.NEW: S.DISMISSED, S.IN_REVIEW: S.DISMISSED},
    ClaimEvent.RESTORE: {S.DISMISSED: BY_WORK},
    # A published claim takes a new revision of its verdict, which goes to the editors in turn.
    ClaimEvent.SUBMIT_VERDICT: {S.IN_REVIEW: S.AWAITING_APPROVAL, S.PUBLISHED: S.AWAITING_APPROVAL},
    ClaimEvent.PUBLISH_VERDICT: {S.AWAITING_APPROVAL: S.PUBLISHED},
    ClaimEvent.RETURN_VERDICT: {S.AWAITING_APPROVAL: BY_PUBLISHED},
}

# Why an event is refused from a status, where a generic sentence would not tell the person what to do.
_REFUSALS: dict[tuple[ClaimEvent, str], str] = {
    (ClaimEvent.START_WORK, S.DISMISSED): "This claim was dismissed; restore it before working on it.",
    (ClaimEvent.DISMISS, S.DISMISSED): "This claim is already dismissed.",
    (ClaimEvent.DISMISS, S.PUBLISHED): "This claim has a published verdict, so it cannot be dismissed.",
    (ClaimEvent.DISMISS, S.AWAITING_APPROVAL): (
        "This claim has a verdict awaiting approval: "
        "it must be approved or returned before the claim is dismissed."
    ),
    (ClaimEvent.RESTORE, S.NEW): "Only a dismissed claim can be restored.",
    (ClaimEvent.RESTORE, S.IN_REVIEW): "Only a dismissed claim can be restored.",
    (ClaimEvent.RESTORE, S.AWAITING_APPROVAL): "Only a dismissed claim can be restored.",
    (ClaimEvent.RESTORE, S.PUBLISHED): "Only a dismissed claim can be restored.",
    (
        ClaimEvent.SUBMIT_VERDICT,
        S.DISMISSED,
    ): "This claim was dismissed; restore it before working on its verdict.",
    (ClaimEvent.PUBLISH_VERDICT, S.DISMISSED): (
        "This claim was dismissed; restore it before working on its verdict."
    ),
    (
        ClaimEvent.RETURN_VERDICT,
        S.DISMISSED,
    ): "This claim was dismissed; restore it before working on its verdict.",
}


_WHAT = {
    ClaimEvent.START_WORK: "work on it",
    ClaimEvent.DISMISS: "dismissing it",
    ClaimEvent.RESTORE: "restoring it",
    ClaimEvent.SUBMIT_VERDICT: "submitting its verdict",
    ClaimEvent.PUBLISH_VERDICT: "publishing its verdict",
    ClaimEvent.RETURN_VERDICT: "returning its verdict",
}


def claim_next_status(
    *, status: str, event: ClaimEvent, worked_on: bool = False, still_published: bool = False
) -> str:
    """The status `event` leads to from `status`; TransitionNotAllowed if the table has no such move."""
    target = CLAIM_TRANSITIONS[event].get(status)
    if target is None:
        message = _REFUSALS.get((event, status)) or (
            f"This claim is {ClaimStatus(status).label.lower()}, so {_WHAT[event]} cannot happen now."
        )
        raise TransitionNotAllowed(message)
    if target == BY_WORK:
        return S.IN_REVIEW if worked_on else S.NEW
    if target == BY_PUBLISHED:
        return S.PUBLISHED if still_published else S.IN_REVIEW
    return target


def claim_apply(claim, event: ClaimEvent, **facts) -> bool:
    """Move the (locked) claim by `event`; True if its status changed. The caller saves it."""
    status = claim_next_status(status=claim.status, event=event, **facts)
    if status == claim.status:
        return False
    claim.status = status
    return True


# --- Verdicts ---------------------------------------------------------------------------------------


class VerdictEvent(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    SUPERSEDE = "supersede"


V = VerdictStatus
VERDICT_TRANSITIONS: dict[VerdictEvent, dict[str, str]] = {
    VerdictEvent.SUBMIT: {V.DRAFT: V.SUBMITTED, V.RETURNED: V.SUBMITTED},
    VerdictEvent.APPROVE: {V.SUBMITTED: V.PUBLISHED},
    VerdictEvent.RETURN: {V.SUBMITTED: V.RETURNED},
    VerdictEvent.SUPERSEDE: {V.PUBLISHED: V.SUPERSEDED},
}
_VERDICT_REFUSALS = {
    VerdictEvent.SUBMIT: "Only a draft or returned verdict can be submitted",
    VerdictEvent.APPROVE: "Only a verdict awaiting approval can be approved",
    VerdictEvent.RETURN: "Only a verdict awaiting approval can be returned",
    VerdictEvent.SUPERSEDE: "Only a published verdict can be superseded",
}
# Revisions that are still being written: their rating, summary and rationale may change.
VERDICT_EDITABLE = (V.DRAFT, V.RETURNED)


def verdict_apply(verdict, event: VerdictEvent) -> None:
    """Move the (locked) verdict revision by `event`; the caller saves it."""
    target = VERDICT_TRANSITIONS[event].get(verdict.status)
    if target is None:
        raise TransitionNotAllowed(
            f"{_VERDICT_REFUSALS[event]}; this one is {VerdictStatus(verdict.status).label.lower()}."
        )
    verdict.status = target


def verdict_writable(*, claim_status: str, open_verdict_status: str | None, has_published: bool) -> bool:
    """Whether a person may write the claim's verdict now: its open revision, or a first draft."""
    if claim_status == S.DISMISSED:
        return False
    if open_verdict_status is not None:
        return open_verdict_status in VERDICT_EDITABLE
    return not has_published


# --- Reviewer work ----------------------------------------------------------------------------------


def has_reviewer_work(claim, *, linked: bool, counting_dismissal: bool = True) -> bool:
    """Whether losing this claim would lose something a person did.

    A person worked on a claim if it has evidence, a verdict or comments (`linked`), an assignee or a
    normalised wording, was made or reshaped by a reviewer (a manual claim, a merge or a split), or has
    moved past new. A dismissal counts too, except when deciding where a restored claim goes back to.
    """
    if linked or claim.assignee_id is not None or claim.normalised_text or claim.origin == ClaimOrigin.MANUAL:
        return True
    if claim.status == S.DISMISSED:
        return counting_dismissal
    return claim.status != S.NEW


def claims_with_reviewer_work(claims, *, counting_dismissal: bool = True) -> set[int]:
    """Ids of the claims with reviewer work (three queries, however many claims)."""
    ids = [c.pk for c in claims]
    linked: set[int] = set()
    for model in (Evidence, Verdict, Comment):
        linked.update(model.objects.filter(claim_id__in=ids).values_list("claim_id", flat=True))
    return {
        c.pk
        for c in claims
        if has_reviewer_work(c, linked=c.pk in linked, counting_dismissal=counting_dismissal)
    }
