"""From a file to the ClaimReview objects in it, whatever it holds them in.

JSON (one object, an array, an `@graph`, a DataFeed, or anything that nests ClaimReviews), JSON Lines,
a Google Fact Check Tools API response, or a saved HTML page (its `application/ld+json` blocks, else its
microdata). Every ClaimReview comes out as a JSON-LD-shaped dict, with the `@id` index of the document it
came from, so that the record reader has one shape to read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from claims.errors import InputRejected
from claims.text.extraction import decode_bytes

__all__ = ["Found", "Reading", "read_document", "is_claimreview"]

# Nesting deeper than this is not markup anyone writes; it is not walked.
_MAX_DEPTH = 40
_XSSI_PREFIX = ")]}'"
_JSON_LINES_NAMES = (".jsonl", ".ndjson", ".jsonlines")
_HTML_NAMES = (".html", ".htm", ".xhtml", ".shtml")


@dataclass
class Found:
    """One ClaimReview: the node, the `@id` index of its document, what the page around it tells."""

    node: dict
    ids: dict[str, dict]
    page_url: str = ""
    page_language: str = ""
    origin: str = "json-ld"  # "json-ld", "microdata" or "google-api"
    # Found in an HTML page, whose address is then the review's own when it names none. (A JSON file's
    # address is a feed's or an export's, and says nothing about each review in it.)
    in_page: bool = False


@dataclass
class Reading:
    kind: str  # "json", "json-lines", "html" or "" (unreadable)
    found: list[Found] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # not tied to one review: a block, a line, the file


def read_document(data: bytes | str, name: str = "", *, url: str = "") -> Reading:
    """Every ClaimReview in a file; what could not be read is in `problems`, never raised."""
    try:
        text = decode_bytes(data) if isinstance(data, bytes) else data
    except InputRejected as refused:
        return Reading("", problems=[refused.message])
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith(_XSSI_PREFIX):
        text = text[len(_XSSI_PREFIX) :].lstrip()
    lower_name = name.lower()
    if not text:
        return Reading("", problems=["The file is empty."])
    if text[0] in "{[" and not lower_name.endswith(_HTML_NAMES):
        return _read_json_text(text, lower_name, url)
    if text[0] == "<" or lower_name.endswith(_HTML_NAMES):
        return _read_html(text, url)
    return Reading("", problems=["This file is neither JSON nor an HTML page."])


# --- JSON ----------------------------------------------------------------------------------------


def _read_json_text(text: str, name: str, url: str) -> Reading:
    if not name.endswith(_JSON_LINES_NAMES):
        try:
            document = load_json(text)
        except ValueError as error:
            if not _looks_like_json_lines(text):
                return Reading("", problems=[f"The file is not valid JSON ({describe_json_error(error)})."])
        else:
            reading = Reading("json")
            reading.found.extend(find_claimreviews(document, page_url=url, problems=reading.problems))
            return reading
    return _read_json_lines(text, url)


def _looks_like_json_lines(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    try:
        return isinstance(json.loads(lines[0], strict=False), dict | list)
    except ValueError:
        return False


def _read_json_lines(text: str, url: str) -> Reading:
    reading = Reading("json-lines")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            document = load_json(line)
        except ValueError as error:
            reading.problems.append(f"Line {number} is not valid JSON ({describe_json_error(error)}).")
            continue
        found = list(find_claimreviews(document, page_url=url, problems=reading.problems))
        if not found:
            reading.problems.append(f"Line {number} holds no ClaimReview.")
        reading.found.extend(found)
    return reading


def load_json(text: str) -> object:
    """JSON, forgiving what hand-written blocks contain: raw line breaks in strings, trailing commas, a ";"."""
    try:
        # strict=False lets control characters (a raw line break) stand inside strings.
        return json.loads(text, strict=False)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except json.JSONDecodeError as error:
        repaired = _without_trailing_commas(text.strip().rstrip(";"))
        if repaired == text:
            raise
        try:
            return json.loads(repaired, strict=False)
        except (json.JSONDecodeError, RecursionError):
            raise error from None


def describe_json_error(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at line {error.lineno}, column {error.colno}"
    return str(error)


_STRING_OR_TRAILING_COMMA = re.compile(r'"(?:[^"\\]|\\.)*"|,(\s*[}\]])', re.DOTALL)


def _without_trailing_commas(text: str) -> str:
    return _STRING_OR_TRAILING_COMMA.sub(lambda m: m[1] if m[1] is not None else m[0], text)


def is_claimreview(node: dict) -> bool:
    """ "ClaimReview", "claimreview", "schema:ClaimReview", "http://schema.org/ClaimReview", or in a list."""
    types = node.get("@type", node.get("type"))
    if types is None:
        # Exports that drop the type but keep the ClaimReview's own property.
        return "claimReviewed" in node and any(key in node for key in ("reviewRating", "itemReviewed", "url"))
    for kind in types if isinstance(types, list) else [types]:
        if isinstance(kind, str) and re.split(r"[/#:]", kind.strip())[-1].casefold() == "claimreview":
            return True
    return False


def _is_google_response(node: dict) -> bool:
    claims = node.get("claims")
    return (
        isinstance(claims, list)
        and "@type" not in node
        and any(isinstance(claim, dict) and ("claimReview" in claim or "text" in claim) for claim in claims)
    )


def find_claimreviews(
    document: object,
    *,
    page_url: str = "",
    page_language: str = "",
    in_page: bool = False,
    problems: list[str],
) -> Iterator[Found]:
    """The ClaimReviews anywhere in a JSON document, in document order."""
    ids: dict[str, dict] = {}
    _index_ids(document, ids, 0)
    for node, origin in _walk(document, 0, problems):
        yield Found(node, ids, page_url=page_url, page_language=page_language, origin=origin, in_page=in_page)


def _index_ids(value: object, ids: dict[str, dict], depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        node_id = value.get("@id")
        # A bare {"@id": ...} is a reference, not the node; the fullest description of an id wins.
        if isinstance(node_id, str) and len(value) > 1 and len(value) > len(ids.get(node_id, {})):
            ids[node_id] = value
        for item in value.values():
            _index_ids(item, ids, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _index_ids(item, ids, depth + 1)


def _walk(value: object, depth: int, problems: list[str]) -> Iterator[tuple[dict, str]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, depth + 1, problems)
    elif isinstance(value, dict):
        if is_claimreview(value):
            yield value, "json-ld"
        elif _is_google_response(value):
            yield from _google_reviews(value["claims"], problems)
        else:
            for item in value.values():
                yield from _walk(item, depth + 1, problems)


# --- Google Fact Check Tools API -----------------------------------------------------------------


def _google_reviews(claims: list, problems: list[str]) -> Iterator[tuple[dict, str]]:
    """claims:search answers, each review of each claim as the ClaimReview it was read from."""
    for number, claim in enumerate(claims, 1):
        if not isinstance(claim, dict):
            problems.append(f"Claim {number} of the API response is not an object.")
            continue
        reviews = claim.get("claimReview")
        reviews = [reviews] if isinstance(reviews, dict) else reviews
        if not reviews or not isinstance(reviews, list):
            text = str(claim.get("text") or "")[:80]
            problems.append(f"Claim {number} of the API response (“{text}”) has no claimReview.")
            continue
        for review in reviews:
            if not isinstance(review, dict):
                review = {}
            publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
            yield (
                {
                    "@type": "ClaimReview",
                    "claimReviewed": claim.get("text"),
                    "itemReviewed": {
                        "@type": "Claim",
                        "author": {"name": claim.get("claimant")},
                        "datePublished": claim.get("claimDate"),
                    },
                    "url": review.get("url"),
                    "name": review.get("title"),
                    "datePublished": review.get("reviewDate"),
                    "reviewRating": {"alternateName": review.get("textualRating")},
                    "publisher": {"name": publisher.get("name"), "site": publisher.get("site")},
                    "inLanguage": review.get("languageCode"),
                },
                "google-api",
            )


# --- HTML ----------------------------------------------------------------------------------------

_WRAPPERS = re.compile(
    r"^\s*(?:<!--|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[)|(?:-->|/\*\s*\]\]>\s*\*/|\]\]>)\s*$"
)


def _read_html(text: str, url: str) -> Reading:
    try:
        # Bytes with the charset named, because lxml refuses a str that declares its own encoding.
        page = lxml.html.document_fromstring(
            text.encode("utf-8", "surrogatepass"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (etree.ParserError, ValueError):
        return Reading("", problems=["The file is not an HTML page we can read."])
    reading = Reading("html")
    page_url = url or _page_url(page)
    language = (page.get("lang") or page.get("xml:lang") or "").strip()
    blocks = [
        script
        for script in page.iter("script")
        if (script.get("type") or "").strip().lower().startswith("application/ld+json")
    ]
    for number, script in enumerate(blocks, 1):
        raw = _WRAPPERS.sub("", script.text or "").strip()
        if not raw:
            continue
        try:
            document = load_json(raw)
        except ValueError as error:
            reading.problems.append(
                f"JSON-LD block {number} of the page is not valid JSON ({describe_json_error(error)}); "
                "any reviews in it were skipped."
            )
            continue
        reading.found.extend(
            find_claimreviews(
                document, page_url=page_url, page_language=language, in_page=True, problems=reading.problems
            )
        )
    # Pages that carry both say the same thing twice; microdata is read only when JSON-LD has nothing.
    if not reading.found:
        for item in _microdata_claimreviews(page):
            reading.found.append(
                Found(item, {}, page_url=page_url, page_language=language, origin="microdata", in_page=True)
            )
    return reading


def _page_url(page: lxml.html.HtmlElement) -> str:
    for xpath in (
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href",
        "//meta[@property='og:url']/@content",
        "//base/@href",
    ):
        found = [
            value.strip() for value in page.xpath(xpath) if value.strip().startswith(("http:", "https:"))
        ]
        if found:
            return found[0]
    return ""


def _microdata_claimreviews(page: lxml.html.HtmlElement) -> Iterator[dict]:
    for element in page.xpath("//*[@itemscope][@itemtype]"):
        if not any(_type_name(kind) == "claimreview" for kind in element.get("itemtype").split()):
            continue
        # A ClaimReview inside another one's markup belongs to it.
        if any(
            any(_type_name(kind) == "claimreview" for kind in (up.get("itemtype") or "").split())
            for up in element.iterancestors()
        ):
            continue
        yield _microdata_item(element, 0)


def _type_name(kind: str) -> str:
    return re.split(r"[/#:]", kind.strip())[-1].casefold()


def _microdata_item(element: lxml.html.HtmlElement, depth: int) -> dict:
    item: dict[str, object] = {
        "@type": [_type_name(kind) for kind in (element.get("itemtype") or "").split()]
    }
    if element.get("itemid"):
        item["@id"] = element.get("itemid")
    if depth >= _MAX_DEPTH:
        return item
    values: dict[str, list] = {}
    for prop in _properties(element):
        value = _microdata_item(prop, depth + 1) if prop.get("itemscope") is not None else _value(prop)
        for name in prop.get("itemprop").split():
            values.setdefault(name, []).append(value)
    for name, found in values.items():
        item[name] = found[0] if len(found) == 1 else found
    return item


def _properties(element: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The elements whose nearest item is `element` (properties of items inside it belong to those)."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.get("itemprop"):
            yield child
        if child.get("itemscope") is None:
            yield from _properties(child)


_URL_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "img": "src", "audio": "src",
                   "video": "src", "source": "src", "iframe": "src", "embed": "src", "object": "data"}  # fmt: skip


def _value(element: lxml.html.HtmlElement) -> str:
    if element.get("content") is not None:
        return element.get("content")
    tag = element.tag.lower()
    if tag in _URL_ATTRIBUTES:
        return element.get(_URL_ATTRIBUTES[tag]) or ""
    if tag == "time" and element.get("datetime"):
        return element.get("datetime")
    if tag in {"data", "meter"} and element.get("value") is not None:
        return element.get("value")
    return element.text_content()
