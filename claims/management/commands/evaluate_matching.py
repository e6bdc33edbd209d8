"""Rank a fact-check corpus for every query of a qrels file with the production engine and print the metrics.

    python manage.py evaluate_matching --corpus vclaims/ --queries tweets.tsv --qrels qrels-dev.tsv \
        [--mode lexical|semantic|hybrid] [--run-out run.tsv]

The corpus goes into an isolated store ranked by the production engine (the same `RetrievalEngine` the
product uses, default weights). On PostgreSQL, as in the product, the database ranks lexically: the corpus
goes into a temporary table of this session (claims/coverage/database.py), gone when the command ends; on
SQLite the engine's own BM25 index ranks. The workbench's own items are never read or written. Progress goes to stderr; the
LAST line of stdout is one JSON object (other tools parse it):
{"n_queries", "map@1", "map@3", "map@5", "map@10", "mrr", "recall@10", "index_seconds", "query_ms_p50",
"query_ms_p95"}. MAP@k is defined in `claims.coverage.evaluation`.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from claims.coverage.database import TemporaryTable
from claims.coverage.engine import MODES, RetrievalEngine
from claims.coverage.evaluation import evaluate, write_run
from claims.coverage.readers import read_corpus, read_qrels, read_queries
from claims.coverage.store import database_lexical
from claims.errors import InputRejected


class Command(BaseCommand):
    help = "Evaluate claim matching (CheckThat! claim retrieval) on a fact-check corpus, queries and qrels."
    requires_system_checks: list[str] = []  # pure computation: no database, runs on any settings
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus", required=True, help="A directory of JSON files, a JSON Lines file or a TSV."
        )
        parser.add_argument("--queries", required=True, help="TSV: id <TAB> text, with or without a header.")
        parser.add_argument("--qrels", required=True, help="TREC qrels: query_id 0 doc_id relevance.")
        parser.add_argument("--mode", choices=MODES, default="hybrid")
        parser.add_argument("--run-out", help="Write a TREC run file (top 100 per query) here.")

    def handle(self, *args, **options):
        try:
            corpus = read_corpus(options["corpus"])
            queries = read_queries(options["queries"])
            qrels = read_qrels(options["qrels"])
            self.stderr.write(f"{len(corpus)} fact-checks, {len(qrels)} queries, mode {options['mode']}")
            result = evaluate(corpus, queries, qrels, mode=options["mode"], engine_factory=production_engine)
            self.stderr.write(f"indexing used {result.index_cpu_seconds} CPU seconds")
            if options["run_out"]:
                write_run(options["run_out"], result.runs)
        except InputRejected as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(result.metrics))


def production_engine(mode: str) -> RetrievalEngine:
    """An empty engine ranking as the product's does on this database, over its own isolated store."""
    product = database_lexical()
    if product is None or mode == "semantic":
        return RetrievalEngine(mode=mode)
    return RetrievalEngine(mode=mode, lexical_source=TemporaryTable(product.cursor))
