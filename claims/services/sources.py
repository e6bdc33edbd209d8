"""Sources fetched from the web: archived through the guarded client, their excerpts checked afterwards.

A source given by URL is fetched in the background by a `fetch_source` job, never in the request. Its
text is archived with a SHA-256 hash so the copy we judged by can be shown and checked later, whatever
happens to the page. `fetch_status` is what the source shows; the job carries the lease and the retries.
"""

import logging
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims import fetching
from claims.choices import JobKind, SourceFetchStatus
from claims.errors import InputRejected
from claims.models import Evidence, Job, Source
from claims.services import coverage, retries
from claims.services.ingest import extract_from_fetch
from claims.services.job_queue import job_complete, job_fail, job_submit
from claims.text.excerpts import excerpt_location
from claims.text.extraction import content_hash, normalise_text

logger = logging.getLogger(__name__)

TITLE_MAX = Source._meta.get_field("title").max_length
PUBLISHER_MAX = Source._meta.get_field("publisher").max_length


def excerpt_verified(source: Source, excerpt: str) -> bool | None:
    """True or False once there is an archived text to check the excerpt against; None before."""
    if not excerpt or not source.archived_text:
        return None
    return excerpt_location(source.archived_text, excerpt) is not None


def source_for_url(*, url: str, user) -> Source:
    """The fetched source for a canonical URL, created (and its fetch queued on commit) if new.

    Call inside the transaction that cites it. A page already cited is the same source (a database
    constraint says so): its archived copy is reused, and a fetch is queued again only if it has not
    succeeded yet, joining the one already queued or running if there is one.
    """
    # A source typed by hand records what a person read; it is not replaced by what the URL serves now.
    # The row lock makes a running fetch finish first, or wait for us, so the new excerpt is always checked.
    source = _fetched_source(url)
    if source is None:
        try:
            with transaction.atomic():
                source = Source(url=url, fetch_status=SourceFetchStatus.PENDING, created_by=user)
                source._history_user = user
                source.save()
        except IntegrityError:
            # Someone else cited the same new page at the same moment: theirs is the source.
            source = _fetched_source(url)
            if source is None:
                raise
    if source.fetch_status == SourceFetchStatus.FAILED:
        source.fetch_status, source.fetch_error, source.fetched_at = SourceFetchStatus.PENDING, "", None
        source._history_user = user
        source.save(update_fields=["fetch_status", "fetch_error", "fetched_at"])
    if source.fetch_status == SourceFetchStatus.PENDING:
        job_submit(
            kind=JobKind.FETCH_SOURCE,
            source=source,
            url=source.url,
            user=user,
            dedupe_key=f"source:{source.pk}",
        )
    return source


def _fetched_source(url: str) -> Source | None:
    return (
        Source.objects.select_for_update()
        .filter(url=url)
        .exclude(fetch_status=SourceFetchStatus.MANUAL)
        .order_by("id")
        .first()
    )


GENERIC_ERROR = "Something went wrong on our side while reading that page."


def source_fetch(*, source_id: int, job: Job | None = None) -> None:
    """Fetch, extract and archive a pending source, then check every excerpt quoted from it.

    Safe to run again (a retried job): a source no longer pending is left as it is. Refused or failed
    fetches end as FAILED with a message a person can read. Given the `fetch_source` job running it, the
    archive and the job's completion are one transaction, so a run that lost its lease stores nothing, and a
    transient failure (a host name not resolving, a timeout) is raised for the job to try again later.
    """
    source = Source.objects.filter(pk=source_id).only("url", "fetch_status").first()
    if source is None or source.fetch_status != SourceFetchStatus.PENDING:
        logger.info("Source %s is gone or not waiting to be fetched; nothing to do.", source_id)
        if job is not None:
            job_complete(job=job, result={"fetch_status": source.fetch_status if source else "gone"})
        return

    # The network and the parsing happen outside any transaction: no row stays locked meanwhile.
    extracted, error = None, ""
    try:
        extracted = extract_from_fetch(fetching.fetch(source.url))
    except SoftTimeLimitExceeded:
        error = "Reading that page took too long, so it was stopped."
    except Exception as failure:
        if job is not None and retries.is_transient(failure):
            raise  # the job runs again after a back-off (jobs.job_run); the source stays pending meanwhile
        if isinstance(failure, InputRejected):  # FetchError included
            error = failure.message
        else:
            logger.exception("Fetching source %s (%s) failed", source_id, source.url)
            error = GENERIC_ERROR

    with transaction.atomic():
        source = Source.objects.select_for_update().filter(pk=source_id).first()
        if source is None or source.fetch_status != SourceFetchStatus.PENDING:
            logger.info("Source %s changed while it was fetched; the result is dropped.", source_id)
            if job is not None:
                job_complete(job=job, result={"fetch_status": source.fetch_status if source else "gone"})
            return
        if extracted is None:
            source.fetch_status, source.fetch_error, source.fetched_at = SourceFetchStatus.FAILED, error, None
        else:
            _archive(source, extracted)
            coverage.coverage_source_archived(source=source)
        source.save()
        evidence_verify_source(source=source)
        if job is not None:
            if extracted is None:
                job_fail(job=job, error=error)
            else:
                job_complete(job=job, result={"fetch_status": source.fetch_status})


def source_fetch_job(job: Job) -> None:
    """The `fetch_source` job's handler."""
    source_fetch(source_id=job.source_id, job=job)


def source_fetch_failed(job: Job, error: str) -> None:
    """A `fetch_source` job failed without the fetch deciding (its worker kept dying): say so on the source."""
    source = Source.objects.select_for_update().filter(pk=job.source_id).first()
    if source is not None and source.fetch_status == SourceFetchStatus.PENDING:
        source.fetch_status, source.fetch_error, source.fetched_at = SourceFetchStatus.FAILED, error, None
        source.save(update_fields=["fetch_status", "fetch_error", "fetched_at"])


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
