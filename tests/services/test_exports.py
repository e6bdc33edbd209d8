"""Specification of exporting reports (claims/services/exports.py): who may, in which format, and a large
export written by a background job into a file only its requester (or staff) may download."""

import csv
import io

import pytest

from claims.choices import JobStatus
from claims.errors import InputRejected
from claims.models import Job
from claims.selectors.reports import ReportSelection
from claims.services import exports
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, UserFactory, VerdictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def published(db):
    """Three published claims with evidence, and one draft."""
    made = []
    for n in range(3):
        claim = ClaimFactory(article=ArticleFactory(title=f"Story {n}"))
        VerdictFactory(claim=claim, status="published")
        EvidenceFactory(claim=claim)
        made.append(claim)
    VerdictFactory(claim=ClaimFactory(), status="draft")
    return made


def test_a_reviewer_may_not_export(alice, published):
    with pytest.raises(InputRejected, match="does not allow exporting"):
        exports.export_prepare(user=alice, fmt="csv", selection=ReportSelection(), with_drafts=False)


def test_a_format_we_do_not_write_is_refused_by_name(carol, published):
    with pytest.raises(InputRejected, match="no export format called “xlsx”"):
        exports.export_prepare(user=carol, fmt="xlsx", selection=ReportSelection(), with_drafts=False)


def test_more_claims_than_the_threshold_go_to_the_background(carol, published, settings):
    settings.EXPORT_BACKGROUND_THRESHOLD = 2

    plan = exports.export_prepare(user=carol, fmt="csv", selection=ReportSelection(), with_drafts=False)

    assert (plan.count, plan.in_background) == (3, True)
    with_drafts = exports.export_prepare(user=carol, fmt="csv", selection=ReportSelection(), with_drafts=True)
    assert with_drafts.count == 4


def test_the_background_export_writes_the_file_and_says_where(
    carol, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_start(user=carol, fmt="csv", selection=ReportSelection(), with_drafts=False)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.result["done"] == job.result["total"] == 3
    assert job.result["filename"].startswith("factcheck-report-all-") and job.result["filename"].endswith(
        ".csv"
    )
    with exports.export_file(job=job, user=carol) as opened:
        rows = list(csv.DictReader(io.StringIO(opened.read().decode("utf-8-sig"))))
    assert sorted(r["claim_id"] for r in rows) == sorted(str(c.pk) for c in published)


def test_its_progress_is_counted_as_the_entries_are_read(carol, published, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    seen = []
    original = Job.objects.filter

    def spy(*args, **kwargs):
        queryset = original(*args, **kwargs)
        update = queryset.update

        def recorded(**fields):
            if "result" in fields:
                seen.append(fields["result"])
            return update(**fields)

        queryset.update = recorded
        return queryset

    job = exports.export_start(user=carol, fmt="json", selection=ReportSelection(), with_drafts=False)
    monkeypatch.setattr(Job.objects, "filter", spy)
    result = exports.export_report_job(job)

    assert [p["done"] for p in seen] == [1, 2, 3] and {p["total"] for p in seen} == {3}
    assert result["bytes"] > 0 and result["content_type"] == "application/json"


def test_only_its_requester_or_staff_may_download_it(
    carol, dan, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_start(user=carol, fmt="md", selection=ReportSelection(), with_drafts=False)
    job.refresh_from_db()

    assert exports.export_file(job=job, user=dan) is None
    staff = UserFactory(username="root", is_staff=True, role="admin")
    with exports.export_file(job=job, user=staff) as opened:
        assert opened.read()
    # Staff whose role may not export, or the requester once their role no longer may, get nothing.
    assert exports.export_file(job=job, user=UserFactory(username="ops", is_staff=True)) is None
    carol.groups.clear()
    assert exports.export_file(job=job, user=type(carol).objects.get(pk=carol.pk)) is None


def test_an_export_asked_by_an_account_since_switched_off_fails_with_a_reason(carol, published):
    job = exports.export_start(user=carol, fmt="csv", selection=ReportSelection(), with_drafts=False)
    carol.is_active = False
    carol.save()

    with pytest.raises(InputRejected, match="switched off"):
        exports.export_report_job(Job.objects.get(pk=job.pk))


def test_the_selection_survives_the_trip_through_the_job(
    carol, published, django_capture_on_commit_callbacks
):
    import datetime as dt

    selection = ReportSelection(
        article_id=published[0].article_id, date_from=dt.date(2020, 1, 1), statuses=("new", "published")
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_start(user=carol, fmt="csv", selection=selection, with_drafts=False)
    job.refresh_from_db()

    assert job.result["total"] == 1 and "article-" in job.result["filename"]
