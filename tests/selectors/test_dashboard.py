"""Specification of the dashboard selectors: queues and verdicts per week."""

import datetime

import pytest
from django.utils import timezone

from claims.choices import AnchorState, ClaimStatus, VerdictStatus
from claims.models import Rating
from claims.selectors.dashboard import dashboard_queues, verdicts_per_week
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory, rating

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2024, 6, 3)


def _published_on(
    day: datetime.date,
    *,
    slug="false",
    author,
    approver,
    status=VerdictStatus.PUBLISHED,
    claim=None,
    revision=1,
):
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return VerdictFactory(
        claim=claim or ClaimFactory(article=ArticleFactory()),
        rating=rating(slug),
        author=author,
        approver=approver,
        status=status,
        published_at=when,
        revision=revision,
    )


def test_verdicts_per_week_covers_twelve_weeks_ending_this_week(alice, carol):
    chart = verdicts_per_week(today=MONDAY + datetime.timedelta(days=3))

    assert len(chart.weeks) == 12
    assert chart.weeks[-1].start == MONDAY
    assert chart.weeks[0].start == MONDAY - datetime.timedelta(weeks=11)
    assert chart.total == 0 and chart.ratings == []


def test_verdicts_are_counted_in_their_week_by_rating(alice, carol):
    _published_on(MONDAY, slug="false", author=alice, approver=carol)
    _published_on(MONDAY + datetime.timedelta(days=6), slug="false", author=alice, approver=carol)  # Sunday
    _published_on(MONDAY + datetime.timedelta(days=6), slug="true", author=alice, approver=carol)
    _published_on(
        MONDAY - datetime.timedelta(days=1), slug="true", author=alice, approver=carol
    )  # week before
    _published_on(MONDAY - datetime.timedelta(weeks=12), slug="true", author=alice, approver=carol)  # too old

    chart = verdicts_per_week(today=MONDAY + datetime.timedelta(days=6))

    this_week, last_week = chart.weeks[-1], chart.weeks[-2]
    false, true = rating("false"), rating("true")
    assert this_week.counts == {false.pk: 2, true.pk: 1}
    assert last_week.counts == {true.pk: 1}
    assert chart.total == 4
    # In scale order, most accurate first, whatever order the rows came in.
    assert [r.pk for r in chart.ratings] == sorted(
        [false.pk, true.pk], key=lambda pk: Rating.objects.get(pk=pk).order
    )


def test_a_superseded_revision_still_counts_in_the_week_it_was_published(alice, carol):
    first = _published_on(MONDAY, slug="false", author=alice, approver=carol, status=VerdictStatus.SUPERSEDED)
    _published_on(
        MONDAY + datetime.timedelta(days=1),
        slug="true",
        author=alice,
        approver=carol,
        claim=first.claim,
        revision=2,
    )
    VerdictFactory(claim=ClaimFactory(article=ArticleFactory()), author=alice, status=VerdictStatus.SUBMITTED)

    chart = verdicts_per_week(today=MONDAY)

    assert chart.weeks[-1].counts == {rating("false").pk: 1, rating("true").pk: 1}  # the submitted one is not
    assert chart.total == 2


def test_a_rating_colour_that_is_not_a_hex_colour_is_not_passed_through(alice, carol):
    odd = Rating.objects.create(label="Odd", slug="odd", order=99, colour="red;}")
    _published_on(MONDAY, author=alice, approver=carol).__class__.objects.update(rating=odd)

    chart = verdicts_per_week(today=MONDAY)

    assert [r.colour for r in chart.ratings] == ["#6b7280"]


def test_queues_count_every_claim_but_list_only_the_first(alice, bob, carol):
    for i in range(22):
        ClaimFactory(article=ArticleFactory(), checkworthiness=i / 100)
    ClaimFactory(article=ArticleFactory(), checkworthiness=1.0, anchor_state=AnchorState.LOST)

    queues = dashboard_queues(user=alice, can_approve=False)

    assert queues["new_count"] == 22
    assert len(queues["new_claims"]) == 20
    assert queues["new_claims"][0].checkworthiness == 0.21
    assert queues["awaiting"] == [] and queues["awaiting_count"] == 0


def test_the_approval_queue_leaves_out_the_editors_own_verdicts(alice, carol):
    others = ClaimFactory(article=ArticleFactory(), status=ClaimStatus.AWAITING_APPROVAL)
    VerdictFactory(claim=others, author=alice, status=VerdictStatus.SUBMITTED)
    own = ClaimFactory(article=ArticleFactory(), status=ClaimStatus.AWAITING_APPROVAL)
    VerdictFactory(claim=own, author=carol, status=VerdictStatus.SUBMITTED)
    returned = ClaimFactory(article=ArticleFactory(), status=ClaimStatus.IN_REVIEW)
    VerdictFactory(claim=returned, author=alice, status=VerdictStatus.RETURNED)

    queues = dashboard_queues(user=carol, can_approve=True)

    assert [v.claim_id for v in queues["awaiting"]] == [others.pk]
    assert queues["awaiting_count"] == 1
