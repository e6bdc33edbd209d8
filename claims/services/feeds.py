"""Feeds as a source of related coverage: registering them, polling them, and reading their items' pages.

- **Registering** (`feed_register`, `feed_update`): the address is made canonical and refused before
  anything is stored when it is malformed, points at an internal address (the guarded client's rule), or is
  registered already; the polling interval must lie within the model's bounds.
- **Polling** (`feed_poll`): a conditional GET (ETag / Last-Modified) through the guarded client and a
  lenient parse (claims/outside/feeds.py), outside any transaction; then one transaction on the locked feed
  row records the outcome (validators, warnings, counts, the last success or error), the next poll, and the
  new items as `CorpusItem`s of kind `feed_item`. New means a GUID this feed never brought and a canonical
  URL no feed brought: two feeds of one site, or a feed that changed its GUID scheme, would otherwise bring
  the same article back.
- **Scheduling** (`feeds_poll_due`, run by the beat task `claims.poll_due_feeds`): one `poll_feed` job per
  active feed that is due, its `next_poll_at` pushed forward at once, so a slow or dead worker means a late
  poll, never a burst of them. A failing feed waits twice as long after each failure in a row (up to a day)
  and is flagged after `FLAG_AFTER_FAILURES`; the feed's own back-off is its retry policy, so a poll never
  raises a feed's failure to the job machinery.
- **Pages** (`fetch_feed_page` jobs): where the feed allows it (`fetch_pages`) and so does the site's
  robots.txt, the item's page is fetched through the guarded client and extracted as an archived source's
  page is; its title and opening replace the summary. A page that cannot be read leaves the summary and says
  why in `details`.

Items are searched once embedded: like every other corpus hook, indexing is queued only when
COVERAGE_AUTO_JOBS is on (the test suite and the feed benchmark leave the embedding model unloaded).
"""

import hashlib
import logging
import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from claims import fetching
from claims.choices import CorpusKind, JobKind
from claims.coverage.database import stored_terms
from claims.errors import InputRejected
from claims.models import CorpusItem, Feed, Job
from claims.outside import feeds as reader
from claims.selectors.feeds import PageState, feed_poll_key
from claims.services import coverage, job_queue, retries
from claims.services.ingest import extract_from_fetch
from claims.text.extraction import normalise_text
from claims.text.shortening import keep_start
from claims.text.urls import canonicalise_url

logger = logging.getLogger(__name__)

URL_MAX = Feed._meta.get_field("url").max_length
NAME_MAX = Feed._meta.get_field("name").max_length
FEED_TITLE_MAX = Feed._meta.get_field("title").max_length
ETAG_MAX = Feed._meta.get_field("etag").max_length
LAST_MODIFIED_MAX = Feed._meta.get_field("last_modified").max_length
ITEM_TITLE_MAX = CorpusItem._meta.get_field("title").max_length
ITEM_URL_MAX = CorpusItem._meta.get_field("url").max_length
PUBLISHER_MAX = CorpusItem._meta.get_field("publisher").max_length
LANGUAGE_MAX = CorpusItem._meta.get_field("language").max_length
POLL_MINUTES_MIN, POLL_MINUTES_MAX = 5, 7 * 24 * 60  # the model's validators
# A fetched page is indexed by its title and opening, as an archived source is (coverage.SOURCE_TEXT_MAX):
# the opening says what the article claims; the rest would only dilute the match.
PAGE_TEXT_MAX = 4_000
WARNINGS_KEPT = 20  # a feed with hundreds of broken links says so once, not hundreds of times
FEEDS_PER_CHECK = 500  # feeds queued per beat run; the rest are due at the next one
GENERIC_ERROR = "Something went wrong on our side while reading this feed."


@dataclass(frozen=True)
class PollOutcome:
    status: str  # "ok", "not_modified" or "error"
    items_seen: int
    items_new: int
    error: str | None
    item_ids: tuple[int, ...] = ()

    def as_json(self) -> dict:
        """The contract of `manage.py poll_feed --json`: exactly these keys."""
        return {
            "status": self.status,
            "items_seen": self.items_seen,
            "items_new": self.items_new,
            "error": self.error,
        }


# --- registering -----------------------------------------------------------------------------------------


def _checked_url(url: str, *, exclude_pk: int | None = None) -> str:
    """The canonical feed address, or InputRejected: malformed, internal, too long or registered already."""
    if not (url or "").strip():
        raise InputRejected("Enter the feed’s web address.")
    canonical = canonicalise_url(url)
    if len(canonical) > URL_MAX:
        raise InputRejected(f"The web address is too long: keep it to {URL_MAX:,} characters.")
    fetching.refuse_unless_public(canonical)
    existing = Feed.objects.filter(url=canonical).exclude(pk=exclude_pk).only("name").first()
    if existing is not None:
        raise InputRejected(f"This feed is registered already, as “{existing.name}”.")
    return canonical


def _checked_minutes(poll_minutes) -> int:
    try:
        minutes = int(poll_minutes)
    except (TypeError, ValueError):
        raise InputRejected("The polling interval must be a whole number of minutes.") from None
    if not POLL_MINUTES_MIN <= minutes <= POLL_MINUTES_MAX:
        raise InputRejected(
            f"The polling interval must be between {POLL_MINUTES_MIN} minutes and 7 days "
            f"({POLL_MINUTES_MAX:,} minutes)."
        )
    return minutes


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _checked_name(name: str, url: str) -> str:
    name = " ".join((name or "").split())
    if len(name) > NAME_MAX:
        raise InputRejected(f"The name is {len(name)} characters long; keep it to {NAME_MAX} at most.")
    # No name given: the host until the first poll, which names the feed after its own title.
    return name or _host(url)[:NAME_MAX]


def feed_register(
    *,
    url: str,
    name: str = "",
    poll_minutes: int = 60,
    active: bool = True,
    fetch_pages: bool = True,
    user=None,
    poll_now: bool = False,
) -> Feed:
    """Register a feed (due for polling at once); InputRejected, with nothing stored, for a bad one.

    `poll_now` also queues its first poll (on commit), for a person waiting to see what the feed brings.
    """
    minutes = _checked_minutes(poll_minutes)
    try:
        with transaction.atomic():
            canonical = _checked_url(url)
            feed = Feed.objects.create(
                url=canonical,
                name=_checked_name(name, canonical),
                poll_minutes=minutes,
                active=active,
                fetch_pages=fetch_pages,
                created_by=user,
            )
            if poll_now:
                feed_poll_submit(feed=feed, user=user)
    except IntegrityError:
        # Someone registered the same address in the same instant.
        raise InputRejected("This feed is registered already.") from None
    return feed


def feed_find_or_register(*, url: str, user=None) -> tuple[Feed, bool]:
    """The feed at this address (by its canonical form), registered with the defaults if it is new; and
    whether it was. InputRejected, with nothing stored, for an address that cannot be registered."""
    canonical = canonicalise_url(url)
    feed = Feed.objects.filter(url=canonical).first()
    if feed is not None:
        return feed, False
    try:
        return feed_register(url=canonical, user=user), True
    except InputRejected:
        feed = Feed.objects.filter(url=canonical).first()  # registered by someone else just now
        if feed is None:
            raise
        return feed, False


def feed_update(
    *,
    feed: Feed,
    url: str | None = None,
    name: str | None = None,
    poll_minutes: int | None = None,
    active: bool | None = None,
    fetch_pages: bool | None = None,
) -> Feed:
    """Change what an editor controls (the arguments given); InputRejected, with nothing saved, for bad input.

    A new address is another feed as far as polling goes: its validators, failures and schedule start over.
    A new interval reschedules the next poll from the last one.
    """
    with transaction.atomic():
        locked = Feed.objects.select_for_update().filter(pk=feed.pk).first()
        if locked is None:
            raise InputRejected("This feed was removed meanwhile.")
        if url is not None:
            canonical = _checked_url(url, exclude_pk=locked.pk)
            if canonical != locked.url:
                locked.url = canonical
                locked.etag = locked.last_modified = ""
                locked.consecutive_failures = 0
                locked.next_poll_at = None
        if name is not None:
            locked.name = _checked_name(name, locked.url)
        if poll_minutes is not None:
            minutes = _checked_minutes(poll_minutes)
            if minutes != locked.poll_minutes:
                locked.poll_minutes = minutes
                if locked.last_polled_at is not None and locked.next_poll_at is not None:
                    locked.next_poll_at = locked.last_polled_at + _wait(locked)
        if active is not None:
            locked.active = active
        if fetch_pages is not None:
            locked.fetch_pages = fetch_pages
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise InputRejected("Another feed has this address already.") from None
    return locked


def feed_poll_submit(*, feed: Feed, user=None) -> Job:
    """Queue a poll of this feed (the "Poll now" button), or join the one queued or running."""
    return job_queue.job_submit(
        kind=JobKind.POLL_FEED,
        user=user,
        params={"feed": feed.pk, "manual": True},
        dedupe_key=feed_poll_key(feed.pk),
    )


def _wait(feed: Feed) -> timedelta:
    return reader.next_poll_after(timedelta(minutes=feed.poll_minutes), feed.consecutive_failures)


# --- scheduling ------------------------------------------------------------------------------------------


def feeds_poll_due(*, now: datetime | None = None) -> int:
    """Queue a poll for each active feed that is due (never polled, or its next poll has come); how many.

    The next poll is set forward here, before any worker runs: a queue that is slow to drain, or a worker
    that dies mid-poll, makes the poll late, and beat never queues the same feed again and again meanwhile.
    The poll sets it again from its own outcome.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Feed.objects.select_for_update(skip_locked=True)
            .filter(active=True)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
            .order_by(F("next_poll_at").asc(nulls_first=True), "id")  # new feeds first, then the most overdue
            .only("id", "poll_minutes", "consecutive_failures", "next_poll_at")[:FEEDS_PER_CHECK]
        )
        for feed in due:
            feed.next_poll_at = now + _wait(feed)
        Feed.objects.bulk_update(due, ["next_poll_at"])
        for feed in due:
            job_queue.job_submit(
                kind=JobKind.POLL_FEED, params={"feed": feed.pk}, dedupe_key=feed_poll_key(feed.pk)
            )
    return len(due)


def feed_poll_job(job: Job) -> dict:
    """The `poll_feed` job's handler: a feed's failure is the feed's to record, so the job still succeeds."""
    feed = Feed.objects.filter(pk=job.params.get("feed")).first()
    if feed is None:
        return {"status": "gone"}
    if not feed.active and not job.params.get("manual"):
        return {"status": "inactive"}  # switched off after beat queued it
    return feed_poll(feed=feed).as_json()


# --- polling ---------------------------------------------------------------------------------------------


def feed_poll(*, feed: Feed) -> PollOutcome:
    """Poll the feed once, now: record the outcome on it and store its new items (see the module docstring).

    Never raises for the feed's own failure (an internal address, a network error, no feed in the answer):
    that is counted on the feed and returned as status "error".
    """
    page, error = None, None
    try:
        page = reader.poll(feed.url, etag=feed.etag or None, last_modified=feed.last_modified or None)
    except InputRejected as refused:  # FetchError and FeedError
        error = refused.message
    except SoftTimeLimitExceeded:
        error = "Reading the feed took too long, so it was stopped."
    except Exception:
        # A parser bug on some strange feed must count as the feed failing, or it would be polled again
        # at its ordinary interval with nobody told.
        logger.exception("Polling feed %s (%s) failed", feed.pk, feed.url)
        error = GENERIC_ERROR

    with transaction.atomic():
        locked = Feed.objects.select_for_update().filter(pk=feed.pk).first()
        if locked is None:
            return PollOutcome(status="error", items_seen=0, items_new=0, error="The feed was removed.")
        now = timezone.now()
        locked.last_polled_at = now
        if page is None:
            outcome = _record_failure(locked, error, now)
        elif page.not_modified:
            outcome = _record_not_modified(locked, page, now)
        else:
            outcome = _record_items(locked, page, now)
        locked.next_poll_at = now + _wait(locked)
        locked.save()
    feed.refresh_from_db()
    return outcome


def _record_failure(feed: Feed, error: str, now) -> PollOutcome:
    feed.consecutive_failures += 1
    feed.last_error, feed.last_error_at = error, now
    feed.last_items_seen = feed.last_items_new = 0
    feed.warnings = []
    return PollOutcome(status="error", items_seen=0, items_new=0, error=error)


def _record_success(feed: Feed, page: reader.FeedPage, now) -> None:
    feed.consecutive_failures = 0
    feed.last_success_at = now
    # A validator too long for its column would be cut and never match again: better none.
    feed.etag = page.etag if page.etag and len(page.etag) <= ETAG_MAX else ""
    lm = page.last_modified
    feed.last_modified = lm if lm and len(lm) <= LAST_MODIFIED_MAX else ""


def _record_not_modified(feed: Feed, page: reader.FeedPage, now) -> PollOutcome:
    _record_success(feed, page, now)
    feed.last_items_seen = feed.last_items_new = 0  # the warnings of the unchanged content still hold
    return PollOutcome(status="not_modified", items_seen=0, items_new=0, error=None)


def _record_items(feed: Feed, page: reader.FeedPage, now) -> PollOutcome:
    _record_success(feed, page, now)
    if page.title:
        if feed.name == _host(feed.url)[:NAME_MAX]:  # named after its host for want of a title
            feed.name = keep_start(page.title, NAME_MAX)
        feed.title = page.title[:FEED_TITLE_MAX]
    warnings = page.warnings
    if len(warnings) > WARNINGS_KEPT:
        warnings = [*warnings[:WARNINGS_KEPT], f"… and {len(warnings) - WARNINGS_KEPT} more warnings."]
    feed.warnings = warnings

    created = _store_new_items(feed, page.items)
    feed.last_items_seen, feed.last_items_new = len(page.items), len(created)
    feed.items_total += len(created)
    ids = [item.pk for item in created]
    for item in created:
        if item.details["page"] == PageState.PENDING:
            job_queue.job_submit(
                kind=JobKind.FETCH_FEED_PAGE,
                url=item.url,
                params={"item": item.pk},
                dedupe_key=f"feed_item:{item.pk}",
            )
    if ids and settings.COVERAGE_AUTO_JOBS:
        coverage.coverage_items_loaded(item_ids=ids)
    return PollOutcome(
        status="ok", items_seen=len(page.items), items_new=len(created), error=None, item_ids=tuple(ids)
    )


def item_external_id(feed_id: int, guid: str) -> str:
    """A feed item's external id: its feed and a hash of its GUID, which may be any length."""
    return f"{feed_id}:{hashlib.sha256(guid.encode()).hexdigest()}"


def _store_new_items(feed: Feed, items: list[reader.FeedItem]) -> list[CorpusItem]:
    by_id = {item_external_id(feed.pk, item.guid): item for item in items}
    seen_ids = set(
        CorpusItem.objects.filter(kind=CorpusKind.FEED_ITEM, external_id__in=list(by_id)).values_list(
            "external_id", flat=True
        )
    )
    urls = list({item.url for item in items if item.url})
    seen_urls = set(
        CorpusItem.objects.filter(kind=CorpusKind.FEED_ITEM, url__in=urls).values_list("url", flat=True)
    )
    seen_guids = {item.guid for external_id, item in by_id.items() if external_id in seen_ids}
    fresh = reader.new_items(items, seen_guids, seen_urls)
    rows = [_corpus_item(feed, item) for item in fresh]
    # The feed row is locked, so no other poll of this feed inserts meanwhile (and the unique external id
    # would refuse it). Two feeds polled at the same instant may both store one article new to both: URLs
    # are not unique among items, so that rare pair is kept rather than one poll failing.
    return CorpusItem.objects.bulk_create(rows)


def _corpus_item(feed: Feed, item: reader.FeedItem) -> CorpusItem:
    url = item.url if len(item.url) <= ITEM_URL_MAX else ""
    if not url:
        page = PageState.NO_LINK
    elif not feed.fetch_pages:
        page = PageState.OFF
    else:
        page = PageState.PENDING
    title = item.title[:ITEM_TITLE_MAX]
    text = item.summary or item.title
    return CorpusItem(
        kind=CorpusKind.FEED_ITEM,
        feed=feed,
        external_id=item_external_id(feed.pk, item.guid),
        text=text,
        title=title,
        date=item.published.date() if item.published else None,
        language=item.language[:LANGUAGE_MAX],
        url=url,
        publisher=_host(url or feed.url)[:PUBLISHER_MAX],
        details={"guid": item.guid, "page": page},
        **stored_terms(title=title, text=text),
    )


# --- an item's page --------------------------------------------------------------------------------------


def feed_page_fetch_job(job: Job) -> dict | None:
    """The `fetch_feed_page` job's handler: read the item's page and index its text in place of the summary.

    Idempotent: an item whose page is no longer pending is left alone. A passing failure (a host name not
    resolving, a timeout) is raised for the job to try again later; any other leaves the summary and says
    why on the item, in the transaction that fails the job.
    """
    item_id = job.params.get("item")
    item = CorpusItem.objects.select_related("feed").filter(pk=item_id, kind=CorpusKind.FEED_ITEM).first()
    if item is None or item.details.get("page") != PageState.PENDING:
        return {"page": item.details.get("page") if item else "gone"}
    if item.feed is not None and not item.feed.fetch_pages:
        _set_page_state(item_id, PageState.OFF, job=job)
        return None

    extracted, state, error = None, PageState.FAILED, ""
    try:
        if robots_allow(item.url):
            extracted = extract_from_fetch(fetching.fetch(item.url))
            state = PageState.FETCHED
        else:
            state, error = PageState.DISALLOWED, "The site’s robots.txt does not allow us to fetch this page."
    except SoftTimeLimitExceeded:
        raise  # the job says it took too long, and feed_page_fetch_failed records it on the item
    except Exception as failure:
        if retries.is_transient(failure):
            raise  # tried again after a back-off; out of attempts, feed_page_fetch_failed records it
        if isinstance(failure, InputRejected):
            error = failure.message
        else:
            logger.exception("Fetching the page of feed item %s (%s) failed", item_id, item.url)
            error = GENERIC_ERROR
    _set_page_state(item_id, state, job=job, error=error, extracted=extracted)
    return None


def feed_page_fetch_failed(job: Job, error: str) -> None:
    """A `fetch_feed_page` job failed without the handler deciding (out of attempts): say so on the item."""
    _set_page_state(job.params.get("item"), PageState.FAILED, error=error)


def _set_page_state(item_id, state: str, *, job: Job | None = None, error: str = "", extracted=None) -> None:
    with transaction.atomic():
        item = CorpusItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None or item.details.get("page") != PageState.PENDING:
            if job is not None:
                job_queue.job_complete(job=job, result={"page": item.details.get("page") if item else "gone"})
            return
        details = {**item.details, "page": state}
        if error:
            details["page_error"] = error
        if extracted is not None:
            _replace_text(item, extracted)
            details["page_fetched_at"] = timezone.now().isoformat()
        item.details = details
        item.save()
        if extracted is not None and settings.COVERAGE_AUTO_JOBS:
            coverage.coverage_items_loaded(item_ids=[item.pk])
        if job is not None:
            if state == PageState.FAILED:
                job_queue.job_fail(job=job, error=error)
            else:
                job_queue.job_complete(job=job, result={"page": state})


def _replace_text(item: CorpusItem, extracted) -> None:
    body = normalise_text(extracted.text)
    # Extracted text often opens with the headline already.
    text = body if not item.title or body.startswith(item.title) else f"{item.title}\n\n{body}"
    item.text = keep_start(text, PAGE_TEXT_MAX)
    if item.date is None and extracted.published_at:
        item.date = extracted.published_at
    if not item.language and extracted.language:
        item.language = extracted.language[:LANGUAGE_MAX]
    for name, value in stored_terms(title=item.title, text=item.text).items():
        setattr(item, name, value)
    # The stored vector is of the summary: the item is searched by its new text once embedded again.
    item.embedding, item.embedding_model, item.indexed_at = None, "", None


# --- robots.txt ------------------------------------------------------------------------------------------

ROBOTS_TTL_SECONDS = 60 * 60
ROBOTS_MAX_BYTES = 500 * 1024  # what Google reads of a robots.txt; rules past it are ignored
ROBOTS_CACHE_SIZE = 1_000
# robots.txt is plain text, but sites serve it under all sorts of labels; rules are read from any of them.
ROBOTS_ACCEPT = ("text/plain", "text/html", "application/octet-stream", "text/x-robots", "")

_robots_lock = threading.Lock()
_robots_cache: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}


def robots_allow(url: str) -> bool:
    """Whether the site's robots.txt lets our user agent fetch `url`, read through the guarded client and
    cached per site for an hour in this process.

    A robots.txt that is missing (any 4xx) allows everything, as RFC 9309 says; one that cannot be read (a
    5xx, no answer) raises the FetchError, so the page is not fetched now and the job decides what to do.
    """
    parts = urlsplit(url)
    site = f"{parts.scheme}://{parts.netloc}".lower()
    now = time.monotonic()
    with _robots_lock:
        cached = _robots_cache.get(site)
    if cached is None or cached[0] < now:
        # Read outside the lock: one slow site must not hold up the pages of every other.
        cached = (now + ROBOTS_TTL_SECONDS, _read_robots(site))
        with _robots_lock:
            if len(_robots_cache) >= ROBOTS_CACHE_SIZE:
                _robots_cache.clear()  # rare: many sites in one process; reading them again is cheap
            _robots_cache[site] = cached
    rules = cached[1]
    return rules is None or rules.can_fetch(settings.FETCH_USER_AGENT, url)


def robots_forget() -> None:
    """Forget every robots.txt read (tests; a long-lived process reads each again after an hour anyway)."""
    with _robots_lock:
        _robots_cache.clear()


def _read_robots(site: str) -> urllib.robotparser.RobotFileParser | None:
    try:
        result = fetching.fetch(f"{site}/robots.txt", accept=ROBOTS_ACCEPT, max_bytes=ROBOTS_MAX_BYTES)
    except fetching.HTTPStatusError as answer:
        if 400 <= answer.status < 500:
            return None  # no robots.txt: no rules
        raise
    rules = urllib.robotparser.RobotFileParser()
    rules.parse(result.body.decode("utf-8", errors="replace").splitlines())
    return rules
