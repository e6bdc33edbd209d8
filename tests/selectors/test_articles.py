"""Specification of the article list selector: search, filters and claim counts."""

import datetime

import pytest

from claims.choices import ClaimStatus
from claims.selectors.articles import article_list, publisher_names
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def _with_claims(article, *statuses):
    for index, status in enumerate(statuses):
        ClaimFactory(article=article, start=index * 4, end=index * 4 + 3, status=status)
    return article


def test_each_article_carries_its_claim_counts_by_status():
    article = _with_claims(
        ArticleFactory(text="aaa bbb ccc ddd eee fff ggg"),
        ClaimStatus.NEW,
        ClaimStatus.NEW,
        ClaimStatus.AWAITING_APPROVAL,
        ClaimStatus.PUBLISHED,
    )
    empty = ArticleFactory()

    rows = {a.pk: a for a in article_list()}

    row = rows[article.pk]
    assert (
        row.claim_count,
        row.new_count,
        row.in_review_count,
        row.awaiting_approval_count,
        row.published_count,
        row.dismissed_count,
    ) == (4, 2, 0, 1, 1, 0)
    assert rows[empty.pk].claim_count == 0


def test_newest_first_without_a_search():
    first, second = ArticleFactory(), ArticleFactory()

    assert [a.pk for a in article_list()] == [second.pk, first.pk]


def test_the_search_matches_words_in_any_form_in_the_text_and_part_words_in_the_title():
    councils = ArticleFactory(title="Local politics", text="The councils approved the budget.")
    partial = ArticleFactory(title="Councillors meet", text="Nothing else.")
    ArticleFactory(title="Sport", text="The team won.")

    assert {a.pk for a in article_list(query="councils")} == {councils.pk}
    assert partial.pk in {a.pk for a in article_list(query="Council")}


def test_a_title_match_ranks_above_a_text_match(django_db_blocker):
    from django.db import connection

    text_match = ArticleFactory(title="Other", text="The harbour bridge opened in 1932 after years of work.")
    title_match = ArticleFactory(title="Harbour bridge", text="It opened in 1932.")

    found = [a.pk for a in article_list(query="harbour bridge")]

    assert set(found) == {text_match.pk, title_match.pk}
    if connection.vendor == "postgresql":
        assert found[0] == title_match.pk


def test_status_filters_look_at_the_claims():
    review = _with_claims(ArticleFactory(), ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED)
    fresh = _with_claims(ArticleFactory(), ClaimStatus.NEW)
    done = _with_claims(ArticleFactory(), ClaimStatus.PUBLISHED, ClaimStatus.DISMISSED)
    waiting = _with_claims(ArticleFactory(), ClaimStatus.AWAITING_APPROVAL)

    assert {a.pk for a in article_list(status="needs_review")} == {review.pk, fresh.pk}
    assert {a.pk for a in article_list(status="awaiting_approval")} == {waiting.pk}
    assert {a.pk for a in article_list(status="published")} == {review.pk, done.pk}
    # The filter does not change the counts.
    assert next(iter(article_list(status="published").filter(pk=review.pk))).claim_count == 2


def test_date_and_publisher_filters():
    a = ArticleFactory(site_name="Daily Planet", published_at=datetime.date(2024, 1, 1))
    b = ArticleFactory(site_name="Gotham Gazette", published_at=datetime.date(2024, 2, 1))
    ArticleFactory(site_name="Daily Planet")  # no date: left out by a date filter

    assert {
        x.pk
        for x in article_list(
            published_from=datetime.date(2024, 1, 1), published_to=datetime.date(2024, 1, 31)
        )
    } == {a.pk}
    assert {x.pk for x in article_list(publisher="gazette")} == {b.pk}
    assert publisher_names() == ["Daily Planet", "Gotham Gazette"]
