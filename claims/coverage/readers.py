"""Readers for claim-matching data (the formats of ../shared/eval/README.md, with their variations).

- fact-check corpus: a directory of JSON files `{"title", "subtitle", "author", "date", "vclaim_id", "vclaim",
  ...extra keys}` (a file may also hold a list of them), one JSON Lines file with the same keys, or one TSV
  `vclaim_id <TAB> vclaim <TAB> title` with or without a header line;
- queries: TSV `id <TAB> text`, with or without a header (`iclaim_id <TAB> iclaim`, or a first line whose id
  column is empty);
- qrels: TREC `query_id 0 doc_id relevance`.

Ids are strings; purely numeric ids are normalised ("007" and "7" are the same id) in all three files.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from claims.coverage.reasons import find_dates
from claims.errors import InputRejected

ID_COLUMNS = ("vclaim_id", "iclaim_id", "tweet_id", "query_id", "qid", "id")
TEXT_COLUMNS = ("vclaim", "iclaim", "tweet", "text", "query", "claim")
QUERY_ID_HEADERS = {"", "id", "qid", "query_id", "iclaim_id", "tweet_id"}
# A date this close to the end of a query is the post's own date ("… — Jane (@jane) March 3, 2020").
TRAILING_DATE_SLACK = 3


@dataclass(frozen=True)
class FactCheck:
    id: str
    vclaim: str
    title: str = ""
    subtitle: str = ""
    date: datetime.date | None = None
    url: str = ""

    @property
    def text(self) -> str:
        """What is matched besides the title: the verified claim and the subtitle."""
        if not self.subtitle or self.subtitle == self.vclaim:
            return self.vclaim
        return f"{self.vclaim} {self.subtitle}"


@dataclass(frozen=True)
class QueryClaim:
    id: str
    text: str
    date: datetime.date | None = None


def normalise_id(value: object) -> str:
    text = str(value).strip()
    return str(int(text)) if text.isdigit() else text


def parse_date(value: object) -> datetime.date | None:
    """A fact-check's date: "26 May 2015", "May 26, 2015", "2015-05-26", an ISO timestamp; else None."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    found = find_dates(text)
    return found[0][0] if found else None


def trailing_date(text: str) -> datetime.date | None:
    """The date a query's text ends with, if any (tweets end with "… March 3, 2020")."""
    stripped = text.rstrip()
    found = find_dates(stripped[-60:])
    if found:
        date, (_, end) = found[-1]
        if len(stripped[-60:]) - end <= TRAILING_DATE_SLACK:
            return date
    return None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputRejected(f"Cannot read {path}: {e.strerror or e}.") from e
    except UnicodeDecodeError as e:
        raise InputRejected(f"{path} is not UTF-8 text.") from e


def _tsv_rows(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [row for row in reader if any(cell.strip() for cell in row)]


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _fact_check_from_json(record: dict, origin: str) -> FactCheck:
    if not isinstance(record, dict):
        raise InputRejected(f"{origin}: expected a JSON object per fact-check.")
    ident = record.get("vclaim_id", record.get("id"))
    claim = record.get("vclaim") or record.get("claim") or ""
    if ident is None or ident == "" or not claim:
        raise InputRejected(f"{origin}: a fact-check needs a vclaim_id and a vclaim.")
    return FactCheck(
        id=normalise_id(ident),
        vclaim=str(claim).strip(),
        title=str(record.get("title") or "").strip(),
        subtitle=str(record.get("subtitle") or "").strip(),
        date=parse_date(record.get("date")),
        url=str(record.get("url") or "").strip(),
    )


def _json_records(text: str, origin: str) -> Iterator[dict]:
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            yield from json.loads(stripped)
            return
        try:
            yield json.loads(stripped)
            return
        except json.JSONDecodeError:
            pass
        for line in text.splitlines():
            if line.strip():
                yield json.loads(line)
    except json.JSONDecodeError as e:
        raise InputRejected(f"{origin}: not valid JSON ({e.msg}, line {e.lineno}).") from e


def _fact_checks_from_tsv(text: str, origin: str) -> Iterator[FactCheck]:
    rows = _tsv_rows(text)
    id_col, claim_col, title_col = 0, 1, 2
    if rows and (_column(rows[0], ("vclaim_id",)) is not None or rows[0][0].strip() == ""):
        header = rows.pop(0)
        id_col = _column(header, ID_COLUMNS) if _column(header, ID_COLUMNS) is not None else 1
        claim_col = _column(header, TEXT_COLUMNS) if _column(header, TEXT_COLUMNS) is not None else id_col + 1
        title_col = _column(header, ("title",)) if _column(header, ("title",)) is not None else claim_col + 1
    for number, row in enumerate(rows, 1):
        if len(row) <= claim_col:
            raise InputRejected(f"{origin}, row {number}: expected vclaim_id <TAB> vclaim <TAB> title.")
        yield FactCheck(
            id=normalise_id(row[id_col]),
            vclaim=row[claim_col].strip(),
            title=row[title_col].strip() if len(row) > title_col else "",
        )


def read_corpus(path: str | Path) -> list[FactCheck]:
    """Every fact-check under `path` (a directory of JSON files, a JSON/JSON Lines file, or a TSV)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".jsonl"))
        checks = [
            _fact_check_from_json(r, str(f)) for f in files for r in _json_records(_read_text(f), str(f))
        ]
    elif path.is_file():
        text = _read_text(path)
        if path.suffix.lower() in (".json", ".jsonl") or text.lstrip().startswith(("{", "[")):
            checks = [_fact_check_from_json(r, str(path)) for r in _json_records(text, str(path))]
        else:
            checks = list(_fact_checks_from_tsv(text, str(path)))
    else:
        raise InputRejected(f"No corpus at {path}.")
    if not checks:
        raise InputRejected(f"No fact-checks found in {path}.")
    return checks


def read_queries(path: str | Path) -> list[QueryClaim]:
    """Queries `id <TAB> text`; the date a text ends with becomes the query's date."""
    rows = _tsv_rows(_read_text(Path(path)))
    id_col, text_col = 0, 1
    if rows and (
        rows[0][0].strip().lower() in QUERY_ID_HEADERS or _column(rows[0], TEXT_COLUMNS) is not None
    ):
        header = rows.pop(0)
        found_id, found_text = _column(header, ID_COLUMNS), _column(header, TEXT_COLUMNS)
        if found_id is not None:
            id_col = found_id
        elif header[0].strip() == "" and len(header) > 2:
            id_col = 1  # a leading unnamed index column (a data frame written with its index)
        text_col = found_text if found_text is not None else id_col + 1
    queries = []
    for number, row in enumerate(rows, 1):
        if len(row) <= max(id_col, text_col):
            raise InputRejected(f"{path}, row {number}: expected id <TAB> text.")
        text = row[text_col].strip()
        queries.append(QueryClaim(id=normalise_id(row[id_col]), text=text, date=trailing_date(text)))
    return queries


def read_qrels(path: str | Path) -> dict[str, set[str]]:
    """Relevant document ids per query id (TREC qrels; relevance > 0 counts; a header line is skipped)."""
    qrels: dict[str, set[str]] = {}
    for line in _read_text(Path(path)).splitlines():
        parts = line.split()
        if len(parts) < 4:
            if parts:
                raise InputRejected(f"{path}: expected 'query_id 0 doc_id relevance', got {line!r}.")
            continue
        if not re.fullmatch(r"-?\d+", parts[3]):
            continue  # a header line
        qrels.setdefault(normalise_id(parts[0]), set())
        if int(parts[3]) > 0:
            qrels[normalise_id(parts[0])].add(normalise_id(parts[2]))
    return qrels
