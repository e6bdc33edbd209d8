"""Importing outside fact-checks (schema.org ClaimReview) into the related-coverage corpus.

Files are read by claims/outside/claimreview.py (every shape publishers use; each unusable review reported
with its reason, never stopping the others). Each usable review becomes one `CorpusItem` of kind
"claimreview", identified by the review's identity key (its address, or claim + publisher + date when it
has none): importing the same data again adds nothing, and a review whose content changed is updated
(and embedded again when its wording did).

All the files of one import are stored in one transaction; the new and changed items are then embedded in
the background (an `index_corpus` job, which also re-suggests the open claims they may affect), so a large
import is not held up by the embedding model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.choices import CorpusKind
from claims.models import CorpusItem, Rating
from claims.outside.claimreview import ClaimReviewRecord, parse_claimreviews
from claims.outside.ratings import RatingMap
from claims.services.coverage import TITLE_MAX, coverage_items_loaded

LOOKUP_BATCH = 5_000
PUBLISHER_MAX = CorpusItem._meta.get_field("publisher").max_length
LABEL_MAX = CorpusItem._meta.get_field("rating_label").max_length
URL_MAX = CorpusItem._meta.get_field("url").max_length
# What an import may change on an item it stored before (with `details` and `updated_at`).
IMPORTED_FIELDS = ["text", "title", "date", "language", "url", "publisher", "rating_label", "rating"]
EMBEDDING_FIELDS = ["embedding", "embedding_model", "indexed_at"]


@dataclass(frozen=True)
class ImportFile:
    name: str  # shown in errors: a path, or an uploaded file's name
    data: bytes
    url: str = ""  # the address the file was saved from, when known (relative links resolve against it)


@dataclass
class ImportSummary:
    """What one import did. `skipped` counts the reviews found that were neither new nor changed: the
    ones that could not be used (each in `errors` with its reason) and the ones already stored as they are."""

    files: int = 0
    reviews_found: int = 0
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[dict] = field(default_factory=list)  # {"file": name, "reason": sentence}
    item_ids: list[int] = field(default_factory=list)  # new and changed items, to embed

    def to_dict(self) -> dict:
        """The `--json` summary, exactly these keys."""
        return {
            "files": self.files,
            "reviews_found": self.reviews_found,
            "imported": self.imported,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": list(self.errors),
        }


def claimreview_rating_map() -> RatingMap:
    """The label map of the settings over the built-in one, limited to the ratings our scale has."""
    return RatingMap(settings.CLAIMREVIEW_RATING_LABELS, slugs=Rating.objects.values_list("slug", flat=True))


def claimreviews_import(
    *, files: Iterable[ImportFile], refresh: bool = True, problems: Iterable[dict] = ()
) -> ImportSummary:
    """Read every file, store its usable reviews (one transaction), then queue their embedding.

    `problems` are errors found before reading (a path that does not exist, an upload too large), counted
    in the summary like the others. With `refresh`, the embedding job also re-suggests affected open claims.
    """
    summary = ImportSummary(errors=list(problems))
    ratings = claimreview_rating_map()
    wanted: dict[str, dict] = {}  # identity key → item fields, the last file's version winning
    for file in files:
        summary.files += 1
        result = parse_claimreviews(file.data, file.name, url=file.url, ratings=ratings)
        summary.reviews_found += result.reviews_found
        summary.errors.extend({"file": file.name, "reason": message} for message in result.messages())
        for record in result.records:
            wanted[record.identity_key] = _item_fields(record, file.name)

    with transaction.atomic():
        created, changed, unchanged = _store(wanted)
        summary.imported, summary.updated = len(created), len(changed)
        summary.item_ids = [item.pk for item in created + changed]
        # Items stored earlier whose embedding never happened (a job that failed) are embedded now too.
        unindexed = [item.pk for item in unchanged if item.embedding is None]
        coverage_items_loaded(item_ids=summary.item_ids + unindexed, refresh=refresh)
    summary.skipped = summary.reviews_found - summary.imported - summary.updated
    return summary


def _item_fields(record: ClaimReviewRecord, file_name: str) -> dict:
    title = record.title if record.title and record.title != record.claim_text else ""
    return {
        "text": record.claim_text,
        "title": title[:TITLE_MAX],
        "date": record.review_date or record.claim_date,
        "language": record.language,
        "url": record.review_url[:URL_MAX],
        "publisher": (record.publisher_name or record.publisher_site)[:PUBLISHER_MAX],
        "rating_label": record.rating_label[:LABEL_MAX],
        "rating": record.rating,
        "details": {
            "claimant": record.claimant,
            "claim_date": record.claim_date.isoformat() if record.claim_date else None,
            "appearances": list(record.appearance_urls),
            "authors": list(record.author_names),
            "publisher_site": record.publisher_site,
            "rating_value": record.rating_value,
            "best_rating": record.best_rating,
            "worst_rating": record.worst_rating,
            "rating_basis": record.rating_basis,
            "identity_basis": record.identity_basis,
            "origin": record.origin,
            "warnings": list(record.warnings),
            "file": file_name,
        },
    }


def _store(wanted: dict[str, dict]) -> tuple[list[CorpusItem], list[CorpusItem], list[CorpusItem]]:
    """Create the new items and update the changed ones; return (created, changed, unchanged)."""
    keys = list(wanted)
    existing: dict[str, CorpusItem] = {}
    for start in range(0, len(keys), LOOKUP_BATCH):
        batch = keys[start : start + LOOKUP_BATCH]
        for item in CorpusItem.objects.filter(kind=CorpusKind.CLAIMREVIEW, external_id__in=batch):
            existing[item.external_id] = item
    now = timezone.now()
    created, changed, unchanged = [], [], []
    for key, fields in wanted.items():
        item = existing.get(key)
        if item is None:
            created.append(CorpusItem(kind=CorpusKind.CLAIMREVIEW, external_id=key, **fields))
            continue
        if all(getattr(item, name) == value for name, value in fields.items()):
            unchanged.append(item)
            continue
        if (item.text, item.title) != (fields["text"], fields["title"]):
            item.embedding, item.embedding_model, item.indexed_at = None, "", None
        for name, value in fields.items():
            setattr(item, name, value)
        item.updated_at = now
        changed.append(item)
    CorpusItem.objects.bulk_create(created, batch_size=1_000)
    CorpusItem.objects.bulk_update(
        changed, [*IMPORTED_FIELDS, "details", "updated_at", *EMBEDDING_FIELDS], batch_size=1_000
    )
    if created and created[0].pk is None:  # a backend that does not return ids from bulk inserts
        ids = dict(
            CorpusItem.objects.filter(
                kind=CorpusKind.CLAIMREVIEW, external_id__in=[i.external_id for i in created]
            ).values_list("external_id", "pk")
        )
        for item in created:
            item.pk = ids[item.external_id]
    return created, changed, unchanged
