"""History: what changed, who changed it and when, read from django-simple-history, with readable labels.

The one place that diffs history records: the claim's history in the side panel and the "what they
changed" list on a conflict page both come from here.
"""

from django.contrib.auth import get_user_model

from claims.choices import AnchorState, ClaimKind, ClaimStatus, Stance, VerdictStatus
from claims.editing import person_name
from claims.models import Claim, Evidence, Rating, Verdict

# Bookkeeping fields whose changes say nothing to a person.
_NOT_SHOWN = ["updated_at", "version"]

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
    users = {u.pk: person_name(u) for u in get_user_model().objects.filter(pk__in=user_ids)}
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
                delta = record.diff_against(previous, excluded_fields=_NOT_SHOWN)
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


def last_save_changes(obj) -> list[dict]:
    """What the last save of `obj` changed, with readable labels (empty when it was just created)."""
    record = obj.history.select_related("history_user").first()
    previous = record.prev_record if record is not None else None
    if record is None or previous is None:
        return []
    delta = record.diff_against(previous, excluded_fields=[*_NOT_SHOWN, "reasons"])
    entry = {
        "what": type(obj).__name__,
        "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in delta.changes],
    }
    _label_changes([entry])
    return entry["changes"]
