"""What a verdict report holds: the claims of a selection, each with the verdict to report and its evidence.

One rule for every export (HTML, PDF, CSV, JSON, Markdown, ClaimReview; the browser, the API, the command
and the background job): only published verdicts leave as public work. An internal report asked for
`with_drafts` adds every other claim of the selection with its open verdict revision, if any, and each of
those entries says it is a draft (`ReportEntry.is_draft`); nothing else ever shows a draft. Internal
comments and review comments are never part of a report.

Entries come from an iterator over the database in chunks, so a report of any size is streamed in flat
memory: a fixed number of queries per chunk of CHUNK_SIZE claims.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from claims.choices import OPEN_VERDICT_STATUSES, VerdictStatus
from claims.editing import person_name
from claims.models import Article, CitedEvidence, Claim, Evidence, Rating, Verdict
from claims.selectors.visibility import partner_of, visible_claims

CHUNK_SIZE = 500


@dataclass(frozen=True)
class ReportSelection:
    """Which claims a report covers. Every field is optional; together they narrow the selection.

    - `article_id`: one article's claims;
    - `date_from`, `date_to` (inclusive): when the verdict was published (a draft: last changed);
    - `publisher`: the article's site or publisher, as it is stored (case does not matter);
    - `rating`: a rating's slug; `reviewer`: the verdict author's username;
    - `statuses`: claim statuses (claims.choices.ClaimStatus values).
    """

    article_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    publisher: str = ""
    rating: str = ""
    reviewer: str = ""
    statuses: tuple[str, ...] = ()

    def describe(self) -> str:
        """The selection in words, for a report's summary: "All published verdicts" when nothing narrows it."""
        parts = []
        if self.article_id is not None:
            parts.append(f"article {self.article_id}")
        if self.date_from or self.date_to:
            parts.append(f"dated {self.date_from or '…'} to {self.date_to or '…'}")
        if self.publisher:
            parts.append(f"publisher “{self.publisher}”")
        if self.rating:
            parts.append(f"rated “{self.rating}”")
        if self.reviewer:
            parts.append(f"reviewed by {self.reviewer}")
        if self.statuses:
            parts.append("status " + ", ".join(self.statuses))
        return "; ".join(parts) if parts else "everything"


@dataclass
class ReportEntry:
    """One claim of a report: its article, the verdict reported (None: no verdict yet, drafts asked for only),
    whether that verdict is a draft, its evidence (each with its source), and who reviewed and approved it."""

    claim: Claim
    verdict: Verdict | None
    is_draft: bool
    # A published verdict's cited evidence; for a draft or no verdict, the claim's evidence as it stands.
    evidence: list[CitedEvidence] | list[Evidence] = field(default_factory=list)
    # How the report names the verdict's reviewer and approver: in full for the workbench's own people, as the
    # public pages do (first name, else user name) for a partner's key.
    reviewer: str = ""
    approver: str = ""

    @property
    def article(self) -> Article:
        return self.claim.article


def report_claims(*, user, selection: ReportSelection, with_drafts: bool = False) -> QuerySet[Claim]:
    """The claims of the selection the caller may report on, in report order (article, then place in it).

    Without `with_drafts`: the claims with a published verdict. With it (people only; a partner's key never
    reports drafts): every claim of the selection that is not dismissed. The caller is whoever the view, the
    API or the job authenticated; `export_report` without `--user` passes an anonymous user, which the
    visibility rule treats as the whole workbench (no web route reaches this unauthenticated).
    """
    published = Verdict.objects.filter(claim_id=OuterRef("pk"), status=VerdictStatus.PUBLISHED)
    claims = visible_claims(user=user)
    drafts = with_drafts and partner_of(user) is None
    if drafts:
        open_revision = Verdict.objects.filter(claim_id=OuterRef("pk"), status__in=OPEN_VERDICT_STATUSES)
        claims = claims.exclude(status="dismissed")
    else:
        claims = claims.filter(Exists(published))
    if selection.article_id is not None:
        claims = claims.filter(article_id=selection.article_id)
    if selection.publisher:
        claims = claims.filter(article__site_name__iexact=selection.publisher.strip())
    if selection.statuses:
        claims = claims.filter(status__in=selection.statuses)
    narrowing = Q()
    if selection.rating:
        narrowing &= Q(rating__slug=selection.rating)
    if selection.reviewer:
        narrowing &= Q(author__username=selection.reviewer)
    tz = timezone.get_current_timezone()
    if selection.date_from:
        start = timezone.make_aware(datetime.combine(selection.date_from, time.min), tz)
        narrowing &= Q(published_at__gte=start) | Q(published_at__isnull=True, updated_at__gte=start)
    if selection.date_to:
        end = timezone.make_aware(datetime.combine(selection.date_to, time.max), tz)
        narrowing &= Q(published_at__lte=end) | Q(published_at__isnull=True, updated_at__lte=end)
    if narrowing:
        # On the verdict the entry reports: the published one, else (drafts asked for) the open revision.
        reported = Exists(published.filter(narrowing))
        if drafts:
            reported |= ~Exists(published) & Exists(open_revision.filter(narrowing))
        claims = claims.filter(reported)
    return claims.order_by("article_id", "start", "id")


def report_entries(
    *, user, selection: ReportSelection, with_drafts: bool = False, chunk_size: int = CHUNK_SIZE
) -> Iterator[ReportEntry]:
    """The report's entries, one per claim of report_claims(), read from the database a chunk at a time.

    Each entry's verdict is the published one; with drafts, a claim without one gets its open revision
    (marked as a draft) or none. A published verdict whose claim also has an open revision is reported as
    published: the revision is work in progress.

    Four queries per chunk (the claims, their articles, verdicts and the evidence the published ones cite,
    with its sources; an internal report's drafts add one for their claims' evidence), plus one
    for the rating scale and one per chunk that names people not met before. The rows everything points at
    are shared, not built again for each claim: a chunk of claims of one article builds one article, and
    the scale and the people are built once per report. Their long texts (an article's text and HTML, a
    source's archived copy) stay in the database: no format prints them.
    """
    statuses = (
        (VerdictStatus.PUBLISHED, *OPEN_VERDICT_STATUSES) if with_drafts else (VerdictStatus.PUBLISHED,)
    )
    ratings = {rating.pk: rating for rating in Rating.objects.all()}
    people: dict[int, object] = {}
    claims = report_claims(user=user, selection=selection, with_drafts=with_drafts).iterator(
        chunk_size=chunk_size
    )
    name = person_name if partner_of(user) is None else public_name
    while chunk := list(islice(claims, chunk_size)):
        yield from _chunk_entries(chunk, statuses=statuses, ratings=ratings, people=people, name=name)


def public_name(user) -> str:
    """How a public page or a partner's report names a reviewer: their first name, else their user name."""
    if user is None:
        return ""
    return user.first_name.strip() or user.get_username()


def _chunk_entries(
    chunk: list[Claim], *, statuses, ratings: dict, people: dict, name
) -> Iterator[ReportEntry]:
    ids = [claim.pk for claim in chunk]
    articles = Article.objects.defer("text", "html").in_bulk({claim.article_id for claim in chunk})
    verdicts_of: dict[int, list[Verdict]] = {}
    for verdict in Verdict.objects.filter(claim_id__in=ids, status__in=statuses).order_by("-revision"):
        verdicts_of.setdefault(verdict.claim_id, []).append(verdict)
    reported = {claim_id: _reported(verdicts) for claim_id, verdicts in verdicts_of.items()}
    # A published verdict's entry lists the evidence it cited when approved; any other entry (a draft or no
    # verdict yet, in internal reports only) lists the claim's evidence as it stands.
    cited_of: dict[int, list[CitedEvidence]] = {}
    if published_ids := [v.pk for v in reported.values() if v.status == VerdictStatus.PUBLISHED]:
        for cited in (
            CitedEvidence.objects.filter(verdict_id__in=published_ids)
            .select_related("source")
            .defer("source__archived_text")
            .order_by("position")
        ):
            cited_of.setdefault(cited.verdict_id, []).append(cited)
    evidence_of: dict[int, list[Evidence]] = {}
    if working := [
        c.pk for c in chunk if getattr(reported.get(c.pk), "status", None) != VerdictStatus.PUBLISHED
    ]:
        for evidence in (
            Evidence.objects.filter(claim_id__in=working)
            .select_related("source")
            .defer("source__archived_text")
            .order_by("created_at", "id")
        ):
            evidence_of.setdefault(evidence.claim_id, []).append(evidence)
    wanted = {v.author_id for vs in verdicts_of.values() for v in vs}
    wanted |= {v.approver_id for vs in verdicts_of.values() for v in vs if v.approver_id is not None}
    if missing := wanted - people.keys():
        people.update(get_user_model().objects.in_bulk(missing))
    for claim in chunk:
        claim.article = articles[claim.article_id]
        verdicts = verdicts_of.get(claim.pk, [])
        for verdict in verdicts:
            verdict.claim = claim
            verdict.rating = ratings[verdict.rating_id]
            verdict.author = people[verdict.author_id]
            verdict.approver = people.get(verdict.approver_id)
        verdict = reported.get(claim.pk)
        is_draft = verdict is not None and verdict.status != VerdictStatus.PUBLISHED
        if verdict is not None and not is_draft:
            evidence = cited_of.get(verdict.pk, [])
        else:
            evidence = evidence_of.get(claim.pk, [])
            for item in evidence:
                item.claim = claim
        yield ReportEntry(
            claim=claim,
            verdict=verdict,
            is_draft=is_draft,
            evidence=evidence,
            reviewer=name(verdict.author) if verdict is not None else "",
            approver=name(verdict.approver) if verdict is not None and verdict.approver else "",
        )


def _reported(verdicts: list[Verdict]) -> Verdict | None:
    """The verdict an entry reports, of its claim's (newest first): the published one, else the open one."""
    published = next((v for v in verdicts if v.status == VerdictStatus.PUBLISHED), None)
    return published or next(iter(verdicts), None)


def report_count(*, user, selection: ReportSelection, with_drafts: bool = False) -> int:
    return report_claims(user=user, selection=selection, with_drafts=with_drafts).count()


def rating_distribution(entries: list[ReportEntry]) -> list[tuple[Rating, int]]:
    """How many entries carry each rating, in scale order (every rating of the scale, zero counts included,
    so that charts of different reports line up); entries without a verdict are not counted."""
    counts: dict[int, int] = {}
    for entry in entries:
        if entry.verdict is not None:
            counts[entry.verdict.rating_id] = counts.get(entry.verdict.rating_id, 0) + 1
    scale = list(Rating.objects.filter(Q(is_active=True) | Q(pk__in=counts)).order_by("order", "id"))
    return [(rating, counts.get(rating.pk, 0)) for rating in scale]
