"""The one edit primitive: lock a row, check the version the person started from, save with a new version.

Every edit a person makes to a claim, a verdict or a piece of evidence goes through `lock_for_edit` and
`save_edit`, whichever door it came in by (browser, partner API, task). A stale edit is refused with one
`EditConflict` naming who saved the row last and when, so nothing is ever silently overwritten; a row
that is gone (a claim merged into another) is refused with one message per kind of object.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format

from claims.errors import EditConflict, InputRejected

# What a person is told when the row they were editing no longer exists, by model name.
GONE = {
    "claim": "This claim no longer exists (it may have been merged into another). Reload the article.",
    "verdict": "This verdict no longer exists (its claim may have been merged). Reload the claim.",
    "evidence": "That evidence no longer exists (it may have been removed already). Reload the claim.",
    "article": "This article no longer exists.",
}


def person_name(user) -> str:
    """How the workbench names a person: their full name, else their user name; "Someone" for nobody."""
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


def person_name_unambiguous(user) -> str:
    """ "Bob Smith (bsmith)": the name and the user name, for teams where two people share a name."""
    name = person_name(user)
    if user is not None and user.get_full_name():
        return f"{name} ({user.get_username()})"
    return name


def last_change(obj: models.Model) -> tuple[object | None, datetime.datetime | None]:
    """Who last saved `obj`, and when, from its history (None, None when it has no history)."""
    record = obj.history.select_related("history_user").first()
    if record is None:
        return None, None
    return record.history_user, record.history_date


def moment(when: datetime.datetime) -> str:
    """A time as the workbench states it in messages: "14:03:27 on 2 Dec 2026" (local time)."""
    return date_format(timezone.localtime(when), "H:i:s \\o\\n j M Y")


def conflict(current: models.Model, *, outcome: str = "Your change was not saved") -> EditConflict:
    """The refusal of a stale edit: who saved `current` last and when, in the one wording used everywhere."""
    who, when = last_change(current)
    what = current._meta.verbose_name
    at = moment(when) if when else "an unknown time"
    return EditConflict(
        f"{outcome}: {person_name_unambiguous(who)} changed this {what} at {at}. "
        "Nothing was overwritten: check the current version and apply your change again if it still fits.",
        current=current,
    )


def lock_for_edit(
    queryset: models.QuerySet,
    pk: int,
    *,
    expected_version: int | None,
    outcome: str = "Your change was not saved",
):
    """The row, locked for this transaction, as it stands now; refused if it moved on from the version
    the person started from (`expected_version`; None for an edit that cannot overwrite anything, such
    as adding a comment, which only needs the row to exist and stay put)."""
    current = queryset.select_for_update().filter(pk=pk).first()
    if current is None:
        raise InputRejected(
            GONE.get(queryset.model._meta.model_name, "This no longer exists. Reload the page.")
        )
    if expected_version is not None and current.version != expected_version:
        raise conflict(current, outcome=outcome)
    return current


def save_edit(obj: models.Model, user, *, update_fields: list[str] | None = None):
    """Save a person's edit under a new version, recording them in the history."""
    obj.version += 1
    obj._history_user = user
    if update_fields is not None:
        update_fields = [*update_fields, "version"]
        if any(f.name == "updated_at" for f in obj._meta.fields):
            update_fields.append("updated_at")
    obj.save(update_fields=update_fields)
    return obj
