"""manage.py evaluate_checkworthiness: one JSON object on stdout, CommandError on bad input."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

KEYS = {"n", "f1_yes", "precision_yes", "recall_yes", "average_precision"}

# Without --model the command asks the database for the active model.
pytestmark = pytest.mark.django_db


def run(path) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate_checkworthiness", "--input", str(path), stdout=out, stderr=err)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, "stdout must hold exactly one JSON object"
    return json.loads(lines[0]), err.getvalue()


def test_it_evaluates_the_checkthat_dev_file(shared_dir):
    result, _ = run(shared_dir / "eval" / "checkworthiness" / "CT24_checkworthy_english_dev.tsv")
    assert set(result) == KEYS
    assert result["n"] == 1032
    for key in KEYS - {"n"}:
        assert 0.0 <= result[key] <= 1.0
        assert round(result[key], 4) == result[key]
    # Far above the 0.23 share of Yes that a constant or random ranking would give.
    assert result["average_precision"] > 0.6
    assert result["f1_yes"] > 0.6


def test_it_evaluates_a_claimbuster_csv(tmp_path):
    path = tmp_path / "groundtruth.csv"
    path.write_text(
        "Sentence_id,Text,Speaker,Speaker_title,Speaker_party,File_id,Length,Line_number,Sentiment,Verdict\n"
        '1,"Unemployment fell to 4.5% in March, down from 5.1% a year earlier.",A,,,f,12,1,0.0,1\n'
        "2,Thank you very much.,B,,,f,4,2,0.1,-1\n"
        "3,I think that is a fair point.,B,,,f,7,3,0.1,0\n",
        encoding="utf-8",
    )
    result, _ = run(path)
    assert result == {
        "n": 3,
        "f1_yes": 1.0,
        "precision_yes": 1.0,
        "recall_yes": 1.0,
        "average_precision": 1.0,
    }


def test_skipped_rows_go_to_stderr_not_stdout(tmp_path):
    path = tmp_path / "data.tsv"
    rows = "".join(f"{i}\tSentence {i}.\tNo\n" for i in range(150))
    path.write_text(
        "Sentence_id\tText\tclass_label\n" + rows + "9\tBroken.\tNo10\tRow.\tNo\n", encoding="utf-8"
    )
    result, err = run(path)
    assert result["n"] == 150
    assert "skipped row" in err


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("evaluate_checkworthiness", "--input", str(tmp_path / "nope.tsv"), stdout=io.StringIO())


def test_a_malformed_file_is_a_command_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="expected a header"):
        call_command("evaluate_checkworthiness", "--input", str(path), stdout=io.StringIO())
