"""Lexical ranking in PostgreSQL: BM25 over a stored, GIN-indexed, weighted `tsvector`, computed in the database.

The vector holds the engine's own tokens (`lexical.index_terms`: stemmed, stop words out, numbers kept),
title terms weighted A and body terms B, built with the 'simple' configuration so that PostgreSQL adds no
stemmer or stop list of its own. One query per search:

1. document frequencies of the query's terms, counted on the GIN index;
2. candidates: the rows containing the query's rarest terms, up to a budget of about CANDIDATE_BUDGET rows
   (a term in 10% of the corpus adds little to any score, and visiting every row that has it would make a
   query's cost grow with the corpus instead of with what it asks);
3. each candidate scored by BM25 (Lucene's idf; k1 1.2, b 0.75) with field weights: a term counts 2 in the
   title and 1 in the body (whether it is there, not how often: claims and titles are short, and the
   GIN-checked `@@` is what the database does fast). On the CheckThat! 2021 2A train queries this scores
   MAP@5 0.842 against 0.850 for bm25s with term counts over the same tokens (docs/benchmarks.md).

Plain DB-API: the caller passes a `cursor()` factory (Django's `connection.cursor` in the product), so this
module, like the rest of the engine, does not import Django. The product's table is kept by the
application (claims_corpusitem, migration 0012); `TemporaryTable` makes an isolated one for evaluations.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from claims.coverage.lexical import TITLE_WEIGHT, index_terms

CANDIDATE_BUDGET = 2_000
K1, B = 1.2, 0.75


def stored_terms(*, title: str, text: str) -> dict:
    """The columns the vector is built from: a document's title and text terms, and its BM25 length."""
    title_terms, terms = index_terms(title, text)
    return {
        "title_terms": " ".join(title_terms),
        "terms": " ".join(terms),
        "term_count": TITLE_WEIGHT * len(title_terms) + len(terms),
    }


@dataclass(frozen=True)
class LexicalHits:
    scores: dict[str, float]  # document key → BM25 score (only documents with a query term)
    idf: dict[str, float] = field(default_factory=dict)  # query term → its idf in this corpus


@dataclass(frozen=True)
class Table:
    """Where the vectors are: `key` and `where` are SQL (trusted, written here or by the caller's code)."""

    name: str
    key: str = "id::text"
    where: str = "TRUE"
    kind: str = "kind"


_SEARCH = """
WITH q AS MATERIALIZED (
    SELECT t AS term, count(*) AS qtf FROM unnest(%(terms)s::text[]) t GROUP BY t
),
w AS MATERIALIZED (
    SELECT q.term, d.df,
           (quote_literal(q.term) || ':A')::tsquery AS in_title,
           (quote_literal(q.term) || ':B')::tsquery AS in_text,
           q.qtf * ln(1 + (%(n)s - d.df + 0.5) / (d.df + 0.5)) AS idf
    FROM q CROSS JOIN LATERAL (
        SELECT count(*)::float8 AS df FROM {table} t
        WHERE t.search_vector @@ quote_literal(q.term)::tsquery AND ({where})
    ) d
),
candidates AS MATERIALIZED (
    SELECT string_agg(quote_literal(term), ' | ')::tsquery AS query FROM (
        SELECT term, sum(df) OVER (ORDER BY df, term) AS reach, row_number() OVER (ORDER BY df, term) AS r
        FROM w WHERE df > 0
    ) rarest
    WHERE reach <= %(budget)s OR r = 1
),
hits AS MATERIALIZED (
    SELECT {key} AS key, t.term_count, t.search_vector FROM {table} t, candidates c
    WHERE c.query IS NOT NULL AND t.search_vector @@ c.query AND ({where}) AND ({kinds})
)
SELECT h.key, sum(w.idf * f.tf / (f.tf + %(k1)s * (1 - %(b)s + %(b)s * h.term_count / %(avgdl)s))) AS score,
       (SELECT json_object_agg(term, idf / qtf) FROM w JOIN q USING (term)) AS idf
FROM hits h CROSS JOIN w
CROSS JOIN LATERAL (
    SELECT ((CASE WHEN h.search_vector @@ w.in_title THEN 2 ELSE 0 END)
          + (CASE WHEN h.search_vector @@ w.in_text THEN 1 ELSE 0 END))::float8 AS tf
) f
WHERE f.tf > 0
GROUP BY h.key ORDER BY score DESC, h.key LIMIT %(limit)s
"""


class DatabaseLexical:
    """BM25 ranked by PostgreSQL over `table`; the engine's lexical source on PostgreSQL."""

    def __init__(self, cursor: Callable, table: Table, *, budget: int = CANDIDATE_BUDGET):
        self.cursor, self.table, self.budget = cursor, table, budget
        self.documents, self.average_length = 0, 1.0

    def set_statistics(self, *, documents: int, average_length: float | None) -> None:
        """The corpus size and mean document length BM25 needs (kept by the caller: one scan saved per query)."""
        self.documents, self.average_length = documents, max(float(average_length or 1.0), 1.0)

    def search(self, terms: Sequence[str], *, kinds: Sequence[str] = (), limit: int = 1_000) -> LexicalHits:
        terms = [t for t in terms if t]
        if not terms or not self.documents:
            return LexicalHits({})
        kinds_sql = f"{self.table.kind} = ANY(%(kinds)s)" if kinds else "TRUE"
        sql = _SEARCH.format(
            table=self.table.name, key=self.table.key, where=self.table.where, kinds=kinds_sql
        )
        params = {
            "terms": list(terms),
            "kinds": list(kinds),
            "n": float(self.documents),
            "avgdl": self.average_length,
            "budget": self.budget,
            "k1": K1,
            "b": B,
            "limit": limit,
        }
        with self.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        # Every row carries the terms' idf (computed once), for the passages and reasons.
        idf = rows[0][2] if rows else {}
        if isinstance(idf, str):
            idf = json.loads(idf)
        return LexicalHits(
            {key: float(score) for key, score, _ in rows}, {t: float(v) for t, v in idf.items()}
        )

    # The product's table is written by the application, not through the engine.
    def add(self, documents: Iterable) -> None:
        pass

    def remove(self, keys: Iterable[str]) -> None:
        pass


class TemporaryTable(DatabaseLexical):
    """An isolated table of this connection's session (dropped when it closes), for evaluations: the
    workbench's own items are never read or written. Documents are the engine's `Document`s."""

    NAME = "coverage_evaluation_items"

    def __init__(self, cursor: Callable, *, budget: int = CANDIDATE_BUDGET):
        super().__init__(cursor, Table(name=self.NAME, key="t.key", kind="t.kind"), budget=budget)
        with self.cursor() as c:
            c.execute("DROP TABLE IF EXISTS pg_temp.coverage_evaluation_items")
            c.execute(
                "CREATE TEMPORARY TABLE coverage_evaluation_items (key text PRIMARY KEY, kind text NOT NULL,"
                " title_terms text NOT NULL, terms text NOT NULL, term_count integer NOT NULL,"
                " search_vector tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_terms), 'A')"
                " || setweight(to_tsvector('simple', terms), 'B')) STORED)"
            )
            # No pending list (fastupdate): autovacuum never merges one into a temporary table's index.
            c.execute(
                "CREATE INDEX ON coverage_evaluation_items USING gin (search_vector) WITH (fastupdate = off)"
            )

    def add(self, documents: Iterable) -> None:
        rows = []
        for doc in documents:
            terms = stored_terms(title=doc.title, text=doc.text)
            rows.append((doc.key, doc.kind, terms["title_terms"], terms["terms"], terms["term_count"]))
        with self.cursor() as c:
            c.executemany(
                "INSERT INTO coverage_evaluation_items (key, kind, title_terms, terms, term_count) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (key) DO UPDATE SET kind = EXCLUDED.kind, title_terms = EXCLUDED.title_terms,"
                " terms = EXCLUDED.terms, term_count = EXCLUDED.term_count",
                rows,
            )
            c.execute("ANALYZE coverage_evaluation_items")
        self._count()

    def remove(self, keys: Iterable[str]) -> None:
        with self.cursor() as c:
            c.execute("DELETE FROM coverage_evaluation_items WHERE key = ANY(%s)", [list(keys)])
        self._count()

    def _count(self) -> None:
        with self.cursor() as c:
            c.execute("SELECT count(*), avg(term_count) FROM coverage_evaluation_items")
            documents, average = c.fetchone()
        self.set_statistics(documents=documents, average_length=average)
