"""The partners pages of the workbench and of the admin site: partners, their keys, a new key shown once,
revoking.

Admins manage partners: erin is staff, frank has the admin role. Reviewers (alice), editors (carol) and
mallory (no role) may not even look.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.models import Partner, PartnerAPIKey
from claims.services.partners import api_key_create, api_key_revoke, partner_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("partner_list")
CREATE = reverse("partner_create")


def detail(partner) -> str:
    return reverse("partner_detail", args=[partner.pk])


def issue(partner) -> str:
    return reverse("api_key_create", args=[partner.pk])


def revoke(key) -> str:
    return reverse("api_key_revoke", args=[key.partner_id, key.prefix])


def key_form(**fields) -> dict:
    return {"name": "CMS production", "scopes": ["read"], "expires_days": "", **fields}


@pytest.fixture
def erin(db):
    return UserFactory(username="erin", first_name="Erin", is_staff=True)


@pytest.fixture
def frank(db):
    return UserFactory(username="frank", first_name="Frank", role="admin")


@pytest.fixture
def partner(db):
    return partner_create(name="Harbour Gazette", contact_email="tech@harbour.example")


# --- who may do what -------------------------------------------------------------------------------------


def test_every_page_needs_a_signed_in_person(client, partner):
    key, _ = api_key_create(partner=partner, name="CMS", scopes=["read"])
    for url in (LIST, CREATE, detail(partner)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for url in (CREATE, issue(partner), revoke(key)):
        assert client.post(url, key_form(name="Intruder")).status_code == 302
    assert Partner.objects.count() == 1 and PartnerAPIKey.objects.count() == 1
    assert not PartnerAPIKey.objects.get().revoked


@pytest.mark.parametrize("person", ["alice", "carol", "mallory"])
def test_reviewers_editors_and_people_without_a_role_may_not_look(client, partner, person, request):
    key, _ = api_key_create(partner=partner, name="CMS", scopes=["read"])
    client.force_login(request.getfixturevalue(person))
    for url in (LIST, CREATE, detail(partner)):
        assert client.get(url).status_code == 403
    assert client.post(CREATE, {"name": "Valley Times"}).status_code == 403
    assert client.post(issue(partner), key_form()).status_code == 403
    assert client.post(revoke(key)).status_code == 403
    assert Partner.objects.count() == 1 and PartnerAPIKey.objects.count() == 1
    assert not PartnerAPIKey.objects.get().revoked
    assert LIST not in client.get(reverse("dashboard")).content.decode()  # no link in the top bar


def test_staff_manage_partners_and_see_the_link(client, erin, partner):
    client.force_login(erin)
    assert client.get(LIST).status_code == 200
    assert client.get(detail(partner)).status_code == 200
    assert f'href="{LIST}"' in client.get(reverse("dashboard")).content.decode()


def test_the_admin_role_manages_partners_and_sees_the_link(client, frank, partner):
    client.force_login(frank)
    assert client.get(LIST).status_code == 200
    assert client.get(detail(partner)).status_code == 200
    assert f'href="{LIST}"' in client.get(reverse("dashboard")).content.decode()


def test_a_partner_or_key_that_does_not_exist_is_not_found(client, erin, partner):
    key, _ = api_key_create(partner=partner, name="CMS", scopes=["read"])
    other = partner_create(name="Valley Times")
    client.force_login(erin)
    assert client.get(reverse("partner_detail", args=[999])).status_code == 404
    assert client.post(reverse("api_key_create", args=[999]), key_form()).status_code == 404
    # A key is revoked only through its own partner's page.
    assert client.post(reverse("api_key_revoke", args=[other.pk, key.prefix])).status_code == 404
    assert client.post(reverse("api_key_revoke", args=[partner.pk, "nosuchkey"])).status_code == 404
    assert not PartnerAPIKey.objects.get().revoked


def test_issuing_and_revoking_only_accept_posts(client, erin, partner):
    key, _ = api_key_create(partner=partner, name="CMS", scopes=["read"])
    client.force_login(erin)
    assert client.get(issue(partner)).status_code == 405
    assert client.get(revoke(key)).status_code == 405
    assert PartnerAPIKey.objects.count() == 1 and not PartnerAPIKey.objects.get().revoked


# --- partners ---------------------------------------------------------------------------------------------


def test_the_list_shows_each_partner_with_its_usable_keys(client, erin, partner):
    api_key_create(partner=partner, name="CMS", scopes=["read"])
    old, _ = api_key_create(partner=partner, name="Old CMS", scopes=["read"])
    api_key_revoke(key=old, user=erin)
    expired, _ = api_key_create(partner=partner, name="Trial", scopes=["read"], expires_days=1)
    PartnerAPIKey.objects.filter(pk=expired.pk).update(expiry_date=timezone.now())
    switched_off = partner_create(name="Archive Weekly")
    Partner.objects.filter(pk=switched_off.pk).update(active=False)
    client.force_login(erin)

    html = client.get(LIST).content.decode()

    assert html.index("Archive Weekly") < html.index("Harbour Gazette")  # by name
    assert "tech@harbour.example" in html and "Switched off" in html
    assert '1 <span class="meta">(of 3)</span>' in html
    assert detail(partner) in html


def test_the_list_costs_the_same_queries_however_many_partners(client, erin, partner):
    client.force_login(erin)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(5):
        api_key_create(partner=partner_create(name=f"Partner {n}"), name="CMS", scopes=["read"])
    with CaptureQueriesContext(connection) as many:
        assert "Partner 4" in client.get(LIST).content.decode()
    assert len(many) == len(few)


def test_adding_a_partner_gives_it_an_account_and_leads_to_its_page(client, erin):
    client.force_login(erin)
    assert client.get(CREATE).status_code == 200

    response = client.post(CREATE, {"name": " Valley  Times ", "contact_email": "api@valley.example"})

    partner = Partner.objects.get()
    assert response.status_code == 302 and response.url == detail(partner)
    assert (partner.name, partner.contact_email) == ("Valley Times", "api@valley.example")
    assert partner.account.username == "partner-valley-times" and not partner.account.has_usable_password()
    page = client.get(response.url).content.decode()
    assert "Added Valley Times" in page and "partner-valley-times" in page and "No keys yet" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "harbour gazette"}, "There is a partner named “harbour gazette” already."),
        ({"name": ""}, "Name the partner."),
        ({"name": "Valley Times", "contact_email": "valley"}, "Enter an email address"),
    ],
)
def test_a_refused_partner_is_said_at_the_top_and_nothing_is_stored(client, erin, partner, fields, message):
    client.force_login(erin)
    response = client.post(CREATE, {"contact_email": "", **fields})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The partner was not added" in html and message in html
    assert Partner.objects.count() == 1


# --- keys -------------------------------------------------------------------------------------------------


def test_a_partners_page_lists_its_keys_with_their_state(client, erin, carol, partner):
    used, _ = api_key_create(partner=partner, name="CMS production", scopes=["read", "write"], user=erin)
    PartnerAPIKey.objects.filter(pk=used.pk).update(last_used_at=timezone.now())
    revoked, _ = api_key_create(partner=partner, name="Old CMS", scopes=["read"])
    api_key_revoke(key=revoked, user=carol)
    expiring, _ = api_key_create(partner=partner, name="Trial", scopes=["publish"], expires_days=7)
    client.force_login(erin)

    html = client.get(detail(partner)).content.decode()

    for key in (used, revoked, expiring):
        assert f"<code>{key.prefix}…</code>" in html and key.name in html
    assert "read, write" in html and "by Erin" in html
    assert "Revoked" in html and "Usable" in html and "never" in html  # a key never used, never expiring
    assert timezone.localtime(expiring.expiry_date).strftime("%Y-%m-%d") in html
    # One revoke button per key still usable, none for the revoked one.
    assert revoke(used) in html and revoke(expiring) in html and revoke(revoked) not in html


def test_a_partners_page_costs_the_same_queries_however_many_keys(client, erin, partner):
    api_key_create(partner=partner, name="CMS", scopes=["read"], user=erin)
    client.force_login(erin)
    with CaptureQueriesContext(connection) as few:
        client.get(detail(partner))
    for n in range(6):
        api_key_create(partner=partner, name=f"Key {n}", scopes=["read"], user=erin)
    with CaptureQueriesContext(connection) as many:
        assert "Key 5" in client.get(detail(partner)).content.decode()
    assert len(many) == len(few)


def test_a_new_key_is_shown_once_with_a_warning_and_never_again(client, erin, partner):
    client.force_login(erin)
    response = client.post(issue(partner), key_form(scopes=["read", "write"], expires_days="30"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    raw_key = re.search(r'id="new-api-key"[^>]*value="([^"]+)"', html)
    if raw_key is None:
        raw_key = re.search(r'value="([^"]+)"[^>]*id="new-api-key"', html)
    raw_key = raw_key.group(1)
    key = PartnerAPIKey.objects.get()
    assert raw_key.startswith(key.prefix + ".") and PartnerAPIKey.objects.is_valid(raw_key)
    assert "shown only this once" in html and f"Authorization: Api-Key {raw_key}" in html
    assert (key.name, key.scopes, key.created_by) == ("CMS production", ["read", "write"], erin)
    assert key.expiry_date is not None

    page = client.get(detail(partner)).content.decode()
    assert key.prefix in page and raw_key not in page and raw_key.partition(".")[2] not in page


def test_the_form_offers_every_scope_with_read_ticked(client, erin, partner):
    client.force_login(erin)
    html = client.get(detail(partner)).content.decode()
    for scope in ("read", "write", "publish"):
        assert f'value="{scope}"' in html
    assert re.search(r'<input type="checkbox" name="scopes" value="read"[^>]*checked', html)
    assert not re.search(r'value="publish"[^>]*checked', html)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"scopes": []}, "Tick at least one scope."),
        ({"scopes": ["read", "admin"]}, "“admin” is not a scope."),
        ({"expires_days": "0"}, "A key lasts at least a day"),
        ({"expires_days": "3651"}, "Enter 3,650 days or fewer"),
        ({"expires_days": "soon"}, "Enter the expiry as a whole number of days."),
        ({"name": ""}, "Name the key"),
    ],
)
def test_a_refused_key_is_said_at_the_top_and_nothing_is_stored(client, erin, partner, fields, message):
    client.force_login(erin)
    response = client.post(issue(partner), key_form(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert "No key was issued" in html and message in html and 'id="new-api-key"' not in html
    assert not PartnerAPIKey.objects.exists()


def test_a_partner_whose_access_is_switched_off_is_issued_no_key(client, erin, partner):
    Partner.objects.filter(pk=partner.pk).update(active=False)
    client.force_login(erin)
    assert "Issue the key" not in client.get(detail(partner)).content.decode()
    response = client.post(issue(partner), key_form())
    assert response.status_code == 400 and "access is switched off" in response.content.decode()
    assert not PartnerAPIKey.objects.exists()


def test_revoking_a_key_refuses_it_at_once_and_says_so(client, erin, partner):
    key, _ = api_key_create(partner=partner, name="Old CMS", scopes=["read"])
    other, _ = api_key_create(partner=partner, name="New CMS", scopes=["read"])
    client.force_login(erin)

    response = client.post(revoke(key), follow=True)

    assert response.redirect_chain == [(detail(partner), 302)]
    assert f"Revoked the key {key.prefix}… (Old CMS)" in response.content.decode()
    assert PartnerAPIKey.objects.get(pk=key.pk).revoked and not PartnerAPIKey.objects.get(pk=other.pk).revoked
    again = client.post(revoke(key), follow=True).content.decode()
    assert "was revoked already" in again


def test_the_pages_have_no_inline_script(client, erin, partner):
    client.force_login(erin)
    pages = [client.get(url).content.decode() for url in (LIST, CREATE, detail(partner))]
    pages.append(client.post(issue(partner), key_form()).content.decode())
    for html in pages:
        assert len(re.findall(r"<script\b", html)) == len(re.findall(r"<script src=", html))
        assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers either


# --- the admin site ---------------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_a_partner_added_in_the_admin_site_gets_its_account(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:claims_partner_add"),
        {
            "name": "Valley Times",
            "contact_email": "",
            "active": "on",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get()
    assert partner.account.username == "partner-valley-times" and not partner.account.has_usable_password()


def test_the_admin_site_refuses_a_partner_name_taken_in_another_letter_case(client, superuser, partner):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:claims_partner_add"),
        {
            "name": "HARBOUR GAZETTE",
            "active": "on",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and "There is a partner named" in response.content.decode()
    assert Partner.objects.count() == 1


def test_a_key_made_in_the_admin_site_is_shown_once_in_a_message(client, superuser, partner):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:claims_partnerapikey_add"),
        {
            "partner": partner.pk,
            "name": "CMS",
            "scopes": ["write", "read"],
            "expiry_date_0": "",
            "expiry_date_1": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    key = PartnerAPIKey.objects.get()
    assert (key.scopes, key.created_by) == (["read", "write"], superuser)
    shown = [str(m) for m in response.context["messages"]]
    raw_key = re.search(rf"({re.escape(key.prefix)}\.\S+?)\. ", " ".join(shown)).group(1)
    assert PartnerAPIKey.objects.is_valid(raw_key)
    assert (
        raw_key
        not in client.get(reverse("admin:claims_partnerapikey_change", args=[key.pk])).content.decode()
    )
    listing = client.get(reverse("admin:claims_partnerapikey_changelist")).content.decode()
    assert key.prefix in listing and "Harbour Gazette" in listing and "read, write" in listing


def test_the_admin_site_refuses_a_key_without_a_scope(client, superuser, partner):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:claims_partnerapikey_add"),
        {"partner": partner.pk, "name": "CMS", "expiry_date_0": "", "expiry_date_1": ""},
    )
    assert response.status_code == 200 and not PartnerAPIKey.objects.exists()


def test_the_admin_site_revokes_the_selected_keys(client, superuser, partner):
    keys = [api_key_create(partner=partner, name=f"Key {n}", scopes=["read"])[0] for n in range(2)]
    client.force_login(superuser)
    response = client.post(
        reverse("admin:claims_partnerapikey_changelist"),
        {"action": "revoke_keys", "_selected_action": [keys[0].pk]},
        follow=True,
    )
    assert "Revoked 1 key." in response.content.decode()
    assert [k.revoked for k in PartnerAPIKey.objects.order_by("name")] == [True, False]
