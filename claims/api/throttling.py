"""Rate limits per key (per account for a signed-in person), kept in the cache: Redis when configured."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from claims.api.permissions import api_key_of


class PerKeyThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self) -> str:
        # The setting, read when asked (DRF's THROTTLE_RATES is read once, when the class is defined).
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        key = api_key_of(request)
        if key is not None:
            ident = f"key:{key.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
