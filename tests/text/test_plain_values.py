"""The text core's plain strings are the values the models store."""

from claims.choices import AnchorState, ClaimKind
from claims.text import anchoring, checkworthiness


def test_the_anchor_states_are_the_values_the_models_store():
    assert (anchoring.ANCHORED, anchoring.CHANGED, anchoring.LOST) == (
        AnchorState.ANCHORED,
        AnchorState.CHANGED,
        AnchorState.LOST,
    )


def test_the_claim_kinds_are_the_values_the_models_store():
    assert set(checkworthiness.KINDS) == set(ClaimKind.values)
