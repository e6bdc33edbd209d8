"""What the public fact-check pages read: published verdicts only, with what may be shown to anyone.

Nothing here touches drafts, submitted or returned revisions, review comments or internal comments: every
query starts from `status = published`. A superseded revision is only ever looked up to find the claim's
current published verdict, so that old links keep working (the view redirects). Query counts are fixed:
a page of the index is two queries (count and page) whatever its size; one verdict with its evidence, two.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from claims.choices import AnchorState, VerdictStatus
from claims.models import CitedEvidence, Claim, Verdict
from claims.text.splitting import split_sentences

INDEX_PAGE_SIZE = 20
FEED_SIZE = 50
FEED_CHUNK_SIZE = 500
# Sentences shown either side of the claim on its page, and how far to look for them.
CONTEXT_SENTENCES = 2
CONTEXT_WINDOW = 1_500


def published_verdicts() -> QuerySet[Verdict]:
    """Every published verdict, newest first, with what a listing or a ClaimReview shows."""
    return (
        Verdict.objects.filter(status=VerdictStatus.PUBLISHED)
        .select_related("claim__article", "rating", "author", "approver")
        .order_by("-published_at", "-id")
    )


def public_index_page(*, page_number: int | str | None, per_page: int = INDEX_PAGE_SIZE) -> Page:
    """One page of the index (an out-of-range or unreadable number gives the nearest real page)."""
    return Paginator(published_verdicts(), per_page).get_page(page_number)


def public_feed_verdicts(*, limit: int = FEED_SIZE) -> list[Verdict]:
    """The newest published verdicts, for the Atom feed."""
    return list(published_verdicts()[:limit])


def public_verdicts_for_datafeed(*, chunk_size: int = FEED_CHUNK_SIZE) -> Iterator[Verdict]:
    """Every published verdict, newest id first, read a chunk at a time by keyset (one query per chunk and
    no cursor held open between them: the response streaming them may be slow to read)."""
    verdicts = published_verdicts().order_by("-id")
    last_id = None
    while True:
        chunk = verdicts if last_id is None else verdicts.filter(id__lt=last_id)
        rows = list(chunk[:chunk_size])
        yield from rows
        if len(rows) < chunk_size:
            return
        last_id = rows[-1].pk


def public_verdict(*, verdict_id: int) -> Verdict | None:
    """A published verdict with the evidence it cited when approved (each with its source; CitedEvidence);
    None for any other id."""
    verdict = published_verdicts().filter(pk=verdict_id).first()
    if verdict is None:
        return None
    cited = CitedEvidence.objects.filter(verdict_id=verdict.pk).select_related("source")
    verdict.public_evidence = list(cited.defer("source__archived_text").order_by("position"))
    return verdict


def public_successor(*, verdict_id: int) -> Verdict | None:
    """For a superseded revision, its claim's published verdict now (old links redirect there); else None."""
    claim_id = (
        Verdict.objects.filter(pk=verdict_id, status=VerdictStatus.SUPERSEDED)
        .values_list("claim_id", flat=True)
        .first()
    )
    if claim_id is None:
        return None
    return Verdict.objects.filter(claim_id=claim_id, status=VerdictStatus.PUBLISHED).only("pk").first()


@dataclass(frozen=True)
class ClaimContext:
    """The claim where it stands in its article: the sentences before, the claim's words, the ones after.
    `more_before` / `more_after` say the article goes on beyond what is shown."""

    before: str
    claim: str
    after: str
    more_before: bool
    more_after: bool


def claim_context(claim: Claim, *, sentences: int = CONTEXT_SENTENCES) -> ClaimContext:
    """A few sentences either side of the claim, from its article's text. A claim whose place in the text
    was lost (the article changed under it) is shown alone, as it was quoted."""
    text = claim.article.text
    if claim.anchor_state == AnchorState.LOST or text[claim.start : claim.end] != claim.text:
        return ClaimContext("", claim.text, "", False, False)
    # Sentences are split in a window round the claim only: an article may be very long. The window's
    # outermost sentences may be cut off by its edges, so they are never shown.
    window_start = max(0, claim.start - CONTEXT_WINDOW)
    window_end = min(len(text), claim.end + CONTEXT_WINDOW)
    spans = [
        (window_start + s.start, window_start + s.end)
        for s in split_sentences(text[window_start:window_end], language=claim.article.language or "en")
    ]
    if window_start > 0 and spans and spans[0][1] <= claim.start:
        spans = spans[1:]
    if window_end < len(text) and spans and spans[-1][0] >= claim.end:
        spans = spans[:-1]
    before = [span for span in spans if span[1] <= claim.start][-sentences:] if sentences else []
    after = [span for span in spans if span[0] >= claim.end][:sentences] if sentences else []
    start = before[0][0] if before else claim.start
    end = after[-1][1] if after else claim.end
    return ClaimContext(
        before=text[start : claim.start],
        claim=claim.text,
        after=text[claim.end : end],
        more_before=bool(text[:start].strip()),
        more_after=bool(text[end:].strip()),
    )
