"""Ingestion throughput: 1,000 generated news-like articles stored and split in PostgreSQL (one process).

Run with `make bench` or `.venv/bin/python -m bench.bench_ingest [--articles 1000]`.
"""

import argparse
import json
import random
import resource
import time

from bench import _django


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)

    _django.setup()
    from django.contrib.auth import get_user_model

    from bench.bench_splitting import make_article
    from claims.models import Claim
    from claims.services.ingest import article_ingest_text

    _django.empty_database()
    user, _ = get_user_model().objects.get_or_create(username="bench")
    rng = random.Random(args.seed)
    texts = [f"{make_article(rng)}\n\nReference {i}." for i in range(args.articles)]

    started = time.perf_counter()
    for text in texts:
        article_ingest_text(text=text, user=user)
    seconds = time.perf_counter() - started
    claims = Claim.objects.count()
    result = {
        "benchmark": "ingest",
        "articles": len(texts),
        "claims": claims,
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(texts) / seconds, 1),
        "claims_per_s": round(claims / seconds, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(
        f"Ingested {len(texts)} articles ({claims} claims) in {seconds:.1f} s: "
        f"{result['articles_per_s']} articles/s, peak RSS {result['peak_rss_mib']} MiB"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
