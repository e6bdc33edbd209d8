"""manage.py evaluate_matching on a small corpus in each input format: the metrics on the last stdout line."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from claims.choices import CorpusKind
from claims.coverage.database import TemporaryTable
from claims.management.commands.evaluate_matching import production_engine
from claims.models import CorpusItem

# On PostgreSQL the command ranks lexically in the database (a temporary table of its session).
pytestmark = pytest.mark.django_db

KEYS = {
    "n_queries",
    "map@1",
    "map@3",
    "map@5",
    "map@10",
    "mrr",
    "recall@10",
    "index_seconds",
    "query_ms_p50",
    "query_ms_p95",
}

FACTCHECKS = [
    (
        "101",
        "Wombats are herding animals into their burrows to save them from bushfires.",
        "Hero wombats",
        "14 January 2020",
    ),
    (
        "102",
        "Ilhan Omar advised Iran on how to attack the United States.",
        "Ilhan Omar treason",
        "9 January 2020",
    ),
    (
        "103",
        "The US Army is sending text messages about a military draft.",
        "Army draft texts",
        "8 January 2020",
    ),
    (
        "104",
        "A photograph shows a shark swimming on a flooded highway in Houston.",
        "Shark on highway",
        "28 August 2017",
    ),
]
QUERIES = (
    "iclaim_id\ticlaim\n"
    "1\tWombats are shepherding animals into their burrows during the Australian fires "
    "— Jane (@jane) January 13, 2020\n"
    "2\tIlhan Omar is giving advice to Iran, that is treason\n"
    "3\tGot a text saying I was drafted by the Army?? pic.twitter.com/abc 2020-01-07\n"
    "4\tShark swimming down the highway in Houston after Harvey\n"
)
QRELS = "1 0 101 1\n2 0 102 1\n3 0 103 1\n4 0 104 1\n"


def write_json_dir(tmp_path):
    corpus = tmp_path / "vclaims"
    corpus.mkdir()
    for ident, claim, title, date in FACTCHECKS:
        record = {
            "title": title,
            "subtitle": "",
            "author": "A",
            "date": date,
            "vclaim_id": ident,
            "vclaim": claim,
            "url": "u",
        }
        (corpus / f"{ident}.json").write_text(json.dumps(record))
    return corpus


def write_jsonl(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        "".join(
            json.dumps({"vclaim_id": i, "vclaim": c, "title": t, "date": d}) + "\n"
            for i, c, t, d in FACTCHECKS
        )
    )
    return path


def write_tsv(tmp_path):
    path = tmp_path / "corpus.tsv"
    path.write_text("vclaim_id\tvclaim\ttitle\n" + "".join(f"{i}\t{c}\t{t}\n" for i, c, t, _ in FACTCHECKS))
    return path


def run(tmp_path, corpus, *extra) -> dict:
    queries, qrels = tmp_path / "queries.tsv", tmp_path / "qrels.txt"
    queries.write_text(QUERIES)
    qrels.write_text(QRELS)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "evaluate_matching",
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--qrels",
        str(qrels),
        *extra,
        stdout=out,
        stderr=err,
    )
    return json.loads(out.getvalue().strip().splitlines()[-1])


@pytest.mark.parametrize(
    "writer", [write_json_dir, write_jsonl, write_tsv], ids=["json files", "json lines", "tsv"]
)
def test_each_corpus_format_is_ranked_lexically(tmp_path, writer):
    result = run(tmp_path, writer(tmp_path), "--mode", "lexical")
    assert set(result) == KEYS
    assert result["n_queries"] == 4
    assert result["map@5"] == 1.0 and result["recall@10"] == 1.0


def test_hybrid_with_a_run_file(tmp_path):
    run_file = tmp_path / "run.trec"
    result = run(tmp_path, write_json_dir(tmp_path), "--run-out", str(run_file))
    assert result["map@1"] == 1.0 and result["mrr"] == 1.0
    lines = [line.split() for line in run_file.read_text().splitlines()]
    assert len(lines) == 16  # every document ranked for every query (fewer than 100)
    assert lines[0][:4] == ["1", "Q0", "101", "1"] and lines[0][5] == "factcheck"


def test_bad_input_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="No corpus"):
        run(tmp_path, tmp_path / "nothing-here")
    (tmp_path / "qrels-extra.txt").write_text("99 0 101 1\n")
    with pytest.raises(CommandError, match="not in the queries file"):
        (tmp_path / "queries.tsv").write_text(QUERIES)
        call_command(
            "evaluate_matching",
            "--corpus",
            str(write_tsv(tmp_path)),
            "--queries",
            str(tmp_path / "queries.tsv"),
            "--qrels",
            str(tmp_path / "qrels-extra.txt"),
            "--mode",
            "lexical",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_the_evaluation_ranks_like_the_product_and_never_touches_the_workbench_corpus(tmp_path):
    ours = CorpusItem.objects.create(
        kind=CorpusKind.FACTCHECK, external_id="101", text="Wombats are herding animals.", terms="wombat herd"
    )
    run_file = tmp_path / "run.trec"
    run(tmp_path, write_json_dir(tmp_path), "--mode", "lexical", "--run-out", str(run_file))
    assert list(CorpusItem.objects.values_list("pk", "text")) == [(ours.pk, ours.text)]
    assert str(ours.pk) not in {line.split()[2] for line in run_file.read_text().splitlines()}
    engine = production_engine("lexical")
    if connection.vendor == "postgresql":
        assert isinstance(engine._source, TemporaryTable)
    else:
        assert engine._source is None  # SQLite: the engine's own BM25 index
