"""Has this been checked? The published fact-checks that match each of a batch of texts.

The fact-checks are the related-coverage corpus's verdict kinds (claims/coverage/): our own published
verdicts (`factcheck` items with a verdict), archives loaded by `load_factchecks` (`factcheck` items with an
external id) and imported ClaimReview records (`claimreview`). The texts are searched in one batch of the
process's engine, each held to the items close enough in meaning; then one query loads every matched item,
whatever the number of texts and matches. All of it is public: a partner with a read key may see every match.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from claims.choices import FACTCHECK_KINDS, CorpusKind, VerdictStatus
from claims.coverage.engine import Match, Query
from claims.coverage.store import corpus_store
from claims.models import CorpusItem, Rating
from claims.outside.ratings import UNMAPPED

# The bar the claim panel's suggestions use (claims/services/coverage.py MIN_SIMILARITY): the fused score is
# relative to the best candidate, so only closeness in meaning tells a real match from the least bad one.
MIN_SIMILARITY = 0.3
MAX_MATCHES = 10


@dataclass(frozen=True)
class FactCheckMatch:
    kind: str  # "factcheck" | "claimreview"
    origin: str  # "verdict" (ours), "archive" (a loaded file), "claimreview" (imported)
    verdict_id: int | None
    title: str
    claim: str
    summary: str | None
    url: str | None
    publisher: str | None
    rating: dict | None  # {"slug", "label", "publisher_label"}
    date: object
    score: float
    similarity: float
    reasons: tuple[str, ...]


def factchecks_matching(*, texts: list[str], limit: int = 5) -> list[list[FactCheckMatch]]:
    """For each text, its best published fact-checks (at most `limit`), best first."""
    limit = max(1, min(limit, MAX_MATCHES))
    store = corpus_store()
    # One batch: the texts are embedded together, several times faster than one search each. The engine
    # locks itself around each search; the store's own lock only orders its refreshes, done above.
    searched = store.engine.search_many([Query(text=text, kinds=FACTCHECK_KINDS) for text in texts], k=limit)
    found: list[list[Match]] = [[m for m in matches if m.semantic >= MIN_SIMILARITY] for matches in searched]
    items = _items({int(m.key) for matches in found for m in matches})
    return [[_match(items[int(m.key)], m) for m in matches if int(m.key) in items] for matches in found]


def _items(ids: set[int]) -> dict[int, CorpusItem]:
    """The matched items still published, with what they say: one query (none without matches)."""
    if not ids:
        return {}
    scale_label = Rating.objects.filter(slug=OuterRef("rating")).values("label")[:1]
    items = (
        CorpusItem.objects.filter(pk__in=ids, kind__in=FACTCHECK_KINDS)
        # A verdict's item is replaced when a newer revision is published; this guards the moment between.
        .filter(Q(verdict__isnull=True) | Q(verdict__status=VerdictStatus.PUBLISHED))
        .select_related("verdict__claim", "verdict__rating")
        .annotate(scale_label=Subquery(scale_label))
        .only(
            "id",
            "kind",
            "text",
            "title",
            "date",
            "url",
            "publisher",
            "rating",
            "rating_label",
            "external_id",
            "verdict__id",
            "verdict__summary",
            "verdict__published_at",
            "verdict__claim__text",
            "verdict__claim__normalised_text",
            "verdict__rating__slug",
            "verdict__rating__label",
        )
    )
    return {item.pk: item for item in items}


def _match(item: CorpusItem, match: Match) -> FactCheckMatch:
    verdict = item.verdict
    if verdict is not None:
        origin = "verdict"
        claim = verdict.claim.normalised_text or verdict.claim.text
        rating = {"slug": verdict.rating.slug, "label": verdict.rating.label, "publisher_label": None}
    else:
        origin = "archive" if item.kind == CorpusKind.FACTCHECK else "claimreview"
        claim = item.text
        rating = _outside_rating(item)
    return FactCheckMatch(
        kind=item.kind,
        origin=origin,
        verdict_id=verdict.pk if verdict is not None else None,
        title=item.title,
        claim=claim,
        summary=verdict.summary if verdict is not None else None,
        url=item.url or None,
        publisher=item.publisher or None,
        rating=rating,
        date=item.date,
        score=round(match.score, 4),
        similarity=round(match.semantic, 4),
        reasons=tuple(match.reasons),
    )


def _outside_rating(item: CorpusItem) -> dict | None:
    """An outside fact-check's rating: our scale's step when it maps onto one, and the publisher's words."""
    if not item.rating and not item.rating_label:
        return None
    mapped = item.rating and item.rating != UNMAPPED and item.scale_label
    return {
        "slug": item.rating if mapped else None,
        "label": item.scale_label if mapped else item.rating_label,
        "publisher_label": item.rating_label or None,
    }
