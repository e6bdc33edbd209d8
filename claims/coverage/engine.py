"""The retrieval engine: one in-memory index of documents, searched lexically (BM25), semantically (sentence
embeddings, nearest neighbours by one matrix product) or both, fused by a normalised weighted sum.

Pure Python + numpy: no Django, no models. The product's store feeds it `Document`s (with their stored
vectors), the evaluation command feeds it a corpus file; both search it the same way. A search server can
replace it later behind the same `add` / `remove` / `search` interface.
"""

from __future__ import annotations

import datetime
import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from claims.coverage.embedding import Embedder, default_embedder
from claims.coverage.lexical import LexicalIndex, tokenize
from claims.coverage.reasons import explain as explain_match

__all__ = [
    "MODES",
    "Document",
    "Embedder",
    "FusionWeights",
    "Match",
    "Query",
    "RetrievalEngine",
    "default_embedder",
]

MODES = ("lexical", "semantic", "hybrid")
PASSAGE_CHARS = 400
LEXICAL_DEPTH = 1_000  # an outside lexical source's best documents that count; the rest score 0 lexically


class LexicalSource(Protocol):
    """Lexical ranking done elsewhere (PostgreSQL: claims/coverage/database.py; later a search server).

    `search` returns the BM25 scores of the best documents by key and the idf of the query's terms;
    `add` / `remove` mirror the engine's, for a source that holds its own copy of the documents.
    """

    def search(self, terms: Sequence[str], *, kinds: Sequence[str] = (), limit: int = LEXICAL_DEPTH): ...

    def add(self, documents: Iterable[Document]) -> None: ...

    def remove(self, keys: Iterable[str]) -> None: ...


@dataclass(frozen=True)
class Document:
    key: str  # unique in an engine: "factcheck:12", "passage:345", "source:7", or an eval vclaim id
    kind: str  # "factcheck" | "passage" | "source" (outside corpora add kinds later)
    text: str  # what is matched
    title: str = ""
    date: datetime.date | None = None
    language: str = ""
    url: str = ""


@dataclass(frozen=True)
class Query:
    text: str
    date: datetime.date | None = None  # the claim's date: recency prior
    kinds: tuple[str, ...] = ()  # filter; empty = every kind
    since: datetime.date | None = None
    until: datetime.date | None = None
    language: str = ""  # filter when both sides have one
    exclude: frozenset[str] = frozenset()  # keys never returned


@dataclass(frozen=True)
class Match:
    key: str
    kind: str
    score: float  # fused, 0..1
    lexical: float  # normalised 0..1 (score / best score of the query)
    semantic: float  # cosine
    passage: str  # the best-matching passage of the document
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class FusionWeights:
    """How lexical and semantic evidence and the date prior combine.

    score = (lexical · bm25/max + semantic · cosine/max + date · prior) / (lexical + semantic + date), where
    the maxima are the query's best scores. The prior is a closeness in time to the claim's date: it halves
    every `before_half_life_days` for documents dated before the claim and every `after_half_life_days`
    (faster) for documents dated after it; undated documents get `undated`, and without a claim date the
    prior is left out. Defaults chosen on the CheckThat! 2021 2A train queries only (two-fold
    cross-validation over a grid; both folds chose the same point, see docs/benchmarks.md).
    """

    lexical: float = 0.4
    semantic: float = 0.6
    date: float = 0.3
    before_half_life_days: float = 90.0
    after_half_life_days: float = 30.0
    undated: float = 0.5


def date_prior(age_days: np.ndarray, has_date: np.ndarray, weights: FusionWeights) -> np.ndarray:
    """`age_days` = claim date − document date (positive: the document is earlier than the claim)."""
    before = np.exp2(-np.maximum(age_days, 0) / weights.before_half_life_days)
    after = np.exp2(np.minimum(age_days, 0) / weights.after_half_life_days)
    prior = np.where(age_days >= 0, before, after)
    return np.where(has_date, prior, weights.undated).astype(np.float32)


def _term_length(token: str) -> float:
    return float(len(token))


class RetrievalEngine:
    """`lexical_source`: rank lexically there instead of with the in-process BM25 index (bm25s)."""

    def __init__(
        self,
        *,
        mode: str = "hybrid",
        embedder: Embedder | None = None,
        weights: FusionWeights | None = None,
        lexical_source: LexicalSource | None = None,
    ):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.weights = weights or FusionWeights()
        self._embedder = embedder
        self._docs: list[Document] = []
        self._index: dict[str, int] = {}
        self._tokens: list[list[str]] = []
        self._vector_chunks: list[np.ndarray] = []
        self._vectors: np.ndarray | None = None
        self._lexical = LexicalIndex()
        self._source = lexical_source
        self._meta_stale = True
        # One engine serves the threads of a process: changes and searches take turns.
        self._lock = threading.RLock()

    @property
    def uses_lexical(self) -> bool:
        return self.mode in ("lexical", "hybrid")

    @property
    def _lexical_in_process(self) -> bool:
        return self.uses_lexical and self._source is None

    @property
    def uses_semantic(self) -> bool:
        return self.mode in ("semantic", "hybrid")

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, key: str) -> bool:
        return key in self._index

    # -- indexing ---------------------------------------------------------------------------------------------

    @staticmethod
    def embedding_text(document: Document) -> str:
        """What is embedded for a document: its title, then its text."""
        return f"{document.title}. {document.text}" if document.title else document.text

    def add(self, documents: Iterable[Document], *, vectors: np.ndarray | None = None) -> None:
        """Index documents; a key already present is replaced. `vectors`: precomputed rows in the same order."""
        documents = list(documents)
        if not documents:
            return
        if len({d.key for d in documents}) != len(documents):
            raise ValueError("duplicate keys in one add()")
        if self.uses_semantic:
            # Embedding (the slow part) happens outside the lock, so searches go on meanwhile.
            if vectors is None:
                vectors = self.embedder.embed([self.embedding_text(d) for d in documents])
            vectors = np.asarray(vectors)
            if vectors.shape[0] != len(documents):
                raise ValueError(f"{vectors.shape[0]} vectors for {len(documents)} documents")
        tokens = (
            [self._lexical.document_tokens(d.title, d.text) for d in documents]
            if self._lexical_in_process
            else []
        )
        with self._lock:
            replaced = [d.key for d in documents if d.key in self._index]
            if replaced:
                self.remove(replaced)
            if self.uses_semantic:
                self._vector_chunks.append(vectors.astype(np.float32, copy=False))
                self._vectors = None
            start = len(self._docs)
            for offset, doc in enumerate(documents):
                self._index[doc.key] = start + offset
            self._docs.extend(documents)
            if self._lexical_in_process:
                self._tokens.extend(tokens)
                self._lexical.set_documents(self._tokens)
            elif self._source is not None and self.uses_lexical:
                self._source.add(documents)
            self._meta_stale = True

    def remove(self, keys: Iterable[str]) -> None:
        with self._lock:
            keys = [k for k in keys if k in self._index]
            gone = {self._index[k] for k in keys}
            if not gone:
                return
            if self._source is not None and self.uses_lexical:
                self._source.remove(keys)
            keep = [i for i in range(len(self._docs)) if i not in gone]
            self._docs = [self._docs[i] for i in keep]
            self._index = {d.key: i for i, d in enumerate(self._docs)}
            if self._lexical_in_process:
                self._tokens = [self._tokens[i] for i in keep]
                self._lexical.set_documents(self._tokens)
            if self.uses_semantic:
                self._vector_chunks = [self.vectors[keep]]
                self._vectors = None
            self._meta_stale = True

    @property
    def vectors(self) -> np.ndarray:
        """One contiguous (n, dim) float32 matrix of the documents' vectors."""
        if self._vectors is None:
            if not self._vector_chunks:
                self._vectors = np.zeros((0, 0), dtype=np.float32)
            else:
                self._vectors = np.ascontiguousarray(np.concatenate(self._vector_chunks), dtype=np.float32)
                self._vector_chunks = [self._vectors]
        return self._vectors

    def _refresh_meta(self) -> None:
        if not self._meta_stale:
            return
        self._kinds = np.array([d.kind for d in self._docs], dtype=object)
        self._languages = np.array([d.language.lower() for d in self._docs], dtype=object)
        self._has_date = np.array([d.date is not None for d in self._docs], dtype=bool)
        self._ordinals = np.array([d.date.toordinal() if d.date else 0 for d in self._docs], dtype=np.int64)
        self._meta_stale = False

    # -- searching --------------------------------------------------------------------------------------------

    def search(self, query: Query, *, k: int = 10, explain: int | None = None) -> list[Match]:
        """The k best documents for `query`; `explain`: give reasons for the first `explain` only (None: all)."""
        return self.search_many([query], k=k, explain=explain)[0]

    def search_many(
        self, queries: Sequence[Query], *, k: int = 10, explain: int | None = None
    ) -> list[list[Match]]:
        if not queries:
            return []
        if not self._docs:
            return [[] for _ in queries]
        query_vectors = self.embedder.embed([q.text for q in queries]) if self.uses_semantic else None
        results = []
        with self._lock:
            self._refresh_meta()
            for i, query in enumerate(queries):
                vector = None if query_vectors is None else query_vectors[i]
                results.append(self._search_one(query, vector, k, k if explain is None else explain))
        return results

    def _mask(self, query: Query) -> np.ndarray:
        mask = np.ones(len(self._docs), dtype=bool)
        if query.kinds:
            mask &= np.isin(self._kinds, list(query.kinds))
        if query.since:
            mask &= self._has_date & (self._ordinals >= query.since.toordinal())
        if query.until:
            mask &= self._has_date & (self._ordinals <= query.until.toordinal())
        if query.language:
            lang = query.language.lower()
            mask &= (self._languages == "") | (self._languages == lang)
        for key in query.exclude:
            if key in self._index:
                mask[self._index[key]] = False
        return mask

    def _lexical_scores(self, query: Query, tokens: list[str]) -> tuple[np.ndarray, Callable[[str], float]]:
        """Raw BM25 score of every document, and the idf of a term (for passages and reasons)."""
        if self._source is None:
            return self._lexical.scores(tokens), self._lexical.idf
        raw = np.zeros(len(self._docs), dtype=np.float32)
        hits = self._source.search(tokens, kinds=query.kinds, limit=LEXICAL_DEPTH)
        for key, score in hits.scores.items():
            i = self._index.get(key)
            if i is not None:
                raw[i] = score
        return raw, lambda token: hits.idf.get(token, 0.0)

    def _scores(
        self, query: Query, query_vector: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], Callable[[str], float]]:
        n = len(self._docs)
        tokens = tokenize(query.text)
        lexical = np.zeros(n, dtype=np.float32)
        semantic = np.zeros(n, dtype=np.float32)
        idf = _term_length  # no lexical statistics in semantic mode: longer words are the rarer ones
        if self.uses_lexical:
            raw, idf = self._lexical_scores(query, tokens)
            top = float(raw.max()) if raw.size else 0.0
            if top > 0:
                lexical = raw / top
        if self.uses_semantic and query_vector is not None:
            semantic = self.vectors @ query_vector.astype(np.float32)
        w = self.weights
        if self.mode == "lexical":
            fused = lexical.copy()
        elif self.mode == "semantic":
            fused = np.clip(semantic, 0.0, 1.0)
        else:
            top = float(semantic.max())
            sem_norm = np.clip(semantic / top, 0.0, 1.0) if top > 0 else semantic
            total = w.lexical + w.semantic
            fused = w.lexical * lexical + w.semantic * sem_norm
            if query.date is not None and w.date:
                age = (query.date.toordinal() - self._ordinals).astype(np.float32)
                fused = fused + w.date * date_prior(age, self._has_date, w)
                total += w.date
            fused = fused / total
        return fused, lexical, semantic, tokens, idf

    def _search_one(self, query: Query, query_vector: np.ndarray | None, k: int, explain: int) -> list[Match]:
        fused, lexical, semantic, tokens, idf = self._scores(query, query_vector)
        mask = self._mask(query)
        fused = np.where(mask, fused, -np.inf)
        candidates = int(mask.sum())
        if candidates == 0 or k <= 0:
            return []
        k = min(k, candidates)
        top = np.argpartition(-fused, k - 1)[:k] if k < len(fused) else np.arange(len(fused))
        top = top[np.argsort(-fused[top], kind="stable")]
        matches = []
        for rank, i in enumerate(top):
            if not math.isfinite(fused[i]):
                continue
            doc = self._docs[i]
            passage = self.best_passage(tokens, doc, idf=idf) if rank < explain else doc.text[:PASSAGE_CHARS]
            sem = float(semantic[i]) if self.uses_semantic else None
            matches.append(
                Match(
                    key=doc.key,
                    kind=doc.kind,
                    score=float(np.clip(fused[i], 0.0, 1.0)),
                    lexical=float(lexical[i]),
                    semantic=float(semantic[i]),
                    passage=passage,
                    reasons=explain_match(query.text, passage, semantic=sem, idf=idf)
                    if rank < explain
                    else (),
                )
            )
        return matches

    def best_passage(
        self, query_tokens: Sequence[str], doc: Document, *, idf: Callable[[str], float] | None = None
    ) -> str:
        """The document's text if short, else the window of two sentences sharing the most query terms."""
        text = doc.text.strip()
        if len(text) <= PASSAGE_CHARS:
            return text
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
        wanted = set(query_tokens)
        idf = idf or _term_length
        best, best_score = sentences[0], -1.0
        for i in range(len(sentences)):
            window = " ".join(sentences[i : i + 2])
            score = sum(idf(t) for t in wanted.intersection(tokenize(window)))
            if score > best_score:
                best, best_score = window, score
        return best if len(best) <= PASSAGE_CHARS else best[: PASSAGE_CHARS - 1].rsplit(" ", 1)[0] + "…"
