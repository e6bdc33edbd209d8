"""The metrics on a hand-computed example (CheckThat! MAP@k: relevant documents capped at k)."""

import pytest

from claims.coverage.evaluation import average_precision, recall, reciprocal_rank, score_runs


def test_average_precision_at_k():
    ranked = ["a", "x", "b", "y", "c"]
    relevant = {"a", "b", "c"}
    # Hits at ranks 1, 3 and 5: precisions 1, 2/3, 3/5.
    assert average_precision(ranked, relevant, 5) == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)
    # At k=3 only two hits count, over min(3 relevant, 3).
    assert average_precision(ranked, relevant, 3) == pytest.approx((1 + 2 / 3) / 3)
    # At k=1 the denominator is capped at 1, so a perfect first hit scores 1.
    assert average_precision(ranked, relevant, 1) == 1.0
    assert average_precision(["x", "a"], {"a"}, 1) == 0.0
    assert average_precision(["x", "a"], {"a"}, 5) == 0.5


def test_reciprocal_rank_and_recall():
    assert reciprocal_rank(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], {"a"}) == 0.0
    assert recall(["a", "x", "b"], {"a", "b", "c", "d"}, 2) == 0.25


def test_score_runs_averages_over_the_queries_with_relevant_documents():
    qrels = {"q1": {"a"}, "q2": {"b"}, "q3": set()}
    runs = {"q1": ["a", "b"], "q2": ["a", "x", "b"]}
    metrics = score_runs(runs, qrels)
    assert metrics["n_queries"] == 2
    assert metrics["map@1"] == 0.5
    assert metrics["map@3"] == pytest.approx((1 + 1 / 3) / 2)
    assert metrics["mrr"] == pytest.approx((1 + 1 / 3) / 2)
    assert metrics["recall@10"] == 1.0
    assert score_runs({}, qrels)["map@5"] == 0.0
