"""A feed's health, said for a person: what the flag, the back-off and the schedule mean."""

import pytest
from django.utils import timezone

from claims.models import Feed
from claims.outside.feeds import FLAG_AFTER_FAILURES
from claims.selectors.feeds import feed_health


def feed(**fields) -> Feed:
    return Feed(**{"url": "https://news.example/feed", "name": "News", "poll_minutes": 60, **fields})


def test_a_feed_never_polled_is_due_when_the_scheduler_next_looks(settings):
    settings.FEED_CHECK_SECONDS = 60
    health = feed_health(feed())
    assert (health.state, health.label, health.flagged) == ("new", "Not polled yet", False)
    assert health.explanation == "It is polled when the scheduler next looks (every minute)."


def test_a_healthy_feed_says_how_often_it_is_polled():
    health = feed_health(feed(last_polled_at=timezone.now(), poll_minutes=120))
    assert (health.state, health.explanation) == (
        "ok",
        "The last poll succeeded; it is polled every 2 hours or so.",
    )


def test_a_failing_feed_says_how_long_it_now_waits_and_when_it_will_be_flagged():
    health = feed_health(feed(last_polled_at=timezone.now(), consecutive_failures=1))
    assert health.state == "failing" and not health.flagged
    assert health.explanation == (
        "Its last poll failed. It is tried again less often after each failure (now every 2 hours or so) "
        f"and is flagged after {FLAG_AFTER_FAILURES} failures in a row."
    )


@pytest.mark.parametrize("failures", [FLAG_AFTER_FAILURES, 40])
def test_a_feed_failing_again_and_again_is_flagged_and_tried_at_most_daily(failures):
    health = feed_health(feed(last_polled_at=timezone.now(), consecutive_failures=failures))
    assert (health.state, health.label, health.flagged) == ("flagged", "Flagged", True)
    assert health.explanation.startswith(f"It failed {failures} times in a row, so it is flagged")
    assert (
        "every day or so" in health.explanation if failures == 40 else "every 1 day" not in health.explanation
    )


def test_a_switched_off_feed_says_so_first():
    health = feed_health(feed(active=False, consecutive_failures=FLAG_AFTER_FAILURES))
    assert (health.state, health.label, health.flagged) == ("inactive", "Off", False)
    assert health.explanation == (
        f"Switched off: it is not polled until it is switched on. Its last {FLAG_AFTER_FAILURES} polls failed."
    )
