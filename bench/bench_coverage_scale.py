"""Related coverage at 100,000 indexed items in PostgreSQL: time to compute one claim's suggestions.

`python -m bench.bench_coverage_scale [--items 100000]`

The 13,824 CheckThat! fact-checks are loaded once with `load_factchecks` (real MiniLM embeddings), then
copied in SQL, text marked and vectors shared, up to `--items`: the copies cost the engine what distinct
items would (one more row of the matrix, one more BM25 document). A seed-article's claims are then
suggested for, one `suggest_coverage` run each, timed from the handler's start to its commit (queueing
excluded) after the process has loaded the corpus once, as a warm worker has. Prints a JSON line.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_coverage_bench")
os.environ["COVERAGE_AUTO_JOBS"] = "false"  # the benchmark runs each step itself
sys.path.insert(0, str(ROOT))

from bench import _django  # noqa: E402

VCLAIMS = ROOT.parent / "shared" / "eval" / "claim-matching" / "checkthat-2021-2a" / "vclaims"
SEED = ROOT.parent / "shared" / "seed" / "000_9fe0ddd6bad35aa8.txt"
BUDGET_MS = 250


def fill_corpus(target: int) -> tuple[int, float]:
    from django.core.management import call_command
    from django.db import connection

    from claims.models import CorpusItem

    started = time.monotonic()
    if not CorpusItem.objects.filter(kind="factcheck").exists():
        call_command("load_factchecks", str(VCLAIMS), "--no-refresh", verbosity=0)
    have = CorpusItem.objects.count()
    copy = 0
    while have < target:
        copy += 1
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO claims_corpusitem (kind, text, title, date, language, url, external_id,
                    embedding, embedding_model, indexed_at, created_at, updated_at,
                    title_terms, terms, term_count)
                SELECT kind, text || ' (copy ' || %s || ')', title, date, language, url,
                    external_id || '-copy-' || %s, embedding, embedding_model, indexed_at, now(), now(),
                    title_terms, terms || ' copi ' || %s, term_count + 2
                FROM (SELECT * FROM claims_corpusitem
                      WHERE kind = 'factcheck' AND external_id NOT LIKE '%%-copy-%%'
                      ORDER BY id LIMIT %s) AS originals
                ON CONFLICT DO NOTHING
                """,
                [copy, copy, copy, target - have],
            )
        have = CorpusItem.objects.count()
    return have, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    _django.setup()

    from claims.coverage import store as corpus
    from claims.models import Article, Job
    from claims.services import job_queue
    from claims.services.coverage import coverage_suggest_job
    from claims.services.ingest import article_ingest_text

    items, fill_seconds = fill_corpus(args.items)
    article = Article.objects.filter(title="Coverage bench").first()
    if article is None:
        article = article_ingest_text(text=SEED.read_text(encoding="utf-8"), title="Coverage bench").article
    claims = list(article.claims.order_by("start"))

    started = time.monotonic()
    corpus.corpus_store().refresh()
    load_seconds = time.monotonic() - started
    # The first search builds the BM25 index and loads the model: a worker does that once, at start.
    times = []
    for round_number in range(args.rounds + 1):
        for claim in claims:
            job = Job.objects.create(kind="suggest_coverage", params={"claim": claim.pk})
            claimed = job_queue.job_claim(job_id=job.pk, token=str(uuid.uuid4()))
            begun = time.perf_counter()
            coverage_suggest_job(claimed)
            elapsed = (time.perf_counter() - begun) * 1000
            if round_number:
                times.append(elapsed)
    times.sort()
    result = {
        "benchmark": "coverage_scale",
        "items": items,
        "claims": len(claims),
        "runs": len(times),
        "fill_seconds": round(fill_seconds, 1),
        "store_load_seconds": round(load_seconds, 1),
        "suggest_ms_p50": round(statistics.median(times), 1),
        "suggest_ms_p95": round(times[int(0.95 * (len(times) - 1))], 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "budget_ms": BUDGET_MS,
    }
    print(
        f"{items:,} items: one claim's suggestions p50 {result['suggest_ms_p50']} ms, "
        f"p95 {result['suggest_ms_p95']} ms (budget {BUDGET_MS} ms); store loaded in "
        f"{result['store_load_seconds']} s; peak RSS {result['peak_rss_mib']} MiB"
    )
    print(json.dumps(result))
    return 0 if result["suggest_ms_p95"] <= BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
