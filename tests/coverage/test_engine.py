"""The retrieval engine on a tiny hand-written corpus: each mode, the filters, the date prior, the reasons."""

import datetime

import numpy as np
import pytest

from claims.coverage.embedding import default_embedder
from claims.coverage.engine import Document, FusionWeights, Query, RetrievalEngine
from tests.coverage.fakes import BagOfWordsEmbedder

D = datetime.date

CORPUS = [
    Document(
        key="factcheck:1",
        kind="factcheck",
        title="Hamas official in Moscow",
        text="Moussa Abu Marzouk met Russian officials in Moscow on 5 March 2024.",
        date=D(2024, 3, 6),
        language="en",
    ),
    Document(
        key="factcheck:2",
        kind="factcheck",
        title="Tram line to the airport",
        text="The city will spend 120 million euros on a tram line to the airport by 2027.",
        date=D(2023, 5, 1),
        language="en",
    ),
    Document(
        key="factcheck:3",
        kind="factcheck",
        title="Vaccines and autism",
        text="Childhood vaccines do not cause autism, according to large studies.",
        date=D(2019, 1, 10),
        language="en",
    ),
    Document(
        key="passage:4",
        kind="passage",
        text="Le tramway vers l'aéroport coûtera 120 millions d'euros.",
        date=D(2023, 6, 1),
        language="fr",
    ),
    Document(
        key="source:5",
        kind="source",
        title="Weather report",
        text="Heavy rain is expected across the north of the country this weekend.",
        date=None,
    ),
]


@pytest.fixture(scope="session")
def minilm():
    """The real packaged model, loaded once for the session (a few seconds)."""
    return default_embedder()


def fake_engine(mode="hybrid", **kwargs) -> RetrievalEngine:
    engine = RetrievalEngine(mode=mode, embedder=BagOfWordsEmbedder(), **kwargs)
    engine.add(CORPUS)
    return engine


def keys(matches):
    return [m.key for m in matches]


def test_lexical_finds_exact_term_matches():
    engine = RetrievalEngine(mode="lexical")
    engine.add(CORPUS)
    matches = engine.search(Query(text="Is the airport tram costing 120,000,000?"), k=3)
    assert matches[0].key == "factcheck:2"
    assert matches[0].lexical == 1.0 and 0 <= matches[-1].score <= 1


def test_the_lexical_tokenizer_keeps_numbers_and_stems():
    from claims.coverage.lexical import tokenize

    assert tokenize("The 1,000 vaccines CAUSED autism in 4.5% of cases") == [
        "1000",
        "vaccin",
        "caus",
        "autism",
        "4.5",
        "case",
    ]


def test_semantic_finds_a_paraphrase(minilm):
    engine = RetrievalEngine(mode="semantic", embedder=minilm)
    engine.add(CORPUS)
    matches = engine.search(Query(text="Jabs given to kids lead to autistic disorders"), k=2)
    assert matches[0].key == "factcheck:3"
    assert matches[0].semantic > 0.4
    assert any(r.startswith("Close in meaning") for r in matches[0].reasons)


def test_hybrid_ranks_the_right_one_first(minilm):
    engine = RetrievalEngine(mode="hybrid", embedder=minilm)
    engine.add(CORPUS)
    results = engine.search_many(
        [
            Query(text="Abu Marzouk was in Moscow to talk to the Russians", date=D(2024, 3, 5)),
            Query(text="A tramway to the airport for 120 million"),
            Query(text="Do the shots children get cause autism?"),
        ],
        k=3,
    )
    assert [r[0].key for r in results] == ["factcheck:1", "factcheck:2", "factcheck:3"]
    assert all(r[0].score >= r[1].score for r in results)


def test_vectors_can_be_given_and_are_kept_in_one_matrix():
    embedder = BagOfWordsEmbedder()
    vectors = embedder.embed([RetrievalEngine.embedding_text(d) for d in CORPUS]).astype(np.float16)
    engine = RetrievalEngine(mode="semantic", embedder=embedder)
    engine.add(CORPUS[:2], vectors=vectors[:2])
    engine.add(CORPUS[2:], vectors=vectors[2:])
    assert embedder.calls == 1  # the documents were not embedded again
    assert engine.vectors.shape == (5, 64) and engine.vectors.flags["C_CONTIGUOUS"]
    assert len(engine) == 5


def test_remove_and_replace():
    engine = fake_engine()
    engine.remove(["factcheck:2", "missing"])
    assert "factcheck:2" not in keys(engine.search(Query(text="airport tram 120 million"), k=10))
    assert len(engine) == 4
    engine.add([Document(key="factcheck:1", kind="factcheck", text="A completely new text about bicycles.")])
    assert len(engine) == 4
    assert engine.search(Query(text="bicycles"), k=1)[0].key == "factcheck:1"


def test_filters_by_kind_date_language_and_exclude():
    engine = fake_engine()
    query = "tram airport 120 million"
    assert set(keys(engine.search(Query(text=query, kinds=("passage", "source")), k=10))) == {
        "passage:4",
        "source:5",
    }
    assert "factcheck:2" not in keys(
        engine.search(Query(text=query, exclude=frozenset({"factcheck:2"})), k=10)
    )
    window = keys(engine.search(Query(text=query, since=D(2023, 1, 1), until=D(2023, 12, 31)), k=10))
    assert sorted(window) == ["factcheck:2", "passage:4"]  # undated documents are outside any window
    english = keys(engine.search(Query(text=query, language="en"), k=10))
    assert "passage:4" not in english and "source:5" in english  # a document without a language stays
    assert engine.search(Query(text=query, kinds=("nothing",)), k=10) == []


def test_the_date_prior_prefers_documents_close_to_the_claim():
    twins = [
        Document(
            key="old", kind="factcheck", text="The bridge collapsed after the storm.", date=D(2015, 1, 1)
        ),
        Document(
            key="recent", kind="factcheck", text="The bridge collapsed after the storm.", date=D(2024, 2, 20)
        ),
        Document(
            key="later", kind="factcheck", text="The bridge collapsed after the storm.", date=D(2024, 9, 1)
        ),
    ]
    engine = RetrievalEngine(mode="hybrid", embedder=BagOfWordsEmbedder())
    engine.add(twins)
    ranked = keys(engine.search(Query(text="Did the bridge collapse in the storm?", date=D(2024, 3, 1)), k=3))
    assert ranked == ["recent", "later", "old"]
    # Without a claim date the twins tie on content; no prior is applied.
    scores = {m.score for m in engine.search(Query(text="Did the bridge collapse in the storm?"), k=3)}
    assert len(scores) == 1
    flat = RetrievalEngine(mode="hybrid", embedder=BagOfWordsEmbedder(), weights=FusionWeights(date=0.0))
    flat.add(twins)
    assert len({m.score for m in flat.search(Query(text="bridge storm", date=D(2024, 3, 1)), k=3)}) == 1


def test_reasons_name_the_shared_names_numbers_dates_and_terms():
    engine = fake_engine()
    top = engine.search(
        Query(text="Moussa Abu Marzouk flew to Moscow on March 5, 2024 to meet Russian officials"), k=1
    )[0]
    assert top.key == "factcheck:1"
    assert top.reasons[0].startswith("Same names: Moussa Abu Marzouk, Moscow")
    assert "Same date: 5 March 2024" in top.reasons
    assert any(r.startswith("Key terms:") and "officials" in r for r in top.reasons)
    tram = engine.search(Query(text="Airport tram: 120 million euros wasted"), k=1)[0]
    assert "Same numbers: 120 million" in tram.reasons


def test_the_passage_of_a_long_document_is_its_best_window():
    filler = " ".join(f"Sentence number {i} talks about the weather and nothing else." for i in range(30))
    doc = Document(
        key="source:9", kind="source", text=f"{filler} The mayor admitted the tram budget doubled. {filler}"
    )
    engine = RetrievalEngine(mode="lexical")
    engine.add([doc, *CORPUS])
    match = engine.search(Query(text="Did the tram budget double, as the mayor admitted?"), k=1)[0]
    assert match.key == "source:9"
    assert "tram budget doubled" in match.passage and len(match.passage) <= 400


def test_an_empty_engine_and_bad_mode():
    assert RetrievalEngine(mode="lexical").search(Query(text="anything")) == []
    with pytest.raises(ValueError):
        RetrievalEngine(mode="fuzzy")


class RecordingLexicalSource:
    """An outside lexical ranker (as PostgreSQL or a search server would be): fixed scores, calls recorded."""

    def __init__(self, scores):
        self.scores, self.added, self.removed, self.asked = scores, [], [], []

    def search(self, terms, *, kinds=(), limit=1000):
        from claims.coverage.database import LexicalHits

        self.asked.append((list(terms), tuple(kinds)))
        return LexicalHits(dict(self.scores), {t: 2.0 for t in terms})

    def add(self, documents):
        self.added.extend(d.key for d in documents)

    def remove(self, keys):
        self.removed.extend(keys)


def test_an_outside_lexical_source_ranks_instead_of_the_in_process_index():
    source = RecordingLexicalSource({"source:5": 3.0, "factcheck:2": 6.0, "unknown:9": 99.0})
    engine = RetrievalEngine(mode="lexical", lexical_source=source)
    engine.add(CORPUS)
    assert source.added == [d.key for d in CORPUS]

    matches = engine.search(Query(text="airport tram", kinds=("factcheck", "source")), k=2)
    assert keys(matches) == ["factcheck:2", "source:5"]  # a key the engine does not hold is ignored
    assert [m.lexical for m in matches] == [1.0, 0.5]  # normalised by the best score
    assert source.asked == [(["airport", "tram"], ("factcheck", "source"))]

    engine.remove(["source:5", "not-there"])
    assert source.removed == ["source:5"]
