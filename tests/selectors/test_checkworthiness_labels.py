"""Labels from reviewers' decisions: dismissed is No; evidence, a verdict or made by hand is Yes."""

import pytest

from claims.selectors.checkworthiness_labels import checkworthiness_labels
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def claim_saying(text: str, **fields):
    return ClaimFactory(article=ArticleFactory(text=text), **fields)


def test_dismissed_claims_are_no_and_worked_on_claims_are_yes():
    claim_saying("I think it is wonderful.", status="dismissed", dismissed_reason="Opinion.")
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


def test_a_dismissal_wins_over_evidence_gathered_before_it():
    claim = claim_saying("Sales doubled in 2019.", status="dismissed", dismissed_reason="Duplicate.")
    EvidenceFactory(claim=claim)
    assert list(checkworthiness_labels()) == [("Sales doubled in 2019.", False)]


def test_each_claim_counts_once_however_much_evidence_it_has():
    claim = claim_saying("Exports fell 8 percent in 2021.", status="in_review")
    EvidenceFactory.create_batch(3, claim=claim)
    VerdictFactory(claim=claim)
    assert list(checkworthiness_labels()) == [("Exports fell 8 percent in 2021.", True)]


def test_it_streams_in_chunks():
    for n in range(5):
        claim_saying(f"Claim {n} was dismissed as an opinion.", status="dismissed", dismissed_reason="x")
    assert len(list(checkworthiness_labels(chunk_size=2))) == 5
