"""Claims: made by splitting an article, by hand from a span, and kept anchored when the text changes."""

from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from claims.choices import AnchorState, ClaimOrigin
from claims.editing import save_edit
from claims.errors import InputRejected
from claims.lifecycle import ClaimEvent, claim_apply, claims_with_reviewer_work
from claims.models import Article, Claim
from claims.services import checkworthiness, coverage, webhooks
from claims.text.anchoring import TextQuoteSelector, make_selector, reanchor
from claims.text.checkworthiness import assess
from claims.text.extraction import content_hash
from claims.text.splitting import split_sentences


def _claim_for_span(*, article: Article, start: int, end: int, origin: str, user=None) -> Claim:
    text = article.text[start:end]
    selector = make_selector(article.text, start, end)
    assessment = assess(text)
    return Claim(
        article=article,
        start=start,
        end=end,
        text=text,
        quote_prefix=selector.prefix,
        quote_suffix=selector.suffix,
        checkworthiness=round(assessment.score, 4),
        kind=assessment.kind,
        reasons=list(assessment.reasons),
        origin=origin,
        created_by=user,
    )


def _split_claims(article: Article, *, skip: list[tuple[int, int]] = ()) -> list[Claim]:
    """Unsaved claims for every sentence of the article that does not overlap a span in `skip`."""
    claims = []
    for span in split_sentences(article.text, language=article.language or "en"):
        if any(span.start < end and start < span.end for start, end in skip):
            continue
        claims.append(
            _claim_for_span(article=article, start=span.start, end=span.end, origin=ClaimOrigin.SPLIT)
        )
    return claims


@transaction.atomic
def article_split_claims(*, article: Article) -> list[Claim]:
    """Split a newly stored article into one claim per sentence, scored for check-worthiness."""
    made = bulk_create_with_history(_split_claims(article), Claim, default_user=article.ingested_by)
    webhooks.webhooks_claims_created(claims=made)
    checkworthiness.checkworthiness_claims_changed(claim_ids=[claim.pk for claim in made])
    return made


@transaction.atomic
def claim_create_manual(*, article: Article, start: int, end: int, user) -> Claim:
    """Make a claim from any span a reviewer chose; surrounding whitespace is trimmed off.

    The offsets refer to the text the caller holds: if an editor replaced the article's text meanwhile,
    the span would point at other words, so the claim is refused rather than misplaced.
    """
    # A key-share lock: the text cannot be replaced (which updates the row) until this claim is stored.
    current = Article.objects.select_for_update(no_key=True).only("text_revision").get(pk=article.pk)
    if current.text_revision != article.text_revision:
        raise InputRejected(
            "The article's text was changed since you selected it. Reload the page and select again."
        )
    if not (0 <= start < end <= len(article.text)):
        raise InputRejected("The selection is outside the article's text.")
    span = article.text[start:end]
    start += len(span) - len(span.lstrip())
    end -= len(span) - len(span.rstrip())
    if start >= end:
        raise InputRejected("The selection contains no text.")
    if article.claims.filter(start=start, end=end).exclude(anchor_state=AnchorState.LOST).exists():
        raise InputRejected("That exact span is already a claim.")
    claim = _claim_for_span(article=article, start=start, end=end, origin=ClaimOrigin.MANUAL, user=user)
    claim._history_user = user
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        # Someone else made a claim of the same span between the check above and this insert.
        raise InputRejected("That exact span is already a claim.") from None
    coverage.coverage_claims_changed(claims=[claim])
    webhooks.webhooks_claims_created(claims=[claim])
    checkworthiness.checkworthiness_claims_changed(claim_ids=[claim.pk])
    return claim


@dataclass(frozen=True)
class ResplitOutcome:
    kept: int
    changed: int
    lost: int
    removed: int
    added: int


@transaction.atomic
def article_replace_text(*, article: Article, text: str, user=None) -> ResplitOutcome:
    """Replace an article's text (re-fetched or corrected) and re-split it without losing reviewers' work.

    Every claim is re-anchored by its quote selector. Claims someone worked on are always kept, flagged
    `changed` or `lost` when their text moved on; untouched split claims that no longer match are
    replaced by the new split, which fills in every sentence not covered by a kept claim.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    old_text = article.text
    if text == old_text:
        return ResplitOutcome(kept=article.claims.count(), changed=0, lost=0, removed=0, added=0)
    # Locked (in primary-key order, as claim edits lock them) so a concurrent merge, split or verdict
    # cannot be overwritten by the stale copies saved below.
    claims = sorted(article.claims.select_for_update().order_by("pk"), key=lambda c: (c.start, c.pk))
    worked_on_ids = claims_with_reviewer_work(claims)
    anchors = reanchor(
        old_text,
        text,
        [
            (c.start, c.end, TextQuoteSelector(exact=c.text, prefix=c.quote_prefix, suffix=c.quote_suffix))
            for c in claims
        ],
    )
    article.text = text
    article.content_hash = content_hash(text)
    article.text_revision += 1
    article._history_user = user
    article.save()

    kept, counts = [], {"kept": 0, "changed": 0, "lost": 0, "removed": 0}
    for claim, anchor in zip(claims, anchors, strict=True):
        if anchor.state != AnchorState.LOST and (anchor.start, anchor.end) in kept:
            # Two claims found the same words (one of two identical sentences was removed): only one can
            # hold the span, so the other is kept as lost rather than refused by the unique constraint.
            anchor = replace(anchor, state=AnchorState.LOST)
        worked_on = claim.pk in worked_on_ids
        if anchor.state != AnchorState.ANCHORED and not worked_on:
            claim._history_user = user
            claim.delete()
            counts["removed"] += 1
            continue
        before = (claim.start, claim.end, claim.text, claim.anchor_state)
        claim.anchor_state = anchor.state
        if anchor.state != AnchorState.LOST:
            # The span follows the new text (the old wording stays in the claim's history); a `changed`
            # flag asks a reviewer to confirm that evidence and verdict still fit the new words.
            claim.start, claim.end = anchor.start, anchor.end
            claim.text = text[anchor.start : anchor.end]
            selector = make_selector(text, anchor.start, anchor.end)
            claim.quote_prefix, claim.quote_suffix = selector.prefix, selector.suffix
            kept.append((claim.start, claim.end))
        counts["kept" if anchor.state == AnchorState.ANCHORED else anchor.state] += 1
        if worked_on and before != (claim.start, claim.end, claim.text, claim.anchor_state):
            # Someone may have this claim open: an edit begun on the old span must be refused, not applied
            # to the moved one. (Untouched claims keep version 1, which marks them as untouched.)
            claim.version += 1
        claim._history_user = user
        claim.save()

    added = bulk_create_with_history(_split_claims(article, skip=kept), Claim, default_user=user)
    webhooks.webhooks_claims_created(claims=added)
    checkworthiness.checkworthiness_claims_changed(claim_ids=[claim.pk for claim in added])
    coverage.coverage_article_changed(article=article)
    return ResplitOutcome(**counts, added=len(added))


def claim_start_work(*, claim: Claim, user=None) -> None:
    """Work has started on the (locked) claim: evidence, a verdict or an assignment. A new one is in review."""
    if claim_apply(claim, ClaimEvent.START_WORK):
        save_edit(claim, user, update_fields=["status"])
