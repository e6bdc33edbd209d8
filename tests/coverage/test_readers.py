"""Every input format of ../shared/eval/README.md, with its variations, written to temporary files."""

import datetime
import json

import pytest

from claims.coverage.readers import read_corpus, read_qrels, read_queries, trailing_date
from claims.errors import InputRejected

FACTCHECK = {
    "title": "Wombats Shelter Animals",
    "subtitle": "Rumor: wombats herd animals into burrows.",
    "author": "Dan Evon",
    "date": "14 January 2020",
    "vclaim_id": "vclaim-sno-wombats",
    "vclaim": "Wombats are herding other animals into their burrows to save them from fires.",
}


def test_a_directory_of_json_files_with_extra_keys(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(FACTCHECK))
    (tmp_path / "b.json").write_text(
        json.dumps(
            {
                **FACTCHECK,
                "vclaim_id": 17,
                "url": "https://example.org/x",
                "speaker": "S",
                "truth_label": "false",
                "text": "…",
            }
        )
    )
    checks = {c.id: c for c in read_corpus(tmp_path)}
    assert set(checks) == {"vclaim-sno-wombats", "17"}
    first = checks["vclaim-sno-wombats"]
    assert first.title == "Wombats Shelter Animals" and first.date == datetime.date(2020, 1, 14)
    assert first.text == f"{FACTCHECK['vclaim']} {FACTCHECK['subtitle']}"
    assert checks["17"].url == "https://example.org/x"


def test_json_lines(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        json.dumps(FACTCHECK)
        + "\n\n"
        + json.dumps({**FACTCHECK, "vclaim_id": "2", "date": "2020-02-01"})
        + "\n"
    )
    checks = read_corpus(path)
    assert [c.id for c in checks] == ["vclaim-sno-wombats", "2"]
    assert checks[1].date == datetime.date(2020, 2, 1)


@pytest.mark.parametrize("header", ["", "vclaim_id\tvclaim\ttitle\n", "\tvclaim_id\tvclaim\ttitle\n"])
def test_a_tsv_corpus_with_or_without_a_header(tmp_path, header):
    path = tmp_path / "corpus.tsv"
    if header.startswith("\t"):
        rows = "0\t001\tThe moon is made of cheese.\tMoon cheese\n1\t2\tA claim without title\t\n"
    else:
        rows = "001\tThe moon is made of cheese.\tMoon cheese\n2\tA claim without title\t\n"
    path.write_text(header + rows)
    checks = read_corpus(path)
    assert [(c.id, c.vclaim, c.title) for c in checks] == [
        ("1", "The moon is made of cheese.", "Moon cheese"),
        ("2", "A claim without title", ""),
    ]


@pytest.mark.parametrize(
    "header",
    ["", "iclaim_id\ticlaim\n", "\ticlaim\n"],
    ids=["no header", "named header", "empty id column"],
)
def test_queries_with_or_without_a_header(tmp_path, header):
    path = tmp_path / "queries.tsv"
    path.write_text(
        header + "tweet-1\tWombats save animals — Jane (@jane) January 14, 2020\n7\tA plain claim\n"
    )
    queries = read_queries(path)
    assert [q.id for q in queries] == ["tweet-1", "7"]
    assert queries[0].date == datetime.date(2020, 1, 14)
    assert queries[1].date is None


def test_queries_written_with_an_index_column(tmp_path):
    path = tmp_path / "queries.tsv"
    path.write_text("\ticlaim_id\ticlaim\n0\t101\tFirst claim\n1\t102\tSecond claim 2020-03-03\n")
    queries = read_queries(path)
    assert [(q.id, q.text) for q in queries] == [("101", "First claim"), ("102", "Second claim 2020-03-03")]
    assert queries[1].date == datetime.date(2020, 3, 3)


def test_a_date_in_the_middle_is_not_the_claims_date():
    assert trailing_date("On March 3, 2020 the bridge fell and nobody cared at all") is None
    assert trailing_date("The bridge fell. 3 March 2020 ") == datetime.date(2020, 3, 3)


def test_qrels_with_numeric_ids_and_a_header(tmp_path):
    path = tmp_path / "qrels.tsv"
    path.write_text("qid\t0\tdocid\trelevance\n007\t0\t12\t1\n7\t0\t13\t1\n8\t0\t14\t0\n")
    assert read_qrels(path) == {"7": {"12", "13"}, "8": set()}


def test_bad_input_is_refused_with_a_message(tmp_path):
    with pytest.raises(InputRejected, match="No corpus"):
        read_corpus(tmp_path / "missing")
    (tmp_path / "bad.jsonl").write_text('{"vclaim_id": "1"}\n')
    with pytest.raises(InputRejected, match="needs a vclaim_id and a vclaim"):
        read_corpus(tmp_path / "bad.jsonl")
    (tmp_path / "q.tsv").write_text("only-one-column\n")
    with pytest.raises(InputRejected):
        read_queries(tmp_path / "q.tsv")
