"""Read queries for the partners pages: the list (one query for a page of partners, with their key counts)
and one partner with its keys (two queries, whatever the number of keys)."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from claims.models import Partner, PartnerAPIKey


def partner_list() -> QuerySet[Partner]:
    now = timezone.now()
    usable = Q(api_keys__revoked=False) & (
        Q(api_keys__expiry_date__isnull=True) | Q(api_keys__expiry_date__gt=now)
    )
    return Partner.objects.annotate(
        keys_total=Count("api_keys"), keys_usable=Count("api_keys", filter=usable)
    ).order_by("name")


def partner_detail(*, pk: int) -> dict | None:
    partner = Partner.objects.select_related("account").filter(pk=pk).first()
    if partner is None:
        return None
    keys = list(
        PartnerAPIKey.objects.filter(partner=partner).select_related("created_by").order_by("-created")
    )
    return {"partner": partner, "keys": keys}
