"""Specification of claims made by splitting, by hand, and re-anchored when an article's text changes."""

import pytest

from claims.choices import AnchorState, ClaimOrigin, ClaimStatus
from claims.errors import InputRejected
from claims.models import Claim
from claims.services.claims import article_replace_text, claim_create_manual
from claims.services.ingest import article_ingest_text
from tests.factories import EvidenceFactory, VerdictFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "The council voted 9 to 4 on Tuesday. The bridge will cost 84.5 million euros. "
    "Construction starts in March 2027.\n\nCritics called it a monument. "
    "The last crossing opened in 1974."
)


@pytest.fixture
def article(alice):
    return article_ingest_text(text=TEXT, title="Bridge", user=alice).article


def claim_texts(article):
    return [c.text for c in article.claims.exclude(anchor_state=AnchorState.LOST).order_by("start")]


def test_a_manual_claim_is_made_from_any_span_with_whitespace_trimmed(article, alice):
    start = TEXT.index("84.5 million") - 1
    claim = claim_create_manual(article=article, start=start, end=start + 19, user=alice)

    assert claim.text == article.text[claim.start : claim.end] == "84.5 million euros"
    assert claim.origin == ClaimOrigin.MANUAL and claim.created_by == alice
    assert claim.history.first().history_user == alice


@pytest.mark.parametrize("start, end", [(-1, 5), (5, 5), (10, 100_000), (36, 37)])
def test_a_manual_claim_outside_the_text_or_of_whitespace_is_refused(article, alice, start, end):
    before = Claim.objects.count()
    with pytest.raises(InputRejected):
        claim_create_manual(article=article, start=start, end=end, user=alice)
    assert Claim.objects.count() == before


def test_a_span_that_is_already_a_claim_is_refused(article, alice):
    first = article.claims.order_by("start").first()
    with pytest.raises(InputRejected, match="already a claim"):
        claim_create_manual(article=article, start=first.start, end=first.end, user=alice)


def test_replacing_text_with_itself_changes_nothing(article):
    outcome = article_replace_text(article=article, text=article.text)
    assert outcome.added == outcome.removed == 0


def test_inserted_text_shifts_claims_and_splits_only_the_new_sentence(article, alice):
    reviewed = article.claims.get(text__startswith="The bridge will cost")
    EvidenceFactory(claim=reviewed, author=alice)
    new_text = "Breaking: the mayor resigned today. " + article.text

    outcome = article_replace_text(article=article, text=new_text, user=alice)

    article.refresh_from_db()
    reviewed.refresh_from_db()
    assert article.text_revision == 2
    assert reviewed.anchor_state == AnchorState.ANCHORED
    assert (
        article.text[reviewed.start : reviewed.end]
        == reviewed.text
        == "The bridge will cost 84.5 million euros."
    )
    assert reviewed.evidence.count() == 1
    assert "Breaking: the mayor resigned today." in claim_texts(article)
    assert outcome.added >= 1
    for claim in article.claims.exclude(anchor_state=AnchorState.LOST):
        assert article.text[claim.start : claim.end] == claim.text


def test_a_reviewed_claim_whose_words_changed_is_kept_and_flagged(article, alice):
    reviewed = article.claims.get(text__startswith="The bridge will cost")
    VerdictFactory(claim=reviewed, author=alice)
    new_text = article.text.replace("84.5 million euros", "86 million euros")

    article_replace_text(article=article, text=new_text, user=alice)

    reviewed.refresh_from_db()
    assert reviewed.anchor_state == AnchorState.CHANGED
    assert reviewed.text == "The bridge will cost 86 million euros."
    assert reviewed.verdicts.count() == 1
    # The wording the verdict was written about stays in the claim's history.
    assert reviewed.history.filter(text__contains="84.5").exists()


def test_a_reviewed_claim_whose_sentence_was_removed_is_kept_as_lost(article, alice):
    reviewed = article.claims.get(text__startswith="Critics called it")
    reviewed.status = ClaimStatus.DISMISSED
    reviewed.dismissed_reason = "Opinion"
    reviewed.save()
    new_text = article.text.replace("Critics called it a monument. ", "")

    outcome = article_replace_text(article=article, text=new_text, user=alice)

    reviewed.refresh_from_db()
    assert reviewed.anchor_state == AnchorState.LOST
    assert outcome.lost == 1


def test_untouched_claims_that_no_longer_match_are_replaced_by_the_new_split(article, alice):
    new_text = article.text.replace("Construction starts in March 2027.", "Construction starts in June 2028.")

    article_replace_text(article=article, text=new_text, user=alice)

    texts = claim_texts(article)
    assert "Construction starts in June 2028." in texts
    assert not article.claims.filter(text__contains="March 2027").exists()


def test_a_span_chosen_in_text_that_has_since_been_replaced_is_refused(article, alice, carol):
    from claims.models import Article

    stale = Article.objects.get(pk=article.pk)
    article_replace_text(article=article, text="Breaking news first. " + article.text, user=carol)
    before = Claim.objects.count()

    with pytest.raises(InputRejected, match="text was changed"):
        claim_create_manual(article=stale, start=0, end=10, user=alice)
    assert Claim.objects.count() == before
