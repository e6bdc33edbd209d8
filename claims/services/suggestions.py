"""Reviewers' decisions on related-coverage suggestions: accept (as evidence or as the same claim), dismiss.

Each decision is a compare-and-set from undecided, made once, with who and when; decided pairs are the
labelled pairs for tuning (`selectors/coverage.py::coverage_labelled_pairs`).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from claims.choices import FACTCHECK_KINDS, CorpusKind, SuggestionStatus, SuggestionUse
from claims.editing import moment, person_name
from claims.errors import InputRejected
from claims.models import CorpusItem, Suggestion
from claims.services import evidence as evidence_service
from claims.services.sources import TITLE_MAX as SOURCE_TITLE_MAX


def _refuse_decided(suggestion_id: int) -> None:
    current = Suggestion.objects.select_related("decided_by").filter(pk=suggestion_id).first()
    if current is None:
        raise InputRejected("This suggestion is no longer there (the claim's suggestions were refreshed).")
    when = f" at {moment(current.decided_at)}" if current.decided_at else ""
    raise InputRejected(
        f"{person_name(current.decided_by)} already {current.get_status_display().lower()} this suggestion"
        f"{when}; nothing was changed."
    )


def _decide(suggestion_id: int, *, status: str, user, **fields) -> None:
    """Compare-and-set from undecided: exactly one decision per suggestion."""
    decided = Suggestion.objects.filter(pk=suggestion_id, status=SuggestionStatus.SUGGESTED).update(
        status=status, decided_by=user, decided_at=timezone.now(), **fields
    )
    if decided != 1:
        _refuse_decided(suggestion_id)


def _evidence_title(item: CorpusItem) -> str:
    label = {
        CorpusKind.FACTCHECK: "Fact-check",
        CorpusKind.CLAIMREVIEW: "Fact-check",
        CorpusKind.FEED_ITEM: "Article",
        CorpusKind.PASSAGE: "Article",
        CorpusKind.SOURCE: "Source",
    }
    title = item.title or (item.text[:120] + ("…" if len(item.text) > 120 else ""))
    return f"{label.get(item.kind, 'Coverage')}: {title}"[:SOURCE_TITLE_MAX]


@transaction.atomic
def suggestion_accept(
    *, suggestion: Suggestion, use: str, user, stance: str = "", note: str = ""
) -> Suggestion:
    """Accept a suggestion: as evidence (with a stance), or as "the same claim as this fact-check"."""
    if use not in SuggestionUse.values:
        raise InputRejected("Say whether to attach it as evidence or to mark it as the same claim.")
    needed = "claims.add_evidence" if use == SuggestionUse.EVIDENCE else "claims.change_claim"
    if not user.has_perm(needed):
        raise PermissionDenied("Only reviewers and editors can accept suggestions.")
    current = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("item", "claim__article")
        .filter(pk=suggestion.pk)
        .first()
    )
    if current is None or current.status != SuggestionStatus.SUGGESTED:
        _refuse_decided(suggestion.pk)
    item = current.item
    evidence = None
    if use == SuggestionUse.SAME_CLAIM:
        if item.kind not in FACTCHECK_KINDS:
            raise InputRejected("Only a fact-check can be the same claim; attach this one as evidence.")
    else:
        published = item.date if item.date and item.date <= timezone.localdate() else None
        evidence = evidence_service.evidence_add_manual(
            claim=current.claim,
            title=_evidence_title(item),
            publisher=item.publisher,
            published_at=published,
            url=item.url,
            archived_text=item.text,
            stance=stance,
            excerpt=current.passage.removesuffix("…").strip(),
            note=note,
            user=user,
        )
    _decide(current.pk, status=SuggestionStatus.ACCEPTED, user=user, used_as=use, evidence=evidence)
    current.refresh_from_db()
    return current


@transaction.atomic
def suggestion_dismiss(*, suggestion: Suggestion, user) -> Suggestion:
    """Dismiss a suggestion: it is kept as a labelled pair and not suggested for this claim again."""
    if not user.has_perm("claims.change_claim"):
        raise PermissionDenied("Only reviewers and editors can dismiss suggestions.")
    _decide(suggestion.pk, status=SuggestionStatus.DISMISSED, user=user)
    return Suggestion.objects.get(pk=suggestion.pk)
