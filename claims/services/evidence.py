"""Evidence: sources cited for a claim, their archived copies, and the quoted excerpts checked against them.

A source given by URL is fetched in the background (claims.tasks.fetch_source) through the guarded
client, never in the request. Its text is archived with a SHA-256 hash so the copy we judged by can be
shown and checked later, whatever happens to the page. Every excerpt is checked against the archived
text; `excerpt_verified` stays None while there is nothing to check it against.
"""

import datetime
import logging
import unicodedata
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from claims import fetching
from claims.choices import ClaimStatus, SourceFetchStatus, Stance
from claims.models import Claim, Evidence, Source
from claims.services.claims import claim_mark_in_review
from claims.services.errors import InputRejected
from claims.services.extraction import content_hash, extract_from_fetch, normalise_text
from claims.services.ingest import canonicalise_url

logger = logging.getLogger(__name__)

URL_MAX = Source._meta.get_field("url").max_length
TITLE_MAX = Source._meta.get_field("title").max_length
PUBLISHER_MAX = Source._meta.get_field("publisher").max_length
EXCERPT_MAX = 5_000
NOTE_MAX = 5_000
# Text typed or pasted by hand as a source's archived copy (a transcript, a scanned report's text).
ARCHIVED_TEXT_MAX = 1_000_000

# Statuses after which adding the same URL again should (re)queue a fetch.
_FETCH_AGAIN = (SourceFetchStatus.PENDING, SourceFetchStatus.FAILED)


# --- finding an excerpt in an archived text ---------------------------------------------------

# People retype quotes with straight marks and hyphens where the page had typographic ones (and the
# other way round); these differences must not make a faithful excerpt look invented.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′‵`´", "'"),
        **dict.fromkeys("“”„‟″‶«»", '"'),
        **dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"),
    }
)
_QUOTE_MARKS = "'\""


def _fold(text: str) -> tuple[str, list[int]]:
    """A comparison form of `text`, and for each of its characters the index it came from.

    Compatibility forms (NFKC: ligatures, the ellipsis, no-break spaces), typographic quotes and dashes,
    case and runs of whitespace are all made alike.
    """
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                origin.append(index)
            continue
        folded = unicodedata.normalize("NFKC", ch).translate(_FOLD).casefold()
        for part in folded:
            if part.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                    origin.append(index)
            else:
                out.append(part)
                origin.append(index)
    return "".join(out), origin


def _folded_excerpt(excerpt: str) -> str:
    folded, _ = _fold(excerpt)
    folded = folded.strip()
    # An excerpt pasted with its own surrounding quotation marks: look for what is inside them.
    while len(folded) >= 2 and folded[0] in _QUOTE_MARKS and folded[-1] == folded[0]:
        folded = folded[1:-1].strip()
    return folded


def excerpt_location(archived_text: str, excerpt: str) -> tuple[int, int] | None:
    """Where the excerpt stands in the archived text, as [start, end) indices into it, or None.

    Whitespace, typographic quotes and dashes, and case may differ; the words may not.
    """
    if not archived_text or not excerpt or not excerpt.strip():
        return None
    exact = excerpt.strip()
    found = archived_text.find(exact)
    if found >= 0:
        return found, found + len(exact)
    needle = _folded_excerpt(excerpt)
    if not needle:
        return None
    haystack, origin = _fold(archived_text)
    found = haystack.find(needle)
    if found < 0:
        return None
    return origin[found], origin[found + len(needle) - 1] + 1


def _verified(source: Source, excerpt: str) -> bool | None:
    """True or False once there is an archived text to check the excerpt against; None before."""
    if not excerpt or not source.archived_text:
        return None
    return excerpt_location(source.archived_text, excerpt) is not None


# --- checking input ---------------------------------------------------------------------------


def _clean_stance(stance: str) -> str:
    if stance not in Stance.values:
        raise InputRejected("Say whether the source supports the claim, refutes it or adds context.")
    return stance


def _clean_text(value: str | None, *, limit: int, what: str) -> str:
    value = normalise_text(value or "")
    if len(value) > limit:
        raise InputRejected(f"The {what} is longer than {limit:,} characters; shorten it.")
    return value


def _clean_url(url: str | None, *, required: bool) -> str:
    url = (url or "").strip()
    if not url:
        if required:
            raise InputRejected("Give the web address (http:// or https://) of the source.")
        return ""
    if len(url) > URL_MAX:
        raise InputRejected(f"The web address is longer than {URL_MAX:,} characters.")
    canonical = canonicalise_url(url)
    if len(canonical) > URL_MAX:
        raise InputRejected(f"The web address is longer than {URL_MAX:,} characters.")
    return canonical


def _lock_open_claim(claim: Claim) -> Claim:
    """The claim, locked for this transaction, if evidence may still be added to it.

    A published claim still takes evidence (context often arrives later; it does not change the
    published verdict, which only a new revision does). A dismissed one does not: restore it first.
    """
    claim = Claim.objects.select_for_update().filter(pk=claim.pk).first()
    if claim is None:  # merged into another claim since the page was opened
        raise InputRejected("This claim no longer exists (it may have been merged into another).")
    if claim.status == ClaimStatus.DISMISSED:
        raise InputRejected("This claim was dismissed. Restore it before adding evidence to it.")
    return claim


def _create_evidence(*, claim: Claim, source: Source, stance: str, excerpt: str, note: str, user) -> Evidence:
    evidence = Evidence(
        claim=claim,
        source=source,
        stance=stance,
        excerpt=excerpt,
        excerpt_verified=_verified(source, excerpt),
        note=note,
        author=user,
    )
    evidence._history_user = user
    evidence.save()
    claim_mark_in_review(claim=claim, user=user)
    return evidence


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def evidence_add_from_url(
    *, claim: Claim, url: str, stance: str, excerpt: str = "", note: str = "", user
) -> Evidence:
    """Cite a web page for a claim; the page is fetched and archived in the background.

    A page already cited (same canonical URL) is the same source: its archived copy is reused, and a
    fetch is queued again only if it has not succeeded yet.
    """
    from claims.tasks import fetch_source  # tasks import the services

    canonical = _clean_url(url, required=True)
    stance = _clean_stance(stance)
    excerpt = _clean_text(excerpt, limit=EXCERPT_MAX, what="excerpt")
    note = _clean_text(note, limit=NOTE_MAX, what="note")
    claim = _lock_open_claim(claim)

    if connection.vendor == "postgresql":
        # Source.url is not unique (hand-entered sources may share or lack one), so two people citing
        # the same new page at once are serialised here rather than creating two sources.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"source:{canonical}"])
    # A source typed by hand records what a person read; it is not replaced by what the URL serves now.
    # The lock makes a running fetch finish first, or wait for us, so the new excerpt is always checked.
    source = (
        Source.objects.select_for_update()
        .filter(url=canonical)
        .exclude(fetch_status=SourceFetchStatus.MANUAL)
        .order_by("id")
        .first()
    )
    if source is None:
        source = Source(url=canonical, fetch_status=SourceFetchStatus.PENDING, created_by=user)
        source._history_user = user
        source.save()
    elif source.fetch_status == SourceFetchStatus.FAILED:
        source.fetch_status, source.fetch_error, source.fetched_at = SourceFetchStatus.PENDING, "", None
        source._history_user = user
        source.save(update_fields=["fetch_status", "fetch_error", "fetched_at"])

    evidence = _create_evidence(
        claim=claim, source=source, stance=stance, excerpt=excerpt, note=note, user=user
    )
    if source.fetch_status in _FETCH_AGAIN:
        source_id = source.pk
        transaction.on_commit(lambda: fetch_source.delay(source_id))
    return evidence


@transaction.atomic
def evidence_add_manual(
    *,
    claim: Claim,
    title: str,
    publisher: str = "",
    published_at: datetime.date | None = None,
    url: str = "",
    archived_text: str = "",
    stance: str,
    excerpt: str = "",
    note: str = "",
    user,
) -> Evidence:
    """Cite a source typed in by hand (a phone call, a printed report); its text is archived if given."""
    title = " ".join((title or "").split())
    if not title:
        raise InputRejected("Give the source a title, e.g. “Phone call with the council press office”.")
    if len(title) > TITLE_MAX:
        raise InputRejected(f"The title is longer than {TITLE_MAX} characters.")
    publisher = " ".join((publisher or "").split())
    if len(publisher) > PUBLISHER_MAX:
        raise InputRejected(f"The publisher is longer than {PUBLISHER_MAX} characters.")
    if published_at is not None and published_at > timezone.localdate():
        raise InputRejected("The publication date is in the future.")
    canonical = _clean_url(url, required=False)
    archived_text = _clean_text(archived_text, limit=ARCHIVED_TEXT_MAX, what="archived text")
    stance = _clean_stance(stance)
    excerpt = _clean_text(excerpt, limit=EXCERPT_MAX, what="excerpt")
    note = _clean_text(note, limit=NOTE_MAX, what="note")
    claim = _lock_open_claim(claim)

    source = Source(
        url=canonical,
        title=title,
        publisher=publisher,
        published_at=published_at,
        archived_text=archived_text,
        archived_hash=content_hash(archived_text) if archived_text else "",
        fetched_at=timezone.now() if archived_text else None,
        fetch_status=SourceFetchStatus.MANUAL,
        created_by=user,
    )
    source._history_user = user
    source.save()
    return _create_evidence(claim=claim, source=source, stance=stance, excerpt=excerpt, note=note, user=user)


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
        verified = _verified(source, evidence.excerpt)
        if evidence.excerpt_verified != verified:
            evidence.excerpt_verified = verified
            evidence._history_user = None  # the system, not a person
            evidence.save(update_fields=["excerpt_verified"])
            changed += 1
    return changed


def evidence_may_delete(*, evidence: Evidence, user) -> bool:
    """The author may withdraw their own evidence; editors (who approve verdicts) may remove any."""
    if not user.has_perm("claims.delete_evidence"):
        return False
    return evidence.author_id == user.pk or user.has_perm("claims.approve_verdict")


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user) -> None:
    """Remove a piece of evidence; the source stays (others may cite it) and the history keeps a record."""
    evidence = Evidence.objects.select_for_update().filter(pk=evidence.pk).first()
    if evidence is None:
        raise InputRejected("That evidence was already removed.")
    if not evidence_may_delete(evidence=evidence, user=user):
        raise PermissionDenied("Only the person who added this evidence, or an editor, may remove it.")
    evidence._history_user = user
    evidence.delete()
