"""Reading labelled check-worthiness files and computing the metrics."""

import pytest

from claims.text.checkworthiness import CHECKWORTHY_THRESHOLD, assess
from claims.text.checkworthiness_eval import (
    LabelledDataError,
    average_precision,
    evaluate,
    read_labelled_file,
    read_labelled_sentences,
)

CHECKWORTHY = "Unemployment fell to 4.5% in March, down from 5.1% a year earlier."
NOT_CHECKWORTHY = "Thank you very much."


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


# --- reading ------------------------------------------------------------------------------------


def test_it_reads_the_checkthat_tsv_with_csv_style_quotes(tmp_path):
    path = write(
        tmp_path,
        "dev.tsv",
        "Sentence_id\tText\tclass_label\r\n"
        '26\t"You know, I saw a movie - ""Crocodile Dundee."""\tNo\r\n'
        "80\tWe're consuming 50 percent of the world's cocaine.\tYes\r\n",
    )
    assert read_labelled_sentences(path) == [
        ('You know, I saw a movie - "Crocodile Dundee."', False),
        ("We're consuming 50 percent of the world's cocaine.", True),
    ]


def test_it_reads_a_checkthat_tsv_without_a_header(tmp_path):
    path = write(tmp_path, "noheader.tsv", "1\tPrices rose.\tYes\n2\tHello there.\tNo\n")
    assert read_labelled_sentences(path) == [("Prices rose.", True), ("Hello there.", False)]


def test_it_reads_the_claimbuster_csv_where_verdict_one_is_check_worthy(tmp_path):
    path = write(
        tmp_path,
        "groundtruth.csv",
        "Sentence_id,Text,Speaker,Verdict\n"
        '1,"Taxes rose 5%, he said.",Smith,1\n'
        "2,I agree.,Jones,0\n"
        "3,Good evening.,Jones,-1\n",
    )
    assert read_labelled_sentences(path) == [
        ("Taxes rose 5%, he said.", True),
        ("I agree.", False),
        ("Good evening.", False),
    ]


def test_the_real_dev_file_has_1032_labelled_sentences(shared_dir):
    rows = read_labelled_sentences(
        shared_dir / "eval" / "checkworthiness" / "CT24_checkworthy_english_dev.tsv"
    )
    assert len(rows) == 1032
    assert sum(label for _, label in rows) == 238


def test_a_rare_broken_row_is_skipped_and_reported(tmp_path):
    good = "".join(f"{i}\tSentence number {i}.\tNo\n" for i in range(200))
    path = write(
        tmp_path, "train.tsv", "Sentence_id\tText\tclass_label\n" + good + "7\tRun on.\tNo8\tOther.\tNo\n"
    )
    data = read_labelled_file(path)
    assert len(data.sentences) == 200
    assert len(data.skipped) == 1 and "Run on." in data.skipped[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("just,some,columns\na,b,c\n", "expected a header"),
        ("Sentence_id\tText\tclass_label\n1\tOne.\tMaybe\n2\tTwo.\tPerhaps\n", "no labelled sentences"),
        ("Sentence_id\tText\tclass_label\n1\tOne.\tYes\n2\tTwo.\tPerhaps\n", "malformed"),
    ],
)
def test_a_malformed_file_is_rejected_with_a_reason(tmp_path, content, message):
    with pytest.raises(LabelledDataError, match=message):
        read_labelled_sentences(write(tmp_path, "bad.tsv", content))


def test_a_missing_file_is_rejected(tmp_path):
    with pytest.raises(LabelledDataError, match="no such file"):
        read_labelled_sentences(tmp_path / "missing.tsv")


def test_a_binary_file_is_rejected(tmp_path):
    path = tmp_path / "data.tsv"
    path.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(LabelledDataError, match="UTF-8"):
        read_labelled_sentences(path)


# --- metrics --------------------------------------------------------------------------------------


def test_average_precision_of_a_perfect_ranking_is_one():
    assert average_precision([0.9, 0.8, 0.1], [True, True, False]) == 1.0


def test_average_precision_follows_the_ranking():
    # Positives at ranks 1 and 3: (1/1 + 2/3) / 2.
    assert average_precision([0.9, 0.5, 0.1], [True, False, True]) == pytest.approx(5 / 6)


def test_average_precision_treats_tied_scores_as_one_threshold():
    assert average_precision([0.5, 0.5], [True, False]) == average_precision([0.5, 0.5], [False, True]) == 0.5


def test_average_precision_without_positives_is_zero():
    assert average_precision([0.3, 0.2], [False, False]) == 0.0


def test_evaluate_reports_the_yes_class_metrics():
    assert assess(CHECKWORTHY).score >= CHECKWORTHY_THRESHOLD > assess(NOT_CHECKWORTHY).score
    rows = [(CHECKWORTHY, True), (NOT_CHECKWORTHY, False), (NOT_CHECKWORTHY, True)]
    result = evaluate(rows)
    assert result == {
        "n": 3,
        "f1_yes": round(2 * 1.0 * 0.5 / 1.5, 4),
        "precision_yes": 1.0,
        "recall_yes": 0.5,
        "average_precision": pytest.approx(average_precision([1, 0, 0], [True, False, True]), abs=1e-4),
    }
