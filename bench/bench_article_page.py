"""Server time and query count of the article page for an article with 300 claims.

Run with `make bench` or `.venv/bin/python -m bench.bench_article_page [--claims 300 --runs 30]`.
The budget is 150 ms server time (median) and a constant number of queries.
"""

import argparse
import json
import random
import statistics
import time

from bench import _django

BUDGET_MS = 150


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)

    _django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.bench_splitting import _sentence
    from claims.models import Evidence, Rating, Source, Verdict
    from claims.services.ingest import article_ingest_text

    _django.empty_database()
    reviewer, _ = get_user_model().objects.get_or_create(username="bench-reviewer")
    reviewer.groups.add(Group.objects.get(name="reviewer"))
    rng = random.Random(5)
    paragraphs, count = [], 0
    while count < args.claims:
        paragraph = [_sentence(rng) for _ in range(5)]
        paragraphs.append(" ".join(paragraph))
        count += len(paragraph)
    article = article_ingest_text(
        text="\n\n".join(paragraphs), title="Benchmark article", user=reviewer
    ).article
    claims = list(article.claims.order_by("start")[: args.claims])
    article.claims.exclude(pk__in=[c.pk for c in claims]).delete()
    source = Source.objects.create(url="https://example.org/report", title="Report")
    rating = Rating.objects.get(slug="false")
    for claim in claims[::3]:
        Evidence.objects.create(claim=claim, source=source, stance="refutes", excerpt="x", author=reviewer)
        Verdict.objects.create(claim=claim, rating=rating, summary="Wrong.", author=reviewer)
    selected = claims[0]

    client = Client()
    client.force_login(reviewer)
    url = f"/articles/{article.pk}/?claim={selected.pk}"
    for _ in range(3):  # warm-up: template loading, caches
        assert client.get(url, secure=True).status_code == 200
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url, secure=True)

    result = {
        "benchmark": "article_page",
        "claims": len(claims),
        "runs": args.runs,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(sorted(timings)[int(0.95 * (len(timings) - 1))], 1),
        "queries": len(queries),
        "budget_ms": BUDGET_MS,
    }
    print(
        f"Article page with {len(claims)} claims: median {result['median_ms']} ms, "
        f"p95 {result['p95_ms']} ms, {result['queries']} queries (budget {BUDGET_MS} ms)"
    )
    print(json.dumps(result))
    return 0 if result["median_ms"] <= BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
