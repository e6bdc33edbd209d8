"""Django set-up for benchmarks: a dedicated PostgreSQL database, created and migrated on first use."""

import os
import sys
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench"


def setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("Benchmarks empty their database: BENCH_DATABASE_URL must name a *bench* database.")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["JOB_RUNNER"] = "eager"  # measured work runs in the measured process, not a thread
    _create_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # Production settings serve hashed static file names from the manifest collectstatic writes.
    call_command("collectstatic", interactive=False, verbosity=0)


def _create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def empty_database() -> None:
    from claims.models import Article, Job, Source

    Job.objects.all().delete()
    Article.objects.all().delete()
    Source.objects.all().delete()
    for model in ("Article", "Claim", "Evidence", "Verdict", "Source"):
        from django.apps import apps

        apps.get_model("claims", f"Historical{model}").objects.all().delete()


def cite_evidence_of_published_verdicts() -> None:
    """Record each published verdict's claim evidence as what it cites, as approving would have: bench data
    is written in bulk, not through verdict_approve (claims/services/verdicts.py, cite_claim_evidence)."""
    from claims.models import CitedEvidence, Evidence, Verdict

    verdict_of = dict(Verdict.objects.filter(status="published").values_list("claim_id", "pk"))
    positions: dict[int, int] = {}
    cited = []
    evidence = Evidence.objects.filter(claim__verdicts__status="published").order_by("created_at", "id")
    for item in evidence.iterator(chunk_size=5000):
        verdict_id = verdict_of[item.claim_id]
        positions[verdict_id] = positions.get(verdict_id, 0) + 1
        cited.append(CitedEvidence.copy_of(item, verdict_id=verdict_id, position=positions[verdict_id]))
    CitedEvidence.objects.bulk_create(cited, batch_size=5000)


def joined_sentences(sentences: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """The sentences as one text (joined by spaces) and each one's (start, end) in it: an article's claims."""
    offsets, position = [], 0
    for sentence in sentences:
        offsets.append((position, position + len(sentence)))
        position += len(sentence) + 1
    return " ".join(sentences), offsets
