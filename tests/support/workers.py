"""Real Celery worker processes (and private Redis servers) for the tests that kill them.

A worker is started in its own process group, against the test database and a broker, with short job
timings (JOB_LEASE_SECONDS=3, JOB_SWEEP_SECONDS=1) so recovery takes seconds, not minutes. Its output goes
to a file the failing assertion shows.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from threading import Lock

import redis

# What the worker processes run with: recovery within lease + sweep interval, a few seconds.
LEASE_SECONDS = 3
SWEEP_SECONDS = 1


def wait_until(predicate, *, timeout: float = 60, interval: float = 0.2, what: str = "it") -> float:
    """Poll until `predicate()` is true; return the seconds it took. Fails (never hangs) after `timeout`."""
    started = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"Waited {timeout:.0f} s for {what}.")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of our own on a free port, which a test may stop and start (never the shared one)."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=(self.log_dir / f"redis-{self.port}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _pings(client), timeout=10, what="the private Redis to answer")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.exceptions.ConnectionError:
        return False


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path):
        self.process, self.log = process, log

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def children(self) -> list[int]:
        """The worker's direct children: its prefork pool (and its embedded beat, when started with one)."""
        found = subprocess.run(["pgrep", "-P", str(self.pid)], capture_output=True, text=True).stdout.split()
        return [int(pid) for pid in found]

    def kill_everything(self) -> None:
        """SIGKILL the worker and every process it started, as when its machine dies."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        self.kill_everything()


def start_worker(
    *,
    database: dict,
    broker_url: str,
    allowed_host: str,
    log_dir: Path,
    beat: bool = False,
    pool: str = "prefork",
    lease_seconds: int = LEASE_SECONDS,
) -> Worker:
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        ),
        "CELERY_BROKER_URL": broker_url,
        "FETCH_ALLOWED_HOSTS": allowed_host,
        "DB_CONN_MAX_AGE": "0",
        "JOB_RUNNER": "celery",
        "JOB_LEASE_SECONDS": str(lease_seconds),
        "JOB_SWEEP_SECONDS": str(SWEEP_SECONDS),
        # As in the test process: no related-coverage jobs unless a test queues them itself.
        "COVERAGE_AUTO_JOBS": os.environ.get("COVERAGE_AUTO_JOBS", "false"),
    }
    log = log_dir / f"worker-{time.monotonic_ns()}.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "factcheck",
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        "--loglevel=info",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if beat:
        command += ["--beat", "--schedule", str(log_dir / f"beat-{time.monotonic_ns()}")]
    process = subprocess.Popen(
        command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )
    return Worker(process, log)


class SlowPages(dict):
    """Pages for tests.support.local_site.LocalSite that take `delay` seconds to answer, counting requests.

    The delay keeps a job mid-flight long enough to kill the worker running it.
    """

    def __init__(self, pages: dict, *, delay: float):
        super().__init__(pages)
        self.delay = delay
        self.hits: Counter = Counter()
        self._lock = Lock()

    def get(self, path, default=None):
        with self._lock:
            self.hits[path] += 1
        time.sleep(self.delay)
        return super().get(path, default)
