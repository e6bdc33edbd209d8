"""The CSV export: one row per claim in documented columns, spreadsheet-safe, drafts marked, streamed."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.exports import csv_export
from claims.models import Claim
from tests.exports.report_world import chunks, make_world, rendered
from tests.factories import ClaimFactory, VerdictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(alice, bob, carol):
    return make_world(alice, bob, carol)


def rows(data: bytes) -> list[dict]:
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def published_claim(text: str) -> Claim:
    claim = ClaimFactory(text=text, status="published")
    VerdictFactory(claim=claim, status="published")
    return claim


def test_the_header_is_the_documented_columns_in_their_order(world):
    data = rendered("csv")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(header) == csv_export.COLUMNS
    assert data.split(b"\r\n")[0].endswith(b"sources")  # rows end in CRLF (RFC 4180)


def test_a_published_claim_is_one_row_with_its_verdict_article_and_sources(world, settings):
    [row] = rows(rendered("csv"))
    assert row["report_status"] == "published"
    assert row["claim_id"] == str(world.published.pk)
    assert row["claim_text"] == "The council approved the budget on Tuesday."
    assert row["claimant"] == "The mayor"
    assert row["claim_status"] == "published"
    assert row["article_id"] == str(world.article.pk)
    assert row["article_title"] == "Council approves the budget"
    assert row["article_url"] == "https://news.example/council-budget"
    assert row["publisher"] == "Example News"
    assert row["article_published"] == "2026-03-02"
    assert row["verdict_id"] == str(world.verdict.pk)
    assert (row["rating_slug"], row["rating_label"], row["rating_value"]) == ("false", "False", "1")
    assert row["summary"] == "The budget cost 3.2 million euros."
    assert row["rationale"] == "The official figures say 3.2 million."  # the words a reader sees, no Markdown
    assert (row["reviewer"], row["approver"]) == ("Alice", "Carol")
    assert row["verdict_submitted"] == "2026-03-03T12:00:00+00:00"
    assert row["verdict_published"] == "2026-03-03T16:40:00+00:00"
    assert row["verdict_url"] == f"{settings.PUBLIC_BASE_URL}/fact-checks/{world.verdict.pk}/"
    assert row["source_count"] == "2"
    assert row["sources"].split("\n") == [
        "refutes: Budget 2026 <https://stats.example/b> — “The budget totals 3.2 million euros.”",
        "context: Council minutes <https://council.example/minutes>",
    ]


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("https://evil.example","x")', "+1 555 0100", "-5 million", "@SUM(A1:A9)", "\tcmd", "\rcmd"],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_with_a_quote_in_front(db, text):
    published_claim(text)
    [row] = rows(rendered("csv"))
    assert row["claim_text"] == "'" + text


def test_a_neutralised_figure_still_reads_as_the_figure(db):
    published_claim("-5 million euros were spent")
    [row] = rows(rendered("csv"))
    assert row["claim_text"] == "'-5 million euros were spent"
    assert row["claim_text"].removeprefix("'") == "-5 million euros were spent"


def test_text_that_is_not_a_formula_and_numbers_are_written_as_they_are(db):
    published_claim("It cost 5 million euros = a lot.")
    [row] = rows(rendered("csv"))
    assert row["claim_text"] == "It cost 5 million euros = a lot."
    assert row["rating_value"] == "1" and row["source_count"] == "0"
    assert csv_export.neutralised(-5) == -5


def test_without_drafts_only_published_work_is_written(world):
    assert [row["claim_id"] for row in rows(rendered("csv"))] == [str(world.published.pk)]


def test_with_drafts_every_row_that_is_not_published_work_says_so(world):
    by_claim = {row["claim_id"]: row for row in rows(rendered("csv", with_drafts=True))}
    assert by_claim[str(world.published.pk)]["report_status"] == "published"
    draft = by_claim[str(world.drafted.pk)]
    assert draft["report_status"] == "draft"
    assert (draft["rating_slug"], draft["summary"], draft["reviewer"]) == ("true", "Work in progress.", "Bob")
    assert draft["verdict_url"] == "" and draft["approver"] == ""  # a draft has no public page
    unchecked = by_claim[str(world.unchecked.pk)]
    assert unchecked["report_status"] == "no verdict" and unchecked["rating_slug"] == ""


def test_it_streams_a_row_at_a_time(db):
    for n in range(30):
        published_claim(f"Claim {n}.")
    parts = chunks("csv")
    assert len(parts) == 31  # the header, then one chunk per row
    assert all(part.endswith(b"\r\n") for part in parts)


def test_the_query_count_does_not_grow_with_the_claims(db):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rendered("csv")
        return len(captured)

    for n in range(3):
        published_claim(f"Claim {n}.")
    few = queries()
    for n in range(12):
        published_claim(f"Another claim {n}.")
    assert queries() == few


def test_the_rationale_is_the_words_a_reader_sees(db):
    claim = published_claim("It cost 5 million euros.")
    claim.verdicts.update(
        rationale="# Why\n\nThe **official** figures say [3.2 million](https://stats.example/b), *not* 5.\n\n"
        "> Quoted <b>here</b> & there.\n\n- snake_case \\*stays\\*"
    )
    [row] = rows(rendered("csv"))
    assert row["rationale"].split("\n") == [
        "Why",
        "The official figures say 3.2 million, not 5.",
        "Quoted here & there.",
        "- snake_case *stays*",
    ]
