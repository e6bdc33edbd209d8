"""ClaimReview import throughput: 10,000 generated reviews, in the shapes publishers use, into PostgreSQL.

The files: a DataFeed (JSON), JSON Lines, a Google Fact Check Tools response and saved HTML pages, about a
quarter of the reviews each, with the irregular markup of real publishers (ratings as strings or as labels
only, authors as lists, `@type` in lower case) and one broken record in every hundred. Measured: reading,
mapping and storing (the work of the command before it hands the new items to the background indexer; the
embedding is the indexer's, measured in docs/benchmarks.md under related coverage), then the same import
again, which must add nothing. Peak memory is the Python heap's peak during an import (tracemalloc, in a
pass of its own) and the process's peak RSS.

Run with `make bench` or `.venv/bin/python -m bench.bench_claimreview_import [--records 10000]`.
"""

import argparse
import json
import random
import resource
import time
import tracemalloc

from bench import _django

PUBLISHERS = [
    "Harbour Fact Desk",
    "Riverside Truth Desk",
    "Example Checks",
    "Lines Checkers",
    "Vérif Exemple",
]
LABELS = [
    "False",
    "Mostly false",
    "Half true",
    "Mostly True",
    "True",
    "Pants on Fire!",
    "Misleading",
    "Unproven",
]
TOPICS = [
    "tram line",
    "ferry tickets",
    "fish quota",
    "harbour bridge",
    "school meals",
    "wind farm",
    "bus fares",
]


def review(i: int, rng: random.Random) -> dict:
    topic = rng.choice(TOPICS)
    publisher = rng.choice(PUBLISHERS)
    rating = (
        {"ratingValue": str(rng.randint(1, 5)), "bestRating": "5", "worstRating": "1"}
        if i % 3 == 0
        else {"alternateName": rng.choice(LABELS)}
    )
    if i % 100 == 99:  # a broken record: no claim at all
        return {"@type": "ClaimReview", "url": f"https://checks.example/{i}", "reviewRating": rating}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview" if i % 5 else ["claimreview"],
        "url": f"https://{publisher.split()[0].lower()}.example/checks/{i}",
        "claimReviewed": f"The {topic} cost {rng.randint(2, 900)} million in {rng.randint(1990, 2023)}, claim {i}.",
        "datePublished": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "author": [{"@type": "Organization", "name": publisher}] if i % 2 else {"name": publisher},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": f"Councillor {i % 37}"}},
        "reviewRating": {"@type": "Rating", **rating},
    }


def make_files(records: int, rng: random.Random):
    from claims.services.claimreviews import ImportFile

    reviews = [review(i, rng) for i in range(records)]
    quarter = max(1, records // 4)
    feed, lines, google = (reviews[k * quarter : (k + 1) * quarter] for k in range(3))
    pages = reviews[3 * quarter :]
    files = [
        ImportFile(
            name="feed.json",
            data=json.dumps({"@type": "DataFeed", "dataFeedElement": [{"item": r} for r in feed]}).encode(),
        ),
        ImportFile(name="export.jsonl", data="\n".join(json.dumps(r) for r in lines).encode()),
        ImportFile(
            name="google.json",
            data=json.dumps(
                {
                    "claims": [
                        {
                            "text": r.get("claimReviewed", ""),
                            "claimant": "Councillor",
                            "claimReview": [
                                {
                                    "publisher": {"name": "Example Checks", "site": "checks.example"},
                                    "url": r["url"],
                                    "reviewDate": r.get("datePublished", "") + "T00:00:00Z",
                                    "textualRating": r["reviewRating"].get("alternateName", "False"),
                                }
                            ],
                        }
                        for r in google
                    ]
                }
            ).encode(),
        ),
    ]
    for start in range(0, len(pages), 10):  # saved pages of ten reviews each
        blocks = "".join(
            f'<script type="application/ld+json">{json.dumps(r)}</script>' for r in pages[start : start + 10]
        )
        files.append(
            ImportFile(name=f"page-{start}.html", data=f"<html><head>{blocks}</head></html>".encode())
        )
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)

    _django.setup()
    from claims.choices import CorpusKind
    from claims.models import CorpusItem, Job
    from claims.services import job_queue
    from claims.services.claimreviews import claimreviews_import

    _django.empty_database()
    CorpusItem.objects.filter(kind=CorpusKind.CLAIMREVIEW).delete()
    files = make_files(args.records, random.Random(args.seed))
    size = sum(len(f.data) for f in files)
    job_queue.job_hand_over = lambda **kwargs: False  # the indexing job stays queued: not measured here

    started = time.perf_counter()
    first = claimreviews_import(files=files)
    seconds = time.perf_counter() - started

    started = time.perf_counter()
    again = claimreviews_import(files=files)
    rerun_seconds = time.perf_counter() - started
    stored = CorpusItem.objects.filter(kind=CorpusKind.CLAIMREVIEW).count()

    # Memory in a pass of its own: tracing every allocation doubles the time it measures.
    CorpusItem.objects.filter(kind=CorpusKind.CLAIMREVIEW).delete()
    tracemalloc.start()
    claimreviews_import(files=files)
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    Job.objects.all().delete()

    result = {
        "benchmark": "claimreview_import",
        "records": args.records,
        "files": len(files),
        "megabytes": round(size / 1e6, 1),
        "reviews_found": first.reviews_found,
        "imported": first.imported,
        "errors": len(first.errors),
        "seconds": round(seconds, 2),
        "records_per_s": round(first.reviews_found / seconds, 1),
        "peak_heap_mib": round(heap_peak / 2**20, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rerun_seconds": round(rerun_seconds, 2),
        "rerun_imported": again.imported,
        "rerun_updated": again.updated,
        "stored": stored,
    }
    print(
        f"Imported {first.imported:,} of {first.reviews_found:,} reviews ({len(first.errors)} refused) from "
        f"{len(files)} files ({result['megabytes']} MB) in {seconds:.1f} s: {result['records_per_s']:,} records/s, "
        f"peak heap {result['peak_heap_mib']} MiB, peak RSS {result['peak_rss_mib']} MiB. "
        f"Again: {again.imported} new, {again.updated} updated in {rerun_seconds:.1f} s."
    )
    print(json.dumps(result))
    return 0 if again.imported == again.updated == 0 and stored == first.imported else 1


if __name__ == "__main__":
    raise SystemExit(main())
