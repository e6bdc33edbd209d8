"""The cached rows of partners' API keys, by prefix: a busy key costs no query per request.

The row comes with its partner and account. Whoever authenticates still checks the hash, expiry, revocation
and the partner's and account's state against it. Saving or deleting a key or a partner drops its rows at
once (the receivers below, connected when the app loads); an `update()` that revokes must call `forget` itself.
An account switched off directly takes effect within KEY_CACHE_SECONDS.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from claims.models import Partner, PartnerAPIKey

KEY_CACHE_SECONDS = 30


def _cache_key(prefix: str) -> str:
    return f"api-key:{prefix}"


def key_row(prefix: str) -> PartnerAPIKey | None:
    """The unrevoked key with this prefix (partner and account loaded), from the cache when it is there."""
    row = cache.get(_cache_key(prefix))
    if row is None:
        row = (
            PartnerAPIKey.objects.select_related("partner__account")
            .filter(prefix=prefix, revoked=False)
            .first()
        )
        if row is not None:
            remember(row)
    return row


def remember(row: PartnerAPIKey) -> None:
    cache.set(_cache_key(row.prefix), row, KEY_CACHE_SECONDS)


def forget(prefix: str) -> None:
    cache.delete(_cache_key(prefix))


@receiver([post_save, post_delete], sender=PartnerAPIKey, dispatch_uid="forget-changed-api-key")
def _key_changed(sender, instance, **kwargs):
    forget(instance.prefix)


@receiver([post_save, post_delete], sender=Partner, dispatch_uid="forget-changed-partner-keys")
def _partner_changed(sender, instance, **kwargs):
    for prefix in PartnerAPIKey.objects.filter(partner_id=instance.pk).values_list("prefix", flat=True):
        forget(prefix)
