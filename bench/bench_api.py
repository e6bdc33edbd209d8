"""The partner API's claim list under load: `GET /api/v1/claims/?page_size=50` with a read key, against a
minimal Django view returning the same 50 rows as JSON, both served by gunicorn (2 workers) from 100,000
claims in PostgreSQL.

`python -m bench.bench_api [--claims 100000 --connections 8 --rounds 3 --seconds 5 --profile]`

- **Data**: articles of 50 claims each, bulk-created (reused when the bench database holds them already);
  every 5th claim has a published verdict (what a read key sees: its partner pushed no article), every
  20th an unpublished draft (which it must not see), every 7th an assignee.
- **Server**: gunicorn, 2 sync workers, production-like settings (bench/_django.py: DEBUG off, persistent
  database connections) with bench/api_settings.py, which adds the baseline view
  (bench/api_baseline_urls.py: one `.values()` query, `JsonResponse`, no authentication). Rate limits are
  kept in Redis as in production (`BENCH_REDIS_URL`, else this machine's memory, said in the output) at a
  rate that the run does not reach (`--rate-limit`), so the limiter's cost is measured but nobody is
  refused.
- **Load**: wrk on loopback (`-c 8`, 2 threads, fixed duration), 3 s of warm-up each, then `--rounds`
  rounds alternating API and baseline, `--seconds` each; req/s, p50/p95 latency and the workers' CPU time
  per request (steadier than req/s when other work shares the machine) per round, and their medians. Without wrk, a bounded Python generator (threads + http.client) does the same, said in the output.
- **Checks first**: both answer 200 with the same ids and fields; the API's query count is the same at
  page sizes 10 and 200 (and printed, with the baseline's).
- `--profile`: cProfile of 300 API requests through Django's test client, the 30 most costly functions
  by cumulative time on standard error.

Targets: API req/s ≥ 0.6 × the baseline's, API p95 ≤ 50 ms at 8 connections. Prints a JSON line.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_bench_api")
sys.path.insert(0, str(ROOT))

from bench import _django  # noqa: E402

CLAIMS_PER_ARTICLE = 50
BASELINE_URL = "/bench/baseline/claims/?page_size={size}"
API_URL = "/api/v1/claims/?page_size={size}"
TITLE_PREFIX = "API bench article"
RATIO_TARGET = 0.6
P95_TARGET_MS = 50
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


# --- data ------------------------------------------------------------------------------------------------


def fill(target: int) -> tuple[int, float]:
    """`target` claims in articles of 50 (built once; a database holding them already is reused)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from bench.bench_splitting import _sentence
    from claims.models import Article, Claim, Rating, Verdict

    started = time.monotonic()
    have = Claim.objects.filter(article__title__startswith=TITLE_PREFIX).count()
    if have == target and Claim.objects.count() == target:
        return have, 0.0
    _django.empty_database()
    User = get_user_model()
    reviewer, _ = User.objects.get_or_create(username="bench-reviewer")
    reviewer.groups.add(Group.objects.get(name="reviewer"))
    editor, _ = User.objects.get_or_create(username="bench-editor")
    editor.groups.add(Group.objects.get(name="editor"))
    ratings = list(Rating.objects.filter(value__isnull=False).order_by("order"))
    rng = random.Random(10)
    now = timezone.now()
    n_articles = -(-target // CLAIMS_PER_ARTICLE)
    with transaction.atomic():
        articles, spans = [], []
        for a in range(n_articles):
            count = min(CLAIMS_PER_ARTICLE, target - a * CLAIMS_PER_ARTICLE)
            sentences = [_sentence(rng) for _ in range(count)]
            text, offsets = _django.joined_sentences(sentences)
            articles.append(
                Article(
                    title=f"{TITLE_PREFIX} {a}",
                    text=text,
                    content_hash=hashlib.sha256(f"{a}:{text}".encode()).hexdigest(),
                    ingest_method="paste",
                    site_name="Bench Gazette",
                    language="en",
                )
            )
            spans.append(offsets)
        Article.objects.bulk_create(articles, batch_size=1000)
        claims, i = [], 0
        for article, offsets in zip(articles, spans, strict=True):
            for start, end in offsets:
                published, drafted = i % 5 == 0, i % 20 == 1
                claims.append(
                    Claim(
                        article=article,
                        start=start,
                        end=end,
                        text=article.text[start:end],
                        quote_prefix=article.text[max(0, start - 32) : start],
                        quote_suffix=article.text[end : end + 32],
                        checkworthiness=round(rng.random(), 3),
                        kind=rng.choice(["factual", "statistical", "quote", "other"]),
                        reasons=["Contains a number"],
                        status="published" if published else "in_review" if drafted else "new",
                        assignee=reviewer if i % 7 == 0 else None,
                    )
                )
                i += 1
        Claim.objects.bulk_create(claims, batch_size=5000)
        verdicts = []
        for i, claim in enumerate(claims):
            if i % 5 == 0:
                verdicts.append(
                    Verdict(
                        claim=claim,
                        rating=ratings[i % len(ratings)],
                        summary="Checked against the official figures.",
                        rationale="The **official** figures say otherwise.",
                        author=reviewer,
                        approver=editor,
                        status="published",
                        submitted_at=now,
                        published_at=now,
                    )
                )
            elif i % 20 == 1:
                verdicts.append(
                    Verdict(claim=claim, rating=ratings[0], summary="Draft.", author=reviewer, status="draft")
                )
        Verdict.objects.bulk_create(verdicts, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Claim.objects.count(), time.monotonic() - started


def read_key():
    """A new read key of the bench's partner (revoked when the run ends): the key and the key itself."""
    from claims.models import Partner
    from claims.services.partners import api_key_create, partner_create

    partner = Partner.objects.filter(name="API bench").first() or partner_create(name="API bench")
    return api_key_create(partner=partner, name="bench read key", scopes=["read"])


# --- checks in this process ------------------------------------------------------------------------------


def check_answers(raw_key: str) -> dict:
    """Both answer 200 with the same rows and fields; the API's query count does not grow with the page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(ROOT_URLCONF="bench.api_baseline_urls"):
        client = Client(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
        client.get(API_URL.format(size=1))  # the key's first use writes its `last_used_at`; later ones do not
        queries = {}
        for size in (10, 200):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(API_URL.format(size=size))
            assert response.status_code == 200, response.content[:500]
            queries[size] = len(captured)
        api = client.get(API_URL.format(size=50)).json()
        with CaptureQueriesContext(connection) as captured:
            baseline = Client().get(BASELINE_URL.format(size=50)).json()
        baseline_queries = len(captured)
    api_rows, baseline_rows = api["results"], baseline["results"]
    assert [r["id"] for r in api_rows] == [r["id"] for r in baseline_rows], "the two answer different rows"
    assert all(set(a) == set(b) for a, b in zip(api_rows, baseline_rows, strict=True)), "different fields"
    assert len(api_rows) == 50 and all(r["verdict"] for r in api_rows)
    assert queries[10] == queries[200], f"the API's query count grows with the page size: {queries}"
    return {"api_queries": queries[200], "baseline_queries": baseline_queries}


def profile(raw_key: str, requests: int = 300) -> None:
    import cProfile
    import pstats

    from django.test import Client
    from django.test.utils import override_settings

    with override_settings(ROOT_URLCONF="bench.api_baseline_urls"):
        client = Client(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
        for _ in range(20):
            client.get(API_URL.format(size=50))
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(API_URL.format(size=50))
        profiler.disable()
    print(f"\ncProfile of {requests} API requests (Django test client, same database):", file=sys.stderr)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)


# --- the server ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_url() -> str:
    """The Redis the rate limits go to, if one answers; else "" (each worker's memory)."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=1):
            return url
    except OSError:
        return ""


def start_server(port: int, cache_url: str, rate_limit: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.api_settings",
        "REDIS_CACHE_URL": cache_url,
        "API_RATE_LIMIT": rate_limit,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "factcheck.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--error-logfile", str(log)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{BASELINE_URL.format(size=1)}", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def workers_cpu_seconds(server: subprocess.Popen) -> float | None:
    """CPU time (user + system) the server's worker processes have used so far; None off Linux."""
    proc = Path("/proc")
    if not proc.exists():
        return None
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == server.pid:  # its parent is the arbiter: a worker
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: the arbiter and its two workers
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- load ------------------------------------------------------------------------------------------------


def run_wrk(url: str, headers: dict, seconds: float, connections: int, script: Path) -> dict:
    command = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    completed = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    lines = [x for x in completed.stdout.splitlines() if x.startswith("{")]
    if not lines:
        raise SystemExit(f"wrk did not report:\n{completed.stdout}{completed.stderr}")
    raw = json.loads(lines[-1])
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "requests": raw["requests"],
        "errors": raw["status_errors"] + raw["socket_errors"],
    }


def run_python_load(url: str, headers: dict, seconds: float, connections: int) -> dict:
    """Without wrk: `connections` threads, each with one keep-alive connection (reopened when the server
    closes it), for a fixed time. Slower than wrk (it shares the GIL), so it is said in the output."""
    host_port, path = url.split("//", 1)[1].split("/", 1)
    host, port = host_port.split(":")
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        connection, mine, failed = None, [], 0
        while time.monotonic() < deadline:
            if connection is None:
                connection = HTTPConnection(host, int(port), timeout=5)
            begun = time.perf_counter()
            try:
                connection.request("GET", "/" + path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except OSError:
                failed += 1
                connection = None
                continue
            mine.append(time.perf_counter() - begun)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "requests": len(latencies),
        "errors": errors[0],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument(
        "--rate-limit", default="1000000/second", help="API_RATE_LIMIT of the server (not reached)."
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the API in this process too.")
    args = parser.parse_args(argv)

    os.environ["API_RATE_LIMIT"] = args.rate_limit  # this process's checks, as the server's
    _django.setup()
    claims, fill_seconds = fill(args.claims)
    key, raw_key = read_key()
    checks = check_answers(raw_key)
    if args.profile:
        profile(raw_key)

    cache_url = redis_url()
    tool = "wrk" if shutil.which("wrk") else "python"
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    script = workdir / "report.lua"
    script.write_text(WRK_REPORT)
    server = start_server(port, cache_url, args.rate_limit, workdir / "gunicorn.log")
    targets = {
        "api": (
            f"http://127.0.0.1:{port}{API_URL.format(size=args.page_size)}",
            {"Authorization": f"Api-Key {raw_key}"},
        ),
        "baseline": (f"http://127.0.0.1:{port}{BASELINE_URL.format(size=args.page_size)}", {}),
    }

    def load(name: str, seconds: float) -> dict:
        url, headers = targets[name]
        cpu_before = workers_cpu_seconds(server)
        if tool == "wrk":
            figures = run_wrk(url, headers, seconds, args.connections, script)
        else:
            figures = run_python_load(url, headers, seconds, args.connections)
        cpu_after = workers_cpu_seconds(server)
        # What a request costs the workers' CPU: steadier than req/s when other work shares the machine.
        if cpu_before is not None and cpu_after is not None and figures["requests"]:
            figures["worker_cpu_ms"] = (cpu_after - cpu_before) * 1000 / figures["requests"]
        return figures

    try:
        for name in targets:
            load(name, args.warmup)
        rounds = {"api": [], "baseline": []}
        for _ in range(args.rounds):
            for name in ("api", "baseline"):
                rounds[name].append(load(name, args.seconds))
    finally:
        stop_server(server)
        from claims.services.partners import api_key_revoke

        api_key_revoke(key=key)

    def median(name: str, figure: str, digits: int = 1) -> float:
        return round(statistics.median(r[figure] for r in rounds[name]), digits)

    api_rps, baseline_rps = median("api", "rps"), median("baseline", "rps")
    cpu_known = all("worker_cpu_ms" in r for rs in rounds.values() for r in rs)
    result = {
        "benchmark": "api_claims_list",
        "claims": claims,
        "fill_seconds": round(fill_seconds, 1),
        "page_size": args.page_size,
        "connections": args.connections,
        "workers": 2,
        "load_tool": tool,
        "rate_limit_cache": "redis" if cache_url else "locmem",
        "rounds": args.rounds,
        "seconds_per_round": args.seconds,
        "api_rps": api_rps,
        "baseline_rps": baseline_rps,
        "ratio": round(api_rps / baseline_rps, 3),
        "api_p50_ms": median("api", "p50_ms"),
        "api_p95_ms": median("api", "p95_ms"),
        "baseline_p50_ms": median("baseline", "p50_ms"),
        "baseline_p95_ms": median("baseline", "p95_ms"),
        "api_worker_cpu_ms": median("api", "worker_cpu_ms", 2) if cpu_known else None,
        "baseline_worker_cpu_ms": median("baseline", "worker_cpu_ms", 2) if cpu_known else None,
        "cpu_ratio": round(median("baseline", "worker_cpu_ms") / median("api", "worker_cpu_ms"), 3)
        if cpu_known
        else None,
        "errors": sum(r["errors"] for rs in rounds.values() for r in rs),
        **checks,
        "per_round": {
            name: [{k: round(v, 1) for k, v in r.items()} for r in rs] for name, rs in rounds.items()
        },
        "targets": {"ratio": RATIO_TARGET, "api_p95_ms": P95_TARGET_MS},
    }
    print(
        f"{claims:,} claims, page of {args.page_size}, {args.connections} connections, gunicorn 2 workers "
        f"({tool}): API {api_rps} req/s (p50 {result['api_p50_ms']} ms, p95 {result['api_p95_ms']} ms), "
        f"baseline {baseline_rps} req/s (p50 {result['baseline_p50_ms']} ms, p95 {result['baseline_p95_ms']} "
        f"ms): ratio {result['ratio']} (target ≥ {RATIO_TARGET}, p95 ≤ {P95_TARGET_MS} ms); "
        f"{checks['api_queries']} queries per API page, {checks['baseline_queries']} for the baseline; "
        f"worker CPU per request: API {result['api_worker_cpu_ms']} ms, baseline "
        f"{result['baseline_worker_cpu_ms']} ms (ratio {result['cpu_ratio']})"
    )
    print(json.dumps(result))
    ok = result["ratio"] >= RATIO_TARGET and result["api_p95_ms"] <= P95_TARGET_MS and not result["errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
