"""Benchmark: training the check-worthiness model on the CheckThat! train file, then the dev file once.

    .venv/bin/python -m bench.bench_checkworthiness_training [--train FILE] [--dev FILE] [--output DIR]

In one process:
  1. ``train()`` on the train file, end to end (embedding every sentence with the packaged MiniLM
     model, 5-fold cross-validation of the candidates and of the TF-IDF + LR baseline, the final
     fit): the wall time, and the cross-validated F1/precision/recall of Yes of both;
  2. the TF-IDF + LR baseline fitted on the whole train file at the C and threshold its own
     cross-validation chose;
  3. both scored on the dev file, once, at their cross-validated thresholds (nothing is chosen on
     dev);
  4. scoring 1,000 sentences with the model: embedding included, and with embeddings already
     computed (what the model adds when related coverage has embedded the claims).
The model is written under ``--output`` (default: a temporary folder), never into the repository:
weights trained on research data are not shipped. Prints a Markdown table and a JSON line; exits 1
when a target is missed (training > 10 minutes, dev F1 < 0.88 or not above the baseline).
Needs no database.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.coverage.embedding import default_embedder  # noqa: E402
from claims.text import checkworthiness_model as cwm  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "checkworthiness"
MAX_TRAIN_SECONDS = 600
MIN_DEV_F1 = 0.88


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", default=str(DATA / "CT24_checkworthy_english_train.tsv"))
    parser.add_argument("--dev", default=str(DATA / "CT24_checkworthy_english_dev.tsv"))
    parser.add_argument("--output", default=None, help="Folder for the trained model (default: a temp dir).")
    args = parser.parse_args()

    examples, sources = cwm.read_examples([args.train])
    embedder = default_embedder()
    embedder.embed(["warm up"])  # loading the model is a per-process cost, not training

    started = time.perf_counter()
    model = cwm.train(
        examples, sources=sources, embedder=embedder, progress=lambda m: print(m, file=sys.stderr)
    )
    train_seconds = time.perf_counter() - started
    output = Path(args.output or tempfile.mkdtemp(prefix="cw-bench-"))
    directory = model.save(output / model.version)

    base_c = float(model.metrics["baseline_cv"]["name"].split("C=")[1])
    baseline = cwm.train(examples, candidates=[cwm.Candidate(features=("tfidf",), c=base_c)])

    dev, _ = cwm.read_examples([args.dev])  # read once, scored once, after everything was chosen
    dev_model = cwm.evaluate_model(model, dev)
    dev_baseline = cwm.evaluate_model(baseline, dev)

    sentences = [text for text, _ in dev][:1000]
    started = time.perf_counter()
    model.score(sentences)
    score_seconds = time.perf_counter() - started
    vectors = embedder.embed(sentences)
    started = time.perf_counter()
    model.score(sentences, embeddings=vectors)
    score_precomputed_seconds = time.perf_counter() - started

    cv, base_cv = model.metrics["cv"], model.metrics["baseline_cv"]
    result = {
        "benchmark": "checkworthiness_training",
        "train_examples": model.metrics["examples"],
        "chosen": model.metrics["chosen"],
        "threshold": round(model.threshold, 4),
        "train_seconds": round(train_seconds, 1),
        "cv_f1_yes": cv["f1_yes"],
        "cv_precision_yes": cv["precision_yes"],
        "cv_recall_yes": cv["recall_yes"],
        "cv_average_precision": cv["average_precision"],
        "baseline": base_cv["name"],
        "baseline_cv_f1_yes": base_cv["f1_yes"],
        "baseline_cv_precision_yes": base_cv["precision_yes"],
        "baseline_cv_recall_yes": base_cv["recall_yes"],
        "dev_examples": dev_model["n"],
        "dev_f1_yes": dev_model["f1_yes"],
        "dev_precision_yes": dev_model["precision_yes"],
        "dev_recall_yes": dev_model["recall_yes"],
        "dev_average_precision": dev_model["average_precision"],
        "baseline_dev_f1_yes": dev_baseline["f1_yes"],
        "baseline_dev_precision_yes": dev_baseline["precision_yes"],
        "baseline_dev_recall_yes": dev_baseline["recall_yes"],
        "score_1000_seconds": round(score_seconds, 2),
        "score_1000_precomputed_embeddings_seconds": round(score_precomputed_seconds, 2),
        "model_dir": str(directory),
        "candidates": {c["name"]: c["f1_yes"] for c in model.metrics["candidates"]},
    }
    print("| | CV F1(Yes) train | precision | recall | dev F1(Yes) | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {cv['name']} | {cv['f1_yes']:.4f} | {cv['precision_yes']:.4f} | {cv['recall_yes']:.4f} "
        f"| {dev_model['f1_yes']:.4f} | {dev_model['precision_yes']:.4f} | {dev_model['recall_yes']:.4f} |"
    )
    print(
        f"| baseline {base_cv['name']} | {base_cv['f1_yes']:.4f} | {base_cv['precision_yes']:.4f} "
        f"| {base_cv['recall_yes']:.4f} | {dev_baseline['f1_yes']:.4f} | {dev_baseline['precision_yes']:.4f} "
        f"| {dev_baseline['recall_yes']:.4f} |"
    )
    print(
        f"\nTraining {train_seconds:.0f} s on {model.metrics['examples']} sentences; scoring 1,000 "
        f"sentences {score_seconds:.2f} s ({score_precomputed_seconds:.2f} s with embeddings given)."
    )
    print(json.dumps(result))
    missed = (
        train_seconds > MAX_TRAIN_SECONDS
        or dev_model["f1_yes"] < MIN_DEV_F1
        or dev_model["f1_yes"] <= dev_baseline["f1_yes"]
    )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
