"""Read queries for a source's archived copy and the evidence that cites it."""

from dataclasses import dataclass

from claims.models import Evidence, Source
from claims.text.excerpts import excerpt_location


@dataclass(frozen=True, slots=True)
class TextSegment:
    text: str
    mark: bool = False


def _highlight(text: str, span: tuple[int, int] | None) -> list[TextSegment]:
    """The archived text cut around the excerpt, so the template can mark it up and escape the rest."""
    if span is None:
        return [TextSegment(text)]
    start, end = span
    return [
        s
        for s in (TextSegment(text[:start]), TextSegment(text[start:end], True), TextSegment(text[end:]))
        if s.text
    ]


def source_archive(*, source_id: int, evidence_id: int | None = None) -> dict | None:
    """The source, everything citing it, and its text cut for highlighting one evidence's excerpt.

    None if there is no such source. Two queries, however many citations.
    """
    source = Source.objects.select_related("created_by").filter(pk=source_id).first()
    if source is None:
        return None
    citing = list(
        Evidence.objects.filter(source=source)
        .select_related("claim__article", "author")
        .order_by("claim__article_id", "claim__start", "id")
    )
    selected = next((e for e in citing if e.pk == evidence_id), None) if evidence_id else None
    span = None
    if selected is not None and selected.excerpt:
        span = excerpt_location(source.archived_text, selected.excerpt)
    return {
        "source": source,
        "citing": citing,
        "selected": selected,
        "excerpt_found": span is not None,
        "segments": _highlight(source.archived_text, span),
    }
