"""Turning raw input (pasted text, uploaded files, fetched pages) into clean article text.

Pure functions: no database, no network, no settings. The limits are keyword arguments whose defaults are
the workbench's; `claims.services.ingest` passes the deployment's own. Every refusal is an
`InputRejected` whose message can be shown to the person as it is.
"""

import codecs
import dataclasses
import datetime
import hashlib
import re
import unicodedata
from collections import Counter
from pathlib import PurePath
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import lxml.html
import nh3
import trafilatura
from charset_normalizer import from_bytes
from lxml import etree

from claims.errors import InputRejected
from claims.text.scripts import UNSPACED_CHARACTER
from claims.text.shortening import keep_start

# The defaults of the INGEST_MAX_CHARS and INGEST_MAX_BYTES settings, and the length of Article.title.
DEFAULT_MAX_CHARS = 500_000
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_TITLE_CHARS = 500


class FetchedPage(Protocol):
    """What `extract_from_fetch` reads of a response (claims.fetching.FetchResult has it)."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


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
# What charset_normalizer may guess: the legacy encodings of the WHATWG Encoding Standard, which is what
# browsers (and so the pages and files people save) use. Left to itself it also tries EBCDIC, UTF-16 and
# rare code pages, which a short Western text fits as well as windows-1252 does ("Ça va." read as UTF-16).
_GUESSABLE = (
    "cp1252 cp1250 cp1251 cp1253 cp1254 cp1255 cp1256 cp1257 cp1258 cp874 cp866 "
    "iso8859_2 iso8859_3 iso8859_4 iso8859_5 iso8859_6 iso8859_7 iso8859_8 iso8859_10 iso8859_13 "
    "iso8859_14 iso8859_15 iso8859_16 koi8_r koi8_u mac_roman mac_cyrillic "
    "gb18030 big5 euc_jp iso2022_jp shift_jis euc_kr"
).split()
_WESTERN_MARGIN = 0.2  # in charset_normalizer's "chaos" (0 to 1): how much messier windows-1252 may read
_WESTERN_MAX_ACCENTED = 0.4  # share of letters outside ASCII beyond which a text is not Western
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
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _refuse_if_binary(utf16)
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


def _utf16_without_bom(data: bytes) -> str | None:
    """Text saved as UTF-16 without its byte order mark, or None.

    Each character is two bytes, and in the alphabetic scripts the high byte is nearly always zero
    (Latin, and the spaces, digits and punctuation of every script) or one value for the script's block
    (0x04 for Cyrillic, 0x03 for Greek...), while the low byte is almost never zero. Binary data with
    many NUL bytes does not keep to one side like that.
    """
    sample = data[: 8192 - 8192 % 2]
    if len(sample) < 8 or len(data) % 2:
        return None
    for encoding, high, low in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        if low.count(0) > len(low) * 0.02:
            continue
        counts = Counter(high)
        zeros = counts.pop(0, 0)
        script = max(counts.values(), default=0)
        if zeros >= len(high) * 0.1 and zeros + script >= len(high) * 0.95:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _guess_decode(data: bytes) -> str | None:
    """Last resort when nothing declared fits: let charset_normalizer guess from the bytes."""
    matches = list(from_bytes(data, cp_isolation=_GUESSABLE))
    if not matches:
        return None
    best_chaos = min(match.chaos for match in matches)
    western = next((match for match in matches if "cp1252" in match.could_be_from_charset), None)
    # On a short text charset_normalizer finds Baltic, Central European and Western code pages about
    # equally clean ("déjà" read as "déją"), and ranks them by chance; windows-1252 is by far the
    # likelier origin of such bytes. Unless the text only reads as Latin letters with accents almost
    # everywhere, which is Cyrillic or Greek bytes ("Ïðèâåò") rather than a Western language.
    if western is not None and western.chaos <= best_chaos + _WESTERN_MARGIN:
        text = data.decode("cp1252", errors="replace")
        letters = [ch for ch in text if ch.isalpha()]
        accented = sum(1 for ch in letters if not ch.isascii())
        if letters and accented < len(letters) * _WESTERN_MAX_ACCENTED:
            return text
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


_UNREADABLE = (
    "The text contains characters that could not be read (shown as “\ufffd”): the text was damaged "
    "when it was copied or saved, so nothing was stored. Copy it again from the original, or save the "
    "file as UTF-8 and upload it again."
)


def refuse_unreadable(text: str) -> str:
    """Refuse text with U+FFFD replacement characters: bytes that were lost before the text reached us."""
    if "\ufffd" in text:
        raise InputRejected(_UNREADABLE)
    return text


# --- HTML -------------------------------------------------------------------------------------

_SAFE_TAGS = set("p h1 h2 h3 h4 h5 h6 ul ol li blockquote em strong a br".split())
_NO_ARTICLE = "We could not find any article text on that page."
_MIN_PROSE_CHARS = 20  # word characters outside links: a menu or a lone "Hi." is no article


def extract_from_html(
    html: str,
    *,
    url: str = "",
    max_chars: int = DEFAULT_MAX_CHARS,
    max_title_chars: int = DEFAULT_MAX_TITLE_CHARS,
) -> ExtractedArticle:
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
    text = _within_length_limit(normalise_text(text.replace("\n", "\n\n")), max_chars)

    page = _parse_html(html)
    canonical = _canonical_url(page, url)
    return ExtractedArticle(
        text=text,
        title=shorten_title(document.title or "", max_title_chars),
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


def shorten_title(title: str, limit: int = DEFAULT_MAX_TITLE_CHARS) -> str:
    """A title found in a page or file, on one line and cut at a word boundary to fit `limit`.

    A page's <title> can run to thousands of characters (keyword stuffing, a whole first paragraph);
    that is no reason to refuse its article.
    """
    return keep_start(" ".join(title.split()), limit)


def _within_length_limit(text: str, max_chars: int) -> str:
    if len(text) > max_chars:
        raise InputRejected(f"The text is {len(text):,} characters long; we accept at most {max_chars:,}.")
    return text


# An article must hold at least one checkable statement: a subject, a verb and what is said of it.
MIN_WORDS = 3
MIN_LETTERS = 10
_WORD = re.compile(r"[^\W_]+")
_TOO_SHORT = (
    "The text is too short to check: an article needs at least one full sentence, "
    "such as “The council approved the budget on Tuesday.”"
)


def refuse_too_short(text: str) -> str:
    """Refuse text too short to hold a claim someone could check (a stray character, a single word)."""
    # In scripts written without spaces each character counts as a word, and as about as many letters
    # as a short word has elsewhere ("東京で雨。" is a sentence).
    unspaced = len(UNSPACED_CHARACTER.findall(text))
    words = len(_WORD.findall(UNSPACED_CHARACTER.sub(" ", text))) + unspaced
    letters = sum(ch.isalnum() for ch in text) + 2 * unspaced
    if words < MIN_WORDS or letters < MIN_LETTERS:
        raise InputRejected(_TOO_SHORT)
    return text


def _plain_article(text: str, *, max_chars: int) -> ExtractedArticle:
    """Plain text: an optional leading date line, then the article."""
    published_at, body = split_date_line(_within_length_limit(text, max_chars))
    body = normalise_text(body)
    if not body:
        raise InputRejected("There is no text to check.")
    return ExtractedArticle(text=refuse_too_short(body), published_at=published_at)


def extract_from_text(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> ExtractedArticle:
    """Pasted text: an optional leading date line, then the article."""
    return _plain_article(refuse_unreadable(text), max_chars=max_chars)


def extract_from_upload(
    filename: str,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_title_chars: int = DEFAULT_MAX_TITLE_CHARS,
) -> ExtractedArticle:
    """An uploaded .txt, .md or .html file."""
    extension = PurePath(filename).suffix.lower()
    if extension not in _TEXT_EXTENSIONS | _HTML_EXTENSIONS:
        raise InputRejected(
            "Only .txt, .md and .html files can be uploaded; for a PDF or Word document, "
            "copy its text and paste it instead."
        )
    if len(data) > max_bytes:
        raise InputRejected(f"The file is larger than the {max_bytes / (1024 * 1024):g} MB we accept.")
    if not data.strip():
        raise InputRejected("The file is empty.")
    text = decode_bytes(data)
    if not normalise_text(text):
        raise InputRejected("The file is empty.")
    refuse_unreadable(text)
    if extension in _HTML_EXTENSIONS:
        return extract_from_html(text, max_chars=max_chars, max_title_chars=max_title_chars)
    article = _plain_article(text, max_chars=max_chars)
    if extension == ".md":
        heading = _MARKDOWN_HEADING.search(article.text)
        # Headings stay in the text (a headline can be checked too), without their Markdown markers.
        plain = refuse_too_short(normalise_text(_MARKDOWN_HEADING_MARKER.sub("", article.text)))
        title = shorten_title(heading.group(1), max_title_chars) if heading else ""
        return dataclasses.replace(article, text=plain, title=title)
    return article


def extract_from_fetch(
    result: FetchedPage,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_title_chars: int = DEFAULT_MAX_TITLE_CHARS,
) -> ExtractedArticle:
    """A page fetched by claims.fetching.fetch."""
    text = decode_bytes(result.body, declared_charset=result.charset)
    if result.content_type == "text/plain":
        return _plain_article(text, max_chars=max_chars)
    return extract_from_html(text, url=result.url, max_chars=max_chars, max_title_chars=max_title_chars)
