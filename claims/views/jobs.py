"""The progress page of a background job (an article added by URL, an article fetched again).

The page and its JSON poll say the same thing: the chips and the sentence under them come from one
place (`_progress`), and the script only copies what the JSON says. When the job finishes the page sends
the person on (to the article, with the outcome) or shows why it failed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from claims.choices import JobKind, JobStatus
from claims.forms.articles import UrlForm
from claims.models import Job
from claims.services.claims import ResplitOutcome
from claims.views.article_text import report_resplit

REFRESH_SECONDS = 2


@dataclass(frozen=True)
class Wording:
    title: str
    failed_title: str
    running_step: str
    running_text: str


WORDING = {
    JobKind.INGEST_URL: Wording(
        "Adding the article",
        "Could not add the article",
        "Fetching and splitting",
        "Fetching the page and splitting it into claims…",
    ),
    JobKind.REFETCH_ARTICLE: Wording(
        "Fetching the article again",
        "Could not fetch the article again",
        "Fetching and re-anchoring",
        "Fetching the page again and finding its claims in the new text…",
    ),
    JobKind.FETCH_SOURCE: Wording(
        "Fetching the source",
        "Could not fetch the source",
        "Fetching and archiving",
        "Fetching the page and archiving its text…",
    ),
    JobKind.EXPORT_REPORT: Wording(
        "Writing the report",
        "Could not write the report",
        "Writing",
        "Writing the report…",
    ),
}
GENERIC_WORDING = Wording("Working on it", "It failed", "Running", "Working on it…")
UNREACHABLE = (
    "The background worker can’t be reached right now. Your request is saved and will start as soon as "
    "the worker is back; you can leave this page and come back later."
)


def _status_text(job: Job, wording: Wording) -> str:
    if job.status == JobStatus.QUEUED:
        waiting_to_retry = job.retry_at is not None and job.retry_at > timezone.now()
        if waiting_to_retry:
            # Why the last run failed and when the next starts, even if the broker is down meanwhile: the
            # sweeper hands the job over once that time has come.
            return job.retry_note
        if job.enqueued_at is None and settings.JOB_RUNNER == "celery":
            return UNREACHABLE
        if job.retry_at is not None:
            return job.retry_note
        if job.attempts:
            return (
                "The worker doing this stopped before it finished; it will be tried again "
                f"(attempt {job.attempts + 1} of {settings.JOB_MAX_ATTEMPTS})…"
            )
        return "Waiting for a worker to pick it up…"
    if job.status == JobStatus.RUNNING:
        if job.kind == JobKind.EXPORT_REPORT and job.result.get("total"):
            return (
                f"Writing the report: {job.result.get('done', 0):,} of {job.result['total']:,} claims read…"
            )
        return wording.running_text
    return "Done." if job.status == JobStatus.DONE else "It failed."


def _progress_steps(job: Job, wording: Wording | None = None) -> list[dict]:
    """Queued → running → done, each marked done, current or to come; a failure shows on the last step."""
    wording = wording or WORDING.get(job.kind, GENERIC_WORDING)
    order = [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE]
    labels = {JobStatus.QUEUED: JobStatus.QUEUED.label, JobStatus.RUNNING: wording.running_step}
    # A failed job got as far as running; its last step shows the failure.
    reached = len(order) - 1 if job.status == JobStatus.FAILED else order.index(job.status)
    steps = []
    for index, status in enumerate(order):
        state = "done" if index < reached else "current" if index == reached else "todo"
        label = labels.get(status, JobStatus.DONE.label)
        if job.status == JobStatus.FAILED and status == JobStatus.DONE:
            state, label = "failed", JobStatus.FAILED.label
        steps.append({"label": label, "state": state})
    return steps


def _progress(job: Job) -> dict:
    wording = WORDING.get(job.kind, GENERIC_WORDING)
    return {"wording": wording, "label": _status_text(job, wording), "steps": _progress_steps(job, wording)}


def _finished_redirect(request, job: Job):
    """Where a finished job sends the person who asked for it, with the outcome; None: stay on the page."""
    if job.status != JobStatus.DONE or not job.article_id:
        return None
    if job.kind == JobKind.INGEST_URL:
        if job.result.get("created", True):
            count = job.article.claims.count()
            messages.success(request, f"Added: {count} claim{'s' if count != 1 else ''}.")
        else:
            messages.info(request, "This article was already in the workbench.")
    elif job.kind == JobKind.REFETCH_ARTICLE and job.result:
        report_resplit(request, ResplitOutcome(**job.result))
    return redirect("article_detail", pk=job.article_id)


def _download_url(job: Job) -> str | None:
    """A finished export's file, to download."""
    if job.kind == JobKind.EXPORT_REPORT and job.status == JobStatus.DONE and job.result.get("file"):
        return reverse("export_download", args=[job.pk])
    return None


@login_required
@require_GET
def job_status(request, pk: int):
    job = get_object_or_404(Job.objects.select_related("article"), pk=pk)
    # Someone else's job is not found rather than forbidden: its URL says nothing to them.
    if job.created_by_id != request.user.pk and not request.user.is_staff:
        raise Http404
    progress = _progress(job)
    article_url = reverse("article_detail", args=[job.article_id]) if job.article_id else None
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "label": progress["label"],
                "steps": progress["steps"],
                "error": job.error,
                "retry_at": job.retry_at.isoformat() if job.retry_at else None,
                "article_url": article_url,
                "download_url": _download_url(job),
            }
        )
    if (response := _finished_redirect(request, job)) is not None:
        return response
    response = render(
        request,
        "claims/job.html",
        {
            "job": job,
            "finished": job.is_finished,
            "refresh_seconds": REFRESH_SECONDS,
            **progress,
            "url_form": UrlForm(initial={"url": job.url}) if job.kind == JobKind.INGEST_URL else None,
            "poll_url": f"{request.path}?format=json",
            "download_url": _download_url(job),
        },
    )
    if not job.is_finished:
        # Also as a header, which browsers honour wherever the page puts its <meta>.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response
