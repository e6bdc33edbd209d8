"""Editors importing outside fact-checks (ClaimReview) from files."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from claims.forms.imports import ClaimReviewUploadForm
from claims.services.claimreviews import claimreviews_import

ERRORS_SHOWN = 200


@login_required
@permission_required("claims.import_factchecks", raise_exception=True)
@require_http_methods(["GET", "POST"])
def claimreview_import(request):
    if request.method == "GET":
        return render(request, "claims/claimreview_import.html", {"form": ClaimReviewUploadForm()})
    form = ClaimReviewUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "claims/claimreview_import.html", {"form": form}, status=400)
    summary = claimreviews_import(files=form.import_files())
    context = {
        "form": ClaimReviewUploadForm(),
        "summary": summary,
        "errors_shown": summary.errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(summary.errors) - ERRORS_SHOWN),
    }
    return render(request, "claims/claimreview_import.html", context)
