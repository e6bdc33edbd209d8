"""`make bench`: every benchmark in its own process; figures printed and saved to bench/results/latest.json."""

import json
import subprocess
import sys
from pathlib import Path

BENCHMARKS = [
    ["bench/bench_splitting.py", "--articles", "1000"],
    ["-m", "bench.bench_ingest", "--articles", "1000"],
    ["-m", "bench.bench_article_page", "--claims", "300"],
    ["bench/bench_matching.py", "--qrels", "qrels-dev.tsv"],
    ["-m", "bench.bench_coverage_scale", "--items", "100000"],
    ["-m", "bench.bench_claimreview_import", "--records", "10000"],
    ["-m", "bench.bench_feeds", "--feeds", "100"],
    ["-m", "bench.bench_api", "--claims", "100000"],
    ["-m", "bench.bench_report_pdf", "--claims", "200"],
    ["-m", "bench.bench_checkworthiness_training"],
    ["-m", "bench.bench_exports", "--claims", "10000"],
]


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    results, failed = [], False
    for args in BENCHMARKS:
        print(f"\n$ python {' '.join(args)}", flush=True)
        completed = subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True)
        print(completed.stdout, end="")
        print(completed.stderr, end="", file=sys.stderr)
        failed |= completed.returncode != 0
        lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
        if lines:
            results.append(json.loads(lines[-1]))
    out = root / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    print(f"\nSaved {out / 'latest.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
