"""The claim and verdict lifecycles, enumerated: every event from every status is allowed or refused here."""

from types import SimpleNamespace

import pytest

from claims.choices import ClaimOrigin, ClaimStatus, VerdictStatus
from claims.errors import InputRejected, TransitionNotAllowed
from claims.lifecycle import (
    ClaimEvent,
    VerdictEvent,
    claim_next_status,
    claims_with_reviewer_work,
    has_reviewer_work,
    verdict_apply,
    verdict_writable,
)
from tests.factories import ClaimFactory, CommentFactory

S = ClaimStatus
E = ClaimEvent
REFUSED = None

# The whole claim table: (event, from) -> to, None where the event is refused. "worked"/"bare" and
# "public"/"private" are the two outcomes of restore and return, decided by the claim's facts.
CLAIM_TABLE = {
    E.START_WORK: {S.NEW: S.IN_REVIEW, S.IN_REVIEW: S.IN_REVIEW, S.AWAITING_APPROVAL: S.AWAITING_APPROVAL,
                   S.PUBLISHED: S.PUBLISHED, S.DISMISSED: REFUSED},
    E.DISMISS: {S.NEW: S.DISMISSED, S.IN_REVIEW: S.DISMISSED, S.AWAITING_APPROVAL: REFUSED,
                S.PUBLISHED: REFUSED, S.DISMISSED: REFUSED},
    E.RESTORE: {S.NEW: REFUSED, S.IN_REVIEW: REFUSED, S.AWAITING_APPROVAL: REFUSED, S.PUBLISHED: REFUSED,
                S.DISMISSED: "worked → in review, bare → new"},
    E.SUBMIT_VERDICT: {S.NEW: REFUSED, S.IN_REVIEW: S.AWAITING_APPROVAL, S.AWAITING_APPROVAL: REFUSED,
                       S.PUBLISHED: S.AWAITING_APPROVAL, S.DISMISSED: REFUSED},
    E.PUBLISH_VERDICT: {S.NEW: REFUSED, S.IN_REVIEW: REFUSED, S.AWAITING_APPROVAL: S.PUBLISHED,
                        S.PUBLISHED: REFUSED, S.DISMISSED: REFUSED},
    E.RETURN_VERDICT: {S.NEW: REFUSED, S.IN_REVIEW: REFUSED, S.AWAITING_APPROVAL: "public → published, private → in review",
                       S.PUBLISHED: REFUSED, S.DISMISSED: REFUSED},
}  # fmt: skip


def test_the_table_covers_every_event_and_status():
    assert set(CLAIM_TABLE) == set(ClaimEvent)
    for row in CLAIM_TABLE.values():
        assert set(row) == set(ClaimStatus.values)


@pytest.mark.parametrize(
    "event, status", [(event, status) for event in ClaimEvent for status in ClaimStatus.values]
)
def test_each_claim_transition_is_as_the_table_says(event, status):
    expected = CLAIM_TABLE[event][status]
    if expected is REFUSED:
        with pytest.raises(TransitionNotAllowed) as refused:
            claim_next_status(status=status, event=event)
        assert isinstance(refused.value, InputRejected)  # shown to the person like any refusal
        assert refused.value.message.endswith(".") and "_" not in refused.value.message
    elif event == E.RESTORE:
        assert claim_next_status(status=status, event=event, worked_on=True) == S.IN_REVIEW
        assert claim_next_status(status=status, event=event, worked_on=False) == S.NEW
    elif event == E.RETURN_VERDICT:
        assert claim_next_status(status=status, event=event, still_published=True) == S.PUBLISHED
        assert claim_next_status(status=status, event=event, still_published=False) == S.IN_REVIEW
    else:
        assert claim_next_status(status=status, event=event) == expected


def test_refusals_say_what_to_do():
    with pytest.raises(TransitionNotAllowed, match="must be approved or returned before"):
        claim_next_status(status=S.AWAITING_APPROVAL, event=E.DISMISS)
    with pytest.raises(TransitionNotAllowed, match="restore it"):
        claim_next_status(status=S.DISMISSED, event=E.START_WORK)


V = VerdictStatus
VERDICT_TABLE = {
    VerdictEvent.SUBMIT: {V.DRAFT: V.SUBMITTED, V.RETURNED: V.SUBMITTED},
    VerdictEvent.APPROVE: {V.SUBMITTED: V.PUBLISHED},
    VerdictEvent.RETURN: {V.SUBMITTED: V.RETURNED},
    VerdictEvent.SUPERSEDE: {V.PUBLISHED: V.SUPERSEDED},
}


@pytest.mark.parametrize(
    "event, status", [(event, status) for event in VerdictEvent for status in VerdictStatus.values]
)
def test_each_verdict_transition_is_as_the_table_says(event, status):
    verdict = SimpleNamespace(status=status)
    expected = VERDICT_TABLE[event].get(status)
    if expected is None:
        with pytest.raises(TransitionNotAllowed, match=f"this one is {VerdictStatus(status).label.lower()}"):
            verdict_apply(verdict, event)
        assert verdict.status == status
    else:
        verdict_apply(verdict, event)
        assert verdict.status == expected


@pytest.mark.parametrize(
    "claim_status, open_status, has_published, writable",
    [
        (S.NEW, None, False, True),  # a first draft
        (S.IN_REVIEW, V.DRAFT, False, True),
        (S.IN_REVIEW, V.RETURNED, False, True),
        (S.AWAITING_APPROVAL, V.SUBMITTED, False, False),  # with the editors
        (S.PUBLISHED, None, True, False),  # only through a new revision
        (S.PUBLISHED, V.DRAFT, True, True),  # that new revision
        (S.DISMISSED, V.DRAFT, False, False),
    ],
)
def test_who_may_write_a_verdict_now(claim_status, open_status, has_published, writable):
    assert (
        verdict_writable(
            claim_status=claim_status, open_verdict_status=open_status, has_published=has_published
        )
        is writable
    )


# --- Reviewer work: one definition ----------------------------------------------------------------


def bare_claim(**fields):
    values = {
        "assignee_id": None,
        "normalised_text": "",
        "origin": ClaimOrigin.SPLIT,
        "status": S.NEW,
    } | fields
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    "fields, linked, worked",
    [
        ({}, False, False),
        ({}, True, True),  # evidence, a verdict or a comment
        ({"assignee_id": 7}, False, True),
        ({"normalised_text": "The toll rose by 5%."}, False, True),
        ({"origin": ClaimOrigin.MANUAL}, False, True),  # made, merged or split by a reviewer
        ({"status": S.IN_REVIEW}, False, True),
        ({"status": S.DISMISSED}, False, True),
    ],
)
def test_what_counts_as_reviewer_work(fields, linked, worked):
    assert has_reviewer_work(bare_claim(**fields), linked=linked) is worked


def test_a_dismissal_alone_does_not_count_when_restoring():
    assert has_reviewer_work(bare_claim(status=S.DISMISSED), linked=False, counting_dismissal=False) is False


@pytest.mark.django_db
def test_reviewer_work_is_found_in_three_queries_for_any_number_of_claims(django_assert_num_queries):
    claims = [ClaimFactory() for _ in range(5)]
    CommentFactory(claim=claims[2])
    with django_assert_num_queries(3):
        assert claims_with_reviewer_work(claims) == {claims[2].pk}
