"""Check-worthiness labels read from reviewers' decisions, for ``train_checkworthiness --from-reviews``.

One query, streamed: a claim reviewers dismissed is a "No"; a claim that got evidence or a verdict,
or that a reviewer made by hand from a selection, is a "Yes". Everything else (claims nobody has
decided on yet) is no label at all.
"""

from collections.abc import Iterator

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from claims.choices import ClaimOrigin, ClaimStatus
from claims.models import Claim, Evidence, Verdict

CHUNK_SIZE = 2000


def checkworthiness_labels(*, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[str, bool]]:
    """(claim text, is check-worthy) for every claim reviewers have decided on, oldest first.

    There is no separate "not check-worthy" flag on a dismissal (``Claim.dismissed_reason`` is free
    text), so every dismissed claim counts as a "No". A dismissal is the reviewers' latest word on
    the claim, so it wins over evidence gathered before it.
    """
    worked_on = (
        Q(origin=ClaimOrigin.MANUAL)
        | Q(Exists(Evidence.objects.filter(claim=OuterRef("pk"))))
        | Q(Exists(Verdict.objects.filter(claim=OuterRef("pk"))))
    )
    rows = (
        Claim.objects.annotate(
            label=Case(
                When(status=ClaimStatus.DISMISSED, then=Value(False)),
                When(worked_on, then=Value(True)),
                default=None,
            )
        )
        .filter(label__isnull=False)
        .order_by("created_at", "id")
        .values_list("text", "label")
    )
    for text, label in rows.iterator(chunk_size=chunk_size):
        if text.strip():
            yield text, bool(label)
