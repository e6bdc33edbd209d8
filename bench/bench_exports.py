"""CSV export at scale: 10,000 claims with published verdicts and 1–3 evidence each, exported in full.

Two runs: `render()` written to a file (the export command's and the background job's path), and the API's
`/api/v1/exports/csv/` through Django's test client, its StreamingHttpResponse consumed chunk by chunk and
each chunk dropped (as a socket would send it). Measured per run: wall time, the Python heap's peak growth
during the export (tracemalloc, in a pass of its own: tracing slows what it traces) and the process's peak
RSS growth (VmHWM from /proc/self/status, reset before each run where the kernel allows it).
Targets: ≤ 3 s and ≤ 50 MB of peak memory growth each. Exit 1 when a target is missed.

Run with `make bench` or `.venv/bin/python -m bench.bench_exports [--claims 10000]`.
Database: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/factcheck_bench_exports).
"""

import argparse
import hashlib
import json
import os
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench_exports"
CLAIMS_PER_ARTICLE = 20
TARGET_SECONDS = 3.0
TARGET_MB = 50.0
TOPICS = ["tram line", "ferry tickets", "fish quota", "harbour bridge", "school meals", "wind farm"]


def status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak_rss() -> None:
    """Let VmHWM start again from the current RSS (Linux ≥ 4.0). Where that is not allowed the peak is the
    process's peak so far (the data's creation, say), which can only overstate the growth."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def make_data(target: int) -> None:
    from django.contrib.auth.models import Group, User
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import _django
    from claims.models import Article, Claim, Evidence, Rating, Source, Verdict

    reviewer, _ = User.objects.get_or_create(username="bench-reviewer", defaults={"first_name": "Rita"})
    editor, _ = User.objects.get_or_create(username="bench-editor", defaults={"first_name": "Ed"})
    editor.groups.add(Group.objects.get(name="editor"))
    ratings = list(Rating.objects.filter(value__isnull=False).order_by("order"))
    rng = random.Random(11)
    now = timezone.now()
    with transaction.atomic():
        n_articles = -(-target // CLAIMS_PER_ARTICLE)
        articles, spans = [], []
        for a in range(n_articles):
            count = min(CLAIMS_PER_ARTICLE, target - a * CLAIMS_PER_ARTICLE)
            sentences = [
                f"The {rng.choice(TOPICS)} cost {rng.randint(2, 900)} million euros in {rng.randint(1990, 2025)}, "
                f"claim {a}-{i}."
                for i in range(count)
            ]
            text, offsets = _django.joined_sentences(sentences)
            articles.append(
                Article(
                    title=f"Export bench article {a}",
                    url=f"https://news.example/bench/{a}",
                    text=text,
                    content_hash=hashlib.sha256(f"export-bench:{a}:{text}".encode()).hexdigest(),
                    ingest_method="paste",
                    site_name="Bench Gazette",
                )
            )
            spans.append(offsets)
        Article.objects.bulk_create(articles, batch_size=1000)
        claims = [
            Claim(
                article=article,
                start=start,
                end=end,
                text=article.text[start:end],
                status="published",
                claimant="A councillor" if start % 3 else "",
            )
            for article, offsets in zip(articles, spans, strict=True)
            for start, end in offsets
        ]
        Claim.objects.bulk_create(claims, batch_size=5000)
        verdicts = [
            Verdict(
                claim=claim,
                rating=ratings[i % len(ratings)],
                summary=f"Checked against the official figures ({i}).",
                rationale=f"The **official** figures for claim {i} say otherwise: see [the table](https://stats.example/{i}).",
                author=reviewer,
                approver=editor,
                status="published",
                submitted_at=now,
                published_at=now,
            )
            for i, claim in enumerate(claims)
        ]
        Verdict.objects.bulk_create(verdicts, batch_size=5000)
        sources = [
            Source(
                url=f"https://stats.example/bench/{i}",
                title=f"Statistics table {i}",
                publisher="Statistics Office",
            )
            for i in range(target)
        ]
        Source.objects.bulk_create(sources, batch_size=5000)
        evidence = [
            Evidence(
                claim=claim,
                source=sources[(i * 7 + k) % len(sources)],
                stance=("refutes", "supports", "context")[k],
                excerpt=f"The table shows {rng.randint(2, 900)} million for line {k}.",
                author=reviewer,
            )
            for i, claim in enumerate(claims)
            for k in range(1 + i % 3)
        ]
        Evidence.objects.bulk_create(evidence, batch_size=5000)
    _django.cite_evidence_of_published_verdicts()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def export_to_file(path: str) -> tuple[int, int]:
    """A full CSV export through render(), written to `path`: (claims, bytes)."""
    from django.contrib.auth.models import AnonymousUser

    from claims.exports import build_report, csv_export
    from claims.selectors.reports import ReportSelection

    report = build_report(user=AnonymousUser(), selection=ReportSelection())
    written = 0
    with open(path, "wb") as file:
        for chunk in csv_export.render(report):
            file.write(chunk)
            written += len(chunk)
    return report.count, written


def export_over_the_api(client) -> tuple[int, int]:
    """The API's CSV export, its streamed chunks counted and dropped: (chunks, bytes)."""
    response = client.get("/api/v1/exports/csv/")
    assert response.status_code == 200 and response.streaming, response
    chunks = written = 0
    for chunk in response.streaming_content:
        chunks += 1
        written += len(chunk)
    response.close()
    return chunks, written


def measured(run) -> dict:
    """Wall time and RSS growth of one run, then the heap's peak growth in a traced run of its own."""
    reset_peak_rss()
    rss_before = status_mb("VmRSS")
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    rss_growth = status_mb("VmHWM") - rss_before
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": round(seconds, 2),
        "peak_heap_growth_mb": round((peak - base) / 1e6, 1),
        "peak_rss_growth_mb": round(rss_growth, 1),
        "result": result,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="Keep the data of an earlier run of this size.")
    args = parser.parse_args(argv)

    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
    from bench import _django

    _django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    from claims.models import Claim

    started = time.perf_counter()
    if not (args.reuse and Claim.objects.filter(status="published").count() == args.claims):
        _django.empty_database()
        make_data(args.claims)
    setup_seconds = time.perf_counter() - started
    assert Claim.objects.count() == args.claims

    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "report.csv")
        export_to_file(path)  # warm-up: the first query plans and imports are not the export's cost
        to_file = measured(lambda: export_to_file(path))
    export_over_the_api(client)
    over_api = measured(lambda: export_over_the_api(client))

    claims, size = to_file.pop("result")
    chunks, api_size = over_api.pop("result")
    runs = {"render_to_file": to_file, "api_streaming": over_api}
    missed = [
        f"{name} {key}"
        for name, run in runs.items()
        for key, limit in (
            ("seconds", TARGET_SECONDS),
            ("peak_heap_growth_mb", TARGET_MB),
            ("peak_rss_growth_mb", TARGET_MB),
        )
        if run[key] > limit
    ]
    result = {
        "benchmark": "exports_csv",
        "claims": claims,
        "megabytes": round(size / 1e6, 1),
        "api_chunks": chunks,
        "api_megabytes": round(api_size / 1e6, 1),
        "setup_seconds": round(setup_seconds, 1),
        **{f"{name}_{key}": value for name, run in runs.items() for key, value in run.items()},
        "target_seconds": TARGET_SECONDS,
        "target_mb": TARGET_MB,
        "missed": missed,
    }
    for name, run in runs.items():
        print(
            f"CSV export of {claims:,} claims ({result['megabytes']} MB), {name}: {run['seconds']} s, peak heap "
            f"growth {run['peak_heap_growth_mb']} MB, peak RSS growth {run['peak_rss_growth_mb']} MB."
        )
    print(json.dumps(result))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
