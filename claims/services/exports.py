"""Exporting verdict reports: at once for a small selection, as a background job for a large one.

`export_prepare` checks who asks and what (the format, the right to include drafts) and says whether the
export runs now or in the background (more than settings.EXPORT_BACKGROUND_THRESHOLD claims). The
background job (`export_report_job`, kind `export_report`) writes the file through the same Report and
format module as a download, counting its progress in `job.result` as it reads the entries, then keeps
the file in the default storage (MEDIA_ROOT/exports/<job id>/) for the person who asked to download.
"""

import tempfile
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from claims import exports
from claims.choices import ApiScope, JobKind
from claims.errors import InputRejected
from claims.models import Job
from claims.selectors.reports import ReportSelection, report_count
from claims.selectors.visibility import partner_of
from claims.services import job_queue

EXPORT_PERMISSION = "claims.export_reports"
# The job writes its progress at most this often (in entries read): a row update per entry would cost more
# than the export.
PROGRESS_EVERY = 200


@dataclass(frozen=True)
class ExportPlan:
    """What `export_prepare` decided: the format, the claims it covers, and whether it runs in the background."""

    fmt: str
    count: int
    in_background: bool


def may_export(user) -> bool:
    """People export with their role's permission (editors, admins). A partner's account exports (published
    work only: the reports' rule) while it is active and holds a live key with the read scope: checked again
    when a background export runs or is downloaded, since a key may be revoked in the meantime."""
    partner = partner_of(user)
    if partner is None:
        return user.has_perm(EXPORT_PERMISSION)
    if not partner.active:
        return False
    live = partner.api_keys.filter(revoked=False).filter(
        Q(expiry_date__isnull=True) | Q(expiry_date__gt=timezone.now())
    )
    # Scopes are a JSON list, which SQLite (`make run`) cannot search: a partner holds a handful of keys.
    return any(ApiScope.READ in scopes for scopes in live.values_list("scopes", flat=True))


def export_prepare(*, user, fmt: str, selection: ReportSelection, with_drafts: bool) -> ExportPlan:
    """Refuse what may not be exported (InputRejected); otherwise say how big it is and where it runs."""
    if not may_export(user):
        raise InputRejected("Your role does not allow exporting reports.")
    if fmt not in exports.FORMATS:
        raise InputRejected(
            f"There is no export format called “{fmt}”: use one of {', '.join(exports.FORMATS)}."
        )
    count = report_count(user=user, selection=selection, with_drafts=with_drafts)
    return ExportPlan(fmt=fmt, count=count, in_background=count > settings.EXPORT_BACKGROUND_THRESHOLD)


def export_filename(*, fmt: str, selection: ReportSelection, when=None) -> str:
    """factcheck-report-article-12-2026-12-03.csv: what the report covers and the day it was made."""
    day = (when or timezone.now()).date().isoformat()
    scope = f"article-{selection.article_id}" if selection.article_id is not None else "selection"
    if selection == ReportSelection():
        scope = "all"
    return f"factcheck-report-{scope}-{day}.{exports.format_module(fmt).EXTENSION}"


def export_start(*, user, fmt: str, selection: ReportSelection, with_drafts: bool) -> Job:
    """Queue the export as a background job (after the same checks as a download)."""
    plan = export_prepare(user=user, fmt=fmt, selection=selection, with_drafts=with_drafts)
    params = {"format": fmt, "with_drafts": with_drafts, "selection": _selection_params(selection)}
    job = job_queue.job_submit(kind=JobKind.EXPORT_REPORT, user=user, params=params)
    if not job.result:
        Job.objects.filter(pk=job.pk).update(result={"done": 0, "total": plan.count})
        job.result = {"done": 0, "total": plan.count}
    return job


def export_report_job(job: Job) -> dict:
    """The job's handler: write the report to a file in storage; its result names the file.

    Idempotent: a run after a worker died writes the file again under the same name.
    """
    user = job.created_by
    fmt = job.params["format"]
    selection = _selection_from_params(job.params["selection"])
    with_drafts = bool(job.params.get("with_drafts"))
    if user is None or not user.is_active:
        raise InputRejected("The account that asked for this export is gone or switched off.")
    plan = export_prepare(user=user, fmt=fmt, selection=selection, with_drafts=with_drafts)

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            Job.objects.filter(pk=job.pk).update(result={"done": done, "total": plan.count})

    report = exports.build_report(user=user, selection=selection, with_drafts=with_drafts, on_entry=progress)
    module = exports.format_module(fmt)
    filename = export_filename(fmt=fmt, selection=selection, when=job.created_at)
    name = f"exports/{job.pk}/{filename}"
    with tempfile.TemporaryFile() as out:
        for chunk in module.render(report):
            out.write(chunk)
        size = out.tell()
        out.seek(0)
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, File(out, name=filename))
    return {
        "done": report.count,
        "total": report.count,
        "file": stored,
        "filename": filename,
        "bytes": size,
        "format": fmt,
        "content_type": module.CONTENT_TYPE,
    }


def export_file(*, job: Job, user):
    """The finished export's file, opened, for the person who asked (or staff), while they may export; None
    otherwise."""
    if job.kind != JobKind.EXPORT_REPORT or not job.result.get("file"):
        return None
    if job.created_by_id != user.pk and not user.is_staff:
        return None
    if not may_export(user):  # a requester whose role (or key) changed since, or staff without the permission
        return None
    name = job.result["file"]
    if not default_storage.exists(name):
        return None
    return default_storage.open(name, "rb")


def _selection_params(selection: ReportSelection) -> dict:
    params = asdict(selection)
    for key in ("date_from", "date_to"):
        if params[key] is not None:
            params[key] = params[key].isoformat()
    params["statuses"] = list(selection.statuses)
    return params


def _selection_from_params(params: dict) -> ReportSelection:
    values = dict(params)
    for key in ("date_from", "date_to"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    values["statuses"] = tuple(values.get("statuses") or ())
    return ReportSelection(**values)
