"""The JSON export: the report's description, then its claims, streamed entry by entry (docs/exports.md).

    {"report": {"title", "organisation", "organisation_url", "generated_at", "generated_by", "selection",
                "with_drafts", "count"},
     "claims": [{"id", "text", "claimant", "claimant_kind", "status", "start", "end", "report_status", "draft",
                 "article": {...}, "verdict": {..., "draft"} | null, "evidence": [{..., "source": {...}}]}]}

The opening is written first, then each entry's object (with a comma before all but the first), then the
closing: the bytes are valid JSON once the last chunk is out, and memory stays flat. Dates and times are
ISO 8601 (times in UTC with their offset). `draft` is true on every entry that is not published work (a
draft verdict, or none yet: internal reports only); `report_status` says which.
"""

from collections.abc import Iterator
from dataclasses import asdict

import orjson

from claims.exports import Report
from claims.exports.entry_values import evidence_note, is_public, public_verdict_url, report_status
from claims.models import CitedEvidence, Evidence
from claims.selectors.reports import ReportEntry

CONTENT_TYPE = "application/json"
EXTENSION = "json"


def report_header(report: Report) -> dict:
    selection = asdict(report.selection)
    selection["statuses"] = list(report.selection.statuses)
    return {
        "title": report.title,
        "organisation": report.organisation,
        "organisation_url": report.organisation_url,
        "generated_at": report.generated_at,
        "generated_by": report.generated_by,
        "selection": selection,
        "with_drafts": report.with_drafts,
        "count": report.count,
    }


def entry_object(entry: ReportEntry, base_url: str, *, internal: bool = False) -> dict:
    claim, verdict, article = entry.claim, entry.verdict, entry.article
    return {
        "id": claim.pk,
        "text": claim.text,
        "claimant": claim.claimant,
        "claimant_kind": claim.claimant_kind or None,
        "status": claim.status,
        "start": claim.start,
        "end": claim.end,
        "report_status": report_status(entry),
        "draft": not is_public(entry),
        "article": {
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "publisher": article.site_name,
            "authors": article.authors,
            "published": article.published_at,
        },
        "verdict": None
        if verdict is None
        else {
            "id": verdict.pk,
            "revision": verdict.revision,
            "status": verdict.status,
            "draft": entry.is_draft,
            "rating": {
                "slug": verdict.rating.slug,
                "label": verdict.rating.label,
                "value": verdict.rating.value,
            },
            "summary": verdict.summary,
            "rationale": verdict.rationale,
            "reviewer": entry.reviewer,
            "approver": entry.approver,
            "submitted_at": verdict.submitted_at,
            "published_at": verdict.published_at,
            "url": public_verdict_url(entry, base_url) or None,
        },
        "evidence": [
            {
                "id": _evidence_id(evidence),
                "stance": evidence.stance,
                "excerpt": evidence.excerpt,
                "excerpt_verified": evidence.excerpt_verified,
                "note": evidence_note(evidence, internal=internal),
                "source": {
                    "id": evidence.source.pk,
                    "url": evidence.source.url,
                    "title": evidence.source.title,
                    "publisher": evidence.source.publisher,
                    "published_at": evidence.source.published_at,
                    "archived": bool(evidence.source.archived_hash),
                    "archived_hash": evidence.source.archived_hash,
                    "fetched_at": evidence.source.fetched_at,
                },
            }
            for evidence in entry.evidence
        ],
    }


def _evidence_id(evidence: Evidence | CitedEvidence) -> int | None:
    """The id of the claim's evidence: a published verdict's cited copy names the row it was copied from
    (None once that was withdrawn)."""
    return evidence.evidence_id if isinstance(evidence, CitedEvidence) else evidence.pk


def render(report: Report) -> Iterator[bytes]:
    yield b'{"report":' + orjson.dumps(report_header(report)) + b',"claims":['
    separator = b""
    for entry in report.entries:
        yield separator + orjson.dumps(entry_object(entry, report.base_url, internal=report.with_drafts))
        separator = b","
    yield b"]}"
