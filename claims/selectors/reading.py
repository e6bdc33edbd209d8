"""Read queries for views and the API. Each issues a fixed number of queries, whatever the size."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404

from claims import roles
from claims.choices import OPEN_VERDICT_STATUSES, AnchorState, ClaimKind, ClaimStatus, Stance, VerdictStatus
from claims.models import Article, Claim, Comment, Evidence, Rating, Verdict
from claims.selectors.claim_editing import claim_edit_options


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
    claims = list(
        claims_with_rating().filter(article=article).select_related("assignee").order_by("start", "id")
    )
    return article, claims


_FIELD_LABELS = {"status": ClaimStatus, "kind": ClaimKind, "anchor_state": AnchorState, "stance": Stance}
_FIELD_NAMES = {
    "normalised_text": "normalised wording",
    "dismissed_reason": "dismissal reason",
    "anchor_state": "anchoring",
    "checkworthiness": "check-worthiness",
    "quote_prefix": "text before the quote",
    "quote_suffix": "text after the quote",
    "review_comment": "review comment",
}


def _label_changes(entries: list[dict]) -> None:
    """Give each change readable labels: choice values by their display name, people and ratings by name."""
    user_ids, rating_ids = set(), set()
    for entry in entries:
        for change in entry["changes"]:
            ids = user_ids if change["field"] in ("assignee", "author", "approver") else rating_ids
            if change["field"] in ("assignee", "author", "approver", "rating"):
                ids.update(v for v in (change["old"], change["new"]) if v is not None)
    users = {u.pk: str(u.get_full_name() or u) for u in get_user_model().objects.filter(pk__in=user_ids)}
    ratings = {r.pk: r.label for r in Rating.objects.filter(pk__in=rating_ids)}
    for entry in entries:
        for change in entry["changes"]:
            field = change["field"]
            choices = (
                VerdictStatus if (entry["what"], field) == ("Verdict", "status") else _FIELD_LABELS.get(field)
            )
            change["label"] = _FIELD_NAMES.get(field, field.replace("_", " "))
            # Free text is shown in quotes; names and choices are not.
            change["quoted"] = field not in _FIELD_LABELS and field not in (
                "assignee",
                "author",
                "approver",
                "rating",
            )
            for key in ("old", "new"):
                value = change[key]
                if value is None or value == "":
                    label = None
                elif choices is not None and value in choices.values:
                    label = choices(value).label.lower()
                elif field in ("assignee", "author", "approver"):
                    label = users.get(value, "a former user")
                elif field == "rating":
                    label = ratings.get(value, "a removed rating")
                else:
                    label = value
                change[f"{key}_label"] = label


def claim_history(claim: Claim) -> list[dict]:
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
                    "order": (record.history_date, record.history_id),
                }
            )
    _label_changes(entries)
    entries.sort(key=lambda e: e["order"], reverse=True)
    return entries


def claim_verdicts(*, claim: Claim) -> dict:
    """A claim's verdict revisions (newest first), its open and published ones, and the ratings on offer."""
    verdicts = list(
        Verdict.objects.filter(claim=claim)
        .select_related("rating", "author", "approver")
        .order_by("-revision")
    )
    return {
        "verdicts": verdicts,
        "open_verdict": next((v for v in verdicts if v.status in OPEN_VERDICT_STATUSES), None),
        "published_verdict": next((v for v in verdicts if v.status == VerdictStatus.PUBLISHED), None),
        "ratings": list(Rating.objects.filter(is_active=True)),
    }


def claim_panel_data(
    *, claim_id: int, article_claims: list[Claim] | None = None, with_history: bool = True
) -> dict:
    """Everything the side panel shows for one claim.

    The article page passes the claims it already loaded, so the selected claim and its neighbours cost
    no extra queries, and leaves the history to be fetched when a person opens it.
    """
    claim = next((c for c in article_claims or () if c.pk == claim_id), None)
    if claim is None:
        claim = get_object_or_404(
            claims_with_rating().select_related("article", "assignee", "created_by"), pk=claim_id
        )
    evidence = list(
        Evidence.objects.filter(claim=claim).select_related("source", "author").order_by("created_at", "id")
    )
    comments = list(Comment.objects.filter(claim=claim).select_related("author"))
    return {
        "claim": claim,
        "evidence": evidence,
        **claim_verdicts(claim=claim),
        "comments": comments,
        "history": claim_history(claim) if with_history else None,
        "assignable_users": assignable_users(),
        "stance_choices": Stance.choices,
        **claim_edit_options(claim=claim, article_claims=article_claims),
    }


def assignable_users():
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, groups__name__in=[roles.REVIEWER, roles.EDITOR])
        .distinct()
        .order_by("username")
    )
