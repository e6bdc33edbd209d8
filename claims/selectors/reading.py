"""Read queries for views and the API. Each issues a fixed number of queries, whatever the size."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404

from claims import roles
from claims.choices import AnchorState, VerdictStatus
from claims.models import Article, Claim, Comment, Evidence, Rating, Verdict

# A claim has at most one verdict revision in these states at a time (a database constraint says so).
OPEN_VERDICT_STATUSES = (VerdictStatus.DRAFT, VerdictStatus.SUBMITTED, VerdictStatus.RETURNED)


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


def article_for_reading(*, article_id: int) -> tuple[Article, list[Claim]]:
    article = get_object_or_404(Article.objects.select_related("ingested_by"), pk=article_id)
    claims = list(claims_with_rating().filter(article=article).select_related("assignee").order_by("start", "id"))
    return article, claims


def claim_history(claim: Claim, evidence: list[Evidence], verdicts: list[Verdict]) -> list[dict]:
    """Every recorded change to the claim, its evidence and its verdicts, newest first, with what changed."""
    entries = []
    records = [
        ("Claim", list(Claim.history.filter(id=claim.pk).select_related("history_user"))),
        ("Evidence", list(Evidence.history.filter(claim_id=claim.pk).select_related("history_user"))),
        ("Verdict", list(Verdict.history.filter(claim_id=claim.pk).select_related("history_user"))),
    ]
    for label, history in records:
        previous_by_id = {}
        for record in sorted(history, key=lambda r: (r.history_date, r.history_id)):
            previous = previous_by_id.get(record.id)
            changes = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous, excluded_fields=["updated_at", "version"])
                changes = [
                    {"field": change.field, "old": change.old, "new": change.new} for change in delta.changes
                ]
            previous_by_id[record.id] = record
            entries.append(
                {
                    "what": label,
                    "action": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                    "who": record.history_user,
                    "when": record.history_date,
                    "changes": changes,
                    "summary": getattr(record, "status", "") if label != "Evidence" else record.stance,
                }
            )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def claim_panel_data(*, claim_id: int) -> dict:
    """Everything the side panel shows for one claim."""
    claim = get_object_or_404(
        claims_with_rating().select_related("article", "assignee", "created_by"), pk=claim_id
    )
    evidence = list(
        Evidence.objects.filter(claim=claim).select_related("source", "author").order_by("created_at", "id")
    )
    verdicts = list(
        Verdict.objects.filter(claim=claim).select_related("rating", "author", "approver").order_by("-revision")
    )
    comments = list(Comment.objects.filter(claim=claim).select_related("author"))
    open_verdict = next((v for v in verdicts if v.status in OPEN_VERDICT_STATUSES), None)
    published = next((v for v in verdicts if v.status == VerdictStatus.PUBLISHED), None)
    return {
        "claim": claim,
        "evidence": evidence,
        "verdicts": verdicts,
        "open_verdict": open_verdict,
        "published_verdict": published,
        "comments": comments,
        "history": claim_history(claim, evidence, verdicts),
        "ratings": list(Rating.objects.filter(is_active=True)),
        "assignable_users": assignable_users(),
    }


def assignable_users():
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, groups__name__in=[roles.REVIEWER, roles.EDITOR])
        .distinct()
        .order_by("username")
    )
