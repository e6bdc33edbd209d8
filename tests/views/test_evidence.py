"""Specification of the evidence pages: citing a source, the archived copy of a source, removing evidence."""

import html
from unittest import mock

import pytest
from django.urls import reverse

from claims.choices import ClaimStatus, SourceFetchStatus
from claims.models import Evidence, Job, Source
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">link</a>'


@pytest.fixture
def claim(db):
    return ClaimFactory()


@pytest.fixture
def no_fetch():
    with mock.patch("claims.services.job_queue.job_hand_over") as hand_over:
        yield hand_over


def new_url(claim):
    return reverse("evidence_create", args=[claim.pk])


def article_url(claim):
    return f"{reverse('article_detail', args=[claim.article_id])}?claim={claim.pk}#claim-panel"


# --- access -----------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, claim):
    source = SourceFactory()
    evidence = EvidenceFactory(claim=claim, source=source)
    for url in (new_url(claim), reverse("source_detail", args=[source.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response.url
    response = client.post(reverse("evidence_delete", args=[evidence.pk]), {"version": 1})
    assert response.status_code == 302 and reverse("login") in response.url
    assert Evidence.objects.count() == 1


def test_someone_without_a_role_is_forbidden(client, mallory, claim, no_fetch):
    source = SourceFactory()
    evidence = EvidenceFactory(claim=claim, source=source)
    client.force_login(mallory)
    assert client.get(new_url(claim)).status_code == 403
    assert (
        client.post(
            new_url(claim), {"mode": "url", "url": "https://example.org/", "stance": "supports"}
        ).status_code
        == 403
    )
    assert client.get(reverse("source_detail", args=[source.pk])).status_code == 403
    assert client.post(reverse("evidence_delete", args=[evidence.pk]), {"version": 1}).status_code == 403
    assert Evidence.objects.count() == 1 and Source.objects.count() == 1


def test_unknown_objects_are_not_found(client, alice):
    client.force_login(alice)
    assert client.get(reverse("evidence_create", args=[999999])).status_code == 404
    assert client.get(reverse("source_detail", args=[999999])).status_code == 404
    assert client.post(reverse("evidence_delete", args=[999999])).status_code == 404


# --- adding -----------------------------------------------------------------------------------


def test_the_full_form_offers_both_modes_with_every_field_labelled(client, alice, claim):
    client.force_login(alice)
    response = client.get(new_url(claim) + "?mode=manual")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="manual"' in html and "csrfmiddlewaretoken" in html
    for field in ("url", "stance", "excerpt", "note", "title", "publisher", "published_at", "archived_text"):
        assert f'for="id_{field}"' in html, field


def test_a_reviewer_adds_a_source_by_url_from_the_panel(
    client, alice, claim, no_fetch, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_url(claim),
            {
                "mode": "url",
                "url": "https://example.org/report",
                "stance": "refutes",
                "excerpt": "Quote",
                "note": "N",
            },
        )
    assert response.status_code == 302 and response.url == article_url(claim)
    evidence = Evidence.objects.get()
    assert (evidence.claim, evidence.author, evidence.stance) == (claim, alice, "refutes")
    no_fetch.assert_called_once_with(job_id=Job.objects.get(source=evidence.source).pk)


def test_a_reviewer_adds_a_source_by_hand(client, alice, claim):
    client.force_login(alice)
    response = client.post(
        new_url(claim),
        {
            "mode": "manual",
            "title": "Phone call with the mayor's office",
            "publisher": "Mayor's office",
            "published_at": "2024-03-01",
            "archived_text": "We approved the budget on Tuesday.",
            "stance": "supports",
            "excerpt": "approved the budget",
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.select_related("source").get()
    assert evidence.source.fetch_status == SourceFetchStatus.MANUAL
    assert evidence.excerpt_verified is True


def test_a_refused_url_shows_the_reason_keeps_the_input_and_stores_nothing(client, alice, claim):
    client.force_login(alice)
    response = client.post(
        new_url(claim),
        {"mode": "url", "url": "ftp://example.org/x", "stance": "supports", "excerpt": "My excerpt"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "not a valid http or https address" in html
    assert "My excerpt" in html
    assert Source.objects.count() == Evidence.objects.count() == 0


def test_missing_fields_are_shown_next_to_them(client, alice, claim):
    client.force_login(alice)
    response = client.post(new_url(claim), {"mode": "manual", "stance": "nonsense"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the source a title." in html
    assert "Select a valid choice" in html
    assert Source.objects.count() == 0


def test_a_dismissed_claim_refuses_a_source(client, alice):
    claim = ClaimFactory(status=ClaimStatus.DISMISSED)
    client.force_login(alice)
    response = client.post(
        new_url(claim), {"mode": "url", "url": "https://example.org/", "stance": "supports"}
    )
    assert response.status_code == 400
    assert "dismissed" in response.content.decode()
    assert Evidence.objects.count() == 0


# --- the panel --------------------------------------------------------------------------------


def test_the_panel_lists_evidence_with_its_check_and_offers_the_add_form(client, alice, claim):
    found = EvidenceFactory(claim=claim, excerpt="Found it", excerpt_verified=True, author=alice)
    missing = EvidenceFactory(claim=claim, excerpt="Made up", excerpt_verified=False)
    pending = EvidenceFactory(
        claim=claim, excerpt="Later", source=SourceFactory(fetch_status=SourceFetchStatus.PENDING)
    )
    client.force_login(alice)
    html = client.get(
        reverse("claim_panel", args=[claim.pk]), headers={"X-Requested-With": "fetch"}
    ).content.decode()
    assert f"{reverse('source_detail', args=[found.source_id])}?evidence={found.pk}" in html
    assert "✓ found in the archived copy" in html
    assert "✗ not found in the archived copy" in html
    assert "pending fetch" in html
    assert 'data-shortcut="source"' in html
    assert f'for="evidence-url-{claim.pk}"' in html and f'id="evidence-url-{claim.pk}"' in html
    # Alice may remove her own evidence but not the others'.
    assert reverse("evidence_delete", args=[found.pk]) in html
    assert reverse("evidence_delete", args=[missing.pk]) not in html
    assert reverse("evidence_delete", args=[pending.pk]) not in html


def test_the_panel_renders_excerpts_and_notes_inert(client, alice, claim):
    EvidenceFactory(claim=claim, excerpt=XSS, note=XSS, source=SourceFactory(title=XSS))
    client.force_login(alice)
    html = client.get(
        reverse("claim_panel", args=[claim.pk]), headers={"X-Requested-With": "fetch"}
    ).content.decode()
    assert "<script>" not in html and 'onerror="alert' not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;" in html


# --- the archived copy ------------------------------------------------------------------------


def test_the_archived_copy_highlights_the_excerpt_in_place(client, alice, claim):
    source = SourceFactory(
        fetch_status=SourceFetchStatus.FETCHED,
        archived_text="First paragraph.\n\nThe bridge carried “160,000 vehicles” a day.\n\nLast one.",
        archived_hash="a" * 64,
    )
    evidence = EvidenceFactory(claim=claim, source=source, excerpt='the bridge carried "160,000 vehicles"')
    client.force_login(alice)
    response = client.get(reverse("source_detail", args=[source.pk]), {"evidence": evidence.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<mark id="excerpt">The bridge carried “160,000 vehicles”</mark> a day.' in html
    assert "a" * 64 in html
    assert article_url(claim) in html  # the claim citing it


def test_an_excerpt_not_in_the_copy_is_reported(client, alice, claim):
    source = SourceFactory(fetch_status=SourceFetchStatus.FETCHED, archived_text="Nothing relevant here.")
    evidence = EvidenceFactory(claim=claim, source=source, excerpt="Invented words")
    client.force_login(alice)
    html = client.get(reverse("source_detail", args=[source.pk]), {"evidence": evidence.pk}).content.decode()
    assert "Not found in the archived copy" in html
    assert "<mark" not in html


def test_evidence_of_another_source_highlights_nothing(client, alice, claim):
    source = SourceFactory(archived_text="Some words.")
    other = EvidenceFactory(claim=claim, excerpt="Some words")
    client.force_login(alice)
    response = client.get(reverse("source_detail", args=[source.pk]), {"evidence": other.pk})
    assert response.status_code == 200
    assert "<mark" not in response.content.decode()


def test_a_failed_fetch_shows_its_reason(client, alice):
    source = SourceFactory(
        fetch_status=SourceFetchStatus.FAILED, fetch_error="The page answered 404 Not Found."
    )
    client.force_login(alice)
    html = client.get(reverse("source_detail", args=[source.pk])).content.decode()
    assert "The page answered 404 Not Found." in html


def test_the_archived_copy_is_rendered_inert(client, alice, claim):
    source = SourceFactory(
        title=XSS,
        publisher=XSS,
        archived_text=f"Before {XSS} after.",
        fetch_error=XSS,
        fetch_status=SourceFetchStatus.FAILED,
    )
    evidence = EvidenceFactory(claim=claim, source=source, excerpt=XSS, note=XSS)
    client.force_login(alice)
    html = client.get(reverse("source_detail", args=[source.pk]), {"evidence": evidence.pk}).content.decode()
    assert "<script>" not in html and 'onerror="alert' not in html and 'href="javascript:' not in html
    assert '<mark id="excerpt">&lt;script&gt;' in html


def test_the_source_page_uses_a_constant_number_of_queries(client, alice, django_assert_max_num_queries):
    source = SourceFactory(archived_text="Text.")
    for _ in range(15):
        EvidenceFactory(source=source)
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("source_detail", args=[source.pk])).status_code == 200


# --- removing ---------------------------------------------------------------------------------


def test_the_author_removes_their_evidence(client, alice, claim):
    evidence = EvidenceFactory(claim=claim, author=alice)
    client.force_login(alice)
    response = client.post(reverse("evidence_delete", args=[evidence.pk]), {"version": 1})
    assert response.status_code == 302 and response.url == article_url(claim)
    assert Evidence.objects.count() == 0


def test_an_editor_removes_anyones_evidence(client, alice, carol, claim):
    evidence = EvidenceFactory(claim=claim, author=alice)
    client.force_login(carol)
    assert client.post(reverse("evidence_delete", args=[evidence.pk]), {"version": 1}).status_code == 302
    assert Evidence.objects.count() == 0


def test_another_reviewer_cannot_remove_evidence(client, alice, bob, claim):
    evidence = EvidenceFactory(claim=claim, author=alice)
    client.force_login(bob)
    assert client.post(reverse("evidence_delete", args=[evidence.pk]), {"version": 1}).status_code == 403
    assert Evidence.objects.count() == 1


def test_removing_needs_a_post(client, alice, claim):
    evidence = EvidenceFactory(claim=claim, author=alice)
    client.force_login(alice)
    assert client.get(reverse("evidence_delete", args=[evidence.pk])).status_code == 405
    assert Evidence.objects.count() == 1


def test_removing_evidence_someone_moved_since_gets_a_409_page(client, alice, bob):
    from claims.services.claim_editing import claim_merge
    from tests.factories import ArticleFactory, ClaimFactory

    article = ArticleFactory(text="The toll rose. The bridge closed.")
    first = ClaimFactory(article=article, start=0, end=14, text="The toll rose.")
    second = ClaimFactory(article=article, start=15, end=33, text="The bridge closed.")
    evidence = EvidenceFactory(claim=second, author=alice)
    claim_merge(claim=first, other=second, user=bob)
    client.force_login(alice)

    response = client.post(reverse("evidence_delete", args=[evidence.pk]), {"version": 1})

    assert response.status_code == 409
    page = response.content.decode()
    assert "The evidence was not removed: Bob (bob) changed this evidence" in page
    assert 'name="version" value="2"' in page
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_the_author_changes_their_evidence_from_its_own_page(client, alice, claim):
    evidence = EvidenceFactory(claim=claim, author=alice, stance="supports", excerpt="Old words")
    client.force_login(alice)
    page = client.get(reverse("evidence_edit", args=[evidence.pk])).content.decode()
    assert 'name="version" value="1"' in page and "Old words" in page

    response = client.post(
        reverse("evidence_edit", args=[evidence.pk]),
        {"version": 1, "stance": "refutes", "excerpt": "New words", "note": ""},
    )

    assert response.status_code == 302 and response.url == article_url(claim)
    evidence.refresh_from_db()
    assert (evidence.stance, evidence.excerpt, evidence.version) == ("refutes", "New words", 2)


def test_a_stale_change_of_evidence_gets_a_409_page_with_both_versions(client, alice, carol, claim):
    from claims.services.evidence import evidence_edit

    evidence = EvidenceFactory(claim=claim, author=alice, stance="supports", excerpt="")
    evidence_edit(
        evidence=evidence, stance="context", excerpt="Carol's quote", note="", user=carol, expected_version=1
    )
    client.force_login(alice)
    response = client.post(
        reverse("evidence_edit", args=[evidence.pk]),
        {"version": 1, "stance": "refutes", "excerpt": "Alice's quote", "note": ""},
    )
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "Carol (carol) changed this evidence" in page
    assert "Carol's quote" in page and "Alice's quote" in page
    assert Evidence.objects.get(pk=evidence.pk).excerpt == "Carol's quote"
