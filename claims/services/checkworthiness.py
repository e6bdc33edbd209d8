"""Which check-worthiness scorer scores claims, and re-scoring claims with a trained model.

With no trained model active, claims keep the score the rule scorer gives them when they are made
(claims/text/checkworthiness.py: fast and transparent). An admin registers a model directory that
`train_checkworthiness` wrote and activates it (the admin site, or `train_checkworthiness --activate`):

- activating queues one background job (kind `score_claims`) that re-scores every open claim with it;
- claims are still made with the rule score, so splitting an article stays as fast as before (the model
  embeds every sentence); on commit a job re-scores the new claims with the model, and until it has run the
  rule score stands;
- each claim records the model that scored it (`Claim.scored_by`; empty: the rules), and its reasons keep the
  rule scorer's transparent features, followed by what moved the model: its top terms and features and the
  nearest labelled examples.

A model's score is a probability with its own threshold (chosen by cross-validation); it is stored mapped so
that the threshold lands on 0.5, the rule scorer's line between "worth checking" and not, and the queue's
order and the "score at least" filters mean the same whichever scorer gave the score.

A model directory that is missing or corrupt is refused when registered. One that breaks later (deleted
from disk, say) is logged and the rule scores stand: the workbench never stops scoring.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from claims.choices import ClaimStatus, JobKind
from claims.errors import InputRejected
from claims.models import CheckworthinessModel, Claim, Job
from claims.selectors.checkworthiness import active_model, checkworthiness_labels
from claims.services import job_queue
from claims.text.checkworthiness import assess
from claims.text.checkworthiness_model import (
    LabelledDataError,
    ModelError,
    TooFewExamples,
    TrainedModel,
    load,
    read_examples,
    train,
)

logger = logging.getLogger(__name__)

OPEN_STATUSES = (ClaimStatus.NEW, ClaimStatus.IN_REVIEW)
SCORE_BATCH = 256  # claims embedded and written per step of a job
MODEL_REASONS = 4  # at most this many lines of the model's own reasons per claim

_loaded_lock = threading.Lock()
_loaded: dict[tuple[int, str], TrainedModel] = {}


# --- registering and activating -------------------------------------------------------------------------


def model_loaded(*, directory: str | Path) -> TrainedModel:
    """The model in `directory`, loaded; refused (InputRejected) with the reason if it cannot be used."""
    try:
        return load(Path(directory).expanduser().resolve())
    except ModelError as error:
        raise InputRejected(f"That model cannot be used: {error}") from None


def model_register(*, directory: str | Path) -> CheckworthinessModel:
    """Record the model in `directory` (refused with the reason if it cannot be loaded); the same directory
    registered again is the same row."""
    path = Path(directory).expanduser().resolve()
    trained = model_loaded(directory=path)
    info, metrics = trained.info, trained.metrics
    trained_at = parse_datetime(info["trained_at"]) or timezone.now()
    model, _ = CheckworthinessModel.objects.update_or_create(
        directory=str(path),
        defaults={
            "version": info["version"],
            "trained_at": trained_at,
            "cv_f1": float(metrics["cv"]["f1_yes"]),
            "threshold": float(trained.threshold),
            "examples": int(metrics["examples"]),
            "card": trained.card(),
        },
    )
    return model


@transaction.atomic
def model_activate(*, model: CheckworthinessModel, user=None) -> Job:
    """Make `model` the one that scores claims, and queue the job that re-scores the open claims with it."""
    _refuse_unless_admin(user)
    model = CheckworthinessModel.objects.select_for_update().get(pk=model.pk)
    model_loaded(directory=model.directory)  # its directory may have gone since it was registered
    CheckworthinessModel.objects.filter(is_active=True).exclude(pk=model.pk).update(is_active=False)
    model.is_active, model.activated_at, model.activated_by = True, timezone.now(), user
    model.save(update_fields=["is_active", "activated_at", "activated_by"])
    logger.info("Check-worthiness model %s activated by %s", model.version, user)
    return _submit_rescore(model_id=model.pk, user=user)


@transaction.atomic
def model_deactivate(*, user=None) -> Job | None:
    """Go back to the rule scorer; a job gives the open claims the rules' scores again. None if no model
    was active."""
    _refuse_unless_admin(user)
    if not CheckworthinessModel.objects.filter(is_active=True).update(is_active=False):
        return None
    return _submit_rescore(model_id=None, user=user)


def _refuse_unless_admin(user) -> None:
    # None: a command or the weekly retraining, run by whoever runs the server.
    if user is not None and not user.has_perm("claims.change_checkworthinessmodel"):
        raise InputRejected("Only an administrator can change which model scores claims.")


def _submit_rescore(*, model_id: int | None, user) -> Job:
    params = {"model": model_id, "claims": "open"}
    return job_queue.job_submit(
        kind=JobKind.SCORE_CLAIMS, user=user, params=params, dedupe_key=f"score-open:{model_id or 'rules'}"
    )


# --- training ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Training:
    """What `model_train` made: the model, the directory it was saved in, and the data it read."""

    model: TrainedModel
    directory: Path
    sources: list[dict]


def model_train(
    *, inputs: list[str], from_reviews: bool, output: str | Path, folds: int = 5, seed: int = 0, progress=None
) -> Training:
    """Train a model on labelled files and/or reviewers' decisions, cross-validated, and save it to a new
    versioned directory in `output`. Refused (InputRejected) for unreadable files or too few examples."""
    if not inputs and not from_reviews:
        raise InputRejected("Give at least one labelled file, or train from reviewers' decisions.")
    try:
        examples, sources = read_examples(inputs)
    except LabelledDataError as error:
        raise InputRejected(str(error)) from None
    if from_reviews:
        reviewed = list(checkworthiness_labels())
        yes = sum(1 for _, label in reviewed if label)
        examples.extend(reviewed)
        sources.append(
            {
                "source": "reviewers' decisions",
                "examples": len(reviewed),
                "yes": yes,
                "no": len(reviewed) - yes,
            }
        )
    for source in sources:
        if progress is not None:
            progress(
                f"{source['source']}: {source['examples']} examples ({source['yes']} Yes, {source['no']} No)"
                + (f", {source['skipped_rows']} rows skipped" if source.get("skipped_rows") else "")
            )
    try:
        model = train(examples, sources=sources, folds=folds, seed=seed, progress=progress)
        directory = model.save(Path(output) / model.version)
    except TooFewExamples as error:
        raise InputRejected(str(error)) from None
    except (ModelError, OSError) as error:
        raise InputRejected(f"Could not save the model: {error}") from None
    return Training(model=model, directory=directory, sources=sources)


def model_retrain() -> dict:
    """The weekly retraining (beat): reviewers' decisions plus CHECKWORTHINESS_TRAINING_FILES, into
    CHECKWORTHINESS_MODEL_ROOT. The new model is activated only if its cross-validated F1 is not worse than
    the active one's (a model trained on different data is compared on its own folds: the best figure we
    have without held-out labels)."""
    training = model_train(
        inputs=list(settings.CHECKWORTHINESS_TRAINING_FILES),
        from_reviews=True,
        output=settings.CHECKWORTHINESS_MODEL_ROOT,
        progress=logger.info,
    )
    model = model_register(directory=training.directory)
    active = active_model()
    if active is not None and model.cv_f1 < active.cv_f1:
        logger.info("Retrained model %s (F1 %.4f) kept inactive: %s scores %.4f", model.version, model.cv_f1,
                    active.version, active.cv_f1)  # fmt: skip
        return {
            "model": model.version,
            "activated": False,
            "cv_f1": model.cv_f1,
            "active_cv_f1": active.cv_f1,
        }
    model_activate(model=model)
    return {"model": model.version, "activated": True, "cv_f1": model.cv_f1}


# --- scoring ---------------------------------------------------------------------------------------------


def checkworthiness_claims_changed(*, claim_ids: list[int]) -> None:
    """Claims were made or their words changed (they carry the rule score): when a model is active, a job
    re-scores them with it once the caller's transaction has committed."""
    if not claim_ids:
        return
    model = active_model()
    if model is None:
        return
    # Saved in the caller's transaction (rolled back with it) and handed to a worker once it commits.
    job_queue.job_submit(kind=JobKind.SCORE_CLAIMS, params={"model": model.pk, "claims": sorted(claim_ids)})


def score_claims_job(job: Job) -> dict:
    """The `score_claims` handler: score the job's claims (a list of ids, or "open") with its model (or, for
    None, the rules). Idempotent: a run after a crash scores the same claims the same way.

    A job queued for a model that is no longer the active one does nothing: the activation that replaced
    it queued its own."""
    model_id = job.params.get("model")
    active = active_model()
    if (active.pk if active else None) != model_id:
        return {"scored": 0, "skipped": "another model is active now"}
    claims = Claim.objects.filter(status__in=OPEN_STATUSES)
    wanted = job.params.get("claims")
    if wanted != "open":
        claims = claims.filter(pk__in=wanted or [])
    ids = list(claims.order_by("pk").values_list("pk", flat=True))
    trained = _trained(active) if active is not None else None
    if active is not None and trained is None:
        return {
            "scored": 0,
            "skipped": f"model {active.version} could not be loaded; the rules' scores stand",
        }
    scored = 0
    for start in range(0, len(ids), SCORE_BATCH):
        batch = list(Claim.objects.filter(pk__in=ids[start : start + SCORE_BATCH]).only("pk", "text"))
        if trained is None:
            _score_with_rules(batch)
        else:
            _score_with_model(batch, active, trained)
        scored += len(batch)
        Job.objects.filter(pk=job.pk).update(result={"scored": scored, "total": len(ids)})
    return {"scored": scored, "total": len(ids), "model": active.version if active else "rules"}


def _score_with_rules(claims: list[Claim]) -> None:
    for claim in claims:
        assessment = assess(claim.text)
        claim.checkworthiness = round(assessment.score, 4)
        claim.kind = assessment.kind
        claim.reasons = list(assessment.reasons)
        claim.scored_by = None
    # Scores are the machine's, not an edit: no version bump, so nobody's open form goes stale.
    Claim.objects.bulk_update(claims, ["checkworthiness", "kind", "reasons", "scored_by"])


def _score_with_model(claims: list[Claim], model: CheckworthinessModel, trained: TrainedModel) -> None:
    # The batch is embedded at once; each claim's explanation carries its score, so nothing is scored twice.
    vectors = (
        trained.embedder.embed([c.text for c in claims])
        if "embedding" in trained.candidate.features
        else None
    )
    for i, claim in enumerate(claims):
        assessment = assess(claim.text)
        explanation = trained.explain(claim.text, embedding=None if vectors is None else vectors[i])
        claim.checkworthiness = round(on_rule_scale(explanation.score, trained.threshold), 4)
        claim.kind = assessment.kind
        claim.reasons = [*assessment.reasons, *model_reasons(model, explanation)]
        claim.scored_by = model
    Claim.objects.bulk_update(claims, ["checkworthiness", "kind", "reasons", "scored_by"])


def on_rule_scale(probability: float, threshold: float) -> float:
    """The model's probability mapped onto 0–1 with its threshold at 0.5 (order kept on each side)."""
    threshold = min(max(threshold, 1e-6), 1 - 1e-6)
    if probability < threshold:
        return 0.5 * probability / threshold
    return 0.5 + 0.5 * (probability - threshold) / (1 - threshold)


def model_reasons(model: CheckworthinessModel, explanation) -> list[str]:
    """What moved the trained model, in words for the panel's "Why this score"."""
    reasons = [f"Scored by the trained model {model.version} (cross-validated F1 {model.cv_f1:.2f})."]
    raising = [term for term, weight in explanation.terms if weight > 0][:3]
    lowering = [term for term, weight in explanation.terms if weight < 0][:3]
    if raising:
        reasons.append("Words that raised it: " + ", ".join(f"“{t}”" for t in raising) + ".")
    if lowering:
        reasons.append("Words that lowered it: " + ", ".join(f"“{t}”" for t in lowering) + ".")
    if explanation.neighbours:
        text, label, similarity = explanation.neighbours[0]
        shown = text if len(text) <= 140 else text[:139] + "…"
        verdict = "worth checking" if label else "not worth checking"
        reasons.append(f"Most like a sentence labelled {verdict} ({similarity:.2f}): “{shown}”")
    return reasons[:MODEL_REASONS]


def _trained(model: CheckworthinessModel) -> TrainedModel | None:
    """The loaded model, kept per process; None (logged) if its directory can no longer be read."""
    key = (model.pk, model.directory)
    with _loaded_lock:
        if key not in _loaded:
            try:
                trained = load(model.directory)
            except ModelError as error:
                logger.error(
                    "Check-worthiness model %s cannot be loaded, the rules score: %s", model.pk, error
                )
                return None
            _loaded.clear()  # one model in memory per process
            _loaded[key] = trained
        return _loaded[key]
