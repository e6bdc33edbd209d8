"""The verdict pages and actions in the browser: who may do what, conflicts, CSRF, and inert user text."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Comment, Verdict
from claims.services.verdicts import verdict_approve, verdict_save, verdict_submit
from tests.factories import ClaimFactory, rating

pytestmark = pytest.mark.django_db

XSS_SUMMARY = '<script>alert("summary")</script><img src=x onerror=alert(1)>'
XSS_RATIONALE = (
    "<script>alert('rationale')</script>\n\n"
    '<img src="x" onerror="alert(2)">\n\n'
    '[click me](javascript:alert(3)) and <a href="javascript:alert(4)">this</a>'
)
XSS_COMMENT = '<script>alert("comment")</script><a href="javascript:alert(5)" onerror="x">x</a>'


@pytest.fixture
def claim():
    return ClaimFactory()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def write(claim, user, *, summary="The figure is wrong.", rationale="See the report.", submit=False):
    verdict = verdict_save(
        claim=claim, rating=rating("false"), summary=summary, rationale=rationale, user=user
    )
    if submit:
        verdict = verdict_submit(verdict=verdict, user=user, expected_version=verdict.version)
    return verdict


def panel(user, claim) -> str:
    """The claim's side panel, as the page's script loads it."""
    response = client_for(user).get(
        reverse("claim_panel", args=[claim.pk]), headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 200
    return response.content.decode()


def edit_url(claim):
    return reverse("verdict_edit", args=[claim.pk])


def form_data(**overrides):
    return {
        "rating": rating("false").pk,
        "summary": "Wrong.",
        "rationale": "",
        "version": "",
        "action": "save",
        **overrides,
    }


# --- Who may do what ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, alice, claim):
    verdict = write(claim, alice)
    for url in [
        edit_url(claim),
        reverse("comment_create", args=[claim.pk]),
        reverse("verdict_approve", args=[verdict.pk]),
        reverse("verdict_return", args=[verdict.pk]),
        reverse("verdict_revise", args=[verdict.pk]),
    ]:
        response = client.post(url, {})
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert client.get(edit_url(claim)).status_code == 302


def test_a_user_without_a_role_is_forbidden_everything(mallory, alice, claim):
    verdict = write(claim, alice, submit=True)
    client = client_for(mallory)
    assert client.get(edit_url(claim)).status_code == 403
    for url, data in [
        (edit_url(claim), form_data()),
        (reverse("comment_create", args=[claim.pk]), {"body": "Hi"}),
        (reverse("verdict_approve", args=[verdict.pk]), {"version": verdict.version}),
        (reverse("verdict_return", args=[verdict.pk]), {"version": verdict.version, "comment": "No."}),
        (reverse("verdict_revise", args=[verdict.pk]), {}),
    ]:
        assert client.post(url, data).status_code == 403
    verdict.refresh_from_db()
    assert verdict.status == "submitted"
    assert not Comment.objects.exists()


def test_a_reviewer_cannot_approve_or_return(alice, bob, claim):
    verdict = write(claim, alice, submit=True)
    client = client_for(bob)
    assert (
        client.post(reverse("verdict_approve", args=[verdict.pk]), {"version": verdict.version}).status_code
        == 403
    )
    response = client.post(
        reverse("verdict_return", args=[verdict.pk]), {"version": verdict.version, "comment": "x"}
    )
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.status == "submitted"


def test_reviewers_never_see_approve_buttons(alice, bob, claim):
    write(claim, alice, submit=True)
    html = panel(bob, claim)
    assert "Approve and publish" not in html and "Return with comment" not in html
    assert "Awaiting approval by an editor" in html


def test_an_editor_does_not_see_approve_on_their_own_verdict(carol, dan, claim):
    write(claim, carol, submit=True)
    assert "Approve and publish" not in panel(carol, claim)
    assert "Approve and publish" in panel(dan, claim)


def test_the_server_refuses_an_editor_approving_their_own_verdict(carol, claim):
    verdict = write(claim, carol, submit=True)
    response = client_for(carol).post(
        reverse("verdict_approve", args=[verdict.pk]), {"version": verdict.version}
    )
    assert response.status_code == 403
    assert "You cannot approve your own verdict" in response.content.decode()
    verdict.refresh_from_db()
    assert (verdict.status, verdict.approver) == ("submitted", None)


# --- Writing and reviewing ------------------------------------------------------------------------


def test_the_verdict_page_offers_a_labelled_form_for_a_first_draft(alice, claim):
    response = client_for(alice).get(edit_url(claim))
    html = response.content.decode()
    assert response.status_code == 200
    for field in ("rating", "summary", "rationale"):
        assert f'for="verdict-{field}"' in html and f'id="verdict-{field}"' in html
    assert "Save draft" in html and "Submit for review" in html
    assert 'data-shortcut="verdict"' in html


def test_the_panel_shows_the_open_draft_in_the_compact_form(alice, claim):
    verdict = write(claim, alice, summary="Draft summary.")
    html = panel(alice, claim)
    form = html[html.index('data-shortcut="verdict"') :]
    assert f'<input type="hidden" name="version" value="{verdict.version}">' in form
    assert "Draft summary." in form and "Save draft" in form and "Submit for review" in form
    assert f'for="verdict-rating-{claim.pk}"' in form


def test_the_panel_lists_earlier_revisions(alice, bob, carol, dan, claim):
    from claims.services.verdicts import verdict_revise

    first = write(claim, alice, summary="First verdict.", submit=True)
    verdict_approve(verdict=first, user=carol, expected_version=first.version)
    second = verdict_revise(claim=claim, user=bob)
    second = verdict_submit(verdict=second, user=bob, expected_version=second.version)
    verdict_approve(verdict=second, user=dan, expected_version=second.version)

    html = panel(alice, claim)
    assert "Earlier revisions (1)" in html
    assert "Revision 2 · written by Bob · approved by Dan" in html


def test_saving_a_draft_then_submitting_it(alice, claim):
    client = client_for(alice)
    response = client.post(edit_url(claim), form_data(summary="Wrong by ten.", rationale="**Page 4**"))
    assert response.status_code == 302
    assert (
        response.url == f"{reverse('article_detail', args=[claim.article_id])}?claim={claim.pk}#claim-panel"
    )
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.status, verdict.summary, verdict.author) == ("draft", "Wrong by ten.", alice)

    response = client.post(
        edit_url(claim), form_data(summary="Wrong by ten.", version=verdict.version, action="submit")
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert verdict.status == "submitted"
    claim.refresh_from_db()
    assert claim.status == "awaiting_approval"


def test_a_refused_save_keeps_what_was_typed(alice, claim):
    response = client_for(alice).post(
        edit_url(claim), form_data(summary="", rationale="My careful rationale")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write a summary" in html and "My careful rationale" in html
    assert not Verdict.objects.exists()


def test_an_editor_approves_and_the_claim_is_published(alice, dan, claim):
    verdict = write(claim, alice, submit=True)
    response = client_for(dan).post(
        reverse("verdict_approve", args=[verdict.pk]), {"version": verdict.version}
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert (verdict.status, verdict.approver) == ("published", dan)
    html = panel(alice, claim)
    assert "Start a new revision" in html and "approved by Dan" in html


def test_an_editor_returns_with_a_comment_that_shows_in_the_discussion(alice, dan, claim):
    verdict = write(claim, alice, submit=True)
    client = client_for(dan)
    url = reverse("verdict_return", args=[verdict.pk])
    assert client.post(url, {"version": verdict.version, "comment": " "}).status_code == 302
    verdict.refresh_from_db()
    assert verdict.status == "submitted"  # no comment, no return

    client.post(url, {"version": verdict.version, "comment": "Which report?"})
    verdict.refresh_from_db()
    assert (verdict.status, verdict.review_comment) == ("returned", "Which report?")
    html = panel(alice, claim)
    assert "Returned for changes" in html
    assert "Which report?" in html[: html.index('class="comments"')]  # on the verdict
    assert "Returned revision 1 for changes: Which report?" in html  # and in the discussion


def test_starting_a_new_revision(alice, bob, dan, claim):
    verdict = write(claim, alice, submit=True)
    verdict = verdict_approve(verdict=verdict, user=dan, expected_version=verdict.version)
    response = client_for(bob).post(reverse("verdict_revise", args=[verdict.pk]))
    assert response.status_code == 302
    assert list(claim.verdicts.values_list("revision", "status")) == [(2, "draft"), (1, "published")]


def test_adding_a_comment(alice, claim):
    client = client_for(alice)
    url = reverse("comment_create", args=[claim.pk])
    assert client.post(url, {"body": "Check page 4."}).status_code == 302
    assert client.post(url, {"body": "   "}).status_code == 302
    assert list(Comment.objects.values_list("body", flat=True)) == ["Check page 4."]
    html = panel(alice, claim)
    assert "Check page 4." in html and f'for="comment-body-{claim.pk}"' in html


# --- Working together -----------------------------------------------------------------------------


def test_a_stale_save_gets_a_409_showing_the_other_change_and_keeps_the_persons_text(alice, bob, claim):
    verdict = write(claim, alice, summary="First draft.")
    opened_at = verdict.version
    client_for(bob).post(
        edit_url(claim), form_data(summary="Bob's wording.", rationale="Bob's *reason*.", version=opened_at)
    )

    response = client_for(alice).post(
        edit_url(claim), form_data(summary="Alice's wording.", rationale="Alice's reason.", version=opened_at)
    )

    assert response.status_code == 409
    html = response.content.decode()
    conflict = html[html.index('class="conflict') :]
    assert "were not saved" in conflict and "Bob" in conflict
    assert "Bob&#x27;s wording." in conflict and "<em>reason</em>" in conflict
    assert "Alice&#x27;s wording." in html and "Alice&#x27;s reason." in html
    verdict.refresh_from_db()
    assert verdict.summary == "Bob's wording."
    hidden = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert hidden and int(hidden.group(1)) == verdict.version

    # Saving again from the reconciled form goes through.
    response = client_for(alice).post(
        edit_url(claim), form_data(summary="Merged wording.", version=verdict.version)
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert verdict.summary == "Merged wording."


def test_a_stale_approval_gets_a_409(alice, bob, carol, claim):
    verdict = write(claim, alice, submit=True)
    response = client_for(carol).post(
        reverse("verdict_approve", args=[verdict.pk]), {"version": verdict.version - 1}
    )
    assert response.status_code == 409
    assert "was not approved" in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.status == "submitted"


# --- CSRF and XSS ---------------------------------------------------------------------------------


def test_every_form_needs_the_csrf_token(alice, claim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(edit_url(claim), form_data()).status_code == 403
    assert client.post(reverse("comment_create", args=[claim.pk]), {"body": "Hi"}).status_code == 403
    assert not Verdict.objects.exists() and not Comment.objects.exists()

    page = client.get(edit_url(claim))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert client.post(edit_url(claim), {**form_data(), "csrfmiddlewaretoken": token}).status_code == 302
    assert Verdict.objects.count() == 1


class _ActiveMarkup(HTMLParser):
    """Collects what a browser would run: script elements, on* handler attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction") and "javascript:" in (value or "").lower():
                self.found.append(f"{tag} {name}={value}")


def assert_inert(html: str):
    """No <script, no onerror= attribute, no javascript: link.

    Plain-text fields (summary, comments) show a payload as escaped text (`&lt;img ... onerror=...&gt;`),
    which is inert, so handler attributes are found by parsing the HTML rather than by substring.
    """
    assert "<script" not in html.lower()
    parser = _ActiveMarkup()
    parser.feed(html)
    assert parser.found == []


def test_user_text_renders_inert_in_the_panel_and_on_the_verdict_page(alice, carol, dan, claim):
    verdict = write(claim, alice, summary=XSS_SUMMARY, rationale=XSS_RATIONALE, submit=True)
    verdict_approve(verdict=verdict, user=carol, expected_version=verdict.version)
    client_for(alice).post(reverse("comment_create", args=[claim.pk]), {"body": XSS_COMMENT})
    client_for(alice).post(reverse("verdict_revise", args=[verdict.pk]))

    html = panel(dan, claim)
    assert_inert(html)
    assert "&lt;script&gt;alert(&quot;summary&quot;)" in html  # shown as text, not run
    assert "&lt;script&gt;alert(&quot;comment&quot;)" in html

    page = client_for(alice).get(edit_url(claim)).content.decode()
    # The page's own script tag is the only one.
    assert page.lower().count("<script") == 1
    assert_inert(page.replace('<script src="/static/js/workbench.js" defer></script>', ""))
