"""Lexical matching: a tokenizer that keeps numbers and stems English, and a BM25 index (bm25s) over it.

The index is rebuilt lazily: adds and removes only mark it stale, and the next search rebuilds it once,
so a batch of additions costs one build.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer

# A compact English stop list: function words only, so that content words such as "not", "no" or numbers
# (which often decide whether two claims are the same) stay.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself
    of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves
    s t d ll m o re ve y also via says said say like get got one us rt amp""".split()
)

_URL = re.compile(r"\b(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_NUMBER_GROUPS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})

_stemmer = Stemmer.Stemmer("english")


def clean(text: str) -> str:
    """Drop links; split hashtags and handles into words ("#AustralianFires" → "Australian Fires",
    "@BarackObama" → "Barack Obama"): a handle often names the person a claim is about."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(lambda m: " " + _CAMEL.sub(" ", m.group(0)[1:]).replace("_", " "), text)
    return _HASHTAG.sub(lambda m: _CAMEL.sub(" ", m.group(1)).replace("_", " "), text)


def words(text: str) -> list[str]:
    """Lower-cased words and numbers of `text`, before stemming ("1,000" → "1000", "4.5" stays)."""
    text = _NUMBER_GROUPS.sub("", clean(text)).lower().replace("'s ", " ")
    return _TOKEN.findall(text)


def tokenize(text: str) -> list[str]:
    """Stemmed content tokens: stop words dropped, numbers kept."""
    return _stemmer.stemWords([w for w in words(text) if w not in STOP_WORDS])


TITLE_WEIGHT = 2  # a title's token counts this many times (a field weight)


def index_terms(title: str, text: str) -> tuple[list[str], list[str]]:
    """The tokens a document is indexed under: its title's and its text's (for the database's vector)."""
    return tokenize(title), tokenize(text)


class LexicalIndex:
    """BM25 over title + text; the title's tokens count `title_weight` times (a field weight)."""

    def __init__(self, *, k1: float = 1.2, b: float = 0.75, title_weight: int = TITLE_WEIGHT):
        self.k1, self.b, self.title_weight = k1, b, title_weight
        self._tokens: list[list[str]] = []
        self._bm25: bm25s.BM25 | None = None
        self._df: dict[str, int] = {}

    def document_tokens(self, title: str, text: str) -> list[str]:
        return tokenize(title) * self.title_weight + tokenize(text)

    def set_documents(self, tokens: list[list[str]]) -> None:
        self._tokens = tokens
        self._bm25 = None

    def _build(self) -> bm25s.BM25:
        if self._bm25 is None:
            bm25 = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
            # An empty token keeps documents without any token indexable (bm25s needs one per document).
            bm25.index([t or [""] for t in self._tokens], show_progress=False)
            self._bm25 = bm25
            df: dict[str, int] = {}
            for toks in self._tokens:
                for tok in set(toks):
                    df[tok] = df.get(tok, 0) + 1
            self._df = df
        return self._bm25

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document, in insertion order."""
        if not self._tokens:
            return np.zeros(0, dtype=np.float32)
        bm25 = self._build()
        known = [t for t in query_tokens if t in bm25.vocab_dict]
        if not known:
            return np.zeros(len(self._tokens), dtype=np.float32)
        return np.asarray(bm25.get_scores(known), dtype=np.float32)

    def idf(self, token: str) -> float:
        self._build()
        n = max(len(self._tokens), 1)
        df = self._df.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))
