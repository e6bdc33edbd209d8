"""Rate limits per key (per account for a signed-in person, per address otherwise), kept in the cache: Redis
when configured, this process's memory on the `make run` default.

A fixed window on the clock: settings.API_RATE_LIMIT ("600/minute") allows that many requests in each
calendar minute, counted by one atomic increment (factcheck/cache.py `hit`: one Redis round trip, whatever
the limit). A refused request counts too, so a caller that keeps hammering stays refused until the window
turns, which `Retry-After` tells it. DRF's own throttle keeps a list of every request's time instead, and
reads and writes it whole on each request.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import BaseThrottle

from claims.api.permissions import api_key_of

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/minute" → (600, 60): requests allowed, and the window in seconds."""
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period.strip()[0].lower()]
    except (ValueError, KeyError, IndexError) as error:
        raise ImproperlyConfigured(f"API_RATE_LIMIT must look like 600/minute, not {rate!r}") from error


class PerKeyThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        # The setting is read on each request, so that it can be changed (in tests, say) without a restart.
        limit, seconds = parse_rate(settings.API_RATE_LIMIT)
        now = time.time()
        window = int(now // seconds)
        self.wait_seconds = max(1, math.ceil((window + 1) * seconds - now))
        # The count outlives its window by a second, so a clock a little behind Redis's does not restart it.
        return cache.hit(f"throttle:{self.ident(request)}:{seconds}:{window}", seconds + 1) <= limit

    def ident(self, request) -> str:
        key = api_key_of(request)
        if key is not None:
            return f"key:{key.prefix}"
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"anon:{self.get_ident(request)}"

    def wait(self) -> int:
        return self.wait_seconds
