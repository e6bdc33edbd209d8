"""The claim-editing controls of the side panel: where a claim can be split, labelled in whole words."""

import pytest

from claims.selectors.claim_editing import split_choices
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "Intro. The council approved the budget on Tuesday, but critics said the tram line, "
    "which opens in 2027, would cost far more than planned."
)


def test_a_claim_is_offered_its_clause_breaks_with_article_offsets_and_whole_word_labels():
    sentence = TEXT[len("Intro. ") :]
    claim = ClaimFactory(article=ArticleFactory(text=TEXT), start=7, end=len(TEXT), text=sentence)

    choices = split_choices(claim)

    assert 1 <= len(choices) <= 8
    starts = [TEXT[at:].split()[0] for at, _ in choices]
    assert "but" in starts and "which" in starts
    for at, label in choices:
        before, after = label.split(" ‖ ")
        assert TEXT[claim.start : at].rstrip().endswith(before.lstrip("…"))
        assert TEXT[at : claim.end].startswith(after.rstrip("…"))


def test_a_claim_without_a_clause_break_offers_no_choices():
    claim = ClaimFactory(article=ArticleFactory(text="It cost 5 million euros."), start=0, end=24)
    assert split_choices(claim) == []
