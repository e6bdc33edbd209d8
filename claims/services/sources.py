"""Sources fetched from the web: archived through the guarded client, their excerpts checked afterwards.

A source given by URL is fetched in the background, never in the request. Its text is archived with a
SHA-256 hash so the copy we judged by can be shown and checked later, whatever happens to the page.
"""

import datetime
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from claims import fetching
from claims.choices import SourceFetchStatus
from claims.errors import InputRejected
from claims.models import Evidence, Source
from claims.text.excerpts import excerpt_location
from claims.text.extraction import content_hash, extract_from_fetch, normalise_text

logger = logging.getLogger(__name__)

TITLE_MAX = Source._meta.get_field("title").max_length
PUBLISHER_MAX = Source._meta.get_field("publisher").max_length
# Statuses after which citing the same URL again should (re)queue a fetch.
_FETCH_AGAIN = (SourceFetchStatus.PENDING, SourceFetchStatus.FAILED)


def excerpt_verified(source: Source, excerpt: str) -> bool | None:
    """True or False once there is an archived text to check the excerpt against; None before."""
    if not excerpt or not source.archived_text:
        return None
    return excerpt_location(source.archived_text, excerpt) is not None


def source_for_url(*, url: str, user) -> Source:
    """The fetched source for a canonical URL, created (and its fetch queued on commit) if new.

    Call inside the transaction that cites it. A page already cited is the same source: its archived
    copy is reused, and a fetch is queued again only if it has not succeeded yet.
    """
    from claims.tasks import fetch_source  # tasks import the services

    if connection.vendor == "postgresql":
        # Source.url is not unique (hand-entered sources may share or lack one), so two people citing
        # the same new page at once are serialised here rather than creating two sources.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"source:{url}"])
    # A source typed by hand records what a person read; it is not replaced by what the URL serves now.
    # The lock makes a running fetch finish first, or wait for us, so the new excerpt is always checked.
    source = (
        Source.objects.select_for_update()
        .filter(url=url)
        .exclude(fetch_status=SourceFetchStatus.MANUAL)
        .order_by("id")
        .first()
    )
    if source is None:
        source = Source(url=url, fetch_status=SourceFetchStatus.PENDING, created_by=user)
        source._history_user = user
        source.save()
    elif source.fetch_status == SourceFetchStatus.FAILED:
        source.fetch_status, source.fetch_error, source.fetched_at = SourceFetchStatus.PENDING, "", None
        source._history_user = user
        source.save(update_fields=["fetch_status", "fetch_error", "fetched_at"])
    if source.fetch_status in _FETCH_AGAIN:
        source_id = source.pk
        transaction.on_commit(lambda: fetch_source.delay(source_id))
    return source


def _stale_claim_cutoff() -> datetime.datetime:
    # A worker that took a fetch and then died leaves it pending; after the task time limit it is fair game.
    return timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def source_fetch(*, source_id: int) -> None:
    """Fetch, extract and archive a pending source, then check every excerpt quoted from it.

    Safe to run twice (a redelivered task): only the worker whose compare-and-set takes the pending
    source fetches it. While it is being fetched `fetched_at` holds the start time; it becomes the time
    the copy was archived. Refused or failed fetches end as FAILED with a message a person can read.
    """
    started = timezone.now()
    taken = (
        Source.objects.filter(pk=source_id, fetch_status=SourceFetchStatus.PENDING)
        .filter(Q(fetched_at__isnull=True) | Q(fetched_at__lt=_stale_claim_cutoff()))
        .update(fetched_at=started)
    )
    if taken != 1:
        logger.info("Source %s is gone, not pending or already being fetched; nothing to do.", source_id)
        return
    url = Source.objects.values_list("url", flat=True).get(pk=source_id)

    # The network and the parsing happen outside any transaction: no row stays locked meanwhile.
    extracted, error = None, ""
    try:
        extracted = extract_from_fetch(fetching.fetch(url))
    except InputRejected as refused:  # FetchError included
        error = refused.message
    except Exception:
        logger.exception("Fetching source %s (%s) failed", source_id, url)
        error = "Something went wrong on our side while reading that page."

    with transaction.atomic():
        source = Source.objects.select_for_update().filter(pk=source_id, fetched_at=started).first()
        if source is None or source.fetch_status != SourceFetchStatus.PENDING:
            logger.info("Source %s changed while it was fetched; the result is dropped.", source_id)
            return
        if extracted is None:
            source.fetch_status, source.fetch_error, source.fetched_at = SourceFetchStatus.FAILED, error, None
        else:
            _archive(source, extracted)
        source.save()
        evidence_verify_source(source=source)


def _archive(source: Source, extracted) -> None:
    text = normalise_text(extracted.text)
    source.archived_text = text
    source.archived_hash = content_hash(text)
    source.fetched_at = timezone.now()
    source.fetch_status, source.fetch_error = SourceFetchStatus.FETCHED, ""
    # What a person typed wins over what the page says about itself.
    if not source.title and extracted.title:
        source.title = " ".join(extracted.title.split())[:TITLE_MAX]
    if not source.publisher:
        publisher = extracted.site_name or (urlsplit(source.url).hostname or "").removeprefix("www.")
        source.publisher = " ".join(publisher.split())[:PUBLISHER_MAX]
    if source.published_at is None and extracted.published_at:
        source.published_at = extracted.published_at


def evidence_verify_source(*, source: Source) -> int:
    """Re-check the excerpt of every evidence citing this source; return how many changed."""
    changed = 0
    for evidence in Evidence.objects.filter(source=source).select_for_update():
        verified = excerpt_verified(source, evidence.excerpt)
        if evidence.excerpt_verified != verified:
            evidence.excerpt_verified = verified
            evidence._history_user = None  # the system, not a person
            evidence.save(update_fields=["excerpt_verified"])
            changed += 1
    return changed
