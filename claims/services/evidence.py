"""Evidence: the sources cited for a claim, with a stance and a quoted excerpt checked against the source.

Sources given by URL are fetched and archived in the background (`claims/services/sources.py`). Every
excerpt is checked against the archived text; `excerpt_verified` stays None while there is nothing to
check it against.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from claims import fetching
from claims.choices import ClaimStatus, SourceFetchStatus, Stance
from claims.editing import lock_for_edit, save_edit
from claims.errors import InputRejected
from claims.models import Claim, Evidence, Source
from claims.services.claims import claim_start_work
from claims.services.ingest import canonicalise_url
from claims.services.sources import PUBLISHER_MAX, TITLE_MAX, excerpt_verified, source_for_url
from claims.text.extraction import content_hash, normalise_text

URL_MAX = Source._meta.get_field("url").max_length
EXCERPT_MAX = 5_000
NOTE_MAX = 5_000
# Text typed or pasted by hand as a source's archived copy (a transcript, a scanned report's text).
ARCHIVED_TEXT_MAX = 1_000_000


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


def _clean_fetchable_url(url: str | None) -> str:
    """A URL the guarded client would fetch, canonicalised; an internal address is refused at once."""
    canonical = _clean_url(url, required=True)
    fetching.refuse_unless_public(canonical)
    return canonical


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

    Adding evidence overwrites nothing, so it carries no version; the lock keeps the claim from being
    merged away meanwhile. A published claim still takes evidence (context often arrives later; it does
    not change the published verdict, which only a new revision does). A dismissed one does not.
    """
    claim = lock_for_edit(Claim.objects.all(), claim.pk, expected_version=None)
    if claim.status == ClaimStatus.DISMISSED:
        raise InputRejected("This claim was dismissed. Restore it before adding evidence to it.")
    return claim


def _create_evidence(*, claim: Claim, source: Source, stance: str, excerpt: str, note: str, user) -> Evidence:
    evidence = Evidence(
        claim=claim,
        source=source,
        stance=stance,
        excerpt=excerpt,
        excerpt_verified=excerpt_verified(source, excerpt),
        note=note,
        author=user,
    )
    evidence._history_user = user
    evidence.save()
    claim_start_work(claim=claim, user=user)
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
    canonical = _clean_fetchable_url(url)
    stance = _clean_stance(stance)
    excerpt = _clean_text(excerpt, limit=EXCERPT_MAX, what="excerpt")
    note = _clean_text(note, limit=NOTE_MAX, what="note")
    claim = _lock_open_claim(claim)

    source = source_for_url(url=canonical, user=user)
    evidence = _create_evidence(
        claim=claim, source=source, stance=stance, excerpt=excerpt, note=note, user=user
    )
    return evidence


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
    canonical = _clean_url(url, required=False)
    archived_text = _clean_text(archived_text, limit=ARCHIVED_TEXT_MAX, what="archived text")
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
    source = source_add_manual(
        title=title,
        publisher=publisher,
        published_at=published_at,
        url=url,
        archived_text=archived_text,
        user=user,
    )
    stance = _clean_stance(stance)
    excerpt = _clean_text(excerpt, limit=EXCERPT_MAX, what="excerpt")
    note = _clean_text(note, limit=NOTE_MAX, what="note")
    claim = _lock_open_claim(claim)  # a refusal here rolls the source back with the rest
    return _create_evidence(claim=claim, source=source, stance=stance, excerpt=excerpt, note=note, user=user)


def evidence_may_change(*, evidence: Evidence, user) -> bool:
    """The author may change or withdraw their own evidence; editors (who approve verdicts) any."""
    if not user.has_perm("claims.change_evidence"):
        return False
    return evidence.author_id == user.pk or user.has_perm("claims.approve_verdict")


@transaction.atomic
def evidence_edit(
    *, evidence: Evidence, stance: str, excerpt: str, note: str, user, expected_version: int
) -> Evidence:
    """Correct what a piece of evidence says about its claim: the stance, the quoted excerpt, the note.

    The source stays the same (cite another source as new evidence); a changed excerpt is checked again
    against the source's archived copy.
    """
    stance = _clean_stance(stance)
    excerpt = _clean_text(excerpt, limit=EXCERPT_MAX, what="excerpt")
    note = _clean_text(note, limit=NOTE_MAX, what="note")
    evidence = lock_for_edit(
        Evidence.objects.select_related("source"), evidence.pk, expected_version=expected_version
    )
    if not evidence_may_change(evidence=evidence, user=user):
        raise PermissionDenied("Only the person who added this evidence, or an editor, may change it.")
    if (evidence.stance, evidence.excerpt, evidence.note) == (stance, excerpt, note):
        return evidence
    evidence.stance, evidence.note = stance, note
    if evidence.excerpt != excerpt:
        evidence.excerpt = excerpt
        evidence.excerpt_verified = excerpt_verified(evidence.source, excerpt)
    return save_edit(evidence, user)


def evidence_may_delete(*, evidence: Evidence, user) -> bool:
    """The author may withdraw their own evidence; editors (who approve verdicts) may remove any."""
    if not user.has_perm("claims.delete_evidence"):
        return False
    return evidence.author_id == user.pk or user.has_perm("claims.approve_verdict")


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user, expected_version: int | None) -> None:
    """Remove a piece of evidence; the source stays (others may cite it) and the history keeps a record.

    `expected_version` is the version the person saw: evidence moved to another claim by a merge since
    is refused as a conflict rather than removed unseen (None only for callers that saw the row just now).
    """
    evidence = lock_for_edit(
        Evidence.objects.all(),
        evidence.pk,
        expected_version=expected_version,
        outcome="The evidence was not removed",
    )
    if not evidence_may_delete(evidence=evidence, user=user):
        raise PermissionDenied("Only the person who added this evidence, or an editor, may remove it.")
    evidence._history_user = user
    evidence.delete()
