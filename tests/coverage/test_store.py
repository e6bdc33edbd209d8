"""The per-process engine over the corpus: loads stored vectors, follows changes incrementally."""

import datetime

import numpy as np
import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)

from claims.choices import CorpusKind
from claims.coverage.engine import Query
from claims.coverage.lexical import tokenize
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
def test_on_postgresql_the_database_ranks_lexically_over_the_gin_indexed_vector():
    tunnel = item("1", "It opened in 1974, the council archives say.", title="Mill Street tunnel")
    market = item("2", "The Mill Street market reopened.")
    item("3", "Vaccines do not change DNA.")
    corpus_embed()
    store = corpus_store()
    assert store.lexical is not None and store.lexical.documents == 3

    hits = store.lexical.search(tokenize("When did the Mill Street tunnel open?"))
    assert list(hits.scores) == [str(tunnel.pk), str(market.pk)]  # the title's "tunnel" decides
    assert hits.idf["tunnel"] > hits.idf["mill"]  # rarer: in one item, not two
    assert store.lexical.search(tokenize("tunnel"), kinds=("passage",)).scores == {}

    match = store.search(Query(text="When did the Mill Street tunnel open?"), k=1)[0]
    assert int(match.key) == tunnel.pk and match.lexical == 1.0
    assert match.reasons  # from the passage, with the database's idf for its key terms


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL full-text search")
def test_an_item_waiting_for_its_embedding_is_not_ranked_by_the_database_either():
    item("1", "The Mill Street tunnel opened in 1974.")
    corpus_embed()
    item("2", "The Mill Street tunnel was closed for repairs.")  # not indexed yet
    store = corpus_store()
    assert len(store.lexical.search(tokenize("Mill Street tunnel")).scores) == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL full-text search")
@pytest.mark.django_db(transaction=True)  # the other thread's connection sees only what is committed
def test_the_store_searches_from_any_thread_of_the_process_with_that_threads_connection():
    import threading

    from django.db import connections

    tunnel = item("1", "It opened in 1974, the council archives say.", title="Mill Street tunnel")
    corpus_embed()
    store = corpus_store()  # made here, as the web process makes it on its first request
    found, failures = [], []

    def search_in_a_job_thread():
        try:
            found.extend(store.search(Query(text="When did the Mill Street tunnel open?"), k=1))
        except Exception as failure:  # noqa: BLE001 - the assertion below shows it
            failures.append(failure)
        finally:
            connections.close_all()

    thread = threading.Thread(target=search_in_a_job_thread)
    thread.start()
    thread.join()

    assert failures == []
    assert [int(m.key) for m in found] == [tunnel.pk]


def test_indexing_stores_the_lexical_terms_with_the_vector():
    tunnel = item("1", "The tunnels opened in 1974.", title="Mill Street")
    corpus_embed()
    tunnel.refresh_from_db()
    assert tunnel.title_terms == "mill street"
    assert tunnel.terms == "tunnel open 1974"
    assert tunnel.term_count == 2 * 2 + 3
