"""PDF verdict report rendering: 200 claims with published verdicts and two sources each (target ≤ 10 s).

Measured: building the report (the selector's queries) and WeasyPrint laying it out to PDF bytes, as the
download, the API and `manage.py export_report --format pdf` do. The data is written once into a bench
database of its own (BENCH_DATABASE_URL, default factcheck_bench_pdf, created on first use).

Run with `make bench` or `.venv/bin/python -m bench.bench_report_pdf [--claims 200]`.
"""

import argparse
import io
import json
import os
import resource
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench_pdf"
TARGET_SECONDS = 10.0

RATIONALE = (
    "The figure in the claim does not match the **published accounts**. The council's own statement gives "
    "a different number, and the minutes of the meeting record the same.\n\n"
    "- The statement was published the day before the article.\n- The minutes were approved a week later.\n\n"
    "Read together, the sources show the claim rounds the figure in one direction only."
)


def make_claims(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from claims.models import Article, Claim, Evidence, Rating, Source, Verdict

    users = get_user_model().objects
    author = users.get_or_create(username="bench-reviewer", defaults={"first_name": "Bench"})[0]
    approver = users.get_or_create(username="bench-editor", defaults={"first_name": "Editor"})[0]
    ratings = list(Rating.objects.order_by("order"))
    sentence = "The harbour bridge cost {n} million euros to repair in {year}, the council said."
    sentences = [sentence.format(n=10 + i, year=1990 + i % 30) for i in range(count)]
    text = " ".join(sentences)
    article = Article.objects.create(
        title="Harbour bridge repairs", url="https://news.example/bridge", site_name="Harbour Times",
        text=text, content_hash="bench-report-pdf", ingest_method="paste",
    )  # fmt: skip
    claims, offset = [], 0
    for s in sentences:
        claims.append(Claim(article=article, start=offset, end=offset + len(s), text=s, kind="factual"))
        offset += len(s) + 1
    claims = Claim.objects.bulk_create(claims)
    now = timezone.now()
    Verdict.objects.bulk_create(
        Verdict(
            claim=claim, rating=ratings[i % len(ratings)], summary=f"The repair cost differs from claim {i}.",
            rationale=RATIONALE, author=author, approver=approver, status="published",
            submitted_at=now, published_at=now,
        )
        for i, claim in enumerate(claims)
    )  # fmt: skip
    sources = Source.objects.bulk_create(
        Source(
            url=f"https://council.example/statements/{i}", title=f"Council statement {i}", publisher="City Council",
            archived_text="The repairs cost the amount given in the statement.", fetched_at=now,
        )
        for i in range(2 * count)
    )  # fmt: skip
    Evidence.objects.bulk_create(
        Evidence(
            claim=claim, source=sources[2 * i + k], stance=("supports", "refutes")[k],
            excerpt="The repairs cost the amount given in the statement.", author=author,
        )
        for i, claim in enumerate(claims)
        for k in range(2)
    )  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=200)
    args = parser.parse_args(argv)

    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
    from bench import _django

    _django.setup()
    from django.contrib.auth import get_user_model

    from claims.exports import build_report, format_module
    from claims.selectors.reports import ReportSelection

    _django.empty_database()
    make_claims(args.claims)
    _django.cite_evidence_of_published_verdicts()
    user = get_user_model().objects.get(username="bench-editor")
    pdf = format_module("pdf")

    parts = pdf.parts_for(args.claims)
    children_cpu_started = _children_cpu()
    started, cpu_started = time.perf_counter(), time.process_time()
    report = build_report(user=user, selection=ReportSelection())
    data = pdf.pdf_bytes(report)  # what pdf.render does: in parts, side by side, for a report this long
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    workers_cpu_seconds = _children_cpu() - children_cpu_started

    from pypdf import PdfReader

    result = {
        "benchmark": "report_pdf",
        "claims": report.count,
        "evidence_per_claim": 2,
        "parts": parts,
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "megabytes": round(len(data) / 1e6, 2),
        "seconds": round(seconds, 2),
        # This process's own CPU time, and its worker processes' (laying out the other parts): on a busy
        # machine the wall time is longer.
        "cpu_seconds": round(cpu_seconds, 2),
        "workers_cpu_seconds": round(workers_cpu_seconds, 2),
        "target_seconds": TARGET_SECONDS,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": [round(n, 2) for n in os.getloadavg()],
    }
    print(
        f"Rendered a {result['pages']}-page PDF report of {report.count} claims ({result['megabytes']} MB) in "
        f"{seconds:.1f} s in {parts} part{'s' if parts > 1 else ''}, {cpu_seconds:.1f} s of CPU here and "
        f"{workers_cpu_seconds:.1f} s in worker processes (target ≤ {TARGET_SECONDS:.0f} s)."
    )
    print(json.dumps(result))
    _django.empty_database()
    return 0 if seconds <= TARGET_SECONDS and report.count == args.claims else 1


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    raise SystemExit(main())
