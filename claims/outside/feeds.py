"""Reading RSS, Atom and JSON feeds: fetch one through the guarded client, parse it leniently.

Feeds in the wild are often broken: blank lines before the XML declaration, a bare "&" in a title,
an encoding that is declared wrongly or not at all, a file cut off half-way, a web page served where
the feed used to be. `parse_feed` reads what can be read and says what it had to forgive in
`FeedPage.warnings`; it refuses (`FeedError`, an `InputRejected` whose message can be shown as it is)
only when there is no feed at all.

`parse_feed` and the helpers below are pure: no Django, no network. `poll` adds the conditional GET
(ETag / Last-Modified) through `claims.fetching.fetch`, imported only when `poll` runs, so that this
module imports without Django like the text core does.
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import html
import io
import json
import random
import re
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from html.entities import name2codepoint
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
import nh3
from lxml import etree

from claims.errors import InputRejected
from claims.text.extraction import decode_bytes
from claims.text.shortening import keep_start
from claims.text.urls import canonicalise_url

__all__ = [
    "FEED_ACCEPT",
    "FeedError",
    "FeedItem",
    "FeedPage",
    "is_flagged",
    "new_items",
    "next_poll_after",
    "parse_feed",
    "plain_text",
    "poll",
]

# What poll() accepts. text/html is there so a web page gets a clear "not a feed" instead of the
# guarded client's generic content-type refusal; text/plain because some servers label feeds so.
FEED_ACCEPT = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "application/x-rss+xml",
    "application/x-atom+xml",
    "text/html",
    "text/plain",
)
FEED_LINK_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
    "application/json",
}
JSON_TYPES = {"application/feed+json", "application/json"}
SUMMARY_MAX_CHARS = 2000
TITLE_MAX_CHARS = 500
GUID_MAX_CHARS = 255  # longer GUIDs are replaced by their hash, so they fit an indexed column

# Back-off for a failing feed: the polling interval doubles with each failure in a row, up to a cap,
# less up to JITTER of it so feeds that failed together do not all come back in the same second.
MAX_BACKOFF = datetime.timedelta(days=1)
BACKOFF_JITTER = 0.1
FLAG_AFTER_FAILURES = 5

NOT_A_FEED_PAGE = "This address returned a web page, not a feed."
NOT_A_FEED = "This address did not return a feed we can read (RSS, Atom or JSON Feed)."

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.IGNORECASE)
# The first element, after any declaration, processing instructions, comments and doctype.
_ROOT = re.compile(
    r"^\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE(?P<doctype>[^>\[]*)(?:\[.*?\])?\s*>\s*)*<(?P<root>[A-Za-z_][\w.:-]*)",
    re.DOTALL | re.IGNORECASE,
)
_FEED_ROOTS = {"rss", "feed", "rdf", "channel"}
# CDATA is left alone; outside it, an "&" that starts no character reference is a bare ampersand.
_AMPERSANDS = re.compile(
    r"<!\[CDATA\[.*?\]\]>|&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;)(?:(?P<name>[A-Za-z][A-Za-z0-9]{0,31});)?",
    re.DOTALL,
)
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_BLOCK_END = re.compile(r"<(?:br|hr|/p|/div|/li|/h[1-6]|/tr|/td|/th|/blockquote|/pre)\b[^>]*>", re.IGNORECASE)
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}")


class FeedError(InputRejected):
    """The address answered, but with no feed in it. `alternate` is the feed a web page names, if any."""

    def __init__(self, message: str, *, alternate: str = ""):
        super().__init__(message)
        self.alternate = alternate


@dataclass(frozen=True)
class FeedItem:
    guid: str  # the feed's own id, else the canonical link, else "sha256:" of title and summary
    url: str  # canonical (claims.text.urls), "" when the item has no usable link
    title: str  # plain text
    summary: str  # plain text, at most SUMMARY_MAX_CHARS
    published: datetime.datetime | None  # aware, UTC; the update date when no publication date
    language: str  # primary subtag ("de" for "de-AT"), the item's or else the feed's; "" if unknown


@dataclass(frozen=True)
class FeedPage:
    title: str
    items: list[FeedItem]
    etag: str | None = None  # to send back as If-None-Match next time
    last_modified: str | None = None  # to send back as If-Modified-Since next time
    not_modified: bool = False  # the server answered 304: nothing new, `items` is empty
    warnings: list[str] = field(default_factory=list)  # what was forgiven, for the feed's page
    url: str = ""  # where the feed was read from, after redirects


# --- polling ------------------------------------------------------------------------------------


def poll(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    fetcher: Callable[..., object] | None = None,
) -> FeedPage:
    """Fetch a feed with a conditional GET and parse it.

    Raises `claims.fetching.FetchError` (refused address, network failure, error status) or
    `FeedError` (no feed in the answer); both are `InputRejected`, for the caller to count as a
    failure and show. A 304 gives a FeedPage with `not_modified=True`, no items, and the validators
    to keep (the new ones if the server sent any, else those given).
    """
    if fetcher is None:
        from claims.fetching import fetch as fetcher  # lazily: the parser stays free of Django

    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    result = fetcher(url, accept=FEED_ACCEPT, headers=headers, allow_not_modified=True)
    response_headers = getattr(result, "headers", None) or {}
    if result.status == 304:
        return FeedPage(
            title="",
            items=[],
            etag=response_headers.get("etag") or etag,
            last_modified=response_headers.get("last-modified") or last_modified,
            not_modified=True,
            url=result.url,
        )
    page = parse_feed(result.body, content_type=result.content_type, charset=result.charset, url=result.url)
    return replace(
        page, etag=response_headers.get("etag"), last_modified=response_headers.get("last-modified")
    )


# --- parsing ------------------------------------------------------------------------------------


def parse_feed(body: bytes, *, content_type: str = "", charset: str | None = None, url: str = "") -> FeedPage:
    """Read an RSS, Atom or JSON feed from bytes, forgiving what can be forgiven; FeedError if none.

    `url` is where the feed came from: relative links are resolved against it.
    """
    content_type = (content_type or "").split(";", 1)[0].strip().lower()
    if not body.strip():
        raise FeedError("This address returned an empty answer, not a feed.")
    warnings: list[str] = []
    text = _decode(body, charset, warnings)

    if content_type in JSON_TYPES or text.lstrip().startswith(("{", "[")):
        return _parse_json_feed(text, url=url, warnings=warnings)

    root = _ROOT.match(text)
    root_name = root.group("root").lower().rpartition(":")[2] if root else ""
    is_html_doctype = bool(root and root.group("doctype") and "html" in root.group("doctype").lower())
    if root_name not in _FEED_ROOTS and (
        root_name == "html" or is_html_doctype or content_type in {"text/html", "application/xhtml+xml"}
    ):
        alternate = _advertised_feed(text, url)
        message = NOT_A_FEED_PAGE
        if alternate:
            message += f" The page names its feed at {alternate}: try that address instead."
        raise FeedError(message, alternate=alternate)
    return _parse_xml_feed(text, url=url, warnings=warnings)


def _decode(body: bytes, charset: str | None, warnings: list[str]) -> str:
    """Bytes to text. Valid UTF-8 wins (it is almost never an accident), then the XML declaration
    (the feed's author wrote it; a server's charset is often a default), then the server's, then a
    guess."""
    declared_xml = _XML_ENCODING.match(body[:1024])
    candidates = ["utf-8", declared_xml.group(1).decode("ascii") if declared_xml else None, charset]
    has_bom = body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    text = None
    if not has_bom:
        for candidate in filter(None, candidates):
            text = _decode_strictly(body, candidate)
            if text is not None:
                used = candidate
                break
    if text is None:
        try:
            text = decode_bytes(body, declared_charset=charset)
        except InputRejected:
            raise FeedError(f"{NOT_A_FEED} It looks like a binary file.") from None
        used = None
    text = text.lstrip("\ufeff")
    declared = [c for c in candidates[1:] if c]
    if declared and not has_bom and all(_codec(c) != _codec(used or "") for c in declared):
        actually = f"is {used}; it was read as {used}" if used else "is not; its encoding was guessed"
        warnings.append(f"The feed says it is encoded as {declared[0]} but {actually}.")
    return text


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return name.lower()


def _decode_strictly(body: bytes, charset: str) -> str | None:
    name = _codec(charset)
    if name in {"latin-1", "iso8859-1", "ascii"}:
        name = "cp1252"  # as browsers do: its superset, with the curly quotes in 0x80-0x9F
    try:
        return body.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None


def _parse_xml_feed(text: str, *, url: str, warnings: list[str]) -> FeedPage:
    # Already decoded: the declaration would only contradict the UTF-8 we hand on, and blank space
    # before it makes a strict XML parser give up on the whole file.
    text = _XML_DECLARATION.sub("", text.lstrip(), count=1)
    text, fixed = _escape_ampersands(text)
    if fixed:
        warnings.append(f"The feed has {fixed} unescaped “&” or unknown entities; they were read as text.")

    # A stream, never a str or bytes: feedparser treats a string as a URL or file name to open.
    parsed = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=True,
        resolve_relative_uris=False,
    )
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(NOT_A_FEED)

    items, skipped = [], 0
    feed_language = _language(parsed.feed.get("language"))
    for entry in parsed.entries:
        item = _xml_item(entry, base=url, feed_language=feed_language, warnings=warnings)
        if item is None:
            skipped += 1
        else:
            items.append(item)

    if parsed.bozo:
        exc = parsed.get("bozo_exception")
        reason = _bozo_reason(exc)
        warnings.append(
            f"The feed is damaged ({reason}); the {_items(len(items))} before the damage were kept."
        )
    if skipped:
        warnings.append(_skipped(skipped))
    return FeedPage(
        title=_detail_text(parsed.feed.get("title_detail"), parsed.feed.get("title"), TITLE_MAX_CHARS),
        items=items,
        warnings=warnings,
        url=url,
    )


def _items(n: int) -> str:
    return "1 item" if n == 1 else f"{n} items"


def _skipped(n: int) -> str:
    return f"{_items(n)} had neither a title nor a summary and {'was' if n == 1 else 'were'} skipped."


def _escape_ampersands(text: str) -> tuple[str, int]:
    fixed = 0

    def fix(match: re.Match) -> str:
        nonlocal fixed
        whole, name = match.group(0), match.group("name")
        if whole.startswith("<!"):
            return whole
        if name in _XML_ENTITIES:
            return whole
        fixed += 1
        if name and name in name2codepoint:  # an HTML entity such as &nbsp;, undefined in XML
            return f"&#{name2codepoint[name]};"
        return "&amp;" + whole[1:]

    return _AMPERSANDS.sub(fix, text), fixed


def _bozo_reason(exc: BaseException | None) -> str:
    if exc is None:
        return "not well-formed"
    message = getattr(exc, "getMessage", lambda: str(exc))()
    line = getattr(exc, "getLineNumber", lambda: None)()
    if message in {"no element found", "unclosed token"}:
        return "it ends early, as if cut off"
    where = f" at line {line}" if line else ""
    return f"not well-formed XML: {message}{where}"


def _xml_item(entry, *, base: str, feed_language: str, warnings: list[str]) -> FeedItem | None:
    title = _detail_text(entry.get("title_detail"), entry.get("title"), TITLE_MAX_CHARS)
    summary_detail = entry.get("summary_detail")
    summary_value = entry.get("summary")
    if not summary_value and entry.get("content"):
        summary_detail = entry.content[0]
        summary_value = entry.content[0].get("value")
    summary = _detail_text(summary_detail, summary_value, SUMMARY_MAX_CHARS)
    if not title and not summary:
        return None
    link = entry.get("link") or ""
    language = ""
    for detail in (entry.get("title_detail"), summary_detail):
        language = language or _language(detail.get("language") if detail else None)
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return _item(
        guid=entry.get("id") or "",
        link=link,
        base=base,
        title=title,
        summary=summary,
        published=_from_struct_time(published),
        language=language or feed_language,
        warnings=warnings,
    )


def _parse_json_feed(text: str, *, url: str, warnings: list[str]) -> FeedPage:
    """JSON Feed 1.0 and 1.1 (jsonfeed.org): a small enough format to read by hand."""
    try:
        data = json.loads(text)
    except ValueError:
        raise FeedError(f"{NOT_A_FEED} The JSON in it is cut off or malformed.") from None
    items_data = data.get("items") if isinstance(data, dict) else None
    version = str(data.get("version", "")) if isinstance(data, dict) else ""
    if not isinstance(items_data, list) or not (
        version.startswith("https://jsonfeed.org/") or "title" in data
    ):
        raise FeedError("This address returned JSON data, but not a JSON Feed.")
    feed_language = _language(data.get("language"))
    items, skipped = [], 0
    for raw in items_data:
        if not isinstance(raw, dict):
            skipped += 1
            continue
        title = _clean(_plain_text_of(_str(raw.get("title"))), TITLE_MAX_CHARS)
        summary = _str(raw.get("summary")) or _str(raw.get("content_text"))
        summary = _clean(summary, SUMMARY_MAX_CHARS) if summary else ""
        summary = summary or _clean(plain_text(_str(raw.get("content_html"))), SUMMARY_MAX_CHARS)
        if not title and not summary:
            skipped += 1
            continue
        items.append(
            _item(
                guid=_str(raw.get("id")),
                link=_str(raw.get("url")) or _str(raw.get("external_url")),
                base=url,
                title=title,
                summary=summary,
                published=_from_iso(_str(raw.get("date_published")) or _str(raw.get("date_modified"))),
                language=_language(_str(raw.get("language"))) or feed_language,
                warnings=warnings,
            )
        )
    if skipped:
        warnings.append(_skipped(skipped))
    return FeedPage(
        title=_clean(_str(data.get("title")), TITLE_MAX_CHARS), items=items, warnings=warnings, url=url
    )


def _item(
    *,
    guid: str,
    link: str,
    base: str,
    title: str,
    summary: str,
    published: datetime.datetime | None,
    language: str,
    warnings: list[str],
) -> FeedItem:
    url = ""
    if link.strip():
        absolute = urljoin(base, link.strip()) if base else link.strip()
        try:
            url = canonicalise_url(absolute)
        except InputRejected:
            warnings.append(
                f"The item “{keep_start(title or summary, 60)}” links to no web address; kept without it."
            )
    guid = " ".join(guid.split())
    if not guid:
        guid = url or "sha256:" + hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()
    elif len(guid) > GUID_MAX_CHARS:
        guid = "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
    return FeedItem(guid=guid, url=url, title=title, summary=summary, published=published, language=language)


def _advertised_feed(text: str, base: str) -> str:
    """The feed a web page names in <link rel="alternate" type="application/rss+xml" href=...>."""
    try:
        # lxml refuses a str that still carries an encoding declaration (XHTML pages do).
        page = lxml.html.fromstring(_XML_DECLARATION.sub("", text[:500_000], count=1))
    except (etree.ParserError, ValueError):
        return ""
    for link in page.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_LINK_TYPES and href:
            absolute = urljoin(base, href) if base else href
            if urlsplit(absolute).scheme in {"http", "https"}:
                return absolute
    return ""


# --- text, dates, languages ---------------------------------------------------------------------


def plain_text(value: str | None) -> str:
    """HTML (or text with entities) as one line of plain text: tags gone, scripts and styles with
    their content, entities decoded, blocks separated by a space, whitespace collapsed."""
    if not value:
        return ""
    spaced = _BLOCK_END.sub(" ", value)
    cleaned = nh3.clean(spaced, tags=set(), clean_content_tags={"script", "style"}, attributes={})
    return " ".join(html.unescape(cleaned).split())


def _plain_text_of(value: str) -> str:
    return plain_text(value) if "<" in value or "&" in value else " ".join(value.split())


def _detail_text(detail, value: str | None, limit: int) -> str:
    """feedparser's text of a title or summary: markup is stripped unless the feed said plain text."""
    if not value:
        return ""
    if detail is not None and detail.get("type") == "text/plain":
        return _clean(value, limit)
    return _clean(plain_text(value), limit)


def _clean(value: str, limit: int) -> str:
    return keep_start(" ".join(value.split()), limit)


def _str(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):  # JSON Feed 1.0 ids were numbers
        return str(value)
    return ""


def _language(value: str | None) -> str:
    match = _LANGUAGE.match((value or "").strip())
    return match.group(0).lower() if match else ""


def _from_struct_time(value: time.struct_time | None) -> datetime.datetime | None:
    # feedparser hands dates back as UTC struct_time, whatever zone the feed wrote them in.
    if not value:
        return None
    try:
        return datetime.datetime(*value[:6], tzinfo=datetime.UTC)
    except (TypeError, ValueError):
        return None


def _from_iso(value: str) -> datetime.datetime | None:
    """An RFC 3339 date as JSON Feed writes it; one without a zone is taken as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed.astimezone(datetime.UTC)


# --- deduplication and back-off -----------------------------------------------------------------


def new_items(
    items: Iterable[FeedItem], seen_guids: Collection[str], seen_urls: Collection[str]
) -> list[FeedItem]:
    """The items not seen before, by GUID or by URL, and each once (feeds repeat items too).

    Pass sets: membership is tested once per item. The URL counts too because a feed that changes
    its GUID scheme, or two feeds of one site, would otherwise bring the same article back.
    """
    fresh: list[FeedItem] = []
    guids: set[str] = set()
    urls: set[str] = set()
    for item in items:
        if item.guid in seen_guids or item.guid in guids:
            continue
        if item.url and (item.url in seen_urls or item.url in urls):
            continue
        guids.add(item.guid)
        if item.url:
            urls.add(item.url)
        fresh.append(item)
    return fresh


def next_poll_after(
    interval: datetime.timedelta,
    consecutive_failures: int,
    *,
    cap: datetime.timedelta = MAX_BACKOFF,
    jitter: float = BACKOFF_JITTER,
    rand: Callable[[], float] = random.random,
) -> datetime.timedelta:
    """How long to wait before polling again: the interval, doubled for each failure in a row, never
    more than `cap` (or the interval itself, if that is longer), less a random `jitter` share."""
    cap = max(cap, interval)
    exponent = min(max(consecutive_failures, 0), 32)  # 2**32 intervals is past any cap already
    delay = min(cap, interval * 2**exponent)
    return delay * (1 - jitter * rand())


def is_flagged(consecutive_failures: int, *, threshold: int = FLAG_AFTER_FAILURES) -> bool:
    """Whether a feed has failed often enough in a row for a person to look at it."""
    return consecutive_failures >= threshold
