"""Related coverage for the claim panel, and the reviewers' decisions as labelled pairs. Fixed query counts."""

from claims.choices import JobKind, SuggestionStatus
from claims.models import Claim, Job, Rating, Suggestion, suggestion_job_key


def claim_coverage(*, claim: Claim, ratings: list[Rating] | None = None) -> dict:
    """The claim's latest suggestion job, its suggestions (undecided first, by rank) and the rating scale by
    slug (to name outside fact-checks' ratings): two queries, three unless the caller has every rating."""
    job = (
        Job.objects.filter(kind=JobKind.SUGGEST_COVERAGE, dedupe_key=suggestion_job_key(claim.pk))
        .order_by("-created_at", "-id")
        .only("status", "error", "created_at", "finished_at", "kind", "result", "retry_at", "attempts")
        .first()
    )
    suggestions = list(
        Suggestion.objects.filter(claim=claim)
        .select_related("item__feed", "decided_by", "evidence")
        .order_by("rank", "id")
    )
    return {
        "coverage_job": job,
        "suggestions": [s for s in suggestions if s.status == SuggestionStatus.SUGGESTED],
        "decided_suggestions": [s for s in suggestions if s.status != SuggestionStatus.SUGGESTED],
        "rating_scale": {r.slug: r for r in (Rating.objects.all() if ratings is None else ratings)},
    }


def coverage_labelled_pairs(*, since=None) -> list[dict]:
    """Every decided (claim, item) pair, for tuning: accepted ones are positives, dismissed ones negatives."""
    decided = Suggestion.objects.exclude(status=SuggestionStatus.SUGGESTED)
    if since is not None:
        decided = decided.filter(decided_at__gte=since)
    return list(
        decided.order_by("decided_at", "id").values(
            "claim_id",
            "claim__text",
            "claim__normalised_text",
            "item_id",
            "item__kind",
            "item__external_id",
            "item__text",
            "status",
            "used_as",
            "score",
            "lexical",
            "semantic",
            "decided_by__username",
            "decided_at",
        )
    )
