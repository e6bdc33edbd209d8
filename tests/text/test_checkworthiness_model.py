"""The trained check-worthiness model: reading labels, cross-validated training, scoring, explaining,
saving and loading (and refusing a directory it cannot use)."""

import json

import numpy as np
import pytest

from claims.coverage.embedding import default_embedder
from claims.text import checkworthiness_model as cwm
from claims.text.checkworthiness import assess
from claims.text.checkworthiness_model import ModelError, TooFewExamples
from tests.support.checkworthiness_data import (
    HELD_OUT_FACTUAL,
    HELD_OUT_OPINIONS,
    LABELLED,
    text_label_csv,
)


@pytest.fixture(scope="module")
def embedder():
    """The real packaged model, loaded once per process."""
    return default_embedder()


@pytest.fixture(scope="module")
def model(embedder):
    return cwm.train(
        LABELLED, embedder=embedder, sources=[{"source": "obvious.csv", "examples": 60, "yes": 30, "no": 30}]
    )


@pytest.fixture(scope="module")
def saved(model, tmp_path_factory):
    return model.save(tmp_path_factory.mktemp("models") / model.version)


# --- reading labels ---------------------------------------------------------------------------------


def test_it_reads_a_newsroom_text_label_csv_with_any_label_spelling(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(text_label_csv(LABELLED), encoding="utf-8")
    examples, sources = cwm.read_examples([path])
    assert examples == LABELLED
    assert sources[0]["source"] == "labels.csv"
    assert (sources[0]["examples"], sources[0]["yes"], sources[0]["no"]) == (60, 30, 30)


def test_it_reads_checkthat_tsv_and_claimbuster_csv_together(tmp_path):
    tsv = tmp_path / "train.tsv"
    tsv.write_text("Sentence_id\tText\tclass_label\n1\tTaxes rose 5% in 2020.\tYes\n2\tThank you.\tNo\n")
    csv = tmp_path / "groundtruth.csv"
    csv.write_text("Sentence_id,Text,Verdict\n1,Crime fell 3% last year.,1\n2,I think so.,-1\n")
    examples, sources = cwm.read_examples([tsv, csv])
    assert [label for _, label in examples] == [True, False, True, False]
    assert [s["source"] for s in sources] == ["train.tsv", "groundtruth.csv"]


def test_an_unreadable_file_is_a_labelled_data_error(tmp_path):
    with pytest.raises(cwm.LabelledDataError, match="no such file"):
        cwm.read_examples([tmp_path / "missing.csv"])


# --- features -------------------------------------------------------------------------------------


def test_transparent_features_are_the_rule_scorers_features_not_its_weights():
    [row] = cwm.transparent_features(["Unemployment fell to 4.5% in March, we said."])
    values = dict(zip(cwm.FEATURE_NAMES, row.tolist(), strict=True))
    assert values["number_digits"] == 1 and values["percentage"] == 1 and values["date"] == 1
    assert values["comparison"] == 1 and values["first_person_plural"] == 1
    assert values["hedge"] == 0 and values["question"] == 0
    assert values["kind_quote"] == 1  # "said": the rule scorer calls it a quote
    assert values["log_words"] == pytest.approx(np.log1p(8))  # length, the one non-count feature


def test_every_reason_the_rule_scorer_gives_is_a_feature(seed_text):
    sentences = [*seed_text.split(". "), *(text for text, _ in LABELLED), "Why?", '"Lies," he said.']
    reasons = {reason for s in sentences for reason in assess(s).reasons}
    unknown = sorted(r for r in reasons if cwm._feature_of(r) is None)
    assert unknown == []


# --- training ---------------------------------------------------------------------------------------


def test_it_ranks_obvious_factual_sentences_above_opinions(model):
    factual = model.score(HELD_OUT_FACTUAL)
    opinions = model.score(HELD_OUT_OPINIONS)
    assert min(factual) > max(opinions)
    assert all(s >= model.threshold for s in factual)
    assert all(s < model.threshold for s in opinions)


def test_training_reports_cross_validated_figures_and_the_baseline(model):
    metrics = model.metrics
    assert (metrics["examples"], metrics["yes"], metrics["no"], metrics["folds"]) == (60, 30, 30, 5)
    for figures in (metrics["cv"], metrics["baseline_cv"]):
        assert set(figures) >= {"f1_yes", "precision_yes", "recall_yes", "average_precision", "threshold"}
        assert 0.0 <= figures["f1_yes"] <= 1.0
    assert metrics["cv"]["f1_yes"] > 0.9  # the sets are obvious
    assert metrics["chosen"] in [c["name"] for c in metrics["candidates"]]
    assert model.threshold == metrics["cv"]["threshold"]
    assert len(metrics["candidates"]) == len(cwm.CANDIDATES)


def test_too_few_examples_of_a_class_is_refused(embedder):
    with pytest.raises(TooFewExamples, match="have 30 Yes and 4 No"):
        cwm.train(LABELLED[:34], embedder=embedder)


def test_precomputed_embeddings_give_the_same_model(embedder, model):
    vectors = embedder.embed([text for text, _ in LABELLED])
    again = cwm.train(LABELLED, embeddings=vectors, embedder=embedder)
    assert again.score(HELD_OUT_FACTUAL) == pytest.approx(model.score(HELD_OUT_FACTUAL), abs=1e-5)


def test_explain_names_the_features_that_fired_and_the_nearest_labelled_examples(model):
    explanation = model.explain("Inflation rose to 9 percent in June 2022.")
    assert explanation.score == pytest.approx(model.score(["Inflation rose to 9 percent in June 2022."])[0])
    names = [name for name, _ in explanation.features]
    assert names and set(names) <= set(cwm.FEATURE_NAMES)
    text, label, similarity = explanation.neighbours[0]
    assert label is True and "nflation" in text and 0 < similarity <= 1.0001
    assert len(explanation.neighbours) == 3


# --- saving and loading -----------------------------------------------------------------------------


def test_a_saved_model_loads_and_scores_the_same(model, saved, embedder):
    loaded = cwm.load(saved, embedder=embedder)
    texts = HELD_OUT_FACTUAL + HELD_OUT_OPINIONS
    assert loaded.score(texts) == pytest.approx(model.score(texts), abs=1e-4)
    assert loaded.threshold == model.threshold and loaded.version == model.version
    assert loaded.explain(HELD_OUT_FACTUAL[0]).neighbours[0][1] is True


def test_the_directory_holds_plain_data_metrics_and_a_card(saved, model):
    assert sorted(p.name for p in saved.iterdir()) == [
        "card.md",
        "metrics.json",
        "model.json",
        "neighbours.json",
        "weights.npz",
    ]
    with np.load(saved / "weights.npz", allow_pickle=False) as arrays:  # no pickled objects inside
        assert arrays["dense_coef"].dtype == np.float64
    assert json.loads((saved / "metrics.json").read_text())["cv"] == model.metrics["cv"]
    card = (saved / "card.md").read_text()
    assert model.version in card and "obvious.csv" in card and "all-MiniLM-L6-v2" in card
    assert f"{model.metrics['cv']['f1_yes']:.4f}" in card and "TF-IDF" in card and "scikit-learn" in card


def test_saving_never_overwrites_a_model(model, saved):
    with pytest.raises(ModelError, match="already exists"):
        model.save(saved)


def test_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no such model directory"):
        cwm.load(tmp_path / "nothing-here")


def test_a_folder_of_versions_says_which_to_pass(saved):
    with pytest.raises(ModelError, match=f"pass one of {saved.name}"):
        cwm.load(saved.parent)


def copy_of(saved, tmp_path):
    import shutil

    target = tmp_path / "copy"
    shutil.copytree(saved, target)
    return target


def test_a_truncated_weights_file_is_a_clear_error(saved, tmp_path):
    broken = copy_of(saved, tmp_path)
    data = (broken / "weights.npz").read_bytes()
    (broken / "weights.npz").write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelError, match="corrupt"):
        cwm.load(broken)


def test_a_garbled_description_is_a_clear_error(saved, tmp_path):
    broken = copy_of(saved, tmp_path)
    (broken / "model.json").write_text("{not json")
    with pytest.raises(ModelError, match="model.json is corrupt"):
        cwm.load(broken)


def test_a_model_of_another_format_version_is_refused(saved, tmp_path):
    broken = copy_of(saved, tmp_path)
    description = json.loads((broken / "model.json").read_text())
    description["format_version"] = 99
    (broken / "model.json").write_text(json.dumps(description))
    with pytest.raises(ModelError, match="format 99.*retrain"):
        cwm.load(broken)


def test_weights_of_the_wrong_shape_are_refused(saved, tmp_path):
    broken = copy_of(saved, tmp_path)
    with np.load(broken / "weights.npz") as arrays:
        contents = dict(arrays)
    contents["dense_coef"] = contents["dense_coef"][:10]
    np.savez(broken / "weights.npz", **contents)
    with pytest.raises(ModelError, match="do not match"):
        cwm.load(broken)


def test_a_model_for_another_embedding_size_is_refused(saved):
    class SmallEmbedder:
        dimensions = 64

        def embed(self, texts):
            return np.zeros((len(texts), 64), dtype=np.float32)

    with pytest.raises(ModelError, match="384-dimensional"):
        cwm.load(saved, embedder=SmallEmbedder())
