"""Sources stored on their own (before anyone cites them) and evidence citing a source already stored.

The browser adds a source and its evidence in one step (claims/services/evidence.py); the partner API also
lets a caller store a source first (`POST /sources/`) and cite it by id later. These services are those two
steps, built from the evidence service's own checks so both doors refuse the same input in the same words.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from claims.choices import SourceFetchStatus
from claims.errors import InputRejected
from claims.models import Claim, Evidence, Source
from claims.services import evidence as evidence_service
from claims.services.sources import PUBLISHER_MAX, TITLE_MAX, source_for_url
from claims.text.extraction import content_hash


@transaction.atomic
def source_add_from_url(*, url: str, user) -> Source:
    """The source for a web page, fetched and archived in the background (a `fetch_source` job on commit).

    A page already stored as a fetched source is that source (its fetch queued again only if it failed).
    """
    canonical = evidence_service._clean_fetchable_url(url)
    return source_for_url(url=canonical, user=user)


@transaction.atomic
def source_add_manual(
    *,
    title: str,
    publisher: str = "",
    published_at: datetime.date | None = None,
    url: str = "",
    archived_text: str = "",
    user,
) -> Source:
    """A source entered by hand (a phone call, a printed report), with its text archived if given."""
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
    canonical = evidence_service._clean_url(url, required=False)
    archived_text = evidence_service._clean_text(
        archived_text, limit=evidence_service.ARCHIVED_TEXT_MAX, what="archived text"
    )
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
    return source


@transaction.atomic
def evidence_add_for_source(
    *, claim: Claim, source: Source, stance: str, excerpt: str = "", note: str = "", user
) -> Evidence:
    """Cite a stored source for a claim. A page fetched from the web is cited as by its address (a failed
    fetch is queued again); a source entered by hand is cited as it is."""
    if source.fetch_status != SourceFetchStatus.MANUAL:
        return evidence_service.evidence_add_from_url(
            claim=claim, url=source.url, stance=stance, excerpt=excerpt, note=note, user=user
        )
    stance = evidence_service._clean_stance(stance)
    excerpt = evidence_service._clean_text(excerpt, limit=evidence_service.EXCERPT_MAX, what="excerpt")
    note = evidence_service._clean_text(note, limit=evidence_service.NOTE_MAX, what="note")
    claim = evidence_service._lock_open_claim(claim)
    return evidence_service._create_evidence(
        claim=claim, source=source, stance=stance, excerpt=excerpt, note=note, user=user
    )
