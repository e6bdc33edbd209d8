"""manage.py train_checkworthiness: a model from labelled files or reviewers' decisions, which
evaluate_checkworthiness --model then uses; clear failures for bad input and bad model directories."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import CheckworthinessModel, Job
from claims.text.checkworthiness_model import load
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, VerdictFactory
from tests.support.checkworthiness_data import (
    FACTUAL,
    HELD_OUT_FACTUAL,
    HELD_OUT_OPINIONS,
    LABELLED,
    OPINIONS,
    text_label_csv,
)

# Without --model the command asks the database for the active model.
pytestmark = pytest.mark.django_db


def train(*args) -> tuple[str, Path]:
    out, err = io.StringIO(), io.StringIO()
    call_command("train_checkworthiness", *args, stdout=out, stderr=err)
    saved = re.search(r"^Saved: (.+)$", out.getvalue(), re.MULTILINE)
    assert saved, out.getvalue()
    return out.getvalue(), Path(saved.group(1))


def evaluate(*args) -> dict:
    out = io.StringIO()
    call_command("evaluate_checkworthiness", *args, stdout=out, stderr=io.StringIO())
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, "stdout must hold exactly one JSON object"
    return json.loads(lines[0])


@pytest.fixture
def labels_csv(tmp_path) -> Path:
    path = tmp_path / "newsroom.csv"
    path.write_text(text_label_csv(LABELLED), encoding="utf-8")
    return path


@pytest.fixture
def held_out_tsv(tmp_path) -> Path:
    path = tmp_path / "held_out.tsv"
    rows = [(t, "Yes") for t in HELD_OUT_FACTUAL] + [(t, "No") for t in HELD_OUT_OPINIONS]
    path.write_text(
        "Sentence_id\tText\tclass_label\n" + "".join(f"{i}\t{t}\t{y}\n" for i, (t, y) in enumerate(rows)),
        encoding="utf-8",
    )
    return path


def test_it_trains_from_a_file_and_evaluate_uses_the_model(labels_csv, held_out_tsv, tmp_path):
    output, directory = train("--input", str(labels_csv), "--output", str(tmp_path / "models"))
    assert directory.parent == tmp_path / "models" and directory.name.startswith("cw-")
    assert (directory / "card.md").is_file() and (directory / "metrics.json").is_file()
    assert "Examples: 60 (30 Yes, 30 No)" in output
    assert re.search(
        r"Cross-validated \(5-fold\) F1\(Yes\) [01]\.\d{4}  precision [01]\.\d{4}  recall", output
    )
    assert re.search(r"Baseline TF-IDF \+ LR \(tfidf C=[\d.]+\): F1\(Yes\) [01]\.\d{4}", output)

    result = evaluate("--input", str(held_out_tsv), "--model", str(directory))
    assert set(result) == {"n", "f1_yes", "precision_yes", "recall_yes", "average_precision"}
    assert result["n"] == 6
    assert result["average_precision"] == 1.0  # every factual sentence ranked above every opinion
    assert result["f1_yes"] == 1.0


def test_evaluate_without_a_model_still_measures_the_rule_scorer(held_out_tsv):
    result = evaluate("--input", str(held_out_tsv))
    assert result["n"] == 6 and 0.0 <= result["f1_yes"] <= 1.0


def test_evaluate_with_a_missing_or_corrupt_model_says_so(held_out_tsv, tmp_path):
    with pytest.raises(CommandError, match="no such model directory"):
        evaluate("--input", str(held_out_tsv), "--model", str(tmp_path / "absent"))
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "model.json").write_text("garbage")
    with pytest.raises(CommandError, match="model.json is corrupt"):
        evaluate("--input", str(held_out_tsv), "--model", str(corrupt))


def test_an_unreadable_input_fails_with_a_message(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        train("--input", str(tmp_path / "missing.csv"), "--output", str(tmp_path / "models"))
    binary = tmp_path / "labels.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="not UTF-8"):
        train("--input", str(binary), "--output", str(tmp_path / "models"))
    assert not (tmp_path / "models").exists()


def test_too_few_examples_of_a_class_fails_with_a_message(tmp_path):
    path = tmp_path / "lopsided.csv"
    path.write_text(text_label_csv(LABELLED[:35]), encoding="utf-8")
    with pytest.raises(CommandError, match="at least 10 examples of each class; have 30 Yes and 5 No"):
        train("--input", str(path), "--output", str(tmp_path / "models"))


def test_it_needs_some_input(tmp_path):
    with pytest.raises(CommandError, match="--input FILE, or --from-reviews"):
        train("--output", str(tmp_path / "models"))


def claim_saying(text: str, **fields):
    return ClaimFactory(article=ArticleFactory(text=text), **fields)


@pytest.mark.django_db
def test_from_reviews_learns_from_dismissals_and_verdicts(tmp_path, held_out_tsv):
    for text in OPINIONS[:12]:
        claim_saying(text, status="dismissed", dismissed_reason="Not check-worthy.", not_checkworthy=True)
    claim_saying(
        "A duplicate of another claim, 7 percent.", status="dismissed", dismissed_reason="Duplicate."
    )
    for text in FACTUAL[:6]:
        VerdictFactory(claim=claim_saying(text, status="in_review"))
    for text in FACTUAL[6:12]:
        EvidenceFactory(claim=claim_saying(text, status="in_review"))
    claim_saying("Nobody has looked at this claim yet, 5 percent.")  # undecided: no label

    output, directory = train("--from-reviews", "--output", str(tmp_path / "models"))
    assert "Examples: 24 (12 Yes, 12 No)" in output
    assert "reviewers' decisions" in (directory / "card.md").read_text()
    model = load(directory)
    assert min(model.score(HELD_OUT_FACTUAL)) > max(model.score(HELD_OUT_OPINIONS))


@pytest.mark.django_db
def test_activate_makes_the_new_model_score_claims_and_evaluate_uses_it(labels_csv, held_out_tsv, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "train_checkworthiness", "--input", str(labels_csv), "--output", str(tmp_path / "m"), "--activate",
        stdout=out, stderr=err,
    )  # fmt: skip
    directory = Path(re.search(r"^Saved: (.+)$", out.getvalue(), re.MULTILINE).group(1))

    active = CheckworthinessModel.objects.get(is_active=True)
    assert active.directory == str(directory.resolve())
    assert f"Activated {active.version}" in err.getvalue()
    assert Job.objects.filter(kind="score_claims", params__model=active.pk).exists()
    # Without --model, evaluate measures the active model; --rules, the rule scorer.
    assert evaluate("--input", str(held_out_tsv)) == evaluate(
        "--input", str(held_out_tsv), "--model", str(directory)
    )
    assert evaluate("--input", str(held_out_tsv), "--rules") == evaluate_rules(held_out_tsv)


def evaluate_rules(path) -> dict:
    from claims.text.checkworthiness_eval import evaluate as evaluate_rule_scorer
    from claims.text.checkworthiness_eval import read_labelled_file

    return json.loads(json.dumps(evaluate_rule_scorer(read_labelled_file(str(path)).sentences)))
