"""Check-worthiness reads: the labels in reviewers' decisions (for ``train_checkworthiness --from-reviews``
and the weekly retraining), the active model, and what the dashboard says of them.

The labels are one query, streamed: a claim reviewers dismissed as not check-worthy is a "No"; a claim that got
evidence or a verdict, or that a reviewer made by hand from a selection, is a "Yes". Everything else
(claims nobody has decided on yet, or dismissed for another reason) is no label at all.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When

from claims.choices import ClaimOrigin, ClaimStatus
from claims.models import CheckworthinessModel, Claim, Evidence, Verdict

CHUNK_SIZE = 2000


def labelled_claims() -> QuerySet[Claim]:
    """The claims reviewers have decided on, each annotated with its `label` (True: worth checking).

    A claim dismissed as not check-worthy (the dismissal's one-click answer, ``Claim.not_checkworthy``) is a
    "No"; one dismissed for another reason (a duplicate, out of scope) says nothing about check-worthiness
    and is no label. A dismissal is the reviewers' latest word on the claim, so it wins over evidence
    gathered before it.
    """
    worked_on = (
        Q(origin=ClaimOrigin.MANUAL)
        | Q(Exists(Evidence.objects.filter(claim=OuterRef("pk"))))
        | Q(Exists(Verdict.objects.filter(claim=OuterRef("pk"))))
    )
    return Claim.objects.annotate(
        label=Case(
            When(status=ClaimStatus.DISMISSED, not_checkworthy=True, then=Value(False)),
            When(status=ClaimStatus.DISMISSED, then=Value(None)),
            When(worked_on, then=Value(True)),
            default=Value(None),
            output_field=BooleanField(),
        )
    ).filter(label__isnull=False)


def checkworthiness_labels(*, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[str, bool]]:
    """(claim text, is check-worthy) for every claim reviewers have decided on (labelled_claims), oldest
    first."""
    rows = labelled_claims().order_by("created_at", "id").values_list("text", "label")
    for text, label in rows.iterator(chunk_size=chunk_size):
        if text.strip():
            yield text, bool(label)


@dataclass(frozen=True)
class ScorerStatus:
    """Which scorer scores claims (`model` None: the rules) and how many reviewer labels came after that
    model was trained (all of them for the rules): what retraining would add."""

    model: CheckworthinessModel | None
    labels_since: int


def active_model() -> CheckworthinessModel | None:
    """The trained model that scores claims; None: the rule scorer does."""
    return CheckworthinessModel.objects.filter(is_active=True).first()


def scorer_status() -> ScorerStatus:
    """Two queries: the active model, and the labels since it was trained."""
    model = active_model()
    claims = labelled_claims()
    if model is not None:
        claims = claims.filter(updated_at__gt=model.trained_at)
    return ScorerStatus(model=model, labels_since=claims.count())
