"""Specification of evidence: citing sources, archiving them, and checking quoted excerpts against them.

Pages are served by a local test site; only its "127.0.0.1:<port>" is on FETCH_ALLOWED_HOSTS.
Celery runs tasks in-process in tests, so a fetch queued on commit runs when the callbacks execute.
"""

import datetime
import hashlib
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from claims.choices import ClaimStatus, SourceFetchStatus, Stance
from claims.errors import InputRejected
from claims.models import Claim, Evidence, Source
from claims.services.evidence import (
    EXCERPT_MAX,
    NOTE_MAX,
    evidence_add_from_url,
    evidence_add_manual,
    evidence_delete,
)
from claims.services.sources import source_fetch
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db

REPORT_HTML = """<!doctype html><html lang="en"><head>
<title>Harbour bridge traffic report 2023</title>
<meta name="author" content="Jane Roe">
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="2024-03-05">
</head><body><article><h1>Harbour bridge traffic report 2023</h1>
<p>The harbour authority said on Monday that “the bridge carried 160,000 vehicles a day” in 2023,
up from 151,000 the year before.</p>
<p>Officials added that the toll would rise in July — pending a review by the transport minister —
and that the authority’s own figures would be published in full.</p>
<p>Cyclists were not counted in the survey, the report notes, because the sensors cannot see them.</p>
</article></body></html>""".encode()


@pytest.fixture
def site(settings):
    with LocalSite(
        {
            "/report": Page(body=REPORT_HTML),
            "/loopback": Page(status=302, headers={"Location": "http://localhost:1/admin"}),
        }
    ) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.host]
        yield local


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
    with mock.patch("claims.tasks.fetch_source.delay"):
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
    with mock.patch("claims.tasks.fetch_source.delay") as delay:
        with mock.patch("django.db.transaction.on_commit", side_effect=lambda f: f()):
            add_url(first, "https://example.org/pending", alice)
            add_url(second, "https://example.org/pending", bob)
    assert Source.objects.count() == 1
    assert delay.call_count == 2


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
    with mock.patch("claims.tasks.fetch_source.delay"):
        evidence = add_url(claim, "https://example.org/print", alice)
    assert evidence.source != manual


def test_a_published_claim_still_takes_context(alice):
    claim = ClaimFactory(status=ClaimStatus.PUBLISHED)
    with mock.patch("claims.tasks.fetch_source.delay"):
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


# --- fetching ---------------------------------------------------------------------------------


def test_fetching_archives_the_text_with_its_hash_and_fills_in_the_metadata(alice, site):
    source = Source.objects.create(url=site.url("/report"), fetch_status=SourceFetchStatus.PENDING)
    curly = EvidenceFactory(source=source, excerpt="the authority's own figures would be published in full")
    dashed = EvidenceFactory(source=source, excerpt="rise in July - pending a review")
    invented = EvidenceFactory(source=source, excerpt="the bridge carried 200,000 vehicles a day")
    empty = EvidenceFactory(source=source, excerpt="")

    source_fetch(source_id=source.pk)

    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FETCHED
    assert source.fetch_error == ""
    assert "Cyclists were not counted" in source.archived_text
    assert source.archived_hash == hashlib.sha256(source.archived_text.encode("utf-8")).hexdigest()
    assert source.fetched_at is not None
    assert source.title == "Harbour bridge traffic report 2023"
    assert source.publisher == "Harbour Gazette"
    assert source.published_at == datetime.date(2024, 3, 5)
    for evidence, expected in ((curly, True), (dashed, True), (invented, False), (empty, None)):
        evidence.refresh_from_db()
        assert evidence.excerpt_verified is expected, evidence.excerpt


def test_what_a_person_typed_is_kept_over_the_page_metadata(site):
    source = Source.objects.create(
        url=site.url("/report"),
        title="My title",
        publisher="My paper",
        fetch_status=SourceFetchStatus.PENDING,
    )
    source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert (source.title, source.publisher) == ("My title", "My paper")


def test_a_missing_page_fails_the_source_with_the_reason(site):
    source = Source.objects.create(url=site.url("/missing"), fetch_status=SourceFetchStatus.PENDING)
    evidence = EvidenceFactory(source=source, excerpt="anything")
    source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FAILED
    assert "404" in source.fetch_error
    assert source.archived_text == "" and source.archived_hash == ""
    evidence.refresh_from_db()
    assert evidence.excerpt_verified is None


def test_a_redirect_to_the_loopback_interface_is_refused(site):
    source = Source.objects.create(url=site.url("/loopback"), fetch_status=SourceFetchStatus.PENDING)
    source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FAILED
    assert "inside our own network" in source.fetch_error


def test_an_unexpected_error_fails_the_source_without_raising(site):
    source = Source.objects.create(url=site.url("/report"), fetch_status=SourceFetchStatus.PENDING)
    with mock.patch("claims.services.sources.extract_from_fetch", side_effect=RuntimeError("boom")):
        source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FAILED
    assert "on our side" in source.fetch_error


def test_a_source_already_fetched_is_not_fetched_again(site):
    source = SourceFactory(
        url=site.url("/report"), fetch_status=SourceFetchStatus.FETCHED, archived_text="Old copy"
    )
    with mock.patch("claims.fetching.fetch") as fetch:
        source_fetch(source_id=source.pk)
    fetch.assert_not_called()
    source.refresh_from_db()
    assert source.archived_text == "Old copy"


def test_a_source_being_fetched_by_another_worker_is_left_to_it(site):
    from django.utils import timezone

    source = Source.objects.create(
        url=site.url("/report"), fetch_status=SourceFetchStatus.PENDING, fetched_at=timezone.now()
    )
    with mock.patch("claims.fetching.fetch") as fetch:
        source_fetch(source_id=source.pk)
    fetch.assert_not_called()


def test_a_fetch_abandoned_by_a_dead_worker_is_taken_over(site):
    from django.utils import timezone

    source = Source.objects.create(
        url=site.url("/report"),
        fetch_status=SourceFetchStatus.PENDING,
        fetched_at=timezone.now() - datetime.timedelta(hours=1),
    )
    source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.fetch_status == SourceFetchStatus.FETCHED


def test_a_source_that_is_gone_is_ignored():
    source_fetch(source_id=987654)


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
    evidence_delete(evidence=evidence, user=alice)
    assert not Evidence.objects.exists()
    assert Source.objects.filter(pk=evidence.source_id).exists()
    assert Evidence.history.filter(history_type="-").get().history_user == alice


def test_an_editor_may_remove_anyones_evidence(alice, carol):
    evidence = EvidenceFactory(author=alice)
    evidence_delete(evidence=evidence, user=carol)
    assert not Evidence.objects.exists()


def test_another_reviewer_may_not_remove_evidence(alice, bob):
    evidence = EvidenceFactory(author=alice)
    with pytest.raises(PermissionDenied):
        evidence_delete(evidence=evidence, user=bob)
    assert Evidence.objects.count() == 1
