"""Which scorer scores claims (claims/services/checkworthiness.py): a trained model, once activated, re-scores
the open claims in the background and then every new claim; without one, or when it breaks, the rules score."""

import shutil

import pytest

from claims.choices import JobKind
from claims.errors import InputRejected
from claims.models import CheckworthinessModel, Claim, Job
from claims.selectors.checkworthiness import active_model
from claims.services import checkworthiness
from claims.services.claim_editing import claim_dismiss
from claims.services.ingest import article_ingest_text
from claims.text.checkworthiness import assess
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory
from tests.support.checkworthiness_data import FACTUAL, LABELLED, OPINIONS, text_label_csv

pytestmark = pytest.mark.django_db

FACT = "Unemployment fell to 4.2 percent in 2023, down from 6.1 percent in 2020."
OPINION = "We must all believe in a brighter and kinder future together."


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A model trained on the small labelled set (no database: files only), written once for the module."""
    folder = tmp_path_factory.mktemp("models")
    labels = folder / "labels.csv"
    labels.write_text(text_label_csv(LABELLED), encoding="utf-8")
    training = checkworthiness.model_train(inputs=[str(labels)], from_reviews=False, output=folder / "out")
    return training.directory


def claim_saying(text: str, **fields) -> Claim:
    return ClaimFactory(article=ArticleFactory(text=text), start=0, end=len(text), text=text, **fields)


def score_jobs() -> list[Job]:
    return list(Job.objects.filter(kind=JobKind.SCORE_CLAIMS).order_by("pk"))


def run(job: Job) -> dict:
    return checkworthiness.score_claims_job(job)


def test_a_model_is_registered_with_what_its_directory_says(model_dir):
    model = checkworthiness.model_register(directory=model_dir)

    assert model.version == model_dir.name and not model.is_active
    assert 0 < model.cv_f1 <= 1 and 0 < model.threshold < 1 and model.examples == len(LABELLED)
    assert "# Check-worthiness model" in model.card
    assert checkworthiness.model_register(directory=model_dir) == model  # the same directory, the same row


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_missing_or_corrupt_directory_is_refused_with_the_reason(model_dir, tmp_path, damage):
    broken = tmp_path / "broken"
    if damage == "corrupt":
        shutil.copytree(model_dir, broken)
        (broken / "weights.npz").write_bytes(b"not a zip file")

    with pytest.raises(InputRejected, match="cannot be used: .*(no such model directory|corrupt)"):
        checkworthiness.model_register(directory=broken)
    assert not CheckworthinessModel.objects.exists()


def test_activating_re_scores_the_open_claims_in_the_background(
    model_dir, django_capture_on_commit_callbacks
):
    fact, opinion = claim_saying(FACT), claim_saying(OPINION, status="in_review")
    dismissed = claim_saying(FACTUAL[0], status="dismissed", checkworthiness=0.123)
    model = checkworthiness.model_register(directory=model_dir)

    with django_capture_on_commit_callbacks(execute=True):
        job = checkworthiness.model_activate(model=model)

    job.refresh_from_db()
    assert job.kind == JobKind.SCORE_CLAIMS and job.status == "done"
    assert job.result == {"scored": 2, "total": 2, "model": model.version}
    fact.refresh_from_db(), opinion.refresh_from_db(), dismissed.refresh_from_db()
    assert fact.scored_by == opinion.scored_by == model
    assert fact.checkworthiness >= 0.5 > opinion.checkworthiness
    assert (dismissed.scored_by, dismissed.checkworthiness) == (None, 0.123)  # closed claims are left alone
    # The rules' transparent reasons stay, then what moved the model.
    assert fact.reasons[: len(assess(FACT).reasons)] == list(assess(FACT).reasons)
    assert any(r.startswith(f"Scored by the trained model {model.version}") for r in fact.reasons)
    assert any(r.startswith("Most like a sentence labelled") for r in fact.reasons)
    assert fact.version == 1  # a machine's score is no edit: nobody's open form goes stale


def test_one_model_is_active_at_a_time(model_dir, tmp_path):
    first = checkworthiness.model_register(directory=model_dir)
    second = checkworthiness.model_register(directory=shutil.copytree(model_dir, tmp_path / "second"))

    checkworthiness.model_activate(model=first)
    checkworthiness.model_activate(model=second)

    assert list(CheckworthinessModel.objects.filter(is_active=True)) == [second]
    assert active_model() == second


def test_new_claims_keep_the_rule_score_until_the_models_job_has_run(model_dir, alice):
    model = checkworthiness.model_register(directory=model_dir)
    checkworthiness.model_activate(model=model)

    article = article_ingest_text(text=f"{FACT} {OPINION}", user=alice).article

    claims = list(article.claims.order_by("start"))
    assert [c.scored_by for c in claims] == [None, None]
    assert [c.checkworthiness for c in claims] == [round(assess(c.text).score, 4) for c in claims]
    job = score_jobs()[-1]
    assert job.params == {"model": model.pk, "claims": sorted(c.pk for c in claims)}
    run(job)
    assert {c.scored_by for c in article.claims.all()} == {model}


def test_without_an_active_model_no_scoring_job_is_queued(alice):
    article_ingest_text(text=f"{FACT} {OPINION}", user=alice)

    assert score_jobs() == []


def test_a_model_whose_directory_vanished_leaves_the_rule_scores_and_ingestion_working(
    model_dir, tmp_path, alice
):
    directory = shutil.copytree(model_dir, tmp_path / "vanishing")
    model = checkworthiness.model_register(directory=directory)
    checkworthiness.model_activate(model=model)
    shutil.rmtree(directory)
    checkworthiness._loaded.clear()  # as in a process that has not loaded it yet

    article = article_ingest_text(text=f"{FACT} {OPINION}", user=alice).article
    outcome = run(score_jobs()[-1])

    assert outcome["scored"] == 0 and "could not be loaded" in outcome["skipped"]
    assert [c.checkworthiness for c in article.claims.order_by("start")] == [
        round(assess(FACT).score, 4),
        round(assess(OPINION).score, 4),
    ]


def test_going_back_to_the_rules_gives_open_claims_the_rules_scores_again(model_dir):
    claim = claim_saying(FACT)
    model = checkworthiness.model_register(directory=model_dir)
    run(checkworthiness.model_activate(model=model))
    claim.refresh_from_db()
    assert claim.scored_by == model

    run(checkworthiness.model_deactivate())

    claim.refresh_from_db()
    assert (claim.scored_by, claim.checkworthiness) == (None, round(assess(FACT).score, 4))
    assert checkworthiness.model_deactivate() is None  # nothing was active


def test_a_job_queued_for_a_model_since_replaced_does_nothing(model_dir, tmp_path):
    claim_saying(FACT)
    first = checkworthiness.model_register(directory=model_dir)
    stale = checkworthiness.model_activate(model=first)
    checkworthiness.model_activate(
        model=checkworthiness.model_register(directory=shutil.copytree(model_dir, tmp_path / "newer"))
    )

    assert run(stale) == {"scored": 0, "skipped": "another model is active now"}


def test_only_an_administrator_may_change_the_scorer(model_dir, carol):
    model = checkworthiness.model_register(directory=model_dir)

    with pytest.raises(InputRejected, match="Only an administrator"):
        checkworthiness.model_activate(model=model, user=carol)  # an editor
    assert not CheckworthinessModel.objects.filter(is_active=True).exists()


@pytest.mark.parametrize(
    ("probability", "threshold", "expected"),
    [(0.0, 0.3, 0.0), (0.15, 0.3, 0.25), (0.3, 0.3, 0.5), (0.65, 0.3, 0.75), (1.0, 0.3, 1.0)],
)
def test_a_models_probability_is_stored_with_its_threshold_at_one_half(probability, threshold, expected):
    assert checkworthiness.on_rule_scale(probability, threshold) == pytest.approx(expected)


def test_retraining_activates_the_new_model_only_if_it_is_not_worse(model_dir, tmp_path, settings, alice):
    labels = tmp_path / "labels.csv"
    labels.write_text(text_label_csv(LABELLED), encoding="utf-8")
    settings.CHECKWORTHINESS_TRAINING_FILES = [str(labels)]
    settings.CHECKWORTHINESS_MODEL_ROOT = tmp_path / "root"
    for text in OPINIONS[:3]:
        claim_dismiss(
            claim=claim_saying(text), reason="", not_checkworthy=True, user=alice, expected_version=1
        )
    EvidenceFactory(claim=claim_saying(FACTUAL[1]))
    better = checkworthiness.model_register(directory=model_dir)
    CheckworthinessModel.objects.filter(pk=better.pk).update(cv_f1=1.01)  # no real model can beat it
    checkworthiness.model_activate(model=better)

    outcome = checkworthiness.model_retrain()

    assert outcome["activated"] is False and active_model() == better
    CheckworthinessModel.objects.filter(pk=better.pk).update(cv_f1=0.0)
    EvidenceFactory(claim=claim_saying(FACTUAL[2]))  # a week of reviewing later: one more label
    outcome = checkworthiness.model_retrain()
    assert outcome["activated"] is True
    active = active_model()
    assert active.version == outcome["model"] and active.examples == len(LABELLED) + 5
    assert str(settings.CHECKWORTHINESS_MODEL_ROOT) in active.directory


def test_a_model_whose_directory_is_gone_is_not_activated(model_dir, tmp_path):
    model = checkworthiness.model_register(directory=shutil.copytree(model_dir, tmp_path / "gone"))
    shutil.rmtree(tmp_path / "gone")

    with pytest.raises(InputRejected, match="cannot be used: .*no such model directory"):
        checkworthiness.model_activate(model=model)
    assert active_model() is None and score_jobs() == []
