"""Specification of reviewers' edits to claims: selection, dismiss/restore, merge, split, reword, assign."""

import pytest
from django.forms.models import model_to_dict

from claims.choices import AnchorState, ClaimOrigin, ClaimStatus, VerdictStatus
from claims.errors import EditConflict, InputRejected
from claims.models import Claim, Comment, Evidence, Verdict
from claims.services import claim_editing as editing
from claims.text.anchoring import make_selector
from claims.text.checkworthiness import assess
from tests.factories import (
    BUDGET_SENTENCES,
    BUDGET_TEXT,
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    EvidenceFactory,
    UserFactory,
    VerdictFactory,
    fresh,
)

pytestmark = pytest.mark.django_db

TEXT, SENTENCES = BUDGET_TEXT, BUDGET_SENTENCES


def utf16_length(text: str) -> int:
    """How a browser counts the length of `text` (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def browser_selection(text: str, start: int, end: int, context: int = 32) -> dict:
    """What the page's script posts for a selection of text[start:end] (its offsets in UTF-16)."""
    return {
        "exact": text[start:end],
        "prefix": text[max(0, start - context) : start],
        "suffix": text[end : end + context],
        "utf16_start": utf16_length(text[:start]),
    }


def database_state():
    """Everything an edit could touch, to show a refused edit changed nothing."""
    return (
        [model_to_dict(c) for c in Claim.objects.order_by("pk")],
        list(Evidence.objects.order_by("pk").values_list("pk", "claim_id")),
        list(Verdict.objects.order_by("pk").values_list("pk", "claim_id", "status")),
        list(Comment.objects.order_by("pk").values_list("pk", "claim_id")),
        Claim.history.count(),
    )


# --- A claim from a browser selection ------------------------------------------------------------


@pytest.mark.parametrize("selected", ["Привет мир.", "東京は大きい。", "👍🏽 Привет", "мир. 東京", "🇺🇦 flag"])
def test_a_selection_in_emoji_and_non_latin_text_stores_exactly_the_selected_code_points(alice, selected):
    text = "Intro 👍🏽 Привет мир. 東京は大きい。 The 🇺🇦 flag flew. Привет мир."
    article = ArticleFactory(text=text)
    start = text.index(selected)

    claim = editing.claim_create_from_selection(
        article=article, user=alice, **browser_selection(text, start, start + len(selected))
    )

    assert (claim.start, claim.end) == (start, start + len(selected))
    assert claim.text == article.text[claim.start : claim.end] == selected
    assert claim.origin == ClaimOrigin.MANUAL
    assert claim.history.first().history_user == alice


def test_a_repeated_quote_is_placed_where_it_was_selected(alice):
    text = "👍 Привет мир. 東京は大きい。 Привет мир. 😀 end"
    article = ArticleFactory(text=text)
    second = text.rindex("Привет мир.")

    claim = editing.claim_create_from_selection(
        article=article, user=alice, **browser_selection(text, second, second + 11)
    )

    assert claim.start == second and claim.text == "Привет мир."


def test_whitespace_around_a_selection_is_left_out(article, alice):
    start = TEXT.index(" It cost")
    claim = editing.claim_create_from_selection(
        article=article,
        user=alice,
        **browser_selection(TEXT, start, start + len(" It cost 5 million euros. ")),
    )
    assert claim.text == "It cost 5 million euros."


@pytest.mark.parametrize(
    "selection, message",
    [
        ({"exact": "Not in the article", "prefix": "", "suffix": "", "utf16_start": 0}, "not found"),
        ({"exact": "   ", "prefix": "", "suffix": "", "utf16_start": 3}, "empty"),
        ({"exact": "", "prefix": "", "suffix": "", "utf16_start": None}, "empty"),
    ],
)
def test_a_selection_not_in_the_article_is_refused_and_nothing_is_stored(article, alice, selection, message):
    before = database_state()
    with pytest.raises(InputRejected, match=message):
        editing.claim_create_from_selection(article=article, user=alice, **selection)
    assert database_state() == before


def test_selecting_an_existing_claim_again_is_refused(article, claims, alice):
    before = database_state()
    with pytest.raises(InputRejected, match="already a claim"):
        editing.claim_create_from_selection(
            article=article, user=alice, **browser_selection(TEXT, claims[1].start, claims[1].end)
        )
    assert database_state() == before


# --- Dismiss and restore --------------------------------------------------------------------------


def test_dismissing_records_the_reason_and_who_did_it(claims, alice):
    claim = editing.claim_dismiss(claim=claims[0], reason="  Not checkable. ", user=alice, expected_version=1)

    claim = fresh(claim)
    assert claim.status == ClaimStatus.DISMISSED
    assert claim.dismissed_reason == "Not checkable."
    assert claim.version == 2
    assert claim.history.first().history_user == alice


@pytest.mark.parametrize("reason", ["", "   ", "x" * (editing.REASON_MAX + 1)])
def test_dismissing_needs_a_reason(claims, alice, reason):
    before = database_state()
    with pytest.raises(InputRejected):
        editing.claim_dismiss(claim=claims[0], reason=reason, user=alice, expected_version=1)
    assert database_state() == before


@pytest.mark.parametrize("status", [VerdictStatus.SUBMITTED, VerdictStatus.PUBLISHED])
def test_a_claim_with_a_verdict_awaiting_approval_or_published_cannot_be_dismissed(claims, alice, status):
    VerdictFactory(claim=claims[0], status=status)
    claim_status = (
        ClaimStatus.AWAITING_APPROVAL if status == VerdictStatus.SUBMITTED else ClaimStatus.PUBLISHED
    )
    Claim.objects.filter(pk=claims[0].pk).update(status=claim_status)  # as the verdict's workflow leaves it
    before = database_state()
    with pytest.raises(InputRejected, match="verdict"):
        editing.claim_dismiss(claim=claims[0], reason="Duplicate.", user=alice, expected_version=1)
    assert database_state() == before


def test_a_claim_with_a_draft_verdict_can_be_dismissed(claims, alice):
    VerdictFactory(claim=claims[0], status=VerdictStatus.DRAFT)
    editing.claim_dismiss(claim=claims[0], reason="Duplicate.", user=alice, expected_version=1)
    assert fresh(claims[0]).status == ClaimStatus.DISMISSED


def test_a_dismissed_claim_cannot_be_dismissed_again(claims, alice):
    editing.claim_dismiss(claim=claims[0], reason="Opinion.", user=alice, expected_version=1)
    before = database_state()
    with pytest.raises(InputRejected, match="already dismissed"):
        editing.claim_dismiss(claim=claims[0], reason="Again.", user=alice, expected_version=2)
    assert database_state() == before


def test_restoring_an_untouched_claim_makes_it_new_again(claims, alice, bob):
    editing.claim_dismiss(claim=claims[0], reason="Opinion.", user=alice, expected_version=1)
    claim = editing.claim_restore(claim=claims[0], user=bob, expected_version=2)

    claim = fresh(claim)
    assert claim.status == ClaimStatus.NEW and claim.dismissed_reason == ""
    assert claim.version == 3 and claim.history.first().history_user == bob


def test_restoring_a_claim_with_evidence_puts_it_back_in_review(claims, alice):
    EvidenceFactory(claim=claims[0])
    editing.claim_dismiss(claim=claims[0], reason="Opinion.", user=alice, expected_version=1)
    editing.claim_restore(claim=claims[0], user=alice, expected_version=2)
    assert fresh(claims[0]).status == ClaimStatus.IN_REVIEW


def test_restoring_an_assigned_claim_puts_it_back_in_review(claims, alice, bob):
    editing.claim_assign(claim=claims[0], assignee=bob, user=alice, expected_version=1)
    editing.claim_dismiss(claim=claims[0], reason="Opinion.", user=alice, expected_version=2)
    editing.claim_restore(claim=claims[0], user=alice, expected_version=3)
    assert fresh(claims[0]).status == ClaimStatus.IN_REVIEW


def test_only_a_dismissed_claim_can_be_restored(claims, alice):
    before = database_state()
    with pytest.raises(InputRejected, match="dismissed"):
        editing.claim_restore(claim=claims[0], user=alice, expected_version=1)
    assert database_state() == before


# --- Conflicts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        lambda c, u: editing.claim_dismiss(claim=c, reason="Late.", user=u, expected_version=1),
        lambda c, u: editing.claim_reword(
            claim=c, normalised_text="Late wording.", user=u, expected_version=1
        ),
        lambda c, u: editing.claim_assign(claim=c, assignee=u, user=u, expected_version=1),
        lambda c, u: editing.claim_split(claim=c, at=c.start + 4, user=u, expected_version=1),
        lambda c, u: editing.claim_merge(
            claim=c, other=Claim.objects.get(start=44), user=u, expected_version=1
        ),
    ],
    ids=["dismiss", "reword", "assign", "split", "merge"],
)
def test_an_edit_from_a_stale_version_is_refused_naming_who_changed_the_claim(claims, alice, bob, edit):
    editing.claim_reword(claim=claims[0], normalised_text="Bob's wording.", user=bob, expected_version=1)
    before = database_state()

    with pytest.raises(EditConflict) as conflict:
        edit(claims[0], alice)

    assert "Bob (bob) changed this claim at" in conflict.value.message
    assert conflict.value.current.pk == claims[0].pk
    assert conflict.value.current.version == 2
    assert conflict.value.current.normalised_text == "Bob's wording."
    assert database_state() == before


def test_restore_from_a_stale_version_is_refused(claims, alice, bob):
    editing.claim_dismiss(claim=claims[0], reason="Opinion.", user=alice, expected_version=1)
    editing.claim_reword(claim=claims[0], normalised_text="x", user=bob, expected_version=2)
    with pytest.raises(EditConflict, match="Bob"):
        editing.claim_restore(claim=claims[0], user=alice, expected_version=2)
    assert fresh(claims[0]).status == ClaimStatus.DISMISSED


def test_merging_with_a_stale_version_of_the_other_claim_is_refused(claims, alice, bob):
    editing.claim_reword(claim=claims[1], normalised_text="Bob's wording.", user=bob, expected_version=1)
    before = database_state()
    with pytest.raises(EditConflict, match="Bob"):
        editing.claim_merge(claim=claims[0], other=claims[1], user=alice, expected_version=1, other_version=1)
    assert database_state() == before


# --- Merge ----------------------------------------------------------------------------------------


def test_merging_adjacent_claims_keeps_the_earlier_one_spanning_both(article, claims, alice, bob):
    first, second = claims[0], claims[1]
    evidence = EvidenceFactory(claim=second)
    comment = CommentFactory(claim=second)
    EvidenceFactory(claim=first)

    # Called from the later claim: the earlier one is still the one kept.
    merged = editing.claim_merge(claim=second, other=first, user=alice)

    merged = fresh(merged)
    assert merged.pk == first.pk
    assert not Claim.objects.filter(pk=second.pk).exists()
    assert (merged.start, merged.end) == (first.start, second.end)
    assert merged.text == article.text[merged.start : merged.end] == " ".join(SENTENCES[:2])
    selector = make_selector(article.text, merged.start, merged.end)
    assert (merged.quote_prefix, merged.quote_suffix) == (selector.prefix, selector.suffix)
    assert merged.checkworthiness == round(assess(merged.text).score, 4)
    assert merged.kind == assess(merged.text).kind
    assert Evidence.objects.get(pk=evidence.pk).claim_id == first.pk
    assert Comment.objects.get(pk=comment.pk).claim_id == first.pk
    assert merged.evidence.count() == 2
    assert merged.status == ClaimStatus.IN_REVIEW
    assert merged.version == 2
    assert merged.history.first().history_user == alice
    assert Claim.history.filter(id=second.pk, history_type="-").get().history_user == alice


def test_the_verdict_of_the_absorbed_claim_moves_to_the_merged_claim(claims, alice):
    verdict = VerdictFactory(claim=claims[1], status=VerdictStatus.DRAFT)
    merged = editing.claim_merge(claim=claims[0], other=claims[1], user=alice)
    assert Verdict.objects.get(pk=verdict.pk).claim_id == merged.pk


def test_claims_with_another_claim_between_them_cannot_be_merged(claims, alice):
    before = database_state()
    with pytest.raises(InputRejected, match="adjacent"):
        editing.claim_merge(claim=claims[0], other=claims[2], user=alice)
    assert database_state() == before


def test_a_lost_claim_between_two_claims_does_not_keep_them_apart(claims, alice):
    Claim.objects.filter(pk=claims[1].pk).update(anchor_state=AnchorState.LOST)
    merged = editing.claim_merge(claim=claims[0], other=claims[2], user=alice)
    assert merged.text == TEXT


def test_claims_of_different_articles_cannot_be_merged(claims, alice):
    elsewhere = ClaimFactory()
    before = database_state()
    with pytest.raises(InputRejected, match="same article"):
        editing.claim_merge(claim=claims[0], other=elsewhere, user=alice)
    assert database_state() == before


def test_a_claim_cannot_be_merged_with_itself(claims, alice):
    with pytest.raises(InputRejected, match="itself"):
        editing.claim_merge(claim=claims[0], other=claims[0], user=alice)


def test_two_claims_that_both_have_verdicts_cannot_be_merged(claims, alice):
    VerdictFactory(claim=claims[0], status=VerdictStatus.DRAFT)
    VerdictFactory(claim=claims[1], status=VerdictStatus.RETURNED)
    before = database_state()
    with pytest.raises(InputRejected, match="Both claims have verdicts"):
        editing.claim_merge(claim=claims[0], other=claims[1], user=alice)
    assert database_state() == before


@pytest.mark.parametrize("status", [VerdictStatus.SUBMITTED, VerdictStatus.PUBLISHED])
@pytest.mark.parametrize("which", [0, 1])
def test_a_claim_whose_verdict_is_awaiting_approval_or_published_cannot_be_merged(
    claims, alice, status, which
):
    VerdictFactory(claim=claims[which], status=status)
    before = database_state()
    with pytest.raises(InputRejected, match="awaiting approval or published"):
        editing.claim_merge(claim=claims[0], other=claims[1], user=alice)
    assert database_state() == before


def test_a_dismissed_claim_must_be_restored_before_merging(claims, alice):
    editing.claim_dismiss(claim=claims[1], reason="Opinion.", user=alice, expected_version=1)
    before = database_state()
    with pytest.raises(InputRejected, match="restore"):
        editing.claim_merge(claim=claims[0], other=claims[1], user=alice)
    assert database_state() == before


# --- Split ----------------------------------------------------------------------------------------


def test_splitting_keeps_the_claim_and_its_work_in_the_first_part(article, claims, alice):
    text = "The bridge cost 84 million, and it opened in 1974."
    article = ArticleFactory(text=f"Intro. {text} Outro.")
    claim = ClaimFactory(article=article, start=7, end=7 + len(text))
    evidence = EvidenceFactory(claim=claim)
    verdict = VerdictFactory(claim=claim, status=VerdictStatus.DRAFT)
    comment = CommentFactory(claim=claim)
    at = article.text.index("and it opened")

    first, second = editing.claim_split(claim=claim, at=at, user=alice, expected_version=1)

    first, second = fresh(first), fresh(second)
    assert first.pk == claim.pk
    assert first.text == "The bridge cost 84 million," == article.text[first.start : first.end]
    assert second.text == "and it opened in 1974." == article.text[second.start : second.end]
    assert (second.start, second.end) == (at, claim.end)
    assert second.origin == ClaimOrigin.MANUAL and second.created_by == alice
    assert second.status == ClaimStatus.NEW
    selector = make_selector(article.text, first.start, first.end)
    assert (first.quote_prefix, first.quote_suffix) == (selector.prefix, selector.suffix)
    assert first.checkworthiness == round(assess(first.text).score, 4)
    assert list(first.evidence.all()) == [evidence]
    assert list(first.verdicts.all()) == [verdict]
    assert list(first.comments.all()) == [comment]
    assert first.version == 2
    assert first.history.first().history_user == alice
    assert second.history.first().history_user == alice


def test_splitting_in_non_latin_text_cuts_at_the_code_point(alice):
    text = "👍🏽 Привет мир. 東京は大きい。"
    article = ArticleFactory(text=text)
    claim = ClaimFactory(article=article, start=0, end=len(text))
    first, second = editing.claim_split(claim=claim, at=text.index("東京"), user=alice, expected_version=1)
    assert (first.text, second.text) == ("👍🏽 Привет мир.", "東京は大きい。")


@pytest.mark.parametrize("offset", [0, len(SENTENCES[0]), -5, 1000])
def test_a_split_point_outside_the_claim_is_refused(claims, alice, offset):
    before = database_state()
    with pytest.raises(InputRejected, match="inside the claim"):
        editing.claim_split(claim=claims[0], at=claims[0].start + offset, user=alice, expected_version=1)
    assert database_state() == before


def test_a_split_leaving_only_whitespace_in_a_part_is_refused(alice):
    article = ArticleFactory(text="Hello world.    Next one.")
    claim = ClaimFactory(article=article, start=0, end=15)  # ends in spaces
    before = database_state()
    with pytest.raises(InputRejected, match="Both parts"):
        editing.claim_split(claim=claim, at=13, user=alice, expected_version=1)
    assert database_state() == before


def test_a_split_part_that_is_already_a_claim_is_refused(alice):
    article = ArticleFactory(text="Prices rose. Wages fell.")
    whole = ClaimFactory(article=article, start=0, end=24)
    ClaimFactory(article=article, start=13, end=24)
    before = database_state()
    with pytest.raises(InputRejected, match="already a claim"):
        editing.claim_split(claim=whole, at=13, user=alice, expected_version=1)
    assert database_state() == before


@pytest.mark.parametrize("status", [VerdictStatus.SUBMITTED, VerdictStatus.PUBLISHED])
def test_a_claim_whose_verdict_is_awaiting_approval_or_published_cannot_be_split(claims, alice, status):
    VerdictFactory(claim=claims[0], status=status)
    before = database_state()
    with pytest.raises(InputRejected, match="cannot be split"):
        editing.claim_split(claim=claims[0], at=claims[0].start + 4, user=alice, expected_version=1)
    assert database_state() == before


# --- Reword and assign ----------------------------------------------------------------------------


def test_rewording_sets_the_normalised_wording_and_keeps_the_span(claims, alice):
    claim = editing.claim_reword(
        claim=claims[1],
        normalised_text="  The budget cost\n5 million euros. ",
        user=alice,
        expected_version=1,
    )
    claim = fresh(claim)
    assert claim.normalised_text == "The budget cost 5 million euros."
    assert (claim.start, claim.end, claim.text) == (claims[1].start, claims[1].end, SENTENCES[1])
    assert claim.version == 2 and claim.history.first().history_user == alice


def test_an_overlong_wording_is_refused(claims, alice):
    before = database_state()
    with pytest.raises(InputRejected, match="longer than"):
        editing.claim_reword(claim=claims[1], normalised_text="x" * 3000, user=alice, expected_version=1)
    assert database_state() == before


def test_rewording_can_say_who_made_the_claim_and_leaves_it_when_not_given(claims, alice):
    claim = editing.claim_reword(
        claim=claims[1], normalised_text="", claimant="  Mayor\nJane Doe ", user=alice, expected_version=1
    )
    assert fresh(claim).claimant == "Mayor Jane Doe" and fresh(claim).version == 2

    claim = editing.claim_reword(
        claim=fresh(claim), normalised_text="Reworded.", user=alice, expected_version=2
    )
    assert (fresh(claim).claimant, fresh(claim).normalised_text) == ("Mayor Jane Doe", "Reworded.")


def test_rewording_says_whether_the_claimant_is_a_person_or_an_organisation(claims, alice):
    claim = editing.claim_reword(
        claim=claims[1],
        normalised_text="",
        claimant="City Council",
        claimant_kind="organization",
        user=alice,
        expected_version=1,
    )
    assert (fresh(claim).claimant_kind, fresh(claim).version) == ("organization", 2)

    before = database_state()
    with pytest.raises(InputRejected, match="person or an organisation"):
        editing.claim_reword(
            claim=fresh(claim), normalised_text="", claimant_kind="robot", user=alice, expected_version=2
        )
    assert database_state() == before


def test_an_overlong_claimant_is_refused(claims, alice):
    before = database_state()
    with pytest.raises(InputRejected, match="claimant"):
        editing.claim_reword(
            claim=claims[1], normalised_text="", claimant="x" * 201, user=alice, expected_version=1
        )
    assert database_state() == before


def test_assigning_a_new_claim_puts_it_in_review(claims, alice, carol):
    claim = fresh(editing.claim_assign(claim=claims[0], assignee=carol, user=alice, expected_version=1))
    assert claim.assignee == carol and claim.status == ClaimStatus.IN_REVIEW
    assert claim.version == 2 and claim.history.first().history_user == alice


def test_unassigning_leaves_the_status_alone(claims, alice, bob):
    editing.claim_assign(claim=claims[0], assignee=bob, user=alice, expected_version=1)
    claim = fresh(editing.claim_assign(claim=claims[0], assignee=None, user=alice, expected_version=2))
    assert claim.assignee is None and claim.status == ClaimStatus.IN_REVIEW


def test_only_active_reviewers_and_editors_can_be_assigned(claims, alice, mallory):
    retired = UserFactory(username="retired", role="reviewer", is_active=False)
    before = database_state()
    for person in (mallory, retired):
        with pytest.raises(InputRejected, match="not an active reviewer or editor"):
            editing.claim_assign(claim=claims[0], assignee=person, user=alice, expected_version=1)
    assert database_state() == before


def test_a_dismissed_claim_cannot_be_assigned(claims, alice, bob):
    editing.claim_dismiss(claim=claims[0], reason="Opinion.", user=alice, expected_version=1)
    with pytest.raises(InputRejected, match="restore"):
        editing.claim_assign(claim=claims[0], assignee=bob, user=alice, expected_version=2)
