"""Read labelled check-worthiness data and measure ``assess()`` against it.

Database-free; used by ``manage.py evaluate_checkworthiness``. Two formats are read:

* CheckThat! TSV: ``Sentence_id <TAB> Text <TAB> class_label`` with labels Yes/No (a header line
  is expected but may be missing);
* ClaimBuster CSV: a header naming at least ``Text`` and ``Verdict``; Verdict 1 is check-worthy,
  0 and -1 are not.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from claims.text.checkworthiness import CHECKWORTHY_THRESHOLD, assess

__all__ = [
    "LabelledData",
    "LabelledDataError",
    "average_precision",
    "evaluate",
    "read_labelled_file",
    "read_labelled_sentences",
]

_YES = {"yes", "y", "1", "true"}
_NO = {"no", "n", "0", "-1", "false"}
_TEXT_COLUMNS = ("text", "sentence", "tweet_text")
_LABEL_COLUMNS = ("class_label", "verdict", "label", "class")
_MAX_SKIPPED_SHARE = 0.01


class LabelledDataError(ValueError):
    """The file cannot be read as labelled check-worthiness data; the message says why."""


@dataclass(frozen=True, slots=True)
class LabelledData:
    sentences: list[tuple[str, bool]]
    skipped: list[str]  # one message per row that could not be read


def read_labelled_sentences(path: str | Path) -> list[tuple[str, bool]]:
    """(sentence, is_check_worthy) for every row of a CheckThat! TSV or ClaimBuster CSV file."""
    return read_labelled_file(path).sentences


def read_labelled_file(path: str | Path) -> LabelledData:
    """Like ``read_labelled_sentences``, also saying which rows were skipped.

    Public data has the odd broken row (the CheckThat! 2024 train file has two records run
    together on one line); a few are skipped, but a file where more than
    ``_MAX_SKIPPED_SHARE`` of the rows are unreadable is rejected as malformed.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LabelledDataError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise LabelledDataError(f"{path}: is a directory, not a data file.") from None
    except OSError as exc:
        raise LabelledDataError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabelledDataError(f"{path}: is not UTF-8 text.") from None
    if not content.strip():
        raise LabelledDataError(f"{path}: is empty.")

    first_line = content.lstrip().split("\n", 1)[0]
    rows = _parse(path, content, _delimiter(path, first_line))
    if not rows:
        raise LabelledDataError(f"{path}: has no rows.")

    header = [cell.strip().lower() for cell in rows[0]]
    text_col = next((header.index(c) for c in _TEXT_COLUMNS if c in header), None)
    label_col = next((header.index(c) for c in _LABEL_COLUMNS if c in header), None)
    first_row = 2
    if text_col is not None and label_col is not None:
        body = rows[1:]
    elif len(rows[0]) >= 2 and _label(rows[0][-1]) is not None:
        # No header: CheckThat! order (id, text, label), or just (text, label).
        text_col = 1 if len(rows[0]) >= 3 else 0
        label_col = len(rows[0]) - 1
        body = rows
        first_row = 1
    else:
        raise LabelledDataError(
            f"{path}: expected a header with Text and class_label (CheckThat! TSV) "
            f"or Text and Verdict (ClaimBuster CSV); found {rows[0][:6]!r}."
        )

    width = len(body[0]) if body else 0
    sentences: list[tuple[str, bool]] = []
    skipped: list[str] = []
    for number, row in enumerate(body, start=first_row):
        if not any(cell.strip() for cell in row):
            continue
        label = _label(row[label_col]) if len(row) > max(text_col, label_col) else None
        text = row[text_col].strip() if len(row) > text_col else ""
        if label is None or not text or (len(row) != width and len(row) > label_col + 1):
            skipped.append(f"row {number}: cannot read {_preview(row)}")
            continue
        sentences.append((text, label))
    if not sentences:
        raise LabelledDataError(f"{path}: no labelled sentences ({'; '.join(skipped[:3]) or 'no rows'}).")
    if len(skipped) > _MAX_SKIPPED_SHARE * (len(sentences) + len(skipped)):
        raise LabelledDataError(
            f"{path}: malformed, {len(skipped)} of {len(sentences) + len(skipped)} rows unreadable "
            f"({'; '.join(skipped[:3])})."
        )
    return LabelledData(sentences=sentences, skipped=skipped)


def _preview(row: list[str]) -> str:
    joined = " | ".join(row)
    return repr(joined if len(joined) <= 80 else joined[:77] + "...")


def _delimiter(path: Path, first_line: str) -> str:
    if "\t" in first_line:
        return "\t"
    if path.suffix.lower() == ".tsv" and "," not in first_line:
        return "\t"
    return ","


def _parse(path: Path, content: str, delimiter: str) -> list[list[str]]:
    try:
        rows = [r for r in csv.reader(io.StringIO(content, newline=""), delimiter=delimiter) if r]
    except csv.Error as exc:
        if delimiter != "\t":
            raise LabelledDataError(f"{path}: malformed CSV ({exc}).") from None
        rows = []
    if delimiter == "\t" and (not rows or len({len(r) for r in rows}) > 1):
        # A stray quote at the start of a TSV cell makes the csv module swallow whole lines;
        # CheckThat! files are plain tab-separated, so read them literally instead.
        rows = [[_unquote(cell) for cell in line.split("\t")] for line in content.splitlines() if line]
    return rows


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def _label(value: str) -> bool | None:
    value = value.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def average_precision(scores: Iterable[float], labels: Iterable[bool]) -> float:
    """Area under the precision-recall steps of the positive class, ranking by score.

    Sentences with equal scores are taken together (one threshold), as scikit-learn does, so the
    result does not depend on the order of the input.
    """
    ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: -pair[0])
    positives = sum(1 for _, label in ranked if label)
    if not positives:
        return 0.0
    total = 0.0
    seen = hits = 0
    i = 0
    while i < len(ranked):
        score = ranked[i][0]
        group_hits = 0
        while i < len(ranked) and ranked[i][0] == score:
            group_hits += ranked[i][1]
            seen += 1
            i += 1
        hits += group_hits
        total += (group_hits / positives) * (hits / seen)
    return total


def evaluate(rows: list[tuple[str, bool]], *, threshold: float = CHECKWORTHY_THRESHOLD) -> dict:
    """F1, precision and recall of the Yes class at ``threshold``, and average precision."""
    return metrics_at([assess(text).score for text, _ in rows], [label for _, label in rows], threshold)


def metrics_at(scores: list[float], labels: list[bool], threshold: float) -> dict:
    """The figures `evaluate` reports, for any scores (the rule scorer's or a trained model's)."""
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if y and s >= threshold)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if not y and s >= threshold)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if y and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(labels),
        "f1_yes": round(f1, 4),
        "precision_yes": round(precision, 4),
        "recall_yes": round(recall, 4),
        "average_precision": round(average_precision(scores, labels), 4),
    }
