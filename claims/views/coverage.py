"""The claim panel's related coverage: the section alone (for the page to follow a job), accept or dismiss
a suggestion, and ask for suggestions again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from claims.choices import SuggestionUse
from claims.errors import InputRejected
from claims.models import Claim, Suggestion
from claims.selectors.coverage import claim_coverage
from claims.services import coverage as services
from claims.services import suggestions
from claims.views.common import claim_redirect, is_fragment_request


def _suggestion(pk: int) -> Suggestion:
    return get_object_or_404(Suggestion.objects.select_related("claim__article", "item"), pk=pk)


@login_required
@permission_required("claims.view_claim", raise_exception=True)
def coverage_section(request, pk: int):
    """The panel's related-coverage section alone, which the page polls while the claim's job is queued
    or running; without script the section comes with the panel, so an ordinary visit goes there."""
    # The section reads only these of the claim; the panel's own selector would load far more each poll.
    claim = get_object_or_404(Claim.objects.only("status", "article_id"), pk=pk)
    if not is_fragment_request(request):
        return claim_redirect(claim)
    return render(request, "claims/panel/_coverage.html", {"claim": claim, **claim_coverage(claim=claim)})


@login_required
@require_POST
def suggestion_accept(request, pk: int):
    suggestion = _suggestion(pk)
    use = request.POST.get("use", "")
    try:
        suggestions.suggestion_accept(
            suggestion=suggestion,
            use=use,
            stance=request.POST.get("stance", ""),
            note=request.POST.get("note", ""),
            user=request.user,
        )
    except InputRejected as refused:
        messages.error(request, refused.message)
    else:
        if use == SuggestionUse.SAME_CLAIM:
            messages.success(request, "Marked as the same claim as that fact-check.")
        else:
            messages.success(request, "Attached as evidence.")
    return claim_redirect(suggestion.claim)


@login_required
@require_POST
def suggestion_dismiss(request, pk: int):
    suggestion = _suggestion(pk)
    try:
        suggestions.suggestion_dismiss(suggestion=suggestion, user=request.user)
    except InputRejected as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Suggestion dismissed; it will not be suggested for this claim again.")
    return claim_redirect(suggestion.claim)


@login_required
@require_POST
def coverage_retry(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    services.coverage_suggest_retry(claim=claim, user=request.user)
    messages.success(request, "Looking for related coverage again.")
    return claim_redirect(claim)
