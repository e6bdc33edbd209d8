"""Specification of the claim-editing endpoints and the panel's editing controls and history."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from claims.choices import ClaimStatus, VerdictStatus
from claims.models import Claim
from claims.services import claim_editing as editing
from claims.services.ingest import article_ingest_text
from tests.factories import BUDGET_SENTENCES, BUDGET_TEXT, ArticleFactory, VerdictFactory, fresh

pytestmark = pytest.mark.django_db

TEXT, SENTENCES = BUDGET_TEXT, BUDGET_SENTENCES
ACTIONS = ["claim_dismiss", "claim_restore", "claim_merge", "claim_split", "claim_reword", "claim_assign"]


def panel_url(claim) -> str:
    return f"{reverse('article_detail', args=[claim.article_id])}?claim={claim.pk}#claim-panel"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- Who may edit -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTIONS)
def test_anonymous_people_are_sent_to_sign_in(client, claims, name):
    response = client.post(reverse(name, args=[claims[0].pk]), {"version": 1, "reason": "x"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert fresh(claims[0]).version == 1


def test_anonymous_people_cannot_make_a_claim(client, article):
    response = client.post(reverse("claim_create", args=[article.pk]), {"exact": "It cost"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Claim.objects.exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_people_without_a_role_are_refused(client, mallory, claims, name):
    client.force_login(mallory)
    response = client.post(
        reverse(name, args=[claims[0].pk]), {"version": 1, "reason": "x", "direction": "next"}
    )
    assert response.status_code == 403
    assert fresh(claims[0]).version == 1


def test_people_without_a_role_cannot_make_a_claim(client, mallory, article):
    client.force_login(mallory)
    response = client.post(reverse("claim_create", args=[article.pk]), {"exact": "It cost"})
    assert response.status_code == 403
    assert not Claim.objects.exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_edits_without_a_csrf_token_are_refused(alice, claims, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        reverse(name, args=[claims[0].pk]), {"version": 1, "reason": "x", "direction": "next"}
    )
    assert response.status_code == 403
    assert fresh(claims[0]).version == 1


def test_making_a_claim_without_a_csrf_token_is_refused(alice, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        reverse("claim_create", args=[article.pk]), {"exact": "It cost", "utf16_start": 44}
    )
    assert response.status_code == 403
    assert not Claim.objects.exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_edits_are_post_only(client, alice, claims, name):
    client.force_login(alice)
    assert client.get(reverse(name, args=[claims[0].pk])).status_code == 405


def test_editing_a_claim_that_does_not_exist_is_not_found(client, alice):
    client.force_login(alice)
    assert (
        client.post(reverse("claim_dismiss", args=[999999]), {"version": 1, "reason": "x"}).status_code == 404
    )


# --- Making a claim from a selection -----------------------------------------------------------------


def test_a_selection_with_emoji_and_non_latin_text_becomes_exactly_that_claim(client, alice):
    text = "Intro 👍🏽 Привет мир. 東京は大きい。 Outro."
    article = ArticleFactory(text=text)
    start = text.index("Привет")
    selected = "Привет мир. 東京は大きい。"
    client.force_login(alice)

    response = client.post(
        reverse("claim_create", args=[article.pk]),
        {
            "exact": selected,
            "prefix": text[:start],
            "suffix": text[start + len(selected) :],
            "utf16_start": utf16_length(text[:start]),
        },
    )

    claim = Claim.objects.get()
    assert claim.text == selected and (claim.start, claim.end) == (start, start + len(selected))
    assert response.status_code == 302 and response.url == panel_url(claim)


def test_a_selection_not_in_the_article_is_refused_with_a_message(client, alice, article):
    client.force_login(alice)
    response = client.post(
        reverse("claim_create", args=[article.pk]), {"exact": "Nowhere to be seen", "utf16_start": 0}
    )
    assert response.status_code == 302 and response.url == reverse("article_detail", args=[article.pk])
    assert any("not found" in m for m in messages_of(response))
    assert not Claim.objects.exists()


def test_an_empty_selection_is_refused_with_a_message(client, alice, article):
    client.force_login(alice)
    response = client.post(reverse("claim_create", args=[article.pk]), {"exact": ""})
    assert response.status_code == 302
    assert any("Select some text" in m for m in messages_of(response))
    assert not Claim.objects.exists()


# --- Each edit ----------------------------------------------------------------------------------------


def test_dismiss_and_restore(client, alice, claims):
    client.force_login(alice)
    response = client.post(
        reverse("claim_dismiss", args=[claims[0].pk]), {"version": 1, "reason": "Opinion."}
    )
    assert response.status_code == 302 and response.url == panel_url(claims[0])
    assert fresh(claims[0]).status == ClaimStatus.DISMISSED

    response = client.post(reverse("claim_restore", args=[claims[0].pk]), {"version": 2})
    assert response.status_code == 302 and fresh(claims[0]).status == ClaimStatus.NEW


def test_one_click_dismisses_a_claim_as_not_check_worthy_and_restoring_takes_the_label_back(
    client, alice, claims
):
    client.force_login(alice)
    panel = client.get(panel_url(claims[0])).content.decode()
    assert 'name="not_checkworthy"' in panel and "Not check-worthy: dismiss" in panel

    response = client.post(
        reverse("claim_dismiss", args=[claims[0].pk]), {"version": 1, "not_checkworthy": "on"}
    )

    assert any("not check-worthy" in m for m in messages_of(response))
    claim = fresh(claims[0])
    assert (claim.status, claim.not_checkworthy, claim.dismissed_reason) == (
        ClaimStatus.DISMISSED,
        True,
        "Not check-worthy.",
    )
    client.post(reverse("claim_restore", args=[claim.pk]), {"version": claim.version})
    assert fresh(claim).not_checkworthy is False


def test_dismissing_without_a_reason_is_refused_with_a_message(client, alice, claims):
    client.force_login(alice)
    response = client.post(reverse("claim_dismiss", args=[claims[0].pk]), {"version": 1, "reason": "  "})
    assert response.status_code == 302
    assert any("reason" in m for m in messages_of(response))
    assert fresh(claims[0]).status == ClaimStatus.NEW


def test_a_refused_dismissal_explains_why(client, alice, claims):
    VerdictFactory(claim=claims[0], status=VerdictStatus.PUBLISHED)
    Claim.objects.filter(pk=claims[0].pk).update(status=ClaimStatus.PUBLISHED)  # as approval leaves it
    client.force_login(alice)
    response = client.post(reverse("claim_dismiss", args=[claims[0].pk]), {"version": 1, "reason": "Dup."})
    assert any("published verdict" in m for m in messages_of(response))
    assert fresh(claims[0]).status == ClaimStatus.PUBLISHED


@pytest.mark.parametrize("how", ["direction", "other"])
def test_merge_with_the_next_claim(client, alice, claims, how):
    client.force_login(alice)
    data = (
        {"version": 1, "direction": "next"}
        if how == "direction"
        else {"version": 1, "other": claims[1].pk, "other_version": 1}
    )
    response = client.post(reverse("claim_merge", args=[claims[0].pk]), data)
    assert response.status_code == 302 and response.url == panel_url(claims[0])
    assert fresh(claims[0]).text == " ".join(SENTENCES[:2])
    assert not Claim.objects.filter(pk=claims[1].pk).exists()


def test_merge_with_the_previous_claim(client, alice, claims):
    client.force_login(alice)
    client.post(reverse("claim_merge", args=[claims[2].pk]), {"version": 1, "direction": "previous"})
    assert fresh(claims[1]).text == " ".join(SENTENCES[1:])


def test_merge_with_no_previous_claim_is_refused_with_a_message(client, alice, claims):
    client.force_login(alice)
    response = client.post(
        reverse("claim_merge", args=[claims[0].pk]), {"version": 1, "direction": "previous"}
    )
    assert any("no previous claim" in m for m in messages_of(response))
    assert Claim.objects.count() == 3


def test_merging_claims_that_are_not_adjacent_is_refused_with_a_message(client, alice, claims):
    client.force_login(alice)
    response = client.post(reverse("claim_merge", args=[claims[0].pk]), {"version": 1, "other": claims[2].pk})
    assert any("adjacent" in m for m in messages_of(response))
    assert Claim.objects.count() == 3


@pytest.mark.parametrize("data", [{"at": TEXT.index("5 million")}, {"starts_with": "5 million"}])
def test_split_at_a_chosen_point(client, alice, claims, data):
    client.force_login(alice)
    response = client.post(reverse("claim_split", args=[claims[1].pk]), {"version": 1, **data})
    assert response.status_code == 302 and response.url == panel_url(claims[1])
    assert fresh(claims[1]).text == "It cost"
    assert Claim.objects.filter(text="5 million euros.").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Choose where"),
        ({"starts_with": "pounds"}, "not found"),
        ({"starts_with": "t"}, "more than once"),
    ],
)
def test_an_unusable_split_point_is_refused_with_a_message(client, alice, claims, data, message):
    client.force_login(alice)
    response = client.post(reverse("claim_split", args=[claims[0].pk]), {"version": 1, **data})
    assert any(message in m for m in messages_of(response))
    assert Claim.objects.count() == 3 and fresh(claims[0]).version == 1


def test_reword(client, alice, claims):
    client.force_login(alice)
    client.post(
        reverse("claim_reword", args=[claims[1].pk]),
        {"version": 1, "normalised_text": "The budget cost €5m."},
    )
    assert fresh(claims[1]).normalised_text == "The budget cost €5m."
    assert fresh(claims[1]).text == SENTENCES[1]


def test_assign_and_unassign(client, alice, bob, claims):
    client.force_login(alice)
    client.post(reverse("claim_assign", args=[claims[0].pk]), {"version": 1, "assignee": bob.pk})
    assert fresh(claims[0]).assignee == bob and fresh(claims[0]).status == ClaimStatus.IN_REVIEW
    client.post(reverse("claim_assign", args=[claims[0].pk]), {"version": 2, "assignee": ""})
    assert fresh(claims[0]).assignee is None


def test_assigning_someone_without_a_role_is_refused_with_a_message(client, alice, mallory, claims):
    client.force_login(alice)
    response = client.post(
        reverse("claim_assign", args=[claims[0].pk]), {"version": 1, "assignee": mallory.pk}
    )
    assert any("not an active reviewer or editor" in m for m in messages_of(response))
    assert fresh(claims[0]).assignee is None


def test_a_form_without_a_version_is_refused(client, alice, claims):
    client.force_login(alice)
    response = client.post(reverse("claim_reword", args=[claims[0].pk]), {"normalised_text": "x"})
    assert response.status_code == 302 and fresh(claims[0]).normalised_text == ""


# --- Conflicts ---------------------------------------------------------------------------------------


def test_a_stale_edit_gets_a_409_page_showing_the_other_change(client, alice, bob, claims):
    editing.claim_reword(
        claim=claims[0], normalised_text="Bob's <b>wording</b>.", user=bob, expected_version=1
    )
    client.force_login(alice)

    response = client.post(
        reverse("claim_reword", args=[claims[0].pk]), {"version": 1, "normalised_text": "Alice's wording."}
    )

    assert response.status_code == 409
    content = response.content.decode()
    assert "Your change was not saved: Bob (bob) changed this claim at" in html.unescape(content)
    assert "Bob&#x27;s &lt;b&gt;wording&lt;/b&gt;." in content  # the current value, escaped
    assert "Alice&#x27;s wording." in content  # what Alice submitted, ready to re-apply
    assert 'name="version" value="2"' in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert fresh(claims[0]).normalised_text == "Bob's <b>wording</b>."


def test_the_change_can_be_applied_again_from_the_conflict_page(client, alice, bob, claims):
    editing.claim_assign(claim=claims[0], assignee=bob, user=bob, expected_version=1)
    client.force_login(alice)
    response = client.post(
        reverse("claim_dismiss", args=[claims[0].pk]), {"version": 1, "reason": "Opinion."}
    )
    assert response.status_code == 409
    assert "Opinion." in response.content.decode()

    response = client.post(
        reverse("claim_dismiss", args=[claims[0].pk]), {"version": 2, "reason": "Opinion."}
    )
    assert response.status_code == 302 and fresh(claims[0]).status == ClaimStatus.DISMISSED


@pytest.mark.parametrize(
    "name, data",
    [
        ("claim_dismiss", {"reason": "Late."}),
        ("claim_restore", {}),
        ("claim_merge", {"direction": "next"}),
        ("claim_split", {"starts_with": "approved"}),
        ("claim_assign", {"assignee": ""}),
    ],
)
def test_every_edit_reports_a_conflict_with_409(client, alice, bob, claims, name, data):
    editing.claim_reword(claim=claims[0], normalised_text="Bob was here.", user=bob, expected_version=1)
    client.force_login(alice)
    response = client.post(reverse(name, args=[claims[0].pk]), {"version": 1, **data})
    assert response.status_code == 409
    assert "Bob (bob) changed this claim at" in html.unescape(response.content.decode())
    assert Claim.objects.count() == 3 and fresh(claims[0]).version == 2


# --- The panel ---------------------------------------------------------------------------------------


def test_the_panel_offers_the_edit_forms_with_the_version(client, alice, claims):
    client.force_login(alice)
    content = client.get(panel_url(claims[1])).content.decode()
    for name in ["claim_dismiss", "claim_merge", "claim_split", "claim_reword", "claim_assign"]:
        assert f'action="{reverse(name, args=[claims[1].pk])}"' in content
    assert 'name="version" value="1"' in content
    assert "Merge with next" in content and "Merge with previous" in content
    assert f'for="claim-dismiss-{claims[1].pk}"' in content


def test_a_dismissed_claim_offers_restore(client, alice, claims):
    editing.claim_dismiss(claim=claims[0], reason="Opinion.", user=alice, expected_version=1)
    client.force_login(alice)
    content = client.get(panel_url(claims[0])).content.decode()
    assert f'action="{reverse("claim_restore", args=[claims[0].pk])}"' in content
    assert reverse("claim_dismiss", args=[claims[0].pk]) not in content


def test_the_panel_history_says_who_changed_what(client, alice, bob, claims):
    editing.claim_assign(claim=claims[0], assignee=bob, user=alice, expected_version=1)
    editing.claim_dismiss(claim=claims[0], reason="<script>alert(1)</script>", user=bob, expected_version=2)
    client.force_login(alice)

    content = client.get(reverse("claim_history", args=[claims[0].pk])).content.decode()
    history = content[content.index('class="claim-history"') :]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", history)).split())

    assert "Alice changed assignee from nothing to Bob, changed status from new to in review" in text
    assert "Bob changed dismissal reason from nothing to “<script>alert(1)</script>”" in text
    assert "changed status from in review to dismissed" in text
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_the_panel_works_on_an_ingested_article(client, alice):
    article = article_ingest_text(text="Prices rose 4% in May. Exports fell by 2%.", user=alice).article
    claim = article.claims.order_by("start").first()
    client.force_login(alice)
    response = client.post(
        reverse("claim_merge", args=[claim.pk]), {"version": claim.version, "direction": "next"}
    )
    assert response.status_code == 302
    assert fresh(claim).text == article.text[fresh(claim).start : fresh(claim).end]


def test_with_the_edit_options_the_panel_lists_split_points_and_names_the_neighbours(rf, alice, claims):
    from django.template.loader import render_to_string

    from claims.selectors.claim_editing import claim_edit_options
    from claims.selectors.reading import claim_panel_data

    request = rf.get("/")
    request.user = alice
    panel = claim_panel_data(claim_id=claims[1].pk)
    content = render_to_string(
        "claims/claim_panel.html", {**panel, **claim_edit_options(claim=panel["claim"])}, request=request
    )

    # "It cost 5 million euros." has no clause break to offer: the words of the second part are typed.
    assert 'name="starts_with" required' in content
    assert (
        f'name="other" value="{claims[0].pk}"' in content
        and f'name="other" value="{claims[2].pk}"' in content
    )
    assert 'name="other_version" value="1"' in content


def test_lost_claims_are_not_neighbours(claims):
    from claims.selectors.claim_editing import claim_neighbours

    Claim.objects.filter(pk=claims[1].pk).update(anchor_state="lost")
    assert claim_neighbours(claim=claims[0]) == {"previous": None, "next": claims[2]}
    assert claim_neighbours(claim=claims[2])["previous"] == claims[0]
