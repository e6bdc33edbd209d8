"""Exporting reports from the browser: the export page (a format and a selection), the export buttons'
target, and the download of a finished background export.

A small export is written straight into the response (streamed: CSV, JSON, Markdown and ClaimReview in
flat memory); one of more than settings.EXPORT_BACKGROUND_THRESHOLD claims becomes a background job, whose
page shows its progress and then the download link.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from claims import exports
from claims.errors import InputRejected
from claims.forms.exports import ExportForm
from claims.models import Article, Job
from claims.services.exports import (
    EXPORT_PERMISSION,
    export_file,
    export_filename,
    export_prepare,
    export_start,
)


@login_required
@permission_required(EXPORT_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def export_report(request):
    if request.method == "GET":
        form = ExportForm(initial={"format": "pdf", **request.GET.dict()})
        return _page(request, form)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    selection, fmt = form.selection(), form.cleaned_data["format"]
    with_drafts = form.cleaned_data["with_drafts"]
    if selection.article_id is not None and not Article.objects.filter(pk=selection.article_id).exists():
        raise Http404
    try:
        plan = export_prepare(user=request.user, fmt=fmt, selection=selection, with_drafts=with_drafts)
        if plan.in_background:
            job = export_start(user=request.user, fmt=fmt, selection=selection, with_drafts=with_drafts)
            messages.info(request, f"{plan.count:,} claims: the report is being written in the background.")
            return redirect("job_status", pk=job.pk)
    except InputRejected as refused:
        form.add_error(None, refused.message)
        return _page(request, form, status=400)
    module = exports.format_module(fmt)
    report = exports.build_report(user=request.user, selection=selection, with_drafts=with_drafts)
    response = StreamingHttpResponse(module.render(report), content_type=module.CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(fmt=fmt, selection=selection)}"'
    )
    return response


def _page(request, form, status: int = 200):
    article_id = form["article"].value()
    article = Article.objects.filter(pk=article_id).first() if str(article_id or "").isdigit() else None
    context = {"form": form, "article": article, "threshold": f"{settings.EXPORT_BACKGROUND_THRESHOLD:,}"}
    return render(request, "claims/export.html", context, status=status)


@login_required
@require_GET
def export_download(request, pk: int):
    job = get_object_or_404(Job, pk=pk)
    opened = export_file(job=job, user=request.user)
    if opened is None:
        raise Http404
    return FileResponse(
        opened,
        as_attachment=True,
        filename=job.result.get("filename", "report"),
        content_type=job.result.get("content_type"),
    )
