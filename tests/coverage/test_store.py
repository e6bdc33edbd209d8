"""The per-process engine over the corpus: loads stored vectors, follows changes incrementally."""

import datetime

import numpy as np
import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)

from claims.choices import CorpusKind
from claims.coverage.engine import Query
from claims.coverage.store import corpus_store, corpus_store_reset, decode_vectors, encode_vector
from claims.models import CorpusItem
from claims.services.coverage import corpus_embed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_store():
    """Each test starts with a process engine that has seen nothing (the database was rolled back)."""
    corpus_store_reset()
    yield
    corpus_store_reset()


def item(external_id: str, text: str, **fields) -> CorpusItem:
    return CorpusItem.objects.create(kind=CorpusKind.FACTCHECK, external_id=external_id, text=text, **fields)


def keys(matches) -> list[int]:
    return [int(m.key) for m in matches]


def test_vectors_round_trip_through_float16_at_unit_length():
    vector = np.random.default_rng(1).normal(size=384).astype(np.float32)
    vector /= np.linalg.norm(vector)
    back = decode_vectors([encode_vector(vector)])[0]
    assert back.dtype == np.float32 and abs(np.linalg.norm(back) - 1) < 1e-5
    assert float(back @ vector) > 0.999


def test_only_embedded_items_are_searched_and_new_ones_appear_on_the_next_look():
    tunnel = item(
        "1", "The Mill Street tunnel under the harbour opened in 1974.", date=datetime.date(2024, 3, 1)
    )
    vaccine = item("2", "A vaccine does not change human DNA, health agencies say.")
    corpus_embed(item_ids=[tunnel.pk])

    store = corpus_store()
    assert len(store.engine) == 1
    assert keys(store.search(Query(text="When did the harbour tunnel open?"), k=5)) == [tunnel.pk]

    corpus_embed()  # the vaccine item now has its vector
    matches = corpus_store().search(Query(text="Do vaccines alter your DNA?"), k=5)
    assert keys(matches)[0] == vaccine.pk and len(corpus_store().engine) == 2


def test_a_changed_item_is_replaced_and_a_deleted_one_dropped():
    tunnel = item("1", "The Mill Street tunnel opened in 1974.")
    bridge = item("2", "The harbour bridge carries 160,000 vehicles a day.")
    corpus_embed()
    store = corpus_store()
    assert len(store.engine) == 2

    tunnel.text = "Ferry delays in Riverside rose by 38% between 2022 and 2025."
    tunnel.embedding = None
    tunnel.save()
    corpus_embed()
    bridge.delete()

    store = corpus_store()
    assert len(store.engine) == 1
    match = store.search(Query(text="Riverside ferry delays 38%"), k=5)[0]
    assert int(match.key) == tunnel.pk and "38%" in match.passage


def test_refreshing_without_changes_loads_nothing():
    item("1", "The Mill Street tunnel opened in 1974.")
    corpus_embed()
    store = corpus_store()
    assert store.refresh() == 0
    assert store.state.startswith("1@")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL full-text search")
def test_postgresql_ranks_items_over_the_weighted_gin_indexed_vector():
    from claims.selectors.coverage import corpus_lexical_candidates

    tunnel = item("1", "It opened in 1974, the council archives say.", title="Mill Street tunnel")
    item("2", "The Mill Street market reopened.")
    item("3", "Vaccines do not change DNA.")
    ranked = corpus_lexical_candidates(text="When did the Mill Street tunnel open?")
    assert [pk for pk, _ in ranked][0] == tunnel.pk and len(ranked) == 2
    assert corpus_lexical_candidates(text="tunnel", kinds=("passage",)) == []
