"""Specification of the API's partners and their keys (claims/services/partners.py).

A partner acts through an account of its own that nobody can sign in to; its keys are shown once, stored
hashed, scoped, may expire, and are refused from the moment they are revoked.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from claims.api.authentication import PartnerKeyAuthentication
from claims.errors import InputRejected
from claims.models import Partner, PartnerAPIKey
from claims.services.partners import api_key_create, api_key_revoke, partner_create

pytestmark = pytest.mark.django_db


def authenticate_with(raw_key: str):
    """What the API makes of a request carrying this key: (account, key), or the refusal."""
    request = Request(APIRequestFactory().get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Api-Key {raw_key}"))
    return PartnerKeyAuthentication().authenticate(request)


@pytest.fixture
def partner():
    return partner_create(name="Harbour Gazette", contact_email="tech@harbour.example")


# --- partners ---------------------------------------------------------------------------------------------


def test_a_partner_gets_an_account_nobody_can_sign_in_to_and_without_a_role(partner):
    account = partner.account
    assert account.username == "partner-harbour-gazette"
    assert account.first_name == "Harbour Gazette" and account.email == "tech@harbour.example"
    assert not account.has_usable_password()
    assert not account.check_password("") and not account.check_password(account.username)
    assert not account.groups.exists() and not account.is_staff and not account.is_superuser
    assert account.get_all_permissions() == set()


def test_a_partners_name_is_tidied_and_cannot_be_taken_twice_in_any_letter_case(partner):
    assert partner_create(name="  City   Radio ").name == "City Radio"
    for name in ("Harbour Gazette", "harbour gazette", " HARBOUR  GAZETTE"):
        with pytest.raises(InputRejected, match="There is a partner named “.*” already"):
            partner_create(name=name)
    assert Partner.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "Name the partner"),
        ({"name": "x" * 201}, "at most 200 characters; this one has 201"),
        (
            {"name": "Valley Times", "contact_email": "not an address"},
            "“not an address” is not an email address",
        ),
    ],
)
def test_a_refused_partner_leaves_nothing_behind(fields, message, django_user_model):
    users = django_user_model.objects.count()
    with pytest.raises(InputRejected, match=message):
        partner_create(**fields)
    assert Partner.objects.count() == 0 and django_user_model.objects.count() == users


def test_names_that_make_the_same_username_get_distinct_accounts(partner):
    other = partner_create(name="Harbour-Gazette!")
    assert other.account.username == "partner-harbour-gazette-2"
    assert partner_create(name="Дневник").account.username == "partner-дневник"
    assert partner_create(name="…").account.username == "partner-partner"


# --- keys -------------------------------------------------------------------------------------------------


def test_a_key_is_returned_once_and_only_its_hash_is_kept(partner, carol):
    key, raw_key = api_key_create(partner=partner, name="CMS production", scopes=["read"], user=carol)

    prefix, _, secret = raw_key.partition(".")
    assert key.prefix == prefix and len(secret) >= 32
    stored = PartnerAPIKey.objects.get(pk=key.pk)
    assert raw_key not in (stored.id, stored.hashed_key) and secret not in stored.hashed_key
    assert stored.hashed_key.startswith("sha512$$")
    assert (stored.partner, stored.name, stored.scopes, stored.created_by) == (
        partner,
        "CMS production",
        ["read"],
        carol,
    )
    assert stored.expiry_date is None and not stored.revoked and stored.last_used_at is None


def test_a_key_acts_as_its_partners_account_and_records_when_it_was_used(partner):
    key, raw_key = api_key_create(partner=partner, name="CMS", scopes=["read", "write"])
    account, authenticated_key = authenticate_with(raw_key)
    assert account == partner.account and authenticated_key == key
    assert PartnerAPIKey.objects.get(pk=key.pk).last_used_at is not None
    with pytest.raises(exceptions.AuthenticationFailed):
        authenticate_with(raw_key[:-1] + ("A" if raw_key[-1] != "A" else "B"))


def test_scopes_are_kept_once_each_in_a_fixed_order(partner):
    key, _ = api_key_create(partner=partner, name="All", scopes=["publish", " READ", "write", "read", ""])
    assert key.scopes == ["read", "write", "publish"]
    key, _ = api_key_create(partner=partner, name="From a comma list", scopes="write,read")
    assert key.scopes == ["read", "write"]


def test_a_key_with_an_expiry_expires_that_many_days_from_now(partner):
    before = timezone.now()
    key, _ = api_key_create(partner=partner, name="Trial", scopes=["read"], expires_days=30)
    assert before + timedelta(days=30) <= key.expiry_date <= timezone.now() + timedelta(days=30)
    assert not key.has_expired


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"scopes": ["read", "admin"]}, "Unknown scope “admin”: a key's scopes are read, write and publish"),
        ({"scopes": ["root", "admin"]}, "Unknown scopes “admin”, “root”"),
        ({"scopes": []}, "at least one scope: read, write or publish"),
        ({"scopes": [" ", ""]}, "at least one scope"),
        ({"expires_days": 0}, "1 to 3650 days, not 0"),
        ({"expires_days": 3651}, "1 to 3650 days, not 3651"),
        ({"expires_days": "soon"}, "whole number of days .* not “soon”"),
        ({"expires_days": True}, "whole number of days"),
        ({"name": "  "}, "Name the key"),
        ({"name": "k" * 51}, "at most 50 characters; this one has 51"),
    ],
)
def test_a_refused_key_is_not_stored(partner, fields, message):
    with pytest.raises(InputRejected, match=message):
        api_key_create(partner=partner, **{"name": "CMS", "scopes": ["read"], **fields})
    assert not PartnerAPIKey.objects.exists()


def test_a_partner_whose_access_is_switched_off_gets_no_key(partner):
    Partner.objects.filter(pk=partner.pk).update(active=False)
    with pytest.raises(InputRejected, match="access is switched off"):
        api_key_create(partner=partner, name="CMS", scopes=["read"])
    assert not PartnerAPIKey.objects.exists()


def test_an_expired_key_is_refused(partner):
    key, raw_key = api_key_create(partner=partner, name="Trial", scopes=["read"], expires_days=1)
    PartnerAPIKey.objects.filter(pk=key.pk).update(expiry_date=timezone.now() - timedelta(seconds=1))
    with pytest.raises(exceptions.AuthenticationFailed, match="expired"):
        authenticate_with(raw_key)


# --- revoking ---------------------------------------------------------------------------------------------


def test_a_revoked_key_is_refused_from_then_on_and_the_partners_other_keys_still_work(partner, carol):
    key, raw_key = api_key_create(partner=partner, name="Old CMS", scopes=["read"])
    _, other_raw_key = api_key_create(partner=partner, name="New CMS", scopes=["read"])
    assert authenticate_with(raw_key)[1] == key

    api_key_revoke(key=key, user=carol)

    assert PartnerAPIKey.objects.get(pk=key.pk).revoked
    with pytest.raises(exceptions.AuthenticationFailed, match="not valid or has been revoked"):
        authenticate_with(raw_key)
    assert authenticate_with(other_raw_key)[0] == partner.account


def test_revoking_twice_changes_nothing_more(partner, carol):
    key, _ = api_key_create(partner=partner, name="CMS", scopes=["read"])
    api_key_revoke(key=key, user=carol)
    again = api_key_revoke(key=PartnerAPIKey.objects.get(pk=key.pk), user=carol)
    assert again.revoked and PartnerAPIKey.objects.filter(revoked=True).count() == 1


def test_a_key_removed_meanwhile_cannot_be_revoked(partner, carol):
    key, _ = api_key_create(partner=partner, name="CMS", scopes=["read"])
    PartnerAPIKey.objects.filter(pk=key.pk).delete()
    with pytest.raises(InputRejected, match="removed"):
        api_key_revoke(key=key, user=carol)
