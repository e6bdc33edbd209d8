"""Read queries for the claim-editing controls of the side panel (merge neighbours, split points)."""

from claims.choices import AnchorState
from claims.models import Claim
from claims.text.splitting import split_label, split_points


def _neighbours_in(claim: Claim, article_claims: list[Claim]) -> dict:
    ordered = sorted(
        (c for c in article_claims if c.anchor_state != AnchorState.LOST or c.pk == claim.pk),
        key=lambda c: (c.start, c.id),
    )
    index = next(i for i, c in enumerate(ordered) if c.pk == claim.pk)
    return {
        "previous": ordered[index - 1] if index > 0 else None,
        "next": ordered[index + 1] if index + 1 < len(ordered) else None,
    }


def claim_neighbours(*, claim: Claim, article_claims: list[Claim] | None = None) -> dict:
    """The claims just before and after this one in article order (lost claims have no place).

    With the article's claims already loaded (the article page), no query is needed.
    """
    if article_claims is not None:
        return _neighbours_in(claim, article_claims)
    others = (
        Claim.objects.filter(article_id=claim.article_id)
        .exclude(pk=claim.pk)
        .exclude(anchor_state=AnchorState.LOST)
    )
    previous = (
        others.filter(start__lte=claim.start)
        .exclude(start=claim.start, id__gt=claim.id)
        .order_by("-start", "-id")
        .first()
    )
    following = (
        others.filter(start__gte=claim.start)
        .exclude(start=claim.start, id__lt=claim.id)
        .order_by("start", "id")
        .first()
    )
    return {"previous": previous, "next": following}


def split_choices(claim: Claim) -> list[tuple[int, str]]:
    """(article offset, label) for each sensible place to split the claim: clause breaks, not every word.

    Any other place can still be given by typing the first words of the second part.
    """
    return [(claim.start + at, split_label(claim.text, at)) for at in split_points(claim.text)]


def claim_edit_options(*, claim: Claim, article_claims: list[Claim] | None = None) -> dict:
    """Extra side-panel context for _actions.html: neighbours to merge with and points to split at."""
    if claim.anchor_state == AnchorState.LOST:
        return {"merge_neighbours": {"previous": None, "next": None}, "split_choices": []}
    return {
        "merge_neighbours": claim_neighbours(claim=claim, article_claims=article_claims),
        "split_choices": split_choices(claim),
    }
