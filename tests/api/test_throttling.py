"""Specification of the rate limit (claims/api/throttling.py): settings.API_RATE_LIMIT requests per key in
each window of the clock, the next ones refused with 429 and Retry-After until the window turns."""

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from claims.api import throttling
from claims.api.throttling import parse_rate
from tests.api.test_auth import assert_problem

pytestmark = pytest.mark.django_db

WINDOW_START = 1_800_000_000  # a multiple of 60: a minute begins


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, set by hand: clock.now = seconds since the epoch."""

    class Clock:
        now = WINDOW_START + 15.5

    monkeypatch.setattr(throttling.time, "time", lambda: Clock.now)
    return Clock


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("600/minute", (600, 60)), ("5/second", (5, 1)), ("100/hour", (100, 3600)), ("1000/day", (1000, 86400))],
)
def test_a_rate_is_a_count_and_a_window(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["600", "many/minute", "600/fortnight", "/minute"])
def test_a_rate_that_cannot_be_read_is_a_configuration_error(rate):
    with pytest.raises(ImproperlyConfigured, match="600/minute"):
        parse_rate(rate)


def test_the_window_s_allowance_then_429_until_the_window_turns(read_client, clock, settings):
    settings.API_RATE_LIMIT = "3/minute"

    assert [read_client.get("/api/v1/ratings/").status_code for _ in range(3)] == [200, 200, 200]
    refused = read_client.get("/api/v1/ratings/")

    body = assert_problem(refused, 429)
    assert refused["Retry-After"] == "45"  # 15.5 s into the minute: 44.5 s left, rounded up
    assert body["retry_after"] == 45
    clock.now = WINDOW_START + 59.9
    assert read_client.get("/api/v1/ratings/").status_code == 429
    clock.now = WINDOW_START + 60  # the next minute
    assert read_client.get("/api/v1/ratings/").status_code == 200


def test_refused_requests_count_against_the_window(read_client, clock, settings):
    settings.API_RATE_LIMIT = "2/minute"
    for _ in range(5):
        read_client.get("/api/v1/ratings/")

    settings.API_RATE_LIMIT = "5/minute"  # raised: the five already made (three refused) still count

    assert read_client.get("/api/v1/ratings/").status_code == 429


def test_a_signed_in_person_has_an_allowance_of_their_own(read_client, clock, settings, alice, client):
    settings.API_RATE_LIMIT = "1/minute"
    client.force_login(alice)

    assert read_client.get("/api/v1/ratings/").status_code == 200
    assert read_client.get("/api/v1/ratings/").status_code == 429
    assert client.get("/api/v1/ratings/").status_code == 200
    assert client.get("/api/v1/ratings/").status_code == 429


def test_the_limit_is_kept_in_redis_when_it_is_configured(read_client, clock, settings):
    from tests.factcheck.test_cache import REDIS_URL, redis_answers

    if not redis_answers():
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"throttle-test-{uuid.uuid4()}"
    settings.CACHES = {
        "default": {"BACKEND": "factcheck.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    }
    settings.API_RATE_LIMIT = "2/minute"
    from django.core.cache import cache

    redis_client = cache._cache.get_client(write=True)
    try:
        assert [read_client.get("/api/v1/ratings/").status_code for _ in range(3)] == [200, 200, 429]
        counters = redis_client.keys(f"{prefix}:*throttle:*")
        assert len(counters) == 1
        assert int(redis_client.get(counters[0])) == 3
        assert 0 < redis_client.ttl(counters[0]) <= 61
    finally:
        keys = redis_client.keys(f"{prefix}:*")
        if keys:
            redis_client.delete(*keys)
