"""The Django side of the retrieval engine: one per-process `RetrievalEngine` over the `CorpusItem` rows.

The engine (claims/coverage/engine.py) is plain Python; this module feeds it the items that have a stored
embedding, and keeps it current incrementally rather than rebuilding it per query: each `corpus_engine()`
call asks the database only which items changed since the last look (`updated_at` and a count), loads
those rows with their stored vectors, replaces them in the engine and drops the items that are gone. The
first call in a process loads everything once (13,824 fact-checks: a second or two, no embedding).

Keys in the engine are the item ids as strings. On PostgreSQL the lexical ranking is the database's (BM25
over the GIN-indexed `search_vector`, claims/coverage/database.py) and the engine holds only the vectors; on
SQLite (`make run`) the engine's own BM25 index (bm25s) over the same tokens ranks.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, Max

from claims.coverage.database import DatabaseLexical, Table
from claims.coverage.engine import Document, Match, Query, RetrievalEngine, default_embedder
from claims.models import CorpusItem

# Rows committed by a long transaction may carry an `updated_at` older than the newest one already seen:
# each refresh looks this far back (ids and times only) and reloads the rows whose time it doesn't know.
LOOK_BACK = timedelta(minutes=5)
# When the count and the newest time are what this process already holds, nothing new was committed since,
# except in that rare late-commit case: the look-back scan then runs at most this often. It reads every row
# changed within LOOK_BACK, which after a bulk load is the whole load (0.5 s for 86,000 rows), so running it
# on every search would cost each suggestion more than the search itself.
FULL_CHECK_EVERY = 30.0  # seconds
LOAD_BATCH = 2_000
EMBEDDING_DTYPE = np.float16


def encode_vector(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=EMBEDDING_DTYPE).tobytes()


def decode_vectors(blobs: list[bytes]) -> np.ndarray:
    vectors = np.vstack([np.frombuffer(bytes(b), dtype=EMBEDDING_DTYPE) for b in blobs]).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)  # float16 rounding: back to unit length


def item_document(row: dict) -> Document:
    return Document(
        key=str(row["id"]),
        kind=row["kind"],
        text=row["text"],
        title=row["title"],
        date=row["date"],
        language=row["language"],
        url=row["url"],
    )


_ROW_FIELDS = ("id", "kind", "text", "title", "date", "language", "url", "embedding", "updated_at")


class CorpusStore:
    """A RetrievalEngine kept in step with the indexed CorpusItem rows (thread-safe)."""

    def __init__(self, *, mode: str = "hybrid"):
        self.mode = mode
        self.lexical = database_lexical()
        self.engine = RetrievalEngine(mode=mode, lexical_source=self.lexical)
        self._seen: dict[int, object] = {}  # item id → the updated_at loaded
        self._watermark = None
        self._checked_at = float("-inf")  # time.monotonic() of the last look-back scan
        self._lock = threading.Lock()

    def refresh(self) -> int:
        """Bring the engine up to date with the database; return how many items were (re)loaded."""
        with self._lock:
            indexed = CorpusItem.objects.filter(embedding__isnull=False)
            if self._watermark is not None and time.monotonic() - self._checked_at < FULL_CHECK_EVERY:
                summary = indexed.aggregate(n=Count("id"), latest=Max("updated_at"))
                if summary["n"] == len(self._seen) and summary["latest"] == self._watermark:
                    return 0
            self._checked_at = time.monotonic()
            changed = indexed
            if self._watermark is not None:
                recent = indexed.filter(updated_at__gte=self._watermark - LOOK_BACK)
                changed_ids = [
                    pk for pk, at in recent.values_list("id", "updated_at") if self._seen.get(pk) != at
                ]
                changed = indexed.filter(pk__in=changed_ids)
            loaded = 0
            for batch in _batches(
                changed.order_by("id").values(*_ROW_FIELDS).iterator(chunk_size=LOAD_BATCH)
            ):
                self._load(batch)
                loaded += len(batch)
            # Items deleted (or whose embedding was cleared) since: the count tells, the ids say which.
            summary = indexed.aggregate(n=Count("id"), latest=Max("updated_at"), length=Avg("term_count"))
            if self.lexical is not None:
                self.lexical.set_statistics(documents=summary["n"], average_length=summary["length"])
            if summary["n"] != len(self._seen):
                present = set(indexed.values_list("id", flat=True))
                gone = [pk for pk in self._seen if pk not in present]
                if gone:
                    self.engine.remove([str(pk) for pk in gone])
                    for pk in gone:
                        del self._seen[pk]
            if summary["latest"] is not None:
                self._watermark = max(self._watermark or summary["latest"], summary["latest"])
            return loaded

    def _load(self, rows: list[dict]) -> None:
        known = [str(r["id"]) for r in rows if r["id"] in self._seen]
        if known:
            self.engine.remove(known)
        self.engine.add(
            [item_document(r) for r in rows], vectors=decode_vectors([r["embedding"] for r in rows])
        )
        for r in rows:
            self._seen[r["id"]] = r["updated_at"]

    def search(self, query: Query, *, k: int = 10) -> list[Match]:
        with self._lock:  # the engine's lazy rebuilds are not meant for two threads at once
            return self.engine.search(query, k=k)

    @property
    def state(self) -> str:
        """What the engine holds, in a few characters (stored with each suggestion)."""
        latest = self._watermark.isoformat(timespec="seconds") if self._watermark else "-"
        return f"{len(self._seen)}@{latest}"[:64]


def _batches(rows, size: int = LOAD_BATCH):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def database_lexical() -> DatabaseLexical | None:
    """The database as lexical ranker, on PostgreSQL unless COVERAGE_LEXICAL says "memory"."""
    if connection.vendor != "postgresql" or settings.COVERAGE_LEXICAL == "memory":
        return None
    # A cursor of the calling thread's connection: the store is shared by the threads of a process (the web
    # process's job threads under `make run`), and a connection belongs to the thread that opened it.
    return DatabaseLexical(
        lambda: connection.cursor(),
        Table(name="claims_corpusitem", key="t.id::text", where="t.embedding IS NOT NULL"),
    )


_store: CorpusStore | None = None
_store_lock = threading.Lock()


def corpus_store() -> CorpusStore:
    """This process's store, refreshed from the database (cheap when nothing changed)."""
    global _store
    with _store_lock:
        if _store is None:
            _store = CorpusStore()
    _store.refresh()
    return _store


def corpus_store_reset() -> None:
    """Forget this process's engine (tests; a process that switched databases)."""
    global _store
    with _store_lock:
        _store = None


EMBEDDING_MODEL = "all-MiniLM-L6-v2"


def embed_documents(documents: list[Document]) -> np.ndarray:
    """The vectors to store for `documents`, embedded as the engine embeds them (MiniLM, once per process)."""
    return default_embedder().embed([RetrievalEngine.embedding_text(d) for d in documents])
