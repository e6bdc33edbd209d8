"""Claim-matching evaluation: rank a fact-check corpus for each query with the production engine and score it.

Metrics (as in the CheckThat! claim-retrieval tasks, official metric MAP@5):

- AP@k of one query = (1 / min(R, k)) · Σ_{i ≤ k, doc_i relevant} precision@i, where R is the number of
  relevant documents of the query (all of them, found or not, capped at k so that a perfect top k scores 1);
  MAP@k is the mean over queries. When R ≤ k (almost always one relevant fact-check per tweet) this equals
  the trec_eval-style AP cut at depth k that the organisers' scorer computes.
- MRR = mean of 1 / rank of the first relevant document (0 when none is returned; the run is top 100).
- recall@k = mean over queries of |relevant ∩ top k| / R.

Queries without any relevant document in the qrels are skipped, as in trec_eval.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from claims.coverage.engine import Document, Query, RetrievalEngine
from claims.coverage.readers import FactCheck, QueryClaim, read_corpus, read_qrels, read_queries
from claims.errors import InputRejected

CUTOFFS = (1, 3, 5, 10)
RUN_DEPTH = 100
RUN_TAG = "factcheck"
FACTCHECK = "factcheck"


def average_precision(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    found, total = 0, 0.0
    for i, key in enumerate(ranked[:k], 1):
        if key in relevant:
            found += 1
            total += found / i
    return total / min(len(relevant), k)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for i, key in enumerate(ranked, 1):
        if key in relevant:
            return 1.0 / i
    return 0.0


def recall(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 0.0


def score_runs(runs: dict[str, Sequence[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    """The metrics over every query of `qrels` that has a relevant document (a missing run counts as empty)."""
    qids = [q for q, rel in qrels.items() if rel]
    out: dict[str, float] = {"n_queries": len(qids)}
    if not qids:
        return {**out, **{f"map@{k}": 0.0 for k in CUTOFFS}, "mrr": 0.0, "recall@10": 0.0}
    for k in CUTOFFS:
        out[f"map@{k}"] = statistics.fmean(average_precision(runs.get(q, ()), qrels[q], k) for q in qids)
    out["mrr"] = statistics.fmean(reciprocal_rank(runs.get(q, ()), qrels[q]) for q in qids)
    out["recall@10"] = statistics.fmean(recall(runs.get(q, ()), qrels[q], 10) for q in qids)
    return out


def document_for(check: FactCheck) -> Document:
    return Document(
        key=check.id, kind=FACTCHECK, text=check.text, title=check.title, date=check.date, url=check.url
    )


@dataclass
class EvaluationRun:
    metrics: dict[str, float]
    runs: dict[str, list[tuple[str, float]]]
    # CPU seconds of the indexing (all threads): on a busy machine, a bound on what it costs alone.
    index_cpu_seconds: float = 0.0


def evaluate(
    corpus: Sequence[FactCheck],
    queries: Sequence[QueryClaim],
    qrels: dict[str, set[str]],
    *,
    mode: str = "hybrid",
    engine_factory: Callable[[str], RetrievalEngine] | None = None,
    depth: int = RUN_DEPTH,
) -> EvaluationRun:
    """Index `corpus` into a fresh engine, rank it for every query of `qrels`, and score the ranking."""
    by_id = {q.id: q for q in queries}
    missing = sorted(q for q, rel in qrels.items() if rel and q not in by_id)
    if missing:
        raise InputRejected(
            f"{len(missing)} queries of the qrels are not in the queries file (e.g. {missing[0]})."
        )
    engine = engine_factory(mode) if engine_factory else RetrievalEngine(mode=mode)
    if engine.uses_semantic:
        engine.embedder.embed(["warm up"])  # model loading is not indexing
    started, cpu_started = time.perf_counter(), time.process_time()
    engine.add(document_for(c) for c in corpus)
    engine.search(Query(text="warm up"), k=1)  # builds the lexical index
    index_seconds = time.perf_counter() - started
    index_cpu_seconds = time.process_time() - cpu_started

    qids = [q for q, rel in qrels.items() if rel]
    runs: dict[str, list[tuple[str, float]]] = {}
    timings = []
    for qid in qids:
        claim = by_id[qid]
        query = Query(text=claim.text, date=claim.date)
        began = time.perf_counter()
        matches = engine.search(query, k=depth, explain=10)
        timings.append((time.perf_counter() - began) * 1000)
        runs[qid] = [(m.key, m.score) for m in matches]
    metrics = score_runs({q: [key for key, _ in r] for q, r in runs.items()}, qrels)
    metrics["index_seconds"] = index_seconds
    metrics["query_ms_p50"] = float(np.percentile(timings, 50)) if timings else 0.0
    metrics["query_ms_p95"] = float(np.percentile(timings, 95)) if timings else 0.0
    return EvaluationRun(
        metrics={k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()},
        runs=runs,
        index_cpu_seconds=round(index_cpu_seconds, 2),
    )


def evaluate_files(corpus: str | Path, queries: str | Path, qrels: str | Path, **options) -> EvaluationRun:
    return evaluate(read_corpus(corpus), read_queries(queries), read_qrels(qrels), **options)


def write_run(path: str | Path, runs: dict[str, list[tuple[str, float]]], *, tag: str = RUN_TAG) -> None:
    """A TREC run file: `qid Q0 docid rank score tag`, best first."""
    with Path(path).open("w", encoding="utf-8") as out:
        for qid, ranked in runs.items():
            for rank, (key, score) in enumerate(ranked, 1):
                out.write(f"{qid}\tQ0\t{key}\t{rank}\t{score:.6f}\t{tag}\n")
