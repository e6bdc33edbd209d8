"""Read queries for the dashboard: the work queues and the verdicts-over-time chart.

Each function issues a fixed number of queries however many claims and verdicts there are.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from claims.choices import AnchorState, ClaimStatus, VerdictStatus
from claims.models import Claim, Verdict, safe_colour

QUEUE_LENGTH = 20
RECENTLY_PUBLISHED_LENGTH = 10
CHART_WEEKS = 12

CLOSED_STATUSES = (ClaimStatus.PUBLISHED, ClaimStatus.DISMISSED)


def _awaiting_approval_by_someone_else(user):
    # Nobody approves their own verdict, so an editor's own submissions are not in their queue.
    return Verdict.objects.filter(status=VerdictStatus.SUBMITTED).exclude(author=user)


def dashboard_queues(*, user, can_approve: bool) -> dict:
    """The four queues (first items of each) and how many claims each holds in all."""
    awaiting_for_me = _awaiting_approval_by_someone_else(user)
    counts = Claim.objects.aggregate(
        new=Count("pk", filter=Q(status=ClaimStatus.NEW) & ~Q(anchor_state=AnchorState.LOST)),
        assigned=Count("pk", filter=Q(assignee=user) & ~Q(status__in=CLOSED_STATUSES)),
        awaiting=Count("pk", filter=Q(Exists(awaiting_for_me.filter(claim=OuterRef("pk"))))),
        published=Count("pk", filter=Q(status=ClaimStatus.PUBLISHED)),
    )
    new_claims = list(
        Claim.objects.filter(status=ClaimStatus.NEW)
        .exclude(anchor_state=AnchorState.LOST)
        .select_related("article")
        .order_by("-checkworthiness", "-id")[:QUEUE_LENGTH]
    )
    assigned = list(
        Claim.objects.filter(assignee=user)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("article")
        .order_by("-checkworthiness", "-id")[:QUEUE_LENGTH]
    )
    awaiting = []
    if can_approve:
        awaiting = list(
            awaiting_for_me.select_related("claim__article", "rating", "author").order_by(
                "submitted_at", "id"
            )[:QUEUE_LENGTH]
        )
    published = list(
        Verdict.objects.filter(status=VerdictStatus.PUBLISHED)
        .select_related("claim__article", "rating", "author", "approver")
        .order_by("-published_at", "-id")[:RECENTLY_PUBLISHED_LENGTH]
    )
    return {
        "new_claims": new_claims,
        "new_count": counts["new"],
        "assigned": assigned,
        "assigned_count": counts["assigned"],
        "awaiting": awaiting,
        "awaiting_count": counts["awaiting"] if can_approve else 0,
        "can_approve": can_approve,
        "published": published,
        "published_count": counts["published"],
    }


@dataclass
class ChartRating:
    pk: int
    label: str
    colour: str
    order: int


@dataclass
class ChartWeek:
    start: datetime.date
    counts: dict[int, int] = field(default_factory=dict)  # rating pk -> verdicts published that week

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class VerdictChart:
    weeks: list[ChartWeek]
    ratings: list[ChartRating]  # those with at least one verdict in the period, in scale order

    @property
    def total(self) -> int:
        return sum(week.total for week in self.weeks)


def verdicts_per_week(*, weeks: int = CHART_WEEKS, today: datetime.date | None = None) -> VerdictChart:
    """Verdicts published per week (Monday to Sunday) for the last `weeks` weeks, by rating.

    Counts every revision at the moment it was published, including ones since superseded by a
    newer revision: the chart shows the team's output over time, not the current state of claims.
    """
    today = today or timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    first_monday = this_monday - datetime.timedelta(weeks=weeks - 1)
    since = timezone.make_aware(datetime.datetime.combine(first_monday, datetime.time.min))
    rows = (
        Verdict.objects.filter(published_at__gte=since)
        .annotate(week=TruncWeek("published_at"))
        .values("week", "rating_id", "rating__label", "rating__colour", "rating__order")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_start = {
        first_monday + datetime.timedelta(weeks=i): ChartWeek(
            start=first_monday + datetime.timedelta(weeks=i)
        )
        for i in range(weeks)
    }
    ratings: dict[int, ChartRating] = {}
    for row in rows:
        week = row["week"]
        start = timezone.localtime(week).date() if isinstance(week, datetime.datetime) else week
        if start not in by_start:
            continue
        by_start[start].counts[row["rating_id"]] = by_start[start].counts.get(row["rating_id"], 0) + row["n"]
        ratings.setdefault(
            row["rating_id"],
            ChartRating(
                pk=row["rating_id"],
                label=row["rating__label"],
                colour=safe_colour(row["rating__colour"]),
                order=row["rating__order"],
            ),
        )
    return VerdictChart(
        weeks=[by_start[start] for start in sorted(by_start)],
        ratings=sorted(ratings.values(), key=lambda r: (r.order, r.pk)),
    )
