"""Publishers' ratings onto our scale: by number when the review says what its numbers range over, else by label.

Our scale is the default one of claims/defaults.py (written out here by slug, because this package does not
import the Django side): true, mostly-true, half-true, mostly-false, false on the true-false axis, and
missing-context and unverifiable beside it. Admins can change that scale, so the caller passes the slugs it
has (`slugs=`) and anything mapped onto a slug it lacks comes back "unmapped".

By number. A rating with a `bestRating` (and a `worstRating`; schema.org assumes 1 when it is missing) is
placed at n = (ratingValue - worstRating) / (bestRating - worstRating), from 0 (worst) to 1 (best), and n
falls into one of five equal bands:

    0   <= n < 0.2   false           (1 of 1-5; 0-1 of 0-10; 0 of a 0-1 scale)
    0.2 <= n < 0.4   mostly-false    (2 of 1-5)
    0.4 <= n < 0.6   half-true       (3 of 1-5; the middle of a 1-3 scale)
    0.6 <= n < 0.8   mostly-true     (4 of 1-5)
    0.8 <= n <= 1    true            (5 of 1-5; 1 of a 0-1 scale)

A scale that runs the other way (bestRating 1, worstRating 5) works the same. A number outside its own
range, or a range of zero width, is not used, and the label decides.

By label. The label (`alternateName`, else `name`) is folded (case, accents kept, punctuation and spacing
made alike: "Pants on Fire!" and "pants on fire" are one label) and looked up in DEFAULT_LABELS, the English
labels of the large publishers, extended or overridden by the caller's map. Labels that are sentences (Full
Fact writes "Incorrect. The figures show...") are read by their first clause, only when the rest does not
turn it round ("True, but..."); then a short list of phrases that mean one thing wherever they appear
("Photo is altered", "Out of context") is searched for, only when the label has no negation. Anything else
is "unmapped", and the record keeps the publisher's label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["UNMAPPED", "SCALE", "DEFAULT_BANDS", "DEFAULT_LABELS", "MappedRating", "RatingMap", "fold_label"]

UNMAPPED = "unmapped"
SCALE = ("true", "mostly-true", "half-true", "mostly-false", "false", "missing-context", "unverifiable")
# (upper bound, exclusive but for the last, slug), from the worst end of a scale.
DEFAULT_BANDS: tuple[tuple[float, str], ...] = (
    (0.2, "false"),
    (0.4, "mostly-false"),
    (0.6, "half-true"),
    (0.8, "mostly-true"),
    (1.0, "true"),
)
# How far outside its own range a value may be and still count as the end of it (float noise, "5.0001").
_TOLERANCE = 1e-6

_LABELS_BY_RATING = {
    "true": [
        "true", "correct", "accurate", "correct attribution", "verified", "real", "fact",
        "geppetto checkmark",
    ],
    "mostly-true": [
        "mostly true", "mostly correct", "mostly accurate", "largely true", "largely accurate",
        "one pinocchio", "1 pinocchio",
    ],
    "half-true": [
        "half true", "half truth", "mixture", "mixed", "partly true", "partially true", "half right",
        "two pinocchios", "2 pinocchios",
    ],
    "mostly-false": [
        "mostly false", "partly false", "partially false", "mostly incorrect", "largely false",
        "largely inaccurate", "exaggerated", "exaggerates", "exaggeration", "distorts the facts",
        "three pinocchios", "3 pinocchios",
    ],
    "false": [
        "false", "pants on fire", "incorrect", "inaccurate", "wrong", "not true", "untrue", "fake",
        "fake news", "fabricated", "hoax", "scam", "baseless", "misattributed", "miscaptioned",
        "altered", "altered photo", "altered image", "altered video", "doctored", "manipulated",
        "four pinocchios", "4 pinocchios", "false and misleading",
    ],
    "missing-context": [
        "misleading", "missing context", "lacks context", "needs context", "out of context",
        "taken out of context", "cherry picks", "spins the facts", "not the whole story", "outdated",
        "labeled satire", "labelled satire", "satire",
    ],
    "unverifiable": [
        "unproven", "unverified", "unverifiable", "unsupported", "unsubstantiated", "no evidence",
        "lacks evidence", "insufficient evidence", "not proven", "cannot be verified", "can t be verified",
        "research in progress", "legend", "undetermined", "unclear",
    ],
}  # fmt: skip
DEFAULT_LABELS: dict[str, str] = {
    label: rating for rating, labels in _LABELS_BY_RATING.items() for label in labels
}

# Phrases that say one thing wherever they stand in a longer label.
_TELLING_PHRASES = {
    "pants on fire": "false",
    "fabricated": "false",
    "doctored": "false",
    "altered": "false",
    "hoax": "false",
    "misleading": "missing-context",
    "missing context": "missing-context",
    "lacks context": "missing-context",
    "out of context": "missing-context",
    "satire": "missing-context",
    "unproven": "unverifiable",
    "unsubstantiated": "unverifiable",
    "no evidence": "unverifiable",
}
_NEGATIONS = {"not", "no", "never", "nor", "neither", "without", "isn", "wasn", "aren", "doesn", "didn"}
# Words after a first clause that change what it says ("True, but...", "False. Partly, ...").
_TURNS = {"but", "however", "although", "though", "yet", "except", "partly", "partially", "mostly", "largely"}
_LEAD_INS = ("verdict ", "rating ", "our rating ", "our ruling ", "ruling ", "conclusion ", "this is ",
             "this claim is ", "the claim is ", "claim is ", "that is ", "that s ", "it is ", "it s ")  # fmt: skip
_CLAUSE_END = re.compile(r"[.!?:;—–]|\s-\s|,")


def fold_label(label: str) -> str:
    """The comparison form of a rating label: case folded, punctuation and runs of spaces as one space."""
    text = unicodedata.normalize("NFKC", label).casefold().replace("&", " and ")
    kept = [ch if ch.isalnum() else " " for ch in text]
    return " ".join("".join(kept).split())


@dataclass(frozen=True)
class MappedRating:
    rating: str  # a slug of our scale, or UNMAPPED
    basis: str  # "number", "label" or "" (unmapped)
    note: str = ""  # why a number that was given was not used


class RatingMap:
    """How ratings map onto our scale; one is built per import from the caller's settings.

    `labels` maps publishers' labels (written as the publisher writes them: they are folded) to our slugs;
    it extends DEFAULT_LABELS unless `include_defaults=False`, and a label mapped to None or "" is removed
    from the defaults. `bands` replaces DEFAULT_BANDS. `slugs` are the ratings the caller's scale has.
    """

    def __init__(
        self,
        labels: Mapping[str, str | None] | None = None,
        *,
        include_defaults: bool = True,
        bands: Iterable[tuple[float, str]] = DEFAULT_BANDS,
        slugs: Iterable[str] | None = None,
    ):
        table = dict(DEFAULT_LABELS) if include_defaults else {}
        for label, rating in (labels or {}).items():
            key = fold_label(str(label))
            if rating:
                table[key] = str(rating)
            else:
                table.pop(key, None)
        self.labels = table
        self.bands = tuple(sorted((float(bound), slug) for bound, slug in bands))
        self.slugs = frozenset(slugs) if slugs is not None else None

    def map(
        self,
        *,
        label: str = "",
        value: float | None = None,
        best: float | None = None,
        worst: float | None = None,
    ) -> MappedRating:
        by_number, note = self.map_number(value, best, worst)
        if by_number:
            return self._known(by_number, "number", note)
        by_label = self.map_label(label)
        if by_label:
            return self._known(by_label, "label", note)
        return MappedRating(UNMAPPED, "", note)

    def _known(self, rating: str, basis: str, note: str) -> MappedRating:
        if self.slugs is not None and rating not in self.slugs:
            return MappedRating(UNMAPPED, "", f"“{rating}” is not a rating of this scale")
        return MappedRating(rating, basis, note)

    def map_number(
        self, value: float | None, best: float | None, worst: float | None
    ) -> tuple[str | None, str]:
        """The band a value falls into, and a note when numbers were given but could not be used."""
        if value is None or best is None or not self.bands:
            return None, ""
        if worst is None:
            # schema.org: "If worstRating is omitted, 1 is assumed"; a 0 value can only mean a 0-based scale.
            worst = 0.0 if value < 1 <= best else 1.0
        if best == worst:
            return None, f"ratingValue {value:g} has a range of zero width ({worst:g} to {best:g})"
        position = (value - worst) / (best - worst)
        if not -_TOLERANCE <= position <= 1 + _TOLERANCE:
            return None, f"ratingValue {value:g} is outside its range {worst:g} to {best:g}"
        position = min(max(round(position, 6), 0.0), 1.0)
        for bound, slug in self.bands:
            if position < bound:
                return slug, ""
        return self.bands[-1][1], ""

    def map_label(self, label: str) -> str | None:
        folded = fold_label(label or "")
        if not folded:
            return None
        exact = self._exact(folded)
        if exact:
            return exact
        parts = _CLAUSE_END.split(label, maxsplit=1)
        if len(parts) == 2:
            in_clause = self._exact(fold_label(parts[0]))
            if in_clause and not _TURNS & set(fold_label(parts[1]).split()):
                return in_clause
        return _telling_phrase(folded)

    def _exact(self, folded: str) -> str | None:
        if folded in self.labels:
            return self.labels[folded]
        for lead_in in _LEAD_INS:
            if folded.startswith(lead_in) and folded[len(lead_in) :] in self.labels:
                return self.labels[folded[len(lead_in) :]]
        return None


def _telling_phrase(folded: str) -> str | None:
    padded = f" {folded} "
    found = {rating for phrase, rating in _TELLING_PHRASES.items() if f" {phrase} " in padded}
    if len(found) != 1:
        return None
    words = padded
    for phrase in _TELLING_PHRASES:
        words = words.replace(f" {phrase} ", " ")
    if _NEGATIONS & set(words.split()):
        return None
    return found.pop()
