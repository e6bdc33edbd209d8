"""Benchmark: claim matching on CheckThat! 2021 Task 2A (English), the evaluation of `evaluate_matching`.

    .venv/bin/python bench/bench_matching.py [--data ../shared/eval/claim-matching/checkthat-2021-2a]
        [--qrels qrels-dev.tsv] [--modes lexical,semantic,hybrid]

Indexes the 13,824 fact-checks into a fresh in-memory engine per mode (BM25 + MiniLM embeddings on
2 torch threads, batches of 32, texts sorted by length), ranks every dev query and prints a Markdown
table and one JSON line with the metrics, the index time and p50/p95 query times per mode. Exits 1 when
indexing takes longer than 2 minutes or hybrid MAP@5 falls below 0.95 on dev. No database, no Django.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from claims.coverage.evaluation import evaluate  # noqa: E402
from claims.coverage.readers import read_corpus, read_qrels, read_queries  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (
    Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
    / "eval"
    / "claim-matching"
    / "checkthat-2021-2a"
)
MAX_INDEX_SECONDS = 120.0
MIN_HYBRID_MAP5 = 0.95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--qrels", default="qrels-dev.tsv")
    parser.add_argument("--modes", default="lexical,semantic,hybrid")
    args = parser.parse_args()

    corpus = read_corpus(args.data / "vclaims")
    queries = read_queries(args.data / "tweets-train-dev.tsv")
    qrels = read_qrels(args.data / args.qrels)
    results = {}
    for mode in args.modes.split(","):
        run = evaluate(corpus, queries, qrels, mode=mode)
        results[mode] = {**run.metrics, "index_cpu_seconds": run.index_cpu_seconds}
        print(f"{mode}: {json.dumps(results[mode])}", file=sys.stderr, flush=True)

    print(f"\n{len(corpus)} fact-checks, {args.qrels}\n")
    # The command's metrics, in its own order (n_queries is the same for every mode).
    columns = [key for key in next(iter(results.values())) if key not in ("n_queries", "index_cpu_seconds")]
    print("| mode | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for mode, metrics in results.items():
        print(f"| {mode} | " + " | ".join(f"{metrics[c]}" for c in columns) + " |")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    hybrid = results.get("hybrid", {})
    ok = hybrid.get("map@5", 1.0) >= MIN_HYBRID_MAP5 and all(
        m["index_seconds"] <= MAX_INDEX_SECONDS for mode, m in results.items() if mode != "lexical"
    )
    print(
        json.dumps(
            {
                "benchmark": "matching",
                "qrels": args.qrels,
                "n_documents": len(corpus),
                "peak_rss_mb": round(peak_mb, 1),
                **{mode: metrics for mode, metrics in results.items()},
                "ok": ok,
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
