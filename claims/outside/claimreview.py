"""schema.org ClaimReview records out of a file, as publishers really write them.

`parse_claimreviews(data, name)` reads every ClaimReview in a file (see documents.py for the shapes) and
returns the usable ones as ClaimReviewRecord, with one error per review that could not be used and why.
One bad review never stops the others; a file that is not JSON or HTML at all is one error for the file.

Identity. A review is identified by its address (review URL, else its `@id`, else the page it was found on),
compared without scheme, "www.", final slash, fragment or tracking parameters. A page that reviews several
claims under one address gives each review the address and its claim. A review with no address at all is
identified by its claim text (case, quotes, dashes and spacing folded), publisher and review date.
`identity_key` is a hash of that, the same for the same review in every file and every import.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace

from claims.outside.documents import Found, read_document
from claims.outside.ratings import RatingMap
from claims.outside.values import (
    clean_text,
    clean_url,
    first,
    language_tag,
    parse_date,
    parse_number,
    site_of,
    strip_enclosing_quotes,
    url_key,
)
from claims.text.folding import fold

__all__ = ["ClaimReviewRecord", "ParseResult", "parse_claimreviews"]

# Errors that odd markup could still provoke in the record reader; one record is lost, not the file.
_RECORD_FAILURES = (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError)


@dataclass(frozen=True)
class ClaimReviewRecord:
    index: int  # 1-based position among the reviews found in the file, as errors count them
    claim_text: str
    claimant: str
    claim_date: datetime.date | None
    appearance_urls: tuple[str, ...]
    review_url: str
    publisher_name: str
    publisher_site: str  # a host without "www.", e.g. "politifact.com"
    author_names: tuple[str, ...]
    review_date: datetime.date | None
    title: str
    rating_label: str  # the publisher's own words, kept whether or not they map
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    rating: str  # a slug of our scale, or "unmapped"
    rating_basis: str  # "number", "label" or "" (unmapped)
    language: str
    identity_key: str
    identity_basis: str  # "url", "url+claim" or "claim"
    origin: str  # "json-ld", "microdata" or "google-api"
    warnings: tuple[str, ...] = ()  # values that were given but not used, and why

    def to_dict(self) -> dict:
        """JSON-ready: dates as ISO strings, tuples as lists."""
        data = asdict(self)
        for key in ("claim_date", "review_date"):
            data[key] = data[key].isoformat() if data[key] else None
        return {key: list(value) if isinstance(value, tuple) else value for key, value in data.items()}


@dataclass
class ParseResult:
    name: str
    format: str  # "json", "json-lines", "html", or "" when the file could not be read
    records: list[ClaimReviewRecord] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"record": 1-based index or None, "reason": str}
    reviews_found: int = 0

    def messages(self) -> list[str]:
        """The errors as sentences: "record 3: no claim text (claimReviewed is empty)"."""
        return [
            f"record {error['record']}: {error['reason']}" if error["record"] is not None else error["reason"]
            for error in self.errors
        ]

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "format": self.format,
            "reviews_found": self.reviews_found,
            "records": [record.to_dict() for record in self.records],
            "errors": list(self.errors),
        }


def parse_claimreviews(
    data: bytes | str,
    name: str = "",
    *,
    url: str = "",
    ratings: RatingMap | Mapping[str, str | None] | None = None,
) -> ParseResult:
    """Every usable ClaimReview in a file. Never raises for what the file contains.

    `url` is the address the file was saved from, when known: relative addresses resolve against it.
    `ratings` is a RatingMap, or a label map (publisher's label -> our slug) that extends the defaults.
    """
    rating_map = ratings if isinstance(ratings, RatingMap) else RatingMap(ratings)
    reading = read_document(data, name, url=clean_url(url))
    result = ParseResult(name=name, format=reading.kind, reviews_found=len(reading.found))
    result.errors.extend({"record": None, "reason": problem} for problem in reading.problems)

    drafts: list[_Draft] = []
    for index, found in enumerate(reading.found, 1):
        try:
            draft = _read_record(index, found, rating_map)
        except _RECORD_FAILURES as failure:
            draft = f"could not be read ({type(failure).__name__})"
        if isinstance(draft, str):
            result.errors.append({"record": index, "reason": draft})
        else:
            drafts.append(draft)

    seen: dict[str, int] = {}
    for draft in _with_identities(drafts):
        record = draft.record
        if record.identity_key in seen:
            result.errors.append(
                {"record": record.index, "reason": f"the same review as record {seen[record.identity_key]}"}
            )
            continue
        seen[record.identity_key] = record.index
        result.records.append(record)

    if reading.kind and not reading.found and not reading.problems:
        result.errors.append({"record": None, "reason": "No ClaimReview was found in the file."})
    return result


@dataclass
class _Draft:
    record: ClaimReviewRecord
    url_key: str
    claim_key: str


def _with_identities(drafts: list[_Draft]) -> list[_Draft]:
    claims_by_url: dict[str, set[str]] = {}
    for draft in drafts:
        if draft.url_key:
            claims_by_url.setdefault(draft.url_key, set()).add(draft.claim_key)
    for draft in drafts:
        if draft.url_key and len(claims_by_url[draft.url_key]) > 1:
            basis, parts = "url+claim", [draft.url_key, draft.claim_key]
        elif draft.url_key:
            basis, parts = "url", [draft.url_key]
        else:
            record = draft.record
            date = record.review_date.isoformat() if record.review_date else ""
            basis, parts = "claim", [draft.claim_key, _folded(record.publisher_name), date]
        key = hashlib.sha256("\x1f".join([basis, *parts]).encode()).hexdigest()
        draft.record = replace(draft.record, identity_key=key, identity_basis=basis)
    return drafts


def _folded(text: str) -> str:
    """Case, quotes, dashes, punctuation and spacing made alike (claims.text.folding, then punctuation)."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in fold(text)[0]).split())


# --- one record ----------------------------------------------------------------------------------


class _Reader:
    """Reads properties of one review's nodes, following `{"@id": ...}` references into the document."""

    def __init__(self, ids: dict[str, dict]):
        self.ids = ids

    def nodes(self, value: object) -> list:
        """A property's values as a list, references replaced by the nodes they name."""
        items = value if isinstance(value, list) else [value]
        resolved = []
        for item in items:
            if isinstance(item, dict) and set(item) <= {"@id", "@type"} and item.get("@id") in self.ids:
                item = self.ids[item["@id"]]
            if item not in (None, "", [], {}):
                resolved.append(item)
        return resolved

    def node(self, value: object) -> dict:
        return next((item for item in self.nodes(value) if isinstance(item, dict)), {})

    def names(self, value: object) -> list[str]:
        """Names of people or organisations written as strings, objects, or lists of either."""
        names = []
        for item in self.nodes(value):
            name = clean_text(item.get("name") or item.get("alternateName")) if isinstance(item, dict) else ""
            name = name or (clean_text(item) if isinstance(item, str) else "")
            if name and name not in names:
                names.append(name)
        return names


def _types(node: dict) -> set[str]:
    kinds = node.get("@type", [])
    return {
        str(kind).rsplit("/", 1)[-1].casefold() for kind in (kinds if isinstance(kinds, list) else [kinds])
    }


def _read_record(index: int, found: Found, ratings: RatingMap) -> _Draft | str:
    node, read = found.node, _Reader(found.ids)
    warnings: list[str] = []
    items = [item for item in read.nodes(node.get("itemReviewed")) if isinstance(item, dict)]
    item = next((item for item in items if item.get("name") or item.get("text")), items[0] if items else {})

    claim_text = strip_enclosing_quotes(clean_text(node.get("claimReviewed")))
    if not claim_text:
        claim_text = strip_enclosing_quotes(clean_text(item.get("text") or item.get("name")))
    if not claim_text:
        return _no_claim_reason(node, found.origin)

    # Addresses resolve against the page, else the review's own @id, else the publisher's site.
    publisher = read.node(node.get("publisher"))
    authors = read.nodes(node.get("author"))
    organisations = [a for a in authors if isinstance(a, dict) and "organization" in _types(a)]
    own_id = clean_url(node.get("@id"), found.page_url)
    publisher_url = clean_url(publisher.get("url")) or clean_url(first(organisations) or {})
    base = found.page_url or own_id or publisher_url

    given_url = clean_url(node.get("url"), base)
    if node.get("url") and not given_url:
        warnings.append(f"review url “{clean_text(node.get('url'))[:100]}” is not a web address; not used")
    review_url = given_url or own_id or (found.page_url if found.in_page else "")

    appearances = []
    for container in items:
        for key in ("appearance", "firstAppearance", "url", "sameAs"):
            for value in read.nodes(container.get(key)):
                address = clean_url(value, base)
                if address and address != review_url and address not in appearances:
                    appearances.append(address)

    # ClaimReview's author is the fact-checking organisation (Google's guidelines); one not typed a
    # Person stands in for a missing publisher.
    untyped = [a for a in authors if not isinstance(a, dict) or "person" not in _types(a)]
    publisher_name = clean_text(publisher.get("name")) or (read.names(organisations or untyped) or [""])[0]
    publisher_site = clean_text(publisher.get("site")).removeprefix("www.") or site_of(
        publisher_url or review_url
    )

    claim_date, problem = parse_date(item.get("datePublished") or item.get("dateCreated"))
    if problem:
        warnings.append(f"claim date {problem}")
    review_date, problem = parse_date(node.get("datePublished") or node.get("dateCreated"))
    if problem:
        warnings.append(f"review date {problem}")

    rating = read.node(node.get("reviewRating"))
    if not rating and isinstance(first(node.get("reviewRating")), str):
        rating = {"alternateName": first(node.get("reviewRating"))}
    label = clean_text(rating.get("alternateName")) or clean_text(rating.get("name"))
    value = parse_number(rating.get("ratingValue"))
    best, worst = parse_number(rating.get("bestRating")), parse_number(rating.get("worstRating"))
    mapped = ratings.map(label=label, value=value, best=best, worst=worst)
    if mapped.note:
        warnings.append(mapped.note)
    if not label and value is None:
        warnings.append("the review gives no rating")

    language = (
        language_tag(node.get("inLanguage"))
        or language_tag(item.get("inLanguage"))
        or language_tag(found.page_language)
    )
    record = ClaimReviewRecord(
        index=index,
        claim_text=claim_text,
        claimant=(read.names(item.get("author")) or read.names(item.get("creator")) or [""])[0],
        claim_date=claim_date,
        appearance_urls=tuple(appearances),
        review_url=review_url,
        publisher_name=publisher_name,
        publisher_site=publisher_site,
        author_names=tuple(read.names(authors)),
        review_date=review_date,
        title=clean_text(node.get("name") or node.get("headline")),
        rating_label=label,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        rating=mapped.rating,
        rating_basis=mapped.basis,
        language=language,
        identity_key="",
        identity_basis="",
        origin=found.origin,
        warnings=tuple(warnings),
    )
    return _Draft(record, url_key(review_url) if review_url else "", _folded(claim_text))


def _no_claim_reason(node: dict, origin: str) -> str:
    if origin == "google-api":
        return "no claim text (the claim's text is empty)"
    if "claimReviewed" not in node:
        where = "claimReviewed is missing"
    else:
        where = "claimReviewed is empty"
    return f"no claim text ({where}, and itemReviewed has no name or text)"
