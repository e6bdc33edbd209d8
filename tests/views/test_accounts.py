"""Signing in and out, password reset by e-mail and password change; every page needs a signed-in person."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from claims.models import Job
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_page_has_labelled_fields(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert "csrfmiddlewaretoken" in html
    assert reverse("password_reset") in html


def test_sign_in_with_the_right_password_goes_to_the_dashboard(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_sign_in_with_a_wrong_password_shows_an_error(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_returns_to_the_page_asked_for(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": reverse("article_list")}
    )

    assert response.url == reverse("article_list")


def test_sign_out_is_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'action="{reverse("logout")}"' in page

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboard"),
        reverse("article_list"),
        reverse("article_create"),
        reverse("job_status", args=[1]),
        reverse("job_status", args=[1]) + "?format=json",
        reverse("password_change"),
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_anonymous_post_to_add_an_article_stores_nothing(client):
    response = client.post(reverse("article_create"), {"method": "paste", "text": "The sky is green."})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert Job.objects.count() == 0


def test_password_reset_sends_a_link_that_sets_a_new_password(client, alice):
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert "Check your e-mail" in client.get(response.url).content.decode()

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "alice" in body
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a fresh long passphrase 42", "new_password2": "a fresh long passphrase 42"},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    assert "has been set" in client.get(response.url).content.decode()

    alice.refresh_from_db()
    assert alice.check_password("a fresh long passphrase 42")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, alice):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_used_reset_link_no_longer_works(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))

    assert "no longer works" in response.content.decode()


def test_password_change_needs_the_current_password(client, alice):
    client.force_login(alice)
    page = client.get(reverse("password_change")).content.decode()
    assert '<label for="id_old_password">' in page

    refused = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "another long passphrase 7",
            "new_password2": "another long passphrase 7",
        },
    )
    assert refused.status_code == 200
    assert "errorlist" in refused.content.decode()

    changed = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase 7",
            "new_password2": "another long passphrase 7",
        },
    )
    assert changed.url == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("another long passphrase 7")


def test_a_person_without_a_role_is_told_so_on_the_dashboard(client, mallory):
    client.force_login(mallory)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert "no role yet" in response.content.decode()


def test_a_person_without_a_role_cannot_list_or_add_articles(client, mallory):
    client.force_login(mallory)

    assert client.get(reverse("article_list")).status_code == 403
    assert client.get(reverse("article_create")).status_code == 403


def test_repeated_failed_sign_ins_lock_that_user_name_out(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "alice", "password": "wrong guess"})

    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
