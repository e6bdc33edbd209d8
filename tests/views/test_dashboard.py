"""The dashboard: queues with counts, and the chart of verdicts published per week by rating."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.choices import ClaimStatus, VerdictStatus
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, VerdictFactory, rating

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")


def _claim(**kwargs):
    """A claim on an article of its own, so claims never compete for the same span."""
    return ClaimFactory(article=kwargs.pop("article", None) or ArticleFactory(), **kwargs)


def _published(claim, *, author, approver, slug="false", days_ago=1, revision=1):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return VerdictFactory(
        claim=claim,
        author=author,
        approver=approver,
        rating=rating(slug),
        revision=revision,
        status=VerdictStatus.PUBLISHED,
        submitted_at=when,
        published_at=when,
    )


def _populate(reviewer, editor, n: int) -> None:
    """n claims in every queue, for counting queries."""
    other = UserFactory()
    for _ in range(n):
        _claim(checkworthiness=0.5)
        _claim(assignee=reviewer, status=ClaimStatus.IN_REVIEW)
        submitted = _claim(status=ClaimStatus.AWAITING_APPROVAL)
        VerdictFactory(
            claim=submitted, author=other, status=VerdictStatus.SUBMITTED, submitted_at=timezone.now()
        )
        _published(_claim(status=ClaimStatus.PUBLISHED), author=other, approver=editor)


def test_new_claims_are_ranked_by_check_worthiness_top_20(client, alice):
    claims = [_claim(checkworthiness=i / 100) for i in range(25)]
    _claim(checkworthiness=0.99, status=ClaimStatus.DISMISSED)
    _claim(checkworthiness=0.98, status=ClaimStatus.IN_REVIEW)
    client.force_login(alice)

    response = client.get(DASHBOARD)

    shown = response.context["new_claims"]
    assert [c.pk for c in shown] == [c.pk for c in reversed(claims)][:20]
    assert response.context["new_count"] == 25
    html = response.content.decode()
    assert reverse("claim_panel", args=[claims[-1].pk]) in html
    assert claims[-1].article.title in html
    assert "0.24" in html and 'class="badge status-new"' in html


def test_assigned_to_me_leaves_out_finished_claims_and_other_peoples(client, alice, bob):
    mine = _claim(assignee=alice, status=ClaimStatus.IN_REVIEW)
    mine_new = _claim(assignee=alice)
    _claim(assignee=alice, status=ClaimStatus.PUBLISHED)
    _claim(assignee=alice, status=ClaimStatus.DISMISSED)
    _claim(assignee=bob, status=ClaimStatus.IN_REVIEW)
    client.force_login(alice)

    response = client.get(DASHBOARD)

    assert {c.pk for c in response.context["assigned"]} == {mine.pk, mine_new.pk}
    assert response.context["assigned_count"] == 2


def test_editors_see_verdicts_awaiting_their_approval_but_not_their_own(client, alice, carol):
    by_alice = _claim(status=ClaimStatus.AWAITING_APPROVAL)
    VerdictFactory(claim=by_alice, author=alice, status=VerdictStatus.SUBMITTED, submitted_at=timezone.now())
    by_carol = _claim(status=ClaimStatus.AWAITING_APPROVAL)
    VerdictFactory(claim=by_carol, author=carol, status=VerdictStatus.SUBMITTED, submitted_at=timezone.now())
    VerdictFactory(claim=_claim(status=ClaimStatus.IN_REVIEW), author=alice, status=VerdictStatus.DRAFT)
    client.force_login(carol)

    response = client.get(DASHBOARD)

    assert [v.claim_id for v in response.context["awaiting"]] == [by_alice.pk]
    assert response.context["awaiting_count"] == 1
    html = response.content.decode()
    assert "Awaiting my approval" in html
    assert reverse("claim_panel", args=[by_alice.pk]) in html
    assert reverse("claim_panel", args=[by_carol.pk]) not in html


def test_reviewers_have_no_approval_queue(client, alice, bob):
    claim = _claim(status=ClaimStatus.AWAITING_APPROVAL)
    VerdictFactory(claim=claim, author=bob, status=VerdictStatus.SUBMITTED, submitted_at=timezone.now())
    client.force_login(alice)

    response = client.get(DASHBOARD)

    assert response.context["awaiting"] == []
    assert "Awaiting my approval" not in response.content.decode()


def test_recently_published_shows_the_latest_verdicts_with_their_rating(client, alice, carol):
    older = _published(
        _claim(status=ClaimStatus.PUBLISHED), author=alice, approver=carol, slug="true", days_ago=5
    )
    newer = _published(
        _claim(status=ClaimStatus.PUBLISHED), author=alice, approver=carol, slug="false", days_ago=1
    )
    client.force_login(alice)

    response = client.get(DASHBOARD)

    assert [v.pk for v in response.context["published"]] == [newer.pk, older.pk]
    assert response.context["published_count"] == 2
    html = response.content.decode()
    assert rating("false").label in html
    assert reverse("claim_panel", args=[newer.claim_id]) in html


def test_the_chart_draws_published_verdicts_per_week_in_rating_colours(client, alice, carol):
    _published(_claim(status=ClaimStatus.PUBLISHED), author=alice, approver=carol, slug="false", days_ago=0)
    _published(_claim(status=ClaimStatus.PUBLISHED), author=alice, approver=carol, slug="true", days_ago=14)
    _published(_claim(status=ClaimStatus.PUBLISHED), author=alice, approver=carol, slug="true", days_ago=200)
    client.force_login(alice)

    response = client.get(DASHBOARD)

    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert f'fill="{rating("false").colour}"' in html and f'fill="{rating("true").colour}"' in html
    assert html.count("<rect ") == 2  # the verdict from 200 days ago is outside the 12 weeks
    assert f": 1 {rating('false').label}</title>" in html
    assert "<table>" in html and "Show the numbers as a table" in html
    assert response.context["chart"].total == 2


def test_the_chart_says_so_when_nothing_was_published(client, alice):
    client.force_login(alice)

    html = client.get(DASHBOARD).content.decode()

    assert "No verdicts were published in the last 12 weeks." in html
    assert "<svg" not in html


def test_the_dashboard_costs_the_same_queries_however_full_the_queues(
    client, alice, carol, django_assert_max_num_queries
):
    client.force_login(carol)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        return len(queries)

    _populate(alice, carol, 1)
    few = count_queries()
    _populate(carol, UserFactory(role="editor"), 15)
    many = count_queries()

    assert few == many
    with django_assert_max_num_queries(14):  # 12, and two for the scorer line (the active model, its labels)
        client.get(DASHBOARD)


def test_titles_and_claims_with_markup_are_shown_inert(client, alice, carol):
    article = ArticleFactory(
        title="<script>alert(1)</script>",
        text="<img src=x onerror=alert(1)> claims 5 million. More text follows here.",
    )
    claim = ClaimFactory(article=article, start=0, end=40, checkworthiness=0.9)
    _published(
        ClaimFactory(article=article, start=41, end=60, status=ClaimStatus.PUBLISHED),
        author=alice,
        approver=carol,
    )
    client.force_login(alice)

    html = client.get(DASHBOARD).content.decode()

    assert claim.text.startswith("<img")
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_queues_share_one_grid_above_the_chart(client, carol):
    client.force_login(carol)

    html = client.get(DASHBOARD).content.decode()

    grid = html.index('class="dashboard-grid"')
    chart = html.index('id="chart-title"')
    for queue in ("queue-new", "queue-assigned", "queue-awaiting", "queue-published"):
        assert grid < html.index(f'id="{queue}"') < chart
        assert f'<h2 class="card-title" id="{queue}-title">' in html


# --- the page frame ------------------------------------------------------------------------------


def test_pages_link_the_icon(client, alice):
    client.force_login(alice)

    for page in (DASHBOARD, reverse("login")):
        html = client.get(page).content.decode()
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_favicon_ico_leads_to_the_icon_without_signing_in(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response.url == "/static/favicon.svg"
    assert client.head("/favicon.ico").status_code == 302
    assert client.post("/favicon.ico").status_code == 405


def test_the_new_claims_queue_says_which_scorer_ranks_it_and_how_many_labels_wait(client, alice):
    ClaimFactory(status="dismissed", not_checkworthy=True)
    client.force_login(alice)

    html = client.get(DASHBOARD).content.decode()

    assert "Scored by the rule scorer · 1 reviewer label to train a model on." in html
