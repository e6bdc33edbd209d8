"""Related coverage: indexing the corpus, suggesting earlier fact-checks and coverage for claims, and what
reviewers decide about each suggestion.

- **Indexing** (`index_corpus` jobs, queued on commit by the change that makes an item: a stored or re-split
  article, a manual claim, a published verdict, an archived source): each job upserts its `CorpusItem`s
  (one per source row; the unique constraints make a rerun replace, never add) and embeds in batches the
  items whose text changed. The engine of each process (claims/coverage/store.py) picks them up on its
  next search.
- **Suggesting** (`suggest_coverage`, one job per claim, dedupe key `claim:<id>`): the claim's wording (its
  normalised wording if it has one) searched with its article's date, never returning its own article's
  passages, its own published verdict, or anything already decided for it. The run replaces the claim's
  undecided suggestions in the transaction that completes the job, so a run killed half way stores
  nothing and its rerun never duplicates.
- **Corpus growth** refreshes the open claims it may affect, cheaply and in batches: each new item is
  searched the other way round, against the article passages (the claims themselves are in the corpus),
  and the open claims whose passage is semantically close (cosine ≥ REFRESH_SIMILARITY) are re-suggested,
  at most REFRESH_MAX_CLAIMS per indexing job. A batch larger than REVERSE_SEARCH_MAX items (a loaded
  archive) re-suggests the REFRESH_MAX_CLAIMS most check-worthy open claims instead: one search per claim
  is then cheaper than one per item.
- **Decisions**: accept (as evidence: a hand-entered Source with the item's text archived and the passage
  as the quoted excerpt, through the evidence service; or as "same claim as this fact-check") and dismiss
  are compare-and-set on the suggestion's status, with who and when. Decided pairs are the labelled pairs
  for tuning (`selectors/coverage.py::coverage_labelled_pairs`).
"""

import logging
import os
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone

from claims.choices import (
    AnchorState,
    ClaimStatus,
    CorpusKind,
    JobKind,
    SuggestionStatus,
)
from claims.coverage import store as corpus
from claims.coverage.database import stored_terms
from claims.coverage.engine import Match, Query, default_embedder
from claims.coverage.lexical import tokenize
from claims.coverage.reasons import explain as explain_match
from claims.models import Article, Claim, CorpusItem, Job, Source, Suggestion, Verdict, suggestion_job_key
from claims.services import job_queue
from claims.services.outside_search import outside_search_claim, provider_reasons

logger = logging.getLogger(__name__)

SOURCE_TEXT_MAX = 2_000  # an archived source is indexed by its title and opening
TITLE_MAX = CorpusItem._meta.get_field("title").max_length
EMBED_BATCH = 256  # rows embedded (the embedder batches by 32 inside) and saved at a time
# A suggestion must be at least this similar in meaning (cosine): the fused score is relative to the best
# candidate of the query, so on its own it cannot tell a near-duplicate from the least bad of strangers.
MIN_SIMILARITY = 0.3
REFRESH_SIMILARITY = 0.5
REFRESH_MAX_CLAIMS = 200
REVERSE_SEARCH_MAX = 200
OPEN_CLAIM_STATUSES = (ClaimStatus.NEW, ClaimStatus.IN_REVIEW, ClaimStatus.AWAITING_APPROVAL)
# Tests only: seconds a suggestion job waits before storing its result, so a test can kill its worker.
TEST_DELAY_ENV = "COVERAGE_TEST_SUGGEST_DELAY"


# --- submitting (the hooks: each change calls one of these inside its transaction) ----------------------


def _auto() -> bool:
    return settings.COVERAGE_AUTO_JOBS


def coverage_article_changed(*, article: Article) -> None:
    """An article was stored or re-split: index its claims' passages and suggest coverage for each claim."""
    if not _auto():
        return
    claim_ids = list(article.claims.exclude(anchor_state=AnchorState.LOST).values_list("pk", flat=True))
    job_queue.job_submit(
        kind=JobKind.INDEX_CORPUS,
        article=article,
        params={"claims": claim_ids},
        dedupe_key=f"article:{article.pk}:{article.text_revision}",
    )
    coverage_suggest_submit(claim_ids=claim_ids)


def coverage_claims_changed(*, claims: list[Claim]) -> None:
    """Claims were made or reworded: (re)index their passages and suggest coverage for them again."""
    if not _auto() or not claims:
        return
    ids = sorted(c.pk for c in claims)
    job_queue.job_submit(
        kind=JobKind.INDEX_CORPUS,
        params={"claims": ids},
        dedupe_key="claims:" + ",".join(map(str, ids))[:180],
    )
    coverage_suggest_submit(claim_ids=ids)


def coverage_verdict_published(*, verdict_id: int) -> None:
    """A verdict was published (after commit): it becomes a fact-check others are matched against."""
    if _auto():
        job_queue.job_submit(
            kind=JobKind.INDEX_CORPUS, params={"verdicts": [verdict_id]}, dedupe_key=f"verdict:{verdict_id}"
        )


def coverage_source_archived(*, source: Source) -> None:
    """A source's page was archived: its text becomes coverage."""
    if _auto():
        job_queue.job_submit(
            kind=JobKind.INDEX_CORPUS,
            source=source,
            params={"sources": [source.pk]},
            dedupe_key=f"source:{source.pk}",
        )


def coverage_items_loaded(*, item_ids: list[int], refresh: bool = True) -> Job | None:
    """Items loaded from files or feeds: embed those not embedded yet and (with `refresh`) re-suggest the
    open claims they may affect, in the background."""
    if not item_ids:
        return None
    params = {"items": item_ids} if refresh else {"items": item_ids, "refresh": False}
    return job_queue.job_submit(kind=JobKind.INDEX_CORPUS, params=params)


def coverage_suggest_submit(*, claim_ids: list[int], user=None) -> list[Job]:
    """Queue a suggestion job per claim (one joins the claim's job still queued or running)."""
    return [
        job_queue.job_submit(
            kind=JobKind.SUGGEST_COVERAGE,
            user=user,
            params={"claim": claim_id},
            dedupe_key=suggestion_job_key(claim_id),
        )
        for claim_id in claim_ids
    ]


@transaction.atomic
def coverage_suggest_retry(*, claim: Claim, user) -> Job:
    """A person asks again for a claim's suggestions (the panel's Retry button)."""
    if not user.has_perm("claims.change_claim"):
        raise PermissionDenied("Only reviewers and editors can ask for suggestions again.")
    return coverage_suggest_submit(claim_ids=[claim.pk], user=user)[0]


# --- indexing --------------------------------------------------------------------------------------------


def _passage_fields(claim: Claim) -> dict:
    article = claim.article
    return {
        "kind": CorpusKind.PASSAGE,
        "text": claim.text,
        "title": article.title[:TITLE_MAX],
        "date": article.published_at,
        "language": article.language,
        "url": article.url or "",
    }


def _verdict_fields(verdict: Verdict) -> dict:
    claim = verdict.claim
    parts = [claim.text, claim.normalised_text, verdict.summary, f"Rating: {verdict.rating.label}."]
    return {
        "kind": CorpusKind.FACTCHECK,
        "text": " ".join(p for p in parts if p),
        "title": (claim.normalised_text or verdict.summary)[:TITLE_MAX],
        "date": timezone.localdate(verdict.published_at) if verdict.published_at else None,
        "language": claim.article.language,
        "url": "",
    }


def _source_fields(source: Source) -> dict:
    return {
        "kind": CorpusKind.SOURCE,
        "text": source.archived_text[:SOURCE_TEXT_MAX],
        "title": source.title[:TITLE_MAX],
        "date": source.published_at,
        "language": "",
        "url": source.url,
    }


def _upsert(link: str, row, fields: dict) -> CorpusItem:
    """The item for `row` (claim, verdict or source) with these fields; its embedding is cleared if its text changed."""
    item = CorpusItem.objects.filter(**{link: row}).first()
    if item is None:
        return CorpusItem.objects.create(**{link: row}, **fields)
    if any(getattr(item, name) != value for name, value in fields.items()):
        if (item.text, item.title) != (fields["text"], fields["title"]):
            item.embedding, item.embedding_model, item.indexed_at = None, "", None
        for name, value in fields.items():
            setattr(item, name, value)
        item.save()
    return item


def corpus_index(*, claim_ids=(), verdict_ids=(), source_ids=()) -> list[int]:
    """Create or update the items of these rows and embed the ones that need it; return their ids."""
    ids = []
    with transaction.atomic():
        claims = Claim.objects.filter(pk__in=claim_ids).select_related("article")
        for claim in claims:
            if claim.anchor_state == AnchorState.LOST:
                CorpusItem.objects.filter(claim=claim).delete()  # its words are no longer in the article
                continue
            ids.append(_upsert("claim", claim, _passage_fields(claim)).pk)
        for verdict in Verdict.objects.filter(pk__in=verdict_ids).select_related("claim__article", "rating"):
            if verdict.status != "published":
                continue
            # One fact-check per claim: an earlier revision's item gives way to the newly published one.
            CorpusItem.objects.filter(verdict__claim_id=verdict.claim_id).exclude(verdict=verdict).delete()
            ids.append(_upsert("verdict", verdict, _verdict_fields(verdict)).pk)
        for source in Source.objects.filter(pk__in=source_ids):
            if not source.archived_text.strip():
                continue
            ids.append(_upsert("source", source, _source_fields(source)).pk)
    corpus_embed(item_ids=ids)
    return ids


def corpus_embed(*, item_ids=None, batch: int = EMBED_BATCH, progress=None) -> int:
    """Embed the items (of `item_ids`, or all) that have no embedding yet, in batches; return how many."""
    pending = CorpusItem.objects.filter(embedding__isnull=True)
    if item_ids is not None:
        pending = pending.filter(pk__in=item_ids)
    # By length, so each batch holds texts of about one length (the model pads a batch to its longest).
    by_length = pending.annotate(length=Length("text") + Length("title")).order_by("length", "pk")
    ids = list(by_length.values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch):
        items = list(CorpusItem.objects.filter(pk__in=ids[start : start + batch]))
        vectors = corpus.embed_documents([corpus.item_document(_row(i)) for i in items])
        now = timezone.now()
        for item, vector in zip(items, vectors, strict=True):
            item.embedding = corpus.encode_vector(vector)
            item.embedding_model = corpus.EMBEDDING_MODEL
            item.indexed_at = item.updated_at = now
            for name, value in stored_terms(title=item.title, text=item.text).items():
                setattr(item, name, value)
        CorpusItem.objects.bulk_update(items, INDEXED_FIELDS)
        done += len(items)
        if progress is not None:
            progress(done, len(ids))
    return done


# What indexing an item sets: its vector and its lexical terms, together (an item is searchable with both).
INDEXED_FIELDS = [
    "embedding",
    "embedding_model",
    "indexed_at",
    "updated_at",
    "title_terms",
    "terms",
    "term_count",
]


def _row(item: CorpusItem) -> dict:
    return {f: getattr(item, f) for f in ("id", "kind", "text", "title", "date", "language", "url")}


def corpus_index_job(job: Job) -> dict:
    """The `index_corpus` job's handler (idempotent: upserts, then embeds what has no embedding)."""
    params = job.params
    ids = corpus_index(
        claim_ids=params.get("claims", ()),
        verdict_ids=params.get("verdicts", ()),
        source_ids=params.get("sources", ()),
    )
    loaded = params.get("items", [])
    if loaded:
        corpus_embed(item_ids=loaded)
    refresh = params.get("refresh", True) and (_auto() or loaded)
    refreshed = coverage_refresh_affected(item_ids=ids + list(loaded)) if refresh else 0
    return {"indexed": len(ids) + len(loaded), "refreshed_claims": refreshed}


def coverage_refresh_affected(*, item_ids: list[int]) -> int:
    """Re-suggest the open claims that new items may change (see the module docstring); return how many."""
    items = list(CorpusItem.objects.filter(pk__in=item_ids).values("id", "text", "claim__article_id"))
    if not items:
        return 0
    open_claims = Claim.objects.filter(status__in=OPEN_CLAIM_STATUSES).exclude(anchor_state=AnchorState.LOST)
    if len(items) > REVERSE_SEARCH_MAX:
        claim_ids = list(
            open_claims.order_by("-checkworthiness", "-pk").values_list("pk", flat=True)[:REFRESH_MAX_CLAIMS]
        )
    else:
        store = corpus.corpus_store()
        own = {i["claim__article_id"] for i in items if i["claim__article_id"]}
        close_items = set()
        for item in items:
            query = Query(
                text=item["text"], kinds=(CorpusKind.PASSAGE,), exclude=frozenset({str(item["id"])})
            )
            close_items.update(
                int(m.key) for m in store.search(query, k=20) if m.semantic >= REFRESH_SIMILARITY
            )
        claim_ids = list(
            open_claims.filter(corpus_items__in=close_items)
            .exclude(article_id__in=own)  # a new article's own claims have their jobs already
            .order_by("-checkworthiness", "-pk")
            .values_list("pk", flat=True)[:REFRESH_MAX_CLAIMS]
        )
    with transaction.atomic():
        coverage_suggest_submit(claim_ids=claim_ids)
    return len(claim_ids)


# --- suggesting ------------------------------------------------------------------------------------------


def _excluded_items(claim: Claim) -> set[int]:
    """Never suggested for this claim: its own article's passages, its own fact-check, decided items."""
    # Three indexed look-ups: an OR across the two joins would scan the whole corpus.
    passages = CorpusItem.objects.filter(claim__article_id=claim.article_id).values_list("pk", flat=True)
    factcheck = CorpusItem.objects.filter(verdict__claim_id=claim.pk).values_list("pk", flat=True)
    decided = Suggestion.objects.filter(claim=claim).exclude(status=SuggestionStatus.SUGGESTED)
    return set(passages) | set(factcheck) | set(decided.values_list("item_id", flat=True))


def coverage_suggest_job(job: Job) -> dict | None:
    """The `suggest_coverage` job's handler: ask the outside providers, search, then replace the claim's
    undecided suggestions."""
    claim = Claim.objects.select_related("article").filter(pk=job.params.get("claim")).first()
    if claim is None:
        return {"suggestions": 0, "claim": "gone"}
    # Before the search and outside any transaction: a slow provider holds no lock, and its answers are in
    # the engine by the time it searches. A provider that fails only adds its message to the result.
    outside = outside_search_claim(claim=claim)
    store = corpus.corpus_store()
    query = Query(
        text=claim.normalised_text or claim.text,
        date=claim.article.published_at,
        exclude=frozenset(str(pk) for pk in _excluded_items(claim)),
    )
    matches = [
        m for m in store.search(query, k=settings.COVERAGE_SUGGESTIONS) if m.semantic >= MIN_SIMILARITY
    ]
    matches += _outside_matches(store, query, outside.item_ids, found={m.key for m in matches})
    delay = float(os.environ.get(TEST_DELAY_ENV) or 0)
    if delay:
        time.sleep(delay)
    with transaction.atomic():
        # Serialises with a reviewer's decision and with another run for the same claim.
        if not Claim.objects.select_for_update().filter(pk=claim.pk).exists():
            job_queue.job_complete(job=job, result={"suggestions": 0, "claim": "gone"})
            return None
        Suggestion.objects.filter(claim=claim, status=SuggestionStatus.SUGGESTED).delete()
        excluded = _excluded_items(claim)  # decided meanwhile
        # The items still there, with the provider each outside answer came from ("" for the others).
        provider_of = dict(
            CorpusItem.objects.filter(pk__in=[int(m.key) for m in matches]).values_list("pk", "provider")
        )
        rows = [
            Suggestion(
                claim=claim,
                item_id=int(m.key),
                rank=rank,
                score=round(m.score, 4),
                lexical=round(m.lexical, 4),
                semantic=round(m.semantic, 4),
                passage=m.passage,
                reasons=[*provider_reasons(provider_of[int(m.key)]), *m.reasons],
                corpus_state=store.state,
            )
            for rank, m in enumerate(matches, start=1)
            if int(m.key) in provider_of and int(m.key) not in excluded
        ]
        Suggestion.objects.bulk_create(rows)
        result = {"suggestions": len(rows), "corpus": store.state}
        if outside.errors:
            result["outside_errors"] = list(outside.errors)
        job_queue.job_complete(job=job, result=result)
    return None


def _outside_matches(
    store: corpus.CorpusStore, query: Query, item_ids: tuple[int, ...], *, found: set[str]
) -> list[Match]:
    """The outside answers the engine's top k left out that are close enough in meaning, closest first.

    The engine ranked them below its top k, so they have no fused score of their own: their closeness in
    meaning (cosine, from their stored vectors) stands in for it, and their lexical score is left at 0.
    """
    wanted = [pk for pk in item_ids if str(pk) not in found and str(pk) not in query.exclude]
    rows = list(
        CorpusItem.objects.filter(pk__in=wanted, embedding__isnull=False).values(
            "id", "kind", "text", "title", "date", "language", "url", "embedding"
        )
    )
    if not rows:
        return []
    # The vector the engine searched with: the same embedder, the same text.
    query_vector = default_embedder().embed([query.text])[0]
    similarities = corpus.decode_vectors([r["embedding"] for r in rows]) @ query_vector
    tokens = tokenize(query.text)
    matches = []
    for row, similarity in zip(rows, similarities, strict=True):
        semantic = float(similarity)
        if semantic < MIN_SIMILARITY:
            continue
        passage = store.engine.best_passage(tokens, corpus.item_document(row))
        matches.append(
            Match(
                key=str(row["id"]),
                kind=row["kind"],
                score=min(max(semantic, 0.0), 1.0),
                lexical=0.0,
                semantic=semantic,
                passage=passage,
                reasons=explain_match(query.text, passage, semantic=semantic),
            )
        )
    return sorted(matches, key=lambda m: -m.semantic)


# --- loading fact-checks from files ----------------------------------------------------------------------


@dataclass(frozen=True)
class LoadOutcome:
    read: int
    created: int
    updated: int
    unchanged: int
    embedded: int
    item_ids: list[int]


def corpus_load_factchecks(*, checks, prefix: str = "", language: str = "", progress=None) -> LoadOutcome:
    """Store fact-checks read from files (claims/coverage/readers.py) as items, by external id, and embed them.

    Loading the same file again changes nothing; a fact-check whose text changed is updated and embedded
    again. The same id twice in one load: the last one wins.
    """
    wanted = {}
    for check in checks:
        wanted[f"{prefix}{check.id}"[:200]] = {
            "kind": CorpusKind.FACTCHECK,
            "text": check.text,
            "title": check.title[:TITLE_MAX],
            "date": check.date,
            "language": language,
            "url": check.url[:2000],
        }
    existing = {}
    keys = list(wanted)
    for start in range(0, len(keys), 5_000):
        for item in CorpusItem.objects.filter(
            kind=CorpusKind.FACTCHECK, external_id__in=keys[start : start + 5_000]
        ):
            existing[item.external_id] = item
    created, changed = [], []
    for external_id, fields in wanted.items():
        item = existing.get(external_id)
        if item is None:
            created.append(CorpusItem(external_id=external_id, **fields))
        elif any(getattr(item, name) != value for name, value in fields.items()):
            if (item.text, item.title) != (fields["text"], fields["title"]):
                item.embedding, item.embedding_model, item.indexed_at = None, "", None
            for name, value in fields.items():
                setattr(item, name, value)
            item.updated_at = timezone.now()
            changed.append(item)
    with transaction.atomic():
        CorpusItem.objects.bulk_create(created, batch_size=1_000)
        CorpusItem.objects.bulk_update(
            changed,
            [
                "text",
                "title",
                "date",
                "language",
                "url",
                "embedding",
                "embedding_model",
                "indexed_at",
                "updated_at",
            ],
            batch_size=1_000,
        )
    item_ids = [i.pk for i in created] + [i.pk for i in changed]
    if created and created[0].pk is None:  # a backend that does not return ids from bulk inserts
        item_ids = list(
            CorpusItem.objects.filter(
                kind=CorpusKind.FACTCHECK, external_id__in=[i.external_id for i in created]
            ).values_list("pk", flat=True)
        ) + [i.pk for i in changed]
    embedded = corpus_embed(item_ids=item_ids, progress=progress)
    return LoadOutcome(
        read=len(wanted),
        created=len(created),
        updated=len(changed),
        unchanged=len(wanted) - len(created) - len(changed),
        embedded=embedded,
        item_ids=item_ids,
    )


def coverage_warm_up() -> None:
    """Load the embedding model and the indexed corpus into this process ahead of its first search."""
    started = time.monotonic()
    corpus.corpus_store().refresh()
    default_embedder().embed(["warm up"])
    logger.info("Related coverage warmed up in %.1f s", time.monotonic() - started)
