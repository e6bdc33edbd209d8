"""Single values out of publishers' markup: text, dates, numbers, addresses and language tags.

Each reader takes whatever a publisher wrote (a string, a number, a list, a JSON-LD value object
`{"@value": ...}`) and returns a clean value or an empty one; none of them raises on odd input.
"""

from __future__ import annotations

import datetime
import html
import math
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from dateutil import parser as dateutil_parser
from lxml import etree

from claims.errors import InputRejected
from claims.text.urls import canonicalise_url

__all__ = ["first", "clean_text", "parse_date", "parse_number", "clean_url", "url_key", "language_tag"]

_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
_TAG = re.compile(r"<[a-zA-Z/!][^<>]*>")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
# An opening quote and the closing quotes it pairs with, for a claim written as a quotation.
_QUOTE_PAIRS = {'"': '"', "“": "”", "„": "“”", "«": "»", "‘": "’", "'": "'", "「": "」"}


def first(value: object) -> object:
    """The first non-empty element of a list (publishers write one value or a list of them), else the value."""
    if isinstance(value, list | tuple):
        return next((item for item in value if item not in (None, "", [], {})), None)
    return value


def _scalar(value: object) -> object:
    value = first(value)
    if isinstance(value, dict) and "@value" in value:
        return first(value["@value"])
    return value


def clean_text(value: object) -> str:
    """Plain text: entities decoded (twice-escaped ones too), tags removed, whitespace made single spaces."""
    value = _scalar(value)
    if value is None or isinstance(value, bool | dict | list):
        return ""
    text = str(value)
    # "&amp;quot;" is a quote escaped twice, by a CMS and again by its template.
    for _ in range(3):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    if _TAG.search(text):
        text = _strip_tags(text)
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return " ".join(text.split())


def _strip_tags(text: str) -> str:
    try:
        return lxml.html.fragment_fromstring(text, create_parent="div").text_content()
    except (etree.ParserError, ValueError):
        return _TAG.sub(" ", text)


def strip_enclosing_quotes(text: str) -> str:
    """ "“Vaccines contain chips”" -> "Vaccines contain chips"; a quote inside the text keeps them all."""
    if len(text) < 3:
        return text
    closing = _QUOTE_PAIRS.get(text[0])
    if closing and text[-1] in closing:
        inner = text[1:-1]
        if text[0] not in inner and text[-1] not in inner:
            return inner.strip()
    return text


# --- dates ---------------------------------------------------------------------------------------

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
# d/m/y, m/d/y or d.m.y, with a two- or four-digit year.
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T].*)?")
_SENTINELS = (datetime.datetime(2001, 1, 1), datetime.datetime(2002, 2, 2))
_EARLIEST, _LATEST = 1900, 2100


def parse_date(value: object) -> tuple[datetime.date | None, str]:
    """A date and, when one was given but not used, why (for the record's warnings).

    Timestamps keep the date they were written in ("2020-03-05T23:30:00-05:00" is 5 March): that is the
    publisher's own calendar day. A numeric date is read only when it cannot be misread: "25/03/2020" is
    25 March, "03/25/2020" 25 March, but "05/03/2020" may be 5 March or 3 May and is left empty. Dots
    ("05.03.2020") are written day first wherever they are used.
    """
    value = _scalar(value)
    if value is None or value == "" or isinstance(value, bool | dict | list):
        return None, ""
    if isinstance(value, int | float):
        return _from_timestamp(value)
    text = clean_text(value)
    if not text:
        return None, ""
    found = _iso(text) or _numeric(text) or _written(text)
    if isinstance(found, str):
        return None, found
    if found is None:
        return None, f"“{text[:60]}” is not a date we can read"
    if not _EARLIEST <= found.year <= _LATEST:
        return None, f"“{text[:60]}” is not a plausible date"
    return found, ""


def _from_timestamp(value: float) -> tuple[datetime.date | None, str]:
    # Seconds since 1970, or milliseconds as JavaScript writes them.
    seconds = value / 1000 if value > 1e11 else value
    if not math.isfinite(seconds) or not 1e8 < seconds < 5e9:
        return None, f"{value} is not a date we can read"
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).date(), ""


def _iso(text: str) -> datetime.date | None:
    if not _ISO.match(text):
        return None
    try:
        return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _numeric(text: str) -> datetime.date | str | None:
    match = _NUMERIC_DATE.fullmatch(text)
    if not match:
        return None
    a, separator, b, year_text = int(match[1]), match[2], int(match[3]), match[4]
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year < 70 else 1900
    if separator == "." or (a > 12 >= b):
        day, month = a, b
    elif b > 12 >= a or a == b:
        day, month = b, a
    else:
        return f"“{text[:60]}” could be {a} {_month(b)} or {b} {_month(a)}; left empty"
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return f"“{text[:60]}” is not a date"


def _month(number: int) -> str:
    return datetime.date(2000, number, 1).strftime("%B") if 1 <= number <= 12 else str(number)


@lru_cache(maxsize=4096)  # a feed repeats its dates, and dateutil is the slow part of reading one
def _written(text: str) -> datetime.date | None:
    """ "March 5, 2020", "5 March 2020", "Thu, 05 Mar 2020 10:00:00 GMT": only with day, month and year."""
    try:
        one, two = (dateutil_parser.parse(text, default=default) for default in _SENTINELS)
    except (ValueError, OverflowError):
        return None
    # Two different defaults give two different results when the text left a part out ("March 2020").
    return one.date() if one.date() == two.date() else None


# --- numbers -------------------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def parse_number(value: object) -> float | None:
    """4, "4", "1.0", "4,5" (a decimal comma); None for anything else."""
    value = _scalar(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = clean_text(value)
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return float(text) if _NUMBER.fullmatch(text) else None


# --- addresses -----------------------------------------------------------------------------------

_ENCODED_SCHEME = re.compile(r"https?%3a", re.IGNORECASE)


def clean_url(value: object, base: str = "") -> str:
    """A canonical http(s) address (claims.text.urls), resolved against `base` when relative; else "".

    Undoes what publishers' templates do to addresses: entity-escaped ampersands, an address encoded
    twice ("https%3A%2F%2F..."), a protocol-relative "//host/path", stray whitespace.
    """
    value = _scalar(value)
    if isinstance(value, dict):
        value = _scalar(value.get("url") or value.get("@id"))
    if not isinstance(value, str):
        return ""
    text = "".join(html.unescape(value).split())
    for _ in range(3):
        if not _ENCODED_SCHEME.match(text):
            break
        text = unquote(text)
    if not text or text.startswith("#"):
        return ""
    if not urlsplit(text).scheme:
        if base:
            text = urljoin(base, text)
        elif text.startswith("//"):
            text = "https:" + text
    return _canonical(text)


@lru_cache(maxsize=8192)
def _canonical(text: str) -> str:
    try:
        return canonicalise_url(text)
    except InputRejected:
        return ""


def url_key(url: str) -> str:
    """The comparison form of a canonical address: http and https, "www." and a final slash are alike."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def site_of(url: str) -> str:
    """ "https://www.politifact.com/x" -> "politifact.com"."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


# --- languages -----------------------------------------------------------------------------------

_TAG_SHAPE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*", re.IGNORECASE)
# Names some publishers write instead of a tag.
_LANGUAGE_NAMES = {
    "english": "en",
    "spanish": "es",
    "español": "es",
    "french": "fr",
    "français": "fr",
    "german": "de",
    "deutsch": "de",
    "portuguese": "pt",
    "português": "pt",
    "italian": "it",
    "italiano": "it",
    "dutch": "nl",
    "arabic": "ar",
    "hindi": "hi",
    "indonesian": "id",
    "turkish": "tr",
    "polish": "pl",
}
_MAX_TAG = 16  # the models' language fields


def language_tag(value: object) -> str:
    """A BCP 47 tag ("en", "pt-BR", "zh-Hant") from a tag, a Language object or a language's name; else ""."""
    value = first(value)
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("@value") or value.get("name")
    text = clean_text(value).replace("_", "-")
    if not _TAG_SHAPE.fullmatch(text):
        return _LANGUAGE_NAMES.get(text.casefold(), "")
    primary, *rest = text.split("-")
    subtags = [primary.lower()]
    for subtag in rest:
        if len(subtag) == 2:
            subtags.append(subtag.upper())
        elif len(subtag) == 4:
            subtags.append(subtag.title())
        else:
            subtags.append(subtag.lower())
    tag = "-".join(subtags)
    return tag if len(tag) <= _MAX_TAG else subtags[0]
