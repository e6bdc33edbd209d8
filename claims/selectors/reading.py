"""Read queries for views and the API. Each issues a fixed number of queries, whatever the size."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery

from claims import roles
from claims.choices import OPEN_VERDICT_STATUSES, AnchorState, Stance, VerdictStatus
from claims.models import Article, Claim, Comment, Evidence, Rating, Verdict
from claims.selectors.claim_editing import claim_edit_options
from claims.selectors.coverage import claim_coverage
from claims.selectors.history import claim_history


def _latest_published_verdict(field: str) -> Subquery:
    return Subquery(
        Verdict.objects.filter(claim=OuterRef("pk"), status=VerdictStatus.PUBLISHED)
        .order_by("-revision")
        .values(field)[:1]
    )


def claims_with_rating():
    """Claims annotated with the label and colour of their published rating, if any."""
    return Claim.objects.annotate(
        rating_label=_latest_published_verdict("rating__label"),
        rating_colour=_latest_published_verdict("rating__colour"),
    )


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of article text, and the claim shown for it (the innermost one where claims overlap)."""

    text: str
    claim: Claim | None = None


def article_segments(text: str, claims: list[Claim]) -> list[Segment]:
    """Cut the text at every claim boundary so each claim can be highlighted in place."""
    anchored = [c for c in claims if c.anchor_state != AnchorState.LOST and c.end <= len(text)]
    cuts = sorted({0, len(text), *(c.start for c in anchored), *(c.end for c in anchored)})
    by_start = sorted(anchored, key=lambda c: (c.start, c.end))
    segments, active = [], []
    index = 0
    for left, right in zip(cuts, cuts[1:], strict=False):
        while index < len(by_start) and by_start[index].start <= left:
            active.append(by_start[index])
            index += 1
        active = [c for c in active if c.end > left]
        covering = min(active, key=lambda c: c.end - c.start) if active else None
        segments.append(Segment(text=text[left:right], claim=covering))
    return segments


def article_for_reading(*, article_id: int) -> tuple[Article, list[Claim]] | None:
    """The article and its claims in reading order, or None if there is no such article."""
    article = Article.objects.select_related("ingested_by").filter(pk=article_id).first()
    if article is None:
        return None
    claims = list(
        claims_with_rating().filter(article=article).select_related("assignee").order_by("start", "id")
    )
    return article, claims


def claim_verdicts(*, claim: Claim) -> dict:
    """A claim's verdict revisions (newest first), its open and published ones, and the ratings on offer."""
    verdicts = list(
        Verdict.objects.filter(claim=claim)
        .select_related("rating", "author", "approver")
        .order_by("-revision")
    )
    every_rating = list(Rating.objects.all())  # the inactive ones still name outside fact-checks' ratings
    return {
        "verdicts": verdicts,
        "open_verdict": next((v for v in verdicts if v.status in OPEN_VERDICT_STATUSES), None),
        "published_verdict": next((v for v in verdicts if v.status == VerdictStatus.PUBLISHED), None),
        "ratings": [r for r in every_rating if r.is_active],
        "every_rating": every_rating,
    }


def claim_panel_data(
    *, claim_id: int, article_claims: list[Claim] | None = None, with_history: bool = True
) -> dict | None:
    """Everything the side panel shows for one claim.

    The article page passes the claims it already loaded, so the selected claim and its neighbours cost
    no extra queries, and leaves the history to be fetched when a person opens it. None if there is no
    such claim.
    """
    claim = next((c for c in article_claims or () if c.pk == claim_id), None)
    if claim is None:
        claim = (
            claims_with_rating()
            .select_related("article", "assignee", "created_by")
            .filter(pk=claim_id)
            .first()
        )
    if claim is None:
        return None
    evidence = list(
        Evidence.objects.filter(claim=claim).select_related("source", "author").order_by("created_at", "id")
    )
    comments = list(Comment.objects.filter(claim=claim).select_related("author"))
    verdicts = claim_verdicts(claim=claim)
    return {
        "claim": claim,
        "evidence": evidence,
        **verdicts,
        "comments": comments,
        "history": claim_history(claim) if with_history else None,
        "assignable_users": assignable_users(),
        "stance_choices": Stance.choices,
        **claim_edit_options(claim=claim, article_claims=article_claims),
        **claim_coverage(claim=claim, ratings=verdicts["every_rating"]),
    }


def assignable_users():
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, groups__name__in=[roles.REVIEWER, roles.EDITOR])
        .distinct()
        .order_by("username")
    )
