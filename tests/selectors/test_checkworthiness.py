"""Labels from reviewers' decisions: dismissed as not check-worthy is No; evidence, a verdict or made by hand
is Yes; a dismissal for another reason (a duplicate, out of scope) is no label."""

import pytest

from claims.selectors.checkworthiness import checkworthiness_labels
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def claim_saying(text: str, **fields):
    return ClaimFactory(article=ArticleFactory(text=text), **fields)


def test_claims_dismissed_as_not_check_worthy_are_no_and_worked_on_claims_are_yes():
    claim_saying(
        "I think it is wonderful.", status="dismissed", dismissed_reason="Opinion.", not_checkworthy=True
    )
    VerdictFactory(claim=claim_saying("Taxes rose 5 percent in 2020.", status="in_review"))
    EvidenceFactory(claim=claim_saying("Crime fell 3 percent last year.", status="in_review"))
    claim_saying("The mayor spent 2 million euros.", origin="manual")
    assert sorted(checkworthiness_labels()) == [
        ("Crime fell 3 percent last year.", True),
        ("I think it is wonderful.", False),
        ("Taxes rose 5 percent in 2020.", True),
        ("The mayor spent 2 million euros.", True),
    ]


def test_claims_nobody_decided_on_are_not_labels():
    claim_saying("The budget grew 4 percent in 2022.")
    claim_saying("Inflation was 3 percent.", status="in_review")
    assert list(checkworthiness_labels()) == []


def test_a_dismissal_as_not_check_worthy_wins_over_evidence_gathered_before_it():
    claim = claim_saying("Sales doubled in 2019.", status="dismissed", not_checkworthy=True)
    EvidenceFactory(claim=claim)
    assert list(checkworthiness_labels()) == [("Sales doubled in 2019.", False)]


def test_a_claim_dismissed_for_another_reason_says_nothing_about_check_worthiness():
    claim = claim_saying("Sales doubled in 2019.", status="dismissed", dismissed_reason="Duplicate of #12.")
    EvidenceFactory(claim=claim)
    assert list(checkworthiness_labels()) == []


def test_each_claim_counts_once_however_much_evidence_it_has():
    claim = claim_saying("Exports fell 8 percent in 2021.", status="in_review")
    EvidenceFactory.create_batch(3, claim=claim)
    VerdictFactory(claim=claim)
    assert list(checkworthiness_labels()) == [("Exports fell 8 percent in 2021.", True)]


def test_it_streams_in_chunks():
    for n in range(5):
        claim_saying(f"Claim {n} was dismissed as an opinion.", status="dismissed", not_checkworthy=True)
    assert len(list(checkworthiness_labels(chunk_size=2))) == 5


def test_the_dashboard_counts_the_labels_since_the_active_model_was_trained(tmp_path):
    from django.utils import timezone

    from claims.models import CheckworthinessModel
    from claims.selectors.checkworthiness import scorer_status

    VerdictFactory(claim=claim_saying("Taxes rose 5 percent in 2020.", status="in_review"))
    assert (scorer_status().model, scorer_status().labels_since) == (None, 1)
    model = CheckworthinessModel.objects.create(
        directory=str(tmp_path), version="cw-test", trained_at=timezone.now(), cv_f1=0.7, threshold=0.4,
        examples=10, is_active=True,
    )  # fmt: skip
    assert (scorer_status().model, scorer_status().labels_since) == (model, 0)
    claim_saying("I think so.", status="dismissed", not_checkworthy=True)
    assert scorer_status().labels_since == 1
