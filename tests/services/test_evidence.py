"""Specification of evidence: citing sources, archiving them, and checking quoted excerpts against them.

Pages are served by a local test site; only its "127.0.0.1:<port>" is on FETCH_ALLOWED_HOSTS.
Celery runs tasks in-process in tests, so a fetch queued on commit runs when the callbacks execute.
"""

import datetime
import hashlib
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from claims.choices import ClaimStatus, JobKind, SourceFetchStatus, Stance
from claims.errors import EditConflict, InputRejected
from claims.models import Claim, Evidence, Job, Source
from claims.services.claim_editing import claim_merge
from claims.services.evidence import (
    EXCERPT_MAX,
    NOTE_MAX,
    evidence_add_from_url,
    evidence_add_manual,
    evidence_delete,
    evidence_edit,
)
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(db):
    return ClaimFactory()


def counts() -> tuple[int, int, int]:
    return (
        Source.objects.count(),
        Evidence.objects.count(),
        Claim.objects.filter(status=ClaimStatus.NEW).count(),
    )


def add_url(claim, url, user, **kwargs):
    fields = {"stance": Stance.SUPPORTS, "excerpt": "", "note": ""} | kwargs
    return evidence_add_from_url(claim=claim, url=url, user=user, **fields)


# --- adding a source by URL ---------------------------------------------------------------------


def test_adding_a_url_stores_a_pending_source_and_evidence_and_puts_the_claim_in_review(alice, claim):
    with mock.patch("claims.services.job_queue.job_hand_over"):
        evidence = add_url(
            claim, "HTTPS://Example.org/report?utm_source=x#top", alice, excerpt="a quote", note="why"
        )

    source = evidence.source
    assert source.url == "https://example.org/report"
    assert source.fetch_status == SourceFetchStatus.PENDING
    assert source.created_by == alice
    assert evidence.excerpt_verified is None
    assert (evidence.stance, evidence.excerpt, evidence.note, evidence.author) == (
        "supports",
        "a quote",
        "why",
        alice,
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    assert evidence.history.get().history_user == alice
    assert source.history.get().history_user == alice


def test_the_fetch_is_queued_only_after_commit_and_archives_the_page(
    alice, claim, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        evidence = add_url(
            claim, site.url("/report"), alice, excerpt="the bridge carried 160,000 vehicles a day"
        )
        assert Source.objects.get().fetch_status == SourceFetchStatus.PENDING

    assert len(callbacks) == 1
    source = Source.objects.get()
    assert source.fetch_status == SourceFetchStatus.FETCHED
    assert "160,000 vehicles a day" in source.archived_text
    evidence.refresh_from_db()
    assert evidence.excerpt_verified is True


def test_the_same_url_is_one_source(alice, bob, site, django_capture_on_commit_callbacks):
    first, second = ClaimFactory(), ClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        add_url(first, site.url("/report"), alice)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        evidence = add_url(
            second, site.url("/report") + "?utm_campaign=spring", bob, excerpt="Cyclists were not counted"
        )

    assert Source.objects.count() == 1
    assert callbacks == []  # already fetched: nothing to queue
    assert evidence.excerpt_verified is True  # checked at once against the archived copy


def test_a_pending_source_is_reused_and_queued_again(alice, bob):
    first, second = ClaimFactory(), ClaimFactory()
    with mock.patch("claims.services.job_queue.job_hand_over") as hand_over:
        with mock.patch("django.db.transaction.on_commit", side_effect=lambda f: f()):
            add_url(first, "https://example.org/pending", alice)
            add_url(second, "https://example.org/pending", bob)
    assert Source.objects.count() == 1
    # The second citation joins the fetch already queued for the page rather than queueing another.
    assert Job.objects.filter(kind=JobKind.FETCH_SOURCE).count() == 1
    assert hand_over.call_count == 1


def test_a_failed_source_is_tried_again_when_cited_again(
    alice, claim, site, django_capture_on_commit_callbacks
):
    source = SourceFactory(
        url=site.url("/report"), fetch_status=SourceFetchStatus.FAILED, fetch_error="Timed out"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add_url(claim, site.url("/report"), alice)
    assert len(callbacks) == 1
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FETCHED and source.fetch_error == ""


def test_a_source_typed_by_hand_is_not_reused_for_its_url(alice, claim):
    manual = SourceFactory(url="https://example.org/print", fetch_status=SourceFetchStatus.MANUAL)
    with mock.patch("claims.services.job_queue.job_hand_over"):
        evidence = add_url(claim, "https://example.org/print", alice)
    assert evidence.source != manual


def test_a_published_claim_still_takes_context(alice):
    claim = ClaimFactory(status=ClaimStatus.PUBLISHED)
    with mock.patch("claims.services.job_queue.job_hand_over"):
        add_url(claim, "https://example.org/later", alice, stance=Stance.CONTEXT)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED


@pytest.mark.parametrize(
    ("url", "fields", "message"),
    [
        ("", {}, "web address"),
        ("ftp://example.org/file", {}, "not a valid http or https address"),
        ("javascript:alert(1)", {}, "not a valid http or https address"),
        ("https://example.org/" + "a" * 2000, {}, "longer than"),
        ("https://example.org/x", {"stance": "maybe"}, "supports"),
        ("https://example.org/x", {"excerpt": "x" * (EXCERPT_MAX + 1)}, "excerpt is longer"),
        ("https://example.org/x", {"note": "x" * (NOTE_MAX + 1)}, "note is longer"),
    ],
)
def test_refused_input_stores_nothing(alice, claim, url, fields, message, django_capture_on_commit_callbacks):
    before = counts()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(InputRejected) as refused:
        add_url(claim, url, alice, **fields)
    assert message in refused.value.message
    assert counts() == before
    assert callbacks == []


def test_a_dismissed_claim_takes_no_evidence(alice):
    claim = ClaimFactory(status=ClaimStatus.DISMISSED)
    with pytest.raises(InputRejected, match="dismissed"):
        add_url(claim, "https://example.org/x", alice)
    assert Source.objects.count() == Evidence.objects.count() == 0


# --- sources typed by hand --------------------------------------------------------------------


def test_a_source_by_hand_with_text_is_archived_and_the_excerpt_checked(alice, claim):
    evidence = evidence_add_manual(
        claim=claim,
        title="Phone call with the harbour authority",
        publisher="Harbour authority press office",
        published_at=datetime.date(2024, 3, 6),
        url="",
        archived_text="Q: How many vehicles?\r\nA: About “160,000 a day”, give or take.  ",
        stance=Stance.SUPPORTS,
        excerpt='about "160,000 a day"',
        note="Spoke to the press officer.",
        user=alice,
    )
    source = evidence.source
    assert source.fetch_status == SourceFetchStatus.MANUAL
    assert source.archived_text == "Q: How many vehicles?\nA: About “160,000 a day”, give or take."
    assert source.archived_hash == hashlib.sha256(source.archived_text.encode()).hexdigest()
    assert source.fetched_at is not None
    assert evidence.excerpt_verified is True
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


def test_a_source_by_hand_without_text_leaves_the_excerpt_unchecked(alice, claim):
    evidence = evidence_add_manual(
        claim=claim,
        title="Printed annual report, p. 12",
        stance=Stance.REFUTES,
        excerpt="Traffic fell",
        user=alice,
    )
    assert evidence.excerpt_verified is None
    assert evidence.source.archived_hash == "" and evidence.source.fetched_at is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "title"),
        ({"title": "t" * 501}, "title is longer"),
        ({"publisher": "p" * 201}, "publisher is longer"),
        ({"url": "file:///etc/passwd"}, "not a valid"),
        ({"published_at": datetime.date.today() + datetime.timedelta(days=30)}, "future"),
        ({"stance": ""}, "supports"),
        ({"excerpt": "e" * (EXCERPT_MAX + 1)}, "excerpt is longer"),
    ],
)
def test_a_refused_source_by_hand_stores_nothing(alice, claim, fields, message):
    before = counts()
    arguments = {"claim": claim, "title": "Report", "stance": Stance.SUPPORTS, "user": alice} | fields
    with pytest.raises(InputRejected) as refused:
        evidence_add_manual(**arguments)
    assert message in refused.value.message
    assert counts() == before


# --- removing evidence ------------------------------------------------------------------------


def test_the_author_may_remove_their_evidence_and_the_source_stays(alice):
    evidence = EvidenceFactory(author=alice)
    evidence_delete(evidence=evidence, user=alice, expected_version=1)
    assert not Evidence.objects.exists()
    assert Source.objects.filter(pk=evidence.source_id).exists()
    assert Evidence.history.filter(history_type="-").get().history_user == alice


def test_an_editor_may_remove_anyones_evidence(alice, carol):
    evidence = EvidenceFactory(author=alice)
    evidence_delete(evidence=evidence, user=carol, expected_version=1)
    assert not Evidence.objects.exists()


def test_another_reviewer_may_not_remove_evidence(alice, bob):
    evidence = EvidenceFactory(author=alice)
    with pytest.raises(PermissionDenied):
        evidence_delete(evidence=evidence, user=bob, expected_version=1)
    assert Evidence.objects.count() == 1


def test_removing_evidence_that_moved_since_is_a_conflict(alice, bob):
    """A merge moved the evidence to another claim after Alice opened the panel: she must look again."""
    article = ArticleFactory(text="The toll rose. The bridge closed.")
    first = ClaimFactory(article=article, start=0, end=14, text="The toll rose.")
    second = ClaimFactory(article=article, start=15, end=33, text="The bridge closed.")
    evidence = EvidenceFactory(claim=second, author=alice)
    claim_merge(claim=first, other=second, user=bob)

    with pytest.raises(
        EditConflict, match="The evidence was not removed: Bob \\(bob\\) changed this evidence"
    ):
        evidence_delete(evidence=evidence, user=alice, expected_version=1)
    assert Evidence.objects.get(pk=evidence.pk).claim_id == first.pk


def test_removing_evidence_already_removed_says_so(alice):
    evidence = EvidenceFactory(author=alice)
    evidence_delete(evidence=evidence, user=alice, expected_version=1)
    with pytest.raises(InputRejected, match="no longer exists"):
        evidence_delete(evidence=evidence, user=alice, expected_version=1)


# --- correcting evidence -----------------------------------------------------------------------


def test_the_author_corrects_the_stance_and_excerpt_and_the_excerpt_is_checked_again(alice):
    source = SourceFactory(archived_text="The bridge carried 160,000 vehicles a day in 2023.")
    evidence = EvidenceFactory(
        source=source, author=alice, stance=Stance.SUPPORTS, excerpt="180,000 vehicles"
    )
    evidence_edit(
        evidence=evidence,
        stance=Stance.REFUTES,
        excerpt="160,000 vehicles a day",
        note="Lower than claimed.",
        user=alice,
        expected_version=1,
    )
    evidence.refresh_from_db()
    assert (evidence.stance, evidence.excerpt_verified, evidence.version) == (Stance.REFUTES, True, 2)
    assert evidence.history.first().history_user == alice


def test_a_correction_from_a_stale_version_is_refused(alice, carol):
    evidence = EvidenceFactory(author=alice)
    evidence_edit(
        evidence=evidence, stance=Stance.CONTEXT, excerpt="", note="", user=carol, expected_version=1
    )
    with pytest.raises(EditConflict, match="Carol \\(carol\\) changed this evidence"):
        evidence_edit(
            evidence=evidence, stance=Stance.REFUTES, excerpt="", note="", user=alice, expected_version=1
        )
    assert Evidence.objects.get(pk=evidence.pk).stance == Stance.CONTEXT


def test_another_reviewer_may_not_correct_evidence(alice, bob):
    evidence = EvidenceFactory(author=alice, stance=Stance.SUPPORTS)
    with pytest.raises(PermissionDenied):
        evidence_edit(
            evidence=evidence, stance=Stance.REFUTES, excerpt="", note="", user=bob, expected_version=1
        )
    assert Evidence.objects.get(pk=evidence.pk).stance == Stance.SUPPORTS
