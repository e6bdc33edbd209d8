"""Outside search providers asked about a claim; their answers stored as corpus items the engine searches.

The providers (claims/outside/providers.py: Google Fact Check Tools, GDELT) are asked only when the
deployment configured them: with none configured, `outside_search_claim` returns at once, without a query
or the embedding model. Each answer becomes one `CorpusItem` of kind "provider", found again by its
external id (the provider's name and a hash of the answer's canonical URL), so asking again updates an item
and never adds a second one; an item whose wording changed is embedded again. A provider that cannot answer
is reported in words a reviewer reads, and never stops the others or the caller.

The suggestion job (claims/services/coverage.py) asks before it searches, outside its transaction: a slow
provider holds no lock, and the answers are in the engine by the time it searches.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from claims.choices import CorpusKind
from claims.models import Claim, CorpusItem, Rating
from claims.outside.providers import (
    PROVIDERS,
    ProviderResult,
    config_from_settings,
    enabled_providers,
    search_all,
)
from claims.outside.ratings import RatingMap

# Providers are asked for answers from this long before the article onwards: a claim an article repeats
# was often checked when it first went round, well before the article was written.
LOOK_BACK = datetime.timedelta(days=365)

TITLE_MAX = CorpusItem._meta.get_field("title").max_length
URL_MAX = CorpusItem._meta.get_field("url").max_length
LANGUAGE_MAX = CorpusItem._meta.get_field("language").max_length
PUBLISHER_MAX = CorpusItem._meta.get_field("publisher").max_length
RATING_LABEL_MAX = CorpusItem._meta.get_field("rating_label").max_length
# What an answer sets on its item; `_store_answers` compares these to tell an unchanged answer.
ANSWER_FIELDS = (
    "text",
    "title",
    "url",
    "date",
    "language",
    "publisher",
    "provider",
    "rating_label",
    "rating",
    "details",
)
PROVIDER_LABELS = {cls.name: cls.label for cls in PROVIDERS}
_SENTENCE_END = re.compile(r"[.!?…]['\"’”)]*$")


@dataclass(frozen=True)
class OutsideAnswers:
    item_ids: tuple[int, ...] = ()  # the answers' items, in the providers' order
    errors: tuple[str, ...] = ()  # one readable message per provider that could not answer
    asked: tuple[str, ...] = ()  # the names of the providers asked


def outside_search_claim(*, claim: Claim) -> OutsideAnswers:
    """Ask every configured provider about the claim; store and embed their answers as corpus items."""
    providers = enabled_providers(config_from_settings(settings), cache=cache)
    if not providers:
        return OutsideAnswers()
    article = claim.article
    since = article.published_at - LOOK_BACK if article.published_at else None
    outcome = search_all(
        providers,
        claim.normalised_text or claim.text,
        language=article.language or None,
        since=since,
    )
    item_ids = _store_answers(outcome.results)
    if item_ids:
        # Imported here: the coverage service imports this module for its suggestion job.
        from claims.services.coverage import corpus_embed

        corpus_embed(item_ids=item_ids)
    return OutsideAnswers(
        item_ids=tuple(item_ids),
        errors=tuple(error.message for error in outcome.errors),
        asked=tuple(provider.name for provider in providers),
    )


def provider_label(name: str) -> str:
    """What people read for a provider's machine name (the name itself for a provider no longer known)."""
    return PROVIDER_LABELS.get(name, name)


def provider_reasons(name: str) -> list[str]:
    """The reason shown first with a suggestion of a provider's answer; none for an item of no provider."""
    return [f"Found by {provider_label(name)}"] if name else []


def answer_external_id(result: ProviderResult) -> str:
    return f"{result.provider}:{hashlib.sha256(result.url.encode()).hexdigest()}"


def _store_answers(results: list[ProviderResult]) -> list[int]:
    """Create or update one item per answer; return their ids in the answers' order."""
    ratings = _rating_map() if any(r.kind == "factcheck" for r in results) else None
    wanted: dict[str, dict] = {}
    for result in results:
        rating = (
            ratings.map(label=result.rating_label).rating
            if ratings is not None and result.kind == "factcheck"
            else ""
        )
        fields = _answer_fields(result, rating=rating)
        if fields is not None:
            # A review that answers two of the provider's claims comes twice: its first place is its best.
            wanted.setdefault(answer_external_id(result), fields)
    if not wanted:
        return []
    answers = CorpusItem.objects.select_for_update().filter(kind=CorpusKind.PROVIDER)
    with transaction.atomic():
        items = {i.external_id: i for i in answers.filter(external_id__in=list(wanted))}
        # Sorted: two runs inserting the same answers take their locks in one order, and never deadlock.
        missing = sorted(external_id for external_id in wanted if external_id not in items)
        if missing:
            # A run for another claim may store the same answer meanwhile: its row is then the one we use.
            CorpusItem.objects.bulk_create(
                [
                    CorpusItem(kind=CorpusKind.PROVIDER, external_id=external_id, **wanted[external_id])
                    for external_id in missing
                ],
                ignore_conflicts=True,
            )
            items.update({i.external_id: i for i in answers.filter(external_id__in=missing)})
        changed = []
        now = timezone.now()
        for external_id, fields in wanted.items():
            item = items[external_id]
            if all(getattr(item, name) == value for name, value in fields.items()):
                continue
            if (item.text, item.title) != (fields["text"], fields["title"]):
                item.embedding, item.embedding_model, item.indexed_at = None, "", None
            for name, value in fields.items():
                setattr(item, name, value)
            item.updated_at = now
            changed.append(item)
        CorpusItem.objects.bulk_update(
            changed, [*ANSWER_FIELDS, "embedding", "embedding_model", "indexed_at", "updated_at"]
        )
    return [items[external_id].pk for external_id in wanted]


def _rating_map() -> RatingMap:
    return RatingMap(settings.CLAIMREVIEW_RATING_LABELS, slugs=Rating.objects.values_list("slug", flat=True))


def _answer_fields(result: ProviderResult, *, rating: str) -> dict | None:
    """An answer's item fields; None for one that cannot be an item (nothing to match on, an overlong URL)."""
    if len(result.url) > URL_MAX:
        return None  # a cut address leads nowhere
    title = result.title.strip()
    if result.kind == "factcheck":
        # The fact-checker's wording of the claim is what our claims match; the title often says it
        # another way (and is all there is when the wording is missing).
        wording = result.text.strip()
        text = (
            f"{_as_sentence(wording)} {title}" if wording and title and title != wording else wording or title
        )
    else:
        text = title  # all a news index says of an article
    if not text:
        return None
    return {
        "text": text,
        "title": result.title[:TITLE_MAX],
        "url": result.url,
        "date": result.date.date() if result.date else None,
        "language": result.language[:LANGUAGE_MAX],
        "publisher": result.publisher[:PUBLISHER_MAX],
        "provider": result.provider,
        "rating_label": result.rating_label[:RATING_LABEL_MAX],
        "rating": rating,
        "details": {"result_kind": result.kind, "claimant": result.claimant},
    }


def _as_sentence(text: str) -> str:
    """`text` ending as a sentence, so that the wording and the title read as two."""
    return text if _SENTENCE_END.search(text) else f"{text}."
