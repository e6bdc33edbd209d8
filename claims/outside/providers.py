"""Outside search providers: fact-check databases and news indexes asked about a claim.

One small base class and one subclass per provider, in the shape of healthchecks' transports: the
base class holds the contract and everything the providers share (configuration, the guarded HTTP
client, a rate limit, a cache, turning failures into one readable `ProviderError`); a subclass only
says how to ask (`request_url`) and how to read the answer (`parse`).

    providers = enabled_providers(config, cache=django_cache)
    outcome = search_all(providers, "The tram line will be 12 km longer", language="en")
    outcome.results  # ProviderResult, from every provider that answered
    outcome.errors   # ProviderError, one per provider that failed: logged, never raised

`Provider.search` raises `ProviderError`; `search_all` never does, so one provider failing never
spoils the whole search. Configuration is a plain mapping (see `CONFIG_DEFAULTS`; the caller passes
the Django settings values, e.g. with `config_from_settings`), and a provider is used only when it
is configured. Pure Python: `claims.fetching` (and so Django) is imported only when a provider
fetches without an injected `fetcher`.
"""

from __future__ import annotations

import abc
import datetime
import hashlib
import json
import logging
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, ClassVar, Protocol
from urllib.parse import quote, urlencode

from claims.errors import InputRejected
from claims.outside.feeds import plain_text
from claims.text.urls import canonicalise_url

__all__ = [
    "CONFIG_DEFAULTS",
    "GDELTProvider",
    "GoogleFactCheckProvider",
    "PROVIDERS",
    "Provider",
    "ProviderError",
    "ProviderResult",
    "SearchOutcome",
    "TTLCache",
    "TokenBucket",
    "config_from_settings",
    "enabled_providers",
    "search_all",
]

logger = logging.getLogger(__name__)

# Every setting a provider reads, with the default used when the mapping lacks it.
CONFIG_DEFAULTS: dict[str, Any] = {
    "GOOGLE_FACTCHECK_API_KEY": "",  # empty: the provider is off
    "GOOGLE_FACTCHECK_URL": "https://factchecktools.googleapis.com/v1alpha1/claims:search",
    "GOOGLE_FACTCHECK_RATE_LIMIT_PER_MINUTE": None,  # None: OUTSIDE_RATE_LIMIT_PER_MINUTE
    "GDELT_ENABLED": False,
    "GDELT_URL": "https://api.gdeltproject.org/api/v2/doc/doc",
    "GDELT_RATE_LIMIT_PER_MINUTE": 12,  # GDELT asks for no more than one request every five seconds
    "GDELT_TIMESPAN": "1w",  # how far back GDELT looks when the caller gives no `since`
    "OUTSIDE_TIMEOUT": 10.0,  # seconds, for connecting and for each read
    "OUTSIDE_RATE_LIMIT_PER_MINUTE": 30,  # per provider and process; 0 turns the limit off
    "OUTSIDE_CACHE_TTL": 6 * 60 * 60,  # seconds an answer is reused for the same question
    "OUTSIDE_MAX_RESULTS": 10,
}
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
MAX_QUERY_CHARS = 500

Kind = str  # "factcheck" (a published verdict on the claim) or "coverage" (an article about it)


@dataclass(frozen=True)
class ProviderResult:
    provider: str  # Provider.name
    kind: Kind  # "factcheck" | "coverage"
    title: str
    text: str  # the claim as the fact-checker worded it; "" for coverage
    url: str  # canonical (claims.text.urls)
    publisher: str  # a name ("PolitiFact") or, when that is all we have, a domain
    rating_label: str  # the fact-checker's own words ("Mostly false"); "" for coverage
    date: datetime.datetime | None  # aware, UTC: review date, or when the article was seen
    language: str  # primary subtag ("en"), "" if unknown
    claimant: str = ""  # who made the claim, when the fact-checker says


class ProviderError(Exception):
    """A provider could not answer. `message` is readable as it is; `retry_after` is in seconds."""

    def __init__(self, provider: str, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.provider = provider
        self.message = message
        self.retry_after = retry_after


class Cache(Protocol):
    """What a provider needs of a cache: Django's cache API, or TTLCache below."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any, timeout: float | None = None) -> None: ...


class TTLCache:
    """A small in-process cache with Django's get/set signature, for tests and for running without one."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_entries: int = 512):
        self.clock = clock
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            expires, value = entry
            if self.clock() >= expires:
                del self._entries[key]
                return default
            return value

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        with self._lock:
            expires = math.inf if timeout is None else self.clock() + timeout
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class TokenBucket:
    """At most `rate_per_minute` requests a minute, in bursts of at most `burst`. Per process: it
    keeps us polite to the provider, it is not a quota shared between workers."""

    def __init__(
        self,
        rate_per_minute: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.rate_per_minute = rate_per_minute
        self.capacity = max(1.0, burst if burst is not None else rate_per_minute)
        self.clock = clock
        self._tokens = self.capacity
        self._updated = clock()
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        if self.rate_per_minute <= 0:
            return True
        with self._lock:
            self._refill()
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False

    def wait_time(self) -> float:
        """Seconds until the next request would be let through."""
        if self.rate_per_minute <= 0:
            return 0.0
        with self._lock:
            self._refill()
            return max(0.0, (1 - self._tokens) * 60 / self.rate_per_minute)

    def _refill(self) -> None:
        now = self.clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate_per_minute / 60)
        self._updated = now


# Shared by the Provider instances of one process, so a new instance per search keeps the limit.
_BUCKETS: dict[str, TokenBucket] = {}
_BUCKETS_LOCK = threading.Lock()
_DEFAULT_CACHE = TTLCache()


class Provider(abc.ABC):
    """The contract every outside search provider keeps.

    Subclasses set `name`, `label`, `kind`, `config_prefix` and implement `request_url` and `parse`;
    they may override `is_enabled` and `describe_status`.
    """

    name: ClassVar[str]  # machine name, stored with results ("google_factcheck")
    label: ClassVar[str]  # what people read ("Google Fact Check Tools")
    kind: ClassVar[Kind]
    config_prefix: ClassVar[str]  # settings are "<prefix>_URL", "<prefix>_RATE_LIMIT_PER_MINUTE"
    burst: ClassVar[float | None] = None  # None: a minute's worth of requests at once
    accept: ClassVar[tuple[str, ...]] = ("application/json",)

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        fetcher: Callable[..., Any] | None = None,
        cache: Cache | None = None,
        limiter: TokenBucket | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime.datetime] | None = None,
    ):
        self.config = config
        self.fetcher = fetcher
        self.cache = _DEFAULT_CACHE if cache is None else cache
        self.limiter = limiter or self._shared_limiter(clock)
        self.now = now or (lambda: datetime.datetime.now(datetime.UTC))

    # --- the contract ---

    @classmethod
    @abc.abstractmethod
    def is_enabled(cls, config: Mapping[str, Any]) -> bool:
        """Whether the deployment configured this provider; one that is not is never asked."""

    @abc.abstractmethod
    def request_url(
        self, text: str, *, language: str | None, since: datetime.datetime | datetime.date | None
    ) -> str:
        """The GET address that asks this provider about `text`."""

    @abc.abstractmethod
    def parse(self, body: bytes) -> list[ProviderResult]:
        """The results in a response body; ProviderError if the body cannot be read."""

    def request_headers(self) -> dict[str, str]:
        """Headers to send, such as an API key: kept out of the URL, and so out of logs and cache keys."""
        return {}

    def describe_status(self, status: int) -> str:
        """Why an error status happened, in words a person can act on."""
        phrase = _phrase(status)
        if status == 429:
            return f"it says we asked too often ({status} {phrase}); try again later."
        if status >= 500:
            return f"it answered {status} {phrase}; it may be having trouble, try again later."
        return f"it refused the search ({status} {phrase})."

    # --- shared by every provider ---

    def setting(self, name: str) -> Any:
        return _setting(self.config, name)

    @property
    def base_url(self) -> str:
        return self.setting(f"{self.config_prefix}_URL")

    @property
    def timeout(self) -> float:
        return float(self.setting("OUTSIDE_TIMEOUT"))

    @property
    def max_results(self) -> int:
        return max(1, int(self.setting("OUTSIDE_MAX_RESULTS")))

    def search(
        self,
        text: str,
        *,
        language: str | None = None,
        since: datetime.datetime | datetime.date | None = None,
    ) -> list[ProviderResult]:
        """Ask the provider about `text`; a cached answer if the same question was asked lately.

        Raises ProviderError (rate limit reached, provider unreachable, error status, unreadable
        answer). Only answers that could be read are cached.
        """
        text = " ".join((text or "").split())
        if not text:
            return []
        url = self.request_url(text, language=language, since=since)
        key = f"outside:{self.name}:" + hashlib.sha256(url.encode()).hexdigest()  # short, any characters
        cached = self.cache.get(key)
        if cached is not None:
            return self.parse(cached)
        if not self.limiter.try_acquire():
            wait = math.ceil(self.limiter.wait_time())
            raise ProviderError(
                self.name,
                f"Could not search {self.label}: we have asked it as often as we may for now; "
                f"try again in {wait} seconds.",
                retry_after=wait,
            )
        body = self._fetch(url)
        results = self.parse(body)
        self.cache.set(key, body, float(self.setting("OUTSIDE_CACHE_TTL")))
        return results

    def _fetch(self, url: str) -> bytes:
        from claims.fetching import FetchError, HTTPStatusError

        fetcher = self.fetcher
        if fetcher is None:
            from claims.fetching import fetch as fetcher
        try:
            result = fetcher(
                url,
                accept=self.accept,
                headers=self.request_headers(),
                timeout=self.timeout,
                max_bytes=MAX_RESPONSE_BYTES,
            )
        except HTTPStatusError as exc:
            raise ProviderError(
                self.name,
                f"Could not search {self.label}: {self.describe_status(exc.status)}",
                retry_after=_retry_after(exc.headers.get("retry-after")),
            ) from None
        except FetchError as exc:
            raise ProviderError(self.name, f"Could not search {self.label}: {exc.message}") from None
        return result.body

    def _shared_limiter(self, clock: Callable[[], float]) -> TokenBucket:
        rate = self.setting(f"{self.config_prefix}_RATE_LIMIT_PER_MINUTE")
        if rate is None:
            rate = self.setting("OUTSIDE_RATE_LIMIT_PER_MINUTE")
        rate = float(rate or 0)
        with _BUCKETS_LOCK:
            bucket = _BUCKETS.get(self.name)
            if bucket is None or bucket.rate_per_minute != rate or bucket.clock is not clock:
                bucket = _BUCKETS[self.name] = TokenBucket(rate, burst=self.burst, clock=clock)
            return bucket

    def _json(self, body: bytes) -> Any:
        try:
            return json.loads(body.decode("utf-8-sig"), strict=False)
        except (UnicodeDecodeError, ValueError):
            raise ProviderError(self.name, f"{self.label} sent an answer we could not read.") from None


class GoogleFactCheckProvider(Provider):
    """Google Fact Check Tools `claims:search`: published fact-checks (ClaimReview) matching a text."""

    name = "google_factcheck"
    label = "Google Fact Check Tools"
    kind = "factcheck"
    config_prefix = "GOOGLE_FACTCHECK"

    @classmethod
    def is_enabled(cls, config: Mapping[str, Any]) -> bool:
        return bool(str(_setting(config, "GOOGLE_FACTCHECK_API_KEY") or "").strip())

    def request_url(self, text, *, language, since) -> str:
        params = {"query": _shorten(text, MAX_QUERY_CHARS)}
        if language:
            params["languageCode"] = language
        if since is not None:
            params["maxAgeDays"] = str(_days_since(since, self.now()))
        params["pageSize"] = str(self.max_results)
        return f"{self.base_url}?{urlencode(params, quote_via=quote)}"

    def request_headers(self) -> dict[str, str]:
        # Google APIs take the key in this header as well as in ?key=; in the URL it would be written
        # to every log that records request lines (urllib3's debug log does).
        return {"X-Goog-Api-Key": str(self.setting("GOOGLE_FACTCHECK_API_KEY")).strip()}

    def describe_status(self, status: int) -> str:
        if status in {400, 401, 403}:
            return (
                f"it refused the request ({status} {_phrase(status)}); "
                "check that GOOGLE_FACTCHECK_API_KEY is a valid key with the Fact Check Tools API enabled."
            )
        return super().describe_status(status)

    def parse(self, body: bytes) -> list[ProviderResult]:
        data = self._json(body)
        if not isinstance(data, dict):
            raise ProviderError(self.name, f"{self.label} sent an answer we could not read.")
        results = []
        for claim in _dicts(data.get("claims")):
            claim_text = plain_text(_str(claim.get("text")))
            for review in _dicts(claim.get("claimReview")):
                url = _canonical(review.get("url"))
                if not url:
                    continue
                publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
                results.append(
                    ProviderResult(
                        provider=self.name,
                        kind=self.kind,
                        title=plain_text(_str(review.get("title"))) or claim_text,
                        text=claim_text,
                        url=url,
                        publisher=plain_text(_str(publisher.get("name")) or _str(publisher.get("site"))),
                        rating_label=plain_text(_str(review.get("textualRating"))),
                        date=_iso_date(review.get("reviewDate")) or _iso_date(claim.get("claimDate")),
                        language=_primary_language(review.get("languageCode")),
                        claimant=plain_text(_str(claim.get("claimant"))),
                    )
                )
        return results


# GDELT names languages in English; the ISO 639-1 codes of those it covers most.
GDELT_LANGUAGES = {
    "ar": "arabic",
    "bg": "bulgarian",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "he": "hebrew",
    "hi": "hindi",
    "hr": "croatian",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "ja": "japanese",
    "ko": "korean",
    "lt": "lithuanian",
    "lv": "latvian",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sk": "slovak",
    "sl": "slovenian",
    "sr": "serbian",
    "sv": "swedish",
    "tr": "turkish",
    "uk": "ukrainian",
    "zh": "chinese",
}
_GDELT_CODES = {name: code for code, name in GDELT_LANGUAGES.items()}
_WORD = re.compile(r"\w[\w'-]*\w|\w", re.UNICODE)
GDELT_MAX_WORDS = 8
GDELT_MAX_DAYS = 90  # the DOC API searches a rolling three months


class GDELTProvider(Provider):
    """GDELT DOC 2.0 article list: recent news coverage that matches a claim's words."""

    name = "gdelt"
    label = "GDELT"
    kind = "coverage"
    config_prefix = "GDELT"
    burst = 1
    # GDELT answers a query it will not run with a sentence in text/html or text/plain.
    accept = ("application/json", "text/json", "text/plain", "text/html")

    @classmethod
    def is_enabled(cls, config: Mapping[str, Any]) -> bool:
        return _flag(_setting(config, "GDELT_ENABLED"))

    def request_url(self, text, *, language, since) -> str:
        # Words are ANDed: a handful of the claim's words, lower-cased so that none reads as an
        # operator (OR, AND) and without punctuation that GDELT would take for syntax. GDELT refuses
        # words of fewer than three letters.
        words: list[str] = []
        for word in _WORD.findall(text.lower()):
            if len(word) >= 3 and word not in words:
                words.append(word)
        query = " ".join(words[:GDELT_MAX_WORDS]) or _shorten(text, 100)
        code = _primary_language(language)
        if code in GDELT_LANGUAGES:
            query += f" sourcelang:{GDELT_LANGUAGES[code]}"
        if since is not None:
            timespan = f"{min(_days_since(since, self.now()), GDELT_MAX_DAYS)}d"
        else:
            timespan = str(self.setting("GDELT_TIMESPAN"))
        params = {
            "query": query,
            "mode": "artlist",
            "format": "json",
            "maxrecords": str(min(self.max_results, 250)),
            "timespan": timespan,
        }
        return f"{self.base_url}?{urlencode(params, quote_via=quote)}"

    def parse(self, body: bytes) -> list[ProviderResult]:
        stripped = body.strip()
        if not stripped:
            return []  # GDELT's answer when nothing matched
        if not stripped.startswith((b"{", b"[")):
            said = plain_text(stripped[:300].decode("utf-8", "replace"))
            raise ProviderError(self.name, f"{self.label} refused the search: {said}")
        data = self._json(stripped)
        if not isinstance(data, dict):
            raise ProviderError(self.name, f"{self.label} sent an answer we could not read.")
        results = []
        for article in _dicts(data.get("articles")):
            url = _canonical(article.get("url"))
            if not url:
                continue
            results.append(
                ProviderResult(
                    provider=self.name,
                    kind=self.kind,
                    title=plain_text(_str(article.get("title"))),
                    text="",
                    url=url,
                    publisher=_str(article.get("domain")).strip().lower(),
                    rating_label="",
                    date=_gdelt_date(article.get("seendate")),
                    language=_GDELT_CODES.get(_str(article.get("language")).strip().lower(), ""),
                )
            )
        return results


PROVIDERS: tuple[type[Provider], ...] = (GoogleFactCheckProvider, GDELTProvider)


@dataclass
class SearchOutcome:
    results: list[ProviderResult] = field(default_factory=list)
    errors: list[ProviderError] = field(default_factory=list)


def enabled_providers(config: Mapping[str, Any], **dependencies: Any) -> list[Provider]:
    """An instance of each configured provider; `dependencies` (fetcher, cache, clock...) go to each."""
    return [cls(config, **dependencies) for cls in PROVIDERS if cls.is_enabled(config)]


def search_all(
    providers: Iterable[Provider],
    text: str,
    *,
    language: str | None = None,
    since: datetime.datetime | datetime.date | None = None,
) -> SearchOutcome:
    """Ask each provider in turn; a failing provider adds to `errors` (and the log), never raises."""
    outcome = SearchOutcome()
    for provider in providers:
        try:
            outcome.results.extend(provider.search(text, language=language, since=since))
        except ProviderError as exc:
            logger.warning("Outside search with %s failed: %s", provider.name, exc.message)
            outcome.errors.append(exc)
        except Exception:
            # A bug in one provider's parsing must not take the others' answers with it.
            logger.exception("Outside search with %s failed unexpectedly", provider.name)
            outcome.errors.append(
                ProviderError(
                    provider.name, f"Could not search {provider.label}: something went wrong on our side."
                )
            )
    return outcome


def config_from_settings(settings: Any) -> dict[str, Any]:
    """The provider settings found on a settings object (django.conf.settings), as a plain mapping."""
    return {name: getattr(settings, name) for name in CONFIG_DEFAULTS if hasattr(settings, name)}


# --- helpers ------------------------------------------------------------------------------------


def _setting(config: Mapping[str, Any], name: str) -> Any:
    value = config.get(name)
    return CONFIG_DEFAULTS.get(name) if value is None or value == "" else value


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: rare for APIs, and "later" says as much


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def _days_since(since: datetime.datetime | datetime.date, now: datetime.datetime) -> int:
    if not isinstance(since, datetime.datetime):
        since = datetime.datetime.combine(since, datetime.time.min, tzinfo=datetime.UTC)
    elif since.tzinfo is None:
        since = since.replace(tzinfo=datetime.UTC)
    return max(1, math.ceil((now - since).total_seconds() / 86400))


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _canonical(value: Any) -> str:
    try:
        return canonicalise_url(_str(value))
    except InputRejected:
        return ""


def _primary_language(value: Any) -> str:
    match = re.match(r"[A-Za-z]{2,8}", _str(value).strip())
    return match.group(0).lower() if match else ""


def _iso_date(value: Any) -> datetime.datetime | None:
    text = _str(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed.astimezone(datetime.UTC)


def _gdelt_date(value: Any) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(_str(value).strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    except ValueError:
        return None
