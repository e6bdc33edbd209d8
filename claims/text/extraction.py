"""Turning raw input (pasted text, uploaded files, fetched pages) into clean article text.

Pure functions: no database, no network. Every refusal is an `InputRejected` whose message can be
shown to the person as it is.
"""

import codecs
import dataclasses
import datetime
import hashlib
import re
import unicodedata
from pathlib import PurePath
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import lxml.html
import nh3
import trafilatura
from charset_normalizer import from_bytes
from django.conf import settings
from lxml import etree

from claims.errors import InputRejected

if TYPE_CHECKING:
    from claims.fetching import FetchResult


@dataclasses.dataclass(frozen=True)
class ExtractedArticle:
    text: str  # normalised plain text
    title: str = ""
    authors: tuple[str, ...] = ()
    published_at: datetime.date | None = None
    site_name: str = ""
    language: str = ""
    html: str = ""  # sanitised (nh3) main-content HTML when it came as HTML, else ""
    canonical_url: str = ""


# --- plain text -------------------------------------------------------------------------------

# Format (Cf: zero-width spaces and joiners, BOM, bidi marks...) and control (Cc) characters are
# invisible, yet they split words and defeat search and claim matching. Tab and newline carry layout.
_KEEP = {"\n", "\t"}
_DROP_CATEGORIES = {"Cc", "Cf"}
_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.MULTILINE)
_MANY_NEWLINES = re.compile(r"\n{3,}")


def content_hash(text: str) -> str:
    """SHA-256 of (normalised) text: how an article or an archived source is recognised again."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_text(text: str) -> str:
    """NFC, \\n line ends, no invisible characters, no trailing spaces, at most one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Line and paragraph separators end lines too; keep them as newlines rather than drop them.
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x85", "\n")
    text = "".join(ch for ch in text if ch in _KEEP or unicodedata.category(ch) not in _DROP_CATEGORIES)
    # NFC after dropping: removing a character can bring a base letter and its accent together.
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


# "date 2023-11-06" as the first thing in the text; the rest of that line (if any) is article text.
_DATE_LINE = re.compile(
    r"\A[\ufeff\s]*date[ \t]+([0-9]{4})-([0-9]{2})-([0-9]{2})(?=\s|\Z)[ \t]*\n?", re.IGNORECASE
)


def split_date_line(text: str) -> tuple[datetime.date | None, str]:
    """Read a leading `date YYYY-MM-DD` as the publication date and remove it from the text."""
    match = _DATE_LINE.match(text)
    if not match:
        return None, text
    try:
        published = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise InputRejected(
            f"The text starts with the date “{'-'.join(match.groups())}”, which does not exist. "
            "Write it as date YYYY-MM-DD, for example date 2023-11-06."
        ) from None
    return published, text[match.end() :]


# --- bytes to text ----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""", re.IGNORECASE)
# Bytes below 0x20 that text files really contain: tab, newline, form feed, carriage return, escape.
_TEXT_CONTROLS = {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
_BINARY = "This file looks like a binary file (an image, PDF or document), not text we can read."


def decode_bytes(data: bytes, *, declared_charset: str | None = None) -> str:
    """Decode text whose charset may be missing or wrong, refusing what is not text at all."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _refuse_if_binary(data.decode(encoding))
            except UnicodeDecodeError:
                raise InputRejected(_BINARY) from None
    if _looks_binary(data):
        raise InputRejected(_BINARY)

    # Valid UTF-8 is almost never an accident, so it wins even over a declared charset: pages
    # that are UTF-8 but say "iso-8859-1" are common. Then what the sender or the page declares.
    candidates = ["utf-8", declared_charset]
    sniffed = _META_CHARSET.search(data[:4096])
    if sniffed:
        candidates.append(sniffed.group(1).decode("ascii"))
    for charset in candidates:
        text = _decode_strictly(data, charset)
        if text is not None:
            return _refuse_if_binary(text)

    text = _guess_decode(data)
    if text is None:
        raise InputRejected(_BINARY)
    return _refuse_if_binary(text)


def _decode_strictly(data: bytes, charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip().strip("\"'")).name
    except LookupError:
        return None
    # As browsers do: a page labelled Latin-1 or ASCII is read as windows-1252, its superset
    # (curly quotes and dashes live in 0x80-0x9F, which Latin-1 maps to invisible controls).
    if name in {"latin-1", "iso8859-1", "ascii"}:
        name = "cp1252"
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        return None


def _guess_decode(data: bytes) -> str | None:
    """Last resort when nothing declared fits: let charset_normalizer guess from the bytes."""
    matches = list(from_bytes(data))
    if not matches:
        return None
    best_chaos = min(match.chaos for match in matches)
    for match in matches:
        # charset_normalizer ranks Central European cp1250 first whenever Western text decodes
        # equally cleanly under both; windows-1252 is by far the likelier origin of such bytes.
        if match.chaos <= best_chaos + 0.01 and "cp1252" in match.could_be_from_charset:
            return data.decode("cp1252", errors="replace")
    return str(matches[0])


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return bool(sample) and controls / len(sample) > 0.05


def _refuse_if_binary(text: str) -> str:
    sample = text[:8192]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\x1b")
    if sample and controls / len(sample) > 0.05:
        raise InputRejected(_BINARY)
    return text


# --- HTML -------------------------------------------------------------------------------------

_SAFE_TAGS = set("p h1 h2 h3 h4 h5 h6 ul ol li blockquote em strong a br".split())
_NO_ARTICLE = "We could not find any article text on that page."
_MIN_PROSE_CHARS = 20  # word characters outside links: a menu or a lone "Hi." is no article


def extract_from_html(html: str, *, url: str = "") -> ExtractedArticle:
    """Keep the main article text of a page and its metadata; drop navigation and boilerplate."""
    if not html.strip():
        raise InputRejected(_NO_ARTICLE)
    options = {
        "url": url or None,
        "favor_precision": True,  # better to lose a paragraph than to check a cookie banner
        "include_comments": False,
        "include_tables": False,
        # Only dates the page states in its markup; a date guessed from the prose is worse than none.
        "date_extraction_params": {
            "original_date": True,
            "extensive_search": False,
            "max_date": datetime.date.today().isoformat(),
        },
    }
    try:
        document = trafilatura.bare_extraction(html, with_metadata=True, **options)
        main_html = trafilatura.extract(
            html, output_format="html", include_formatting=True, include_links=True, **options
        )
    except (ValueError, TypeError):  # unparsable markup
        raise InputRejected(_NO_ARTICLE) from None
    text = normalise_text(document.text or "") if document else ""
    # When nothing looks like an article, trafilatura falls back to whatever text the page has,
    # which may be just a menu: demand some prose outside links.
    if not text or _prose_length(main_html or "") < _MIN_PROSE_CHARS:
        raise InputRejected(_NO_ARTICLE)
    # One block per line from trafilatura; a blank line between them marks paragraphs in plain text.
    text = _within_length_limit(normalise_text(text.replace("\n", "\n\n")))

    page = _parse_html(html)
    canonical = _canonical_url(page, url)
    return ExtractedArticle(
        text=text,
        title=(document.title or "").strip(),
        authors=tuple(name.strip() for name in (document.author or "").split(";") if name.strip()),
        published_at=_parse_iso_date(document.date),
        site_name=(document.sitename or "").strip(),
        language=_language(page) or (document.language or ""),
        html=sanitise_html(main_html or "", base_url=canonical or url),
        canonical_url=canonical,
    )


def sanitise_html(html: str, *, base_url: str = "") -> str:
    """Only harmless structure survives: no scripts, no attributes but http(s) link targets."""

    def keep_web_links(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            absolute = urljoin(base_url, value.strip())
            return absolute if urlsplit(absolute).scheme in {"http", "https"} else None
        return value

    cleaned = nh3.clean(
        html,
        tags=_SAFE_TAGS,
        attributes={"a": {"href"}},
        attribute_filter=keep_web_links,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned.strip()


def _prose_length(main_html: str) -> int:
    page = _parse_html(main_html) if main_html.strip() else None
    if page is None:
        return 0
    for link in page.iter("a"):
        link.drop_tree()
    return len(re.findall(r"\w", page.text_content()))


def _parse_html(html: str) -> lxml.html.HtmlElement | None:
    # lxml refuses str input that still carries an XML encoding declaration (XHTML pages).
    html = re.sub(r"\A\s*<\?xml[^>]*\?>", "", html)
    try:
        return lxml.html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return None


def _canonical_url(page: lxml.html.HtmlElement | None, url: str) -> str:
    if page is None:
        return ""
    for href in page.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"):
        absolute = urljoin(url, href.strip())
        if urlsplit(absolute).scheme in {"http", "https"}:
            return absolute
    return ""


def _language(page: lxml.html.HtmlElement | None) -> str:
    """The page's declared language, as its primary subtag ("de" for "de-AT")."""
    if page is None:
        return ""
    declared = page.xpath(
        "string(/html/@lang | /html/@xml:lang"
        " | //meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')='content-language']"
        "/@content"
        " | //meta[@property='og:locale']/@content)"
    )
    return re.split(r"[-_,\s]", declared.strip().lower(), maxsplit=1)[0]


def _parse_iso_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


# --- entry points by kind of input ------------------------------------------------------------

_TEXT_EXTENSIONS = {".txt", ".md"}
_HTML_EXTENSIONS = {".html", ".htm"}
_MARKDOWN_HEADING_MARKER = re.compile(r"(?m)^#{1,6}[ \t]+")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def _within_length_limit(text: str) -> str:
    if len(text) > settings.INGEST_MAX_CHARS:
        raise InputRejected(
            f"The text is {len(text):,} characters long; we accept at most {settings.INGEST_MAX_CHARS:,}."
        )
    return text


def extract_from_text(text: str) -> ExtractedArticle:
    """Pasted text: an optional leading date line, then the article."""
    published_at, body = split_date_line(_within_length_limit(text))
    body = normalise_text(body)
    if not body:
        raise InputRejected("There is no text to check.")
    return ExtractedArticle(text=body, published_at=published_at)


def extract_from_upload(filename: str, data: bytes) -> ExtractedArticle:
    """An uploaded .txt, .md or .html file."""
    extension = PurePath(filename).suffix.lower()
    if extension not in _TEXT_EXTENSIONS | _HTML_EXTENSIONS:
        raise InputRejected(
            "Only .txt, .md and .html files can be uploaded; for a PDF or Word document, "
            "copy its text and paste it instead."
        )
    if len(data) > settings.INGEST_MAX_BYTES:
        raise InputRejected(
            f"The file is larger than the {settings.INGEST_MAX_BYTES / (1024 * 1024):g} MB we accept."
        )
    if not data.strip():
        raise InputRejected("The file is empty.")
    text = decode_bytes(data)
    if not normalise_text(text):
        raise InputRejected("The file is empty.")
    if extension in _HTML_EXTENSIONS:
        return extract_from_html(text)
    article = extract_from_text(text)
    if extension == ".md":
        heading = _MARKDOWN_HEADING.search(article.text)
        # Headings stay in the text (a headline can be checked too), without their Markdown markers.
        plain = normalise_text(_MARKDOWN_HEADING_MARKER.sub("", article.text))
        return dataclasses.replace(article, text=plain, title=heading.group(1) if heading else "")
    return article


def extract_from_fetch(result: "FetchResult") -> ExtractedArticle:
    """A page fetched by claims.fetching.fetch."""
    text = decode_bytes(result.body, declared_charset=result.charset)
    if result.content_type == "text/plain":
        return extract_from_text(text)
    return extract_from_html(text, url=result.url)
