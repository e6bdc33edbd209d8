"""The article list and the page for adding an article (paste, upload or URL; a URL becomes a job)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from claims.errors import InputRejected
from claims.forms.articles import (
    METHOD_PASTE,
    METHOD_UPLOAD,
    METHOD_URL,
    ArticleFilterForm,
    PasteForm,
    UploadForm,
    UrlForm,
)
from claims.selectors import articles as selectors
from claims.services.ingest import article_ingest_text, article_ingest_upload
from claims.services.jobs import ingestion_job_start

PAGE_SIZE = 25


@login_required
@permission_required("claims.view_article", raise_exception=True)
@require_GET
def article_list(request):
    form = ArticleFilterForm(request.GET)
    form.is_valid()  # invalid fields are shown with their error and left out of the filter
    filters = form.filters()
    page = Paginator(selectors.article_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/article_list.html",
        {
            "form": form,
            "page_obj": page,
            "articles": page.object_list,
            "filtered": any(filters.values()),
            "publisher_names": selectors.publisher_names(),
        },
    )


def _added_message(request, outcome) -> None:
    if outcome.created:
        count = outcome.article.claims.count()
        messages.success(request, f"Added: {count} claim{'s' if count != 1 else ''}.")
    else:
        messages.info(request, "This article was already in the workbench.")


def _render_create(request, *, active: str = "", status: int = 200, error: str = "", **forms):
    # One tab is always selected: a missing or unknown ?method= shows the first one.
    if active not in (METHOD_PASTE, METHOD_UPLOAD, METHOD_URL):
        active = METHOD_PASTE
    context = {
        "paste_form": forms.get("paste_form") or PasteForm(),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "url_form": forms.get("url_form") or UrlForm(),
        "active": active,
        "error": error,
    }
    # The form that was sent: its errors are summed up at the top of the page, where they are seen.
    context["active_form"] = context[f"{active}_form"]
    return render(request, "claims/article_form.html", context, status=status)


@login_required
@permission_required("claims.add_article", raise_exception=True)
@require_http_methods(["GET", "POST"])
def article_create(request):
    if request.method == "GET":
        return _render_create(request, active=request.GET.get("method", ""))
    method = request.POST.get("method")
    if method == METHOD_UPLOAD:
        return _create_from_upload(request)
    if method == METHOD_URL:
        return _create_from_url(request)
    return _create_from_paste(request)


def _create_from_paste(request):
    form = PasteForm(request.POST)
    if not form.is_valid():
        return _render_create(request, active=METHOD_PASTE, status=400, paste_form=form)
    data = form.cleaned_data
    try:
        outcome = article_ingest_text(
            text=data["text"],
            user=request.user,
            title=data["title"],
            url=data["url"],
            published_at=data["published_at"],
        )
    except InputRejected as refused:
        return _render_create(
            request, active=METHOD_PASTE, status=400, error=refused.message, paste_form=form
        )
    _added_message(request, outcome)
    return redirect("article_detail", pk=outcome.article.pk)


def _create_from_upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_create(request, active=METHOD_UPLOAD, status=400, upload_form=form)
    filename, data = form.read_file()
    try:
        outcome = article_ingest_upload(
            filename=filename, data=data, user=request.user, title=form.cleaned_data["title"]
        )
    except InputRejected as refused:
        return _render_create(
            request, active=METHOD_UPLOAD, status=400, error=refused.message, upload_form=form
        )
    _added_message(request, outcome)
    return redirect("article_detail", pk=outcome.article.pk)


def _create_from_url(request):
    form = UrlForm(request.POST)
    if not form.is_valid():
        return _render_create(request, active=METHOD_URL, status=400, url_form=form)
    try:
        job = ingestion_job_start(url=form.cleaned_data["url"], user=request.user)
    except InputRejected as refused:
        return _render_create(request, active=METHOD_URL, status=400, error=refused.message, url_form=form)
    # Saved even when the broker is down: the progress page (claims/views/jobs.py) says so, never a 500.
    return redirect("job_status", pk=job.pk)
