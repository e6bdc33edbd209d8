"""Sources stored on their own (before anyone cites them) and evidence citing a source already stored.

The browser adds a source and its evidence in one step (claims/services/evidence.py); the partner API also
lets a caller store a source first (`POST /sources/`) and cite it by id later. A source typed in by hand is
`evidence.source_add_manual`; these are the other two steps, built from the evidence service's own checks so
both doors refuse the same input in the same words.
"""

from django.db import transaction

from claims.choices import SourceFetchStatus
from claims.models import Claim, Evidence, Source
from claims.services import evidence as evidence_service
from claims.services.sources import source_for_url


@transaction.atomic
def source_add_from_url(*, url: str, user) -> Source:
    """The source for a web page, fetched and archived in the background (a `fetch_source` job on commit).

    A page already stored as a fetched source is that source (its fetch queued again only if it failed).
    """
    canonical = evidence_service._clean_fetchable_url(url)
    return source_for_url(url=canonical, user=user)


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
