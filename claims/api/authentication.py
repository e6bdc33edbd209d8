"""`Authorization: Api-Key <key>`: a partner's key, checked against its hash, acting as the partner's account.

The key's row comes from claims/key_cache.py (cached by prefix); the hash, expiry, revocation and the
partner's and account's state are checked on every request.
"""

import re
from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from claims import key_cache
from claims.api.permissions import grant_scopes
from claims.models import PartnerAPIKey

KEYWORD = "Api-Key"
# `last_used_at` is written at most this often per key: a busy key should not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
PREFIX = re.compile(r"[A-Za-z0-9]{1,16}")


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").strip()
        keyword, _, key = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None  # not ours: the session may still authenticate the request
        key = key.strip()
        if not key:
            raise exceptions.AuthenticationFailed("The Api-Key header has no key after the word Api-Key.")
        prefix, _, _ = key.partition(".")
        # Our prefixes are short and alphanumeric: anything else (a NUL, which PostgreSQL refuses to compare,
        # or a megabyte of text for a cache key) is refused before any look-up.
        api_key = key_cache.key_row(prefix) if PREFIX.fullmatch(prefix) else None
        if api_key is None or api_key.revoked or not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed("This API key is not valid or has been revoked.")
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        partner = api_key.partner
        if not partner.active or not partner.account.is_active:
            raise exceptions.AuthenticationFailed("This partner's access has been switched off.")
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
            PartnerAPIKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
            key_cache.remember(api_key)
        grant_scopes(partner.account, api_key.scopes)
        return partner.account, api_key

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 when no credentials came.
        return KEYWORD
