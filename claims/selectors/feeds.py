"""Read queries for the feeds pages: the list, one feed with its health said in words, its latest items.

Fixed query counts: the list is one query for its page of feeds whatever their number (the item count is
the feed's own counter, kept by claims/services/feeds.py), a feed's page three.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from claims.choices import ACTIVE_JOB_STATUSES, CorpusKind, JobKind
from claims.models import CorpusItem, Feed, Job
from claims.outside.feeds import FLAG_AFTER_FAILURES, is_flagged, next_poll_after

LATEST_ITEMS = 25  # a feed's page shows its newest items; the rest are in the corpus all the same


class PageState:
    """What became of a feed item's page (`CorpusItem.details["page"]`), and how it is said."""

    PENDING = "pending"  # a fetch_feed_page job is queued
    FETCHED = "fetched"  # its text replaced the summary
    FAILED = "failed"  # not readable; details["page_error"] says why
    DISALLOWED = "disallowed"  # the site's robots.txt does not let us
    OFF = "off"  # the feed does not fetch pages
    NO_LINK = "no_link"  # the item names no page

    WORDS = {
        PENDING: "Page being fetched; the summary stands in meanwhile",
        FETCHED: "Full page read",
        FAILED: "The page could not be read; the summary is kept",
        DISALLOWED: "The site’s robots.txt does not allow fetching the page; the summary is kept",
        OFF: "Summary only: this feed does not fetch pages",
        NO_LINK: "Summary only: the item links to no page",
    }


def feed_poll_key(feed_id: int) -> str:
    """The dedupe key of a feed's poll_feed jobs: one poll of a feed queued or running at a time."""
    return f"feed:{feed_id}"


@dataclass(frozen=True)
class FeedHealth:
    state: str  # "inactive", "new", "ok", "failing" or "flagged"
    label: str  # a badge
    explanation: str  # a sentence or two for the feed's page

    @property
    def flagged(self) -> bool:
        return self.state == "flagged"


def feed_list() -> QuerySet[Feed]:
    """Every feed, by name: the list's columns come from the row itself."""
    return Feed.objects.order_by("name", "id")


def with_health(feeds) -> list[tuple[Feed, FeedHealth]]:
    return [(feed, feed_health(feed)) for feed in feeds]


def feed_health(feed: Feed) -> FeedHealth:
    """How the feed is doing, said for a person: the flag, the back-off and what to do about them."""
    failures = feed.consecutive_failures
    times = f"{failures} time{'s' if failures != 1 else ''}"
    last_polls = "Its last poll" if failures == 1 else f"Its last {failures} polls"
    # The jitter only shortens a wait, by a little: the longest wait is what a person should expect.
    wait = _every(next_poll_after(timedelta(minutes=feed.poll_minutes), failures, jitter=0))
    if not feed.active:
        note = f" {last_polls} failed." if failures else ""
        return FeedHealth("inactive", "Off", f"Switched off: it is not polled until it is switched on.{note}")
    if is_flagged(failures):
        return FeedHealth(
            "flagged",
            "Flagged",
            f"It failed {times} in a row, so it is flagged for someone to look at: check the address (the "
            f"last error is below), or switch the feed off. It is still tried, but only {wait} or so; "
            "the flag goes as soon as a poll succeeds.",
        )
    if failures:
        return FeedHealth(
            "failing",
            "Failing",
            f"{last_polls} failed. It is tried again less often after each failure (now "
            f"{wait} or so) and is flagged after {FLAG_AFTER_FAILURES} failures in a row.",
        )
    if feed.last_polled_at is None:
        return FeedHealth(
            "new",
            "Not polled yet",
            f"It is polled when the scheduler next looks ({_every(_check_interval())}).",
        )
    return FeedHealth("ok", "OK", f"The last poll succeeded; it is polled {wait} or so.")


def feed_detail(*, pk: int, now: datetime | None = None) -> dict | None:
    """The feed, its health, its newest items and the poll queued or running, if any; None if no such feed."""
    feed = Feed.objects.select_related("created_by").filter(pk=pk).first()
    if feed is None:
        return None
    items = list(
        CorpusItem.objects.filter(feed=feed, kind=CorpusKind.FEED_ITEM)
        .only("title", "text", "url", "date", "publisher", "details", "indexed_at", "created_at")
        .order_by("-created_at", "-id")[:LATEST_ITEMS]
    )
    for item in items:
        item.page_state = PageState.WORDS.get(item.details.get("page"), "")
        item.page_error = item.details.get("page_error", "")
    poll = (
        Job.objects.filter(
            kind=JobKind.POLL_FEED, dedupe_key=feed_poll_key(feed.pk), status__in=ACTIVE_JOB_STATUSES
        )
        .only("status", "created_at")
        .first()
    )
    now = now or timezone.now()
    return {
        "feed": feed,
        "health": feed_health(feed),
        "items": items,
        "poll_job": poll,
        "overdue": feed.active and feed.next_poll_at is not None and feed.next_poll_at <= now,
    }


def _check_interval() -> timedelta:
    return timedelta(seconds=settings.FEED_CHECK_SECONDS)


def _every(span: timedelta) -> str:
    """How often, in the largest unit that reads naturally: "every 45 minutes", "every hour", "every 2 days"."""
    seconds = round(span.total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)):
        if seconds >= size or unit == "second":
            value = max(round(seconds / size), 1)
            return f"every {unit}" if value == 1 else f"every {value} {unit}s"
    raise AssertionError("unreachable")
