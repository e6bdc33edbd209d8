"""Writing a verdict, its editorial review (approve or return), new revisions, and the claim's discussion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_POST

from claims.editing import person_name
from claims.errors import EditConflict, InputRejected
from claims.forms.verdicts import ACTION_SUBMIT, CommentForm, ReturnForm, ReviewForm, VerdictForm
from claims.lifecycle import verdict_writable
from claims.models import Claim, Verdict
from claims.selectors.reading import claim_verdicts
from claims.services import comments as comment_services
from claims.services import verdicts as services
from claims.views.common import claim_redirect


def _render_page(
    request,
    claim: Claim,
    *,
    form=None,
    status: int = 200,
    error: str = "",
    conflict: EditConflict | None = None,
) -> HttpResponse:
    context = {"claim": claim, **claim_verdicts(claim=claim)}
    open_verdict, published = context["open_verdict"], context["published_verdict"]
    editable = verdict_writable(
        claim_status=claim.status,
        open_verdict_status=open_verdict.status if open_verdict else None,
        has_published=published is not None,
    )
    if form is None and editable:
        initial = {}
        if open_verdict:
            initial = {
                "rating": open_verdict.rating_id,
                "summary": open_verdict.summary,
                "rationale": open_verdict.rationale,
                "version": open_verdict.version,
            }
        form = VerdictForm(initial=initial)
    conflict_verdict = None
    if conflict is not None:
        # The same row from the page's own query, with its rating and people loaded.
        current = conflict.current
        conflict_verdict = next((v for v in context["verdicts"] if v.pk == current.pk), current)
    context.update(
        form=form,
        editable=editable,
        # After a refusal the form always comes back, so nothing the person typed is lost.
        show_form=form is not None and (editable or conflict is not None or status == 400),
        error=error,
        conflict=conflict.message if conflict else "",
        conflict_verdict=conflict_verdict,
    )
    return render(request, "claims/verdict_form.html", context, status=status)


@login_required
@permission_required(["claims.add_verdict", "claims.change_verdict"], raise_exception=True)
@require_http_methods(["GET", "POST"])
def verdict_edit(request, pk: int):
    """GET: the full form for the open revision, or for a first draft. POST: save, or save and submit.

    The panel's compact form posts here too. A refusal re-renders the form with what the person typed;
    a conflict (409) shows the other person's version beside it, with the hidden version moved on to
    theirs, so the person can reconcile and save again.
    """
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    if request.method == "GET":
        return _render_page(request, claim)

    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _render_page(request, claim, form=form, status=400)
    data = form.cleaned_data
    submit = data["action"] == ACTION_SUBMIT
    try:
        # "Submit for review" saves the latest text and submits it in one step: both happen or neither.
        with transaction.atomic():
            verdict = services.verdict_save(
                claim=claim,
                rating=data["rating"],
                summary=data["summary"],
                rationale=data["rationale"],
                user=request.user,
                expected_version=data["version"],
            )
            if submit:
                verdict = services.verdict_submit(
                    verdict=verdict, user=request.user, expected_version=verdict.version
                )
    except EditConflict as conflict:
        unsaved = request.POST.copy()
        unsaved["version"] = str(conflict.current.version)
        return _render_page(request, claim, form=VerdictForm(unsaved), status=409, conflict=conflict)
    except InputRejected as refused:
        return _render_page(request, claim, form=form, status=400, error=refused.message)
    if submit:
        messages.success(request, f"Revision {verdict.revision} submitted for review.")
    else:
        messages.success(request, f"Draft of revision {verdict.revision} saved.")
    return claim_redirect(claim)


def _form_refused(request, claim: Claim, form) -> HttpResponse:
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    messages.error(request, errors[0] if errors else "The form was incomplete: reload and try again.")
    return claim_redirect(claim)


def _review_refused(request, claim: Claim, refused: InputRejected) -> HttpResponse:
    """A conflict shows the verdict as it now stands (409); refusing this person is a 403 that says why."""
    if isinstance(refused, EditConflict):
        return _render_page(request, claim, status=409, conflict=refused)
    if isinstance(refused, services.ReviewRefused):
        return _render_page(request, claim, status=403, error=refused.message)
    messages.error(request, refused.message)
    return claim_redirect(claim)


@login_required
@permission_required("claims.approve_verdict", raise_exception=True)
@require_POST
def verdict_approve(request, pk: int):
    verdict = get_object_or_404(Verdict.objects.select_related("claim"), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, verdict.claim, form)
    try:
        verdict = services.verdict_approve(
            verdict=verdict, user=request.user, expected_version=form.cleaned_data["version"]
        )
    except InputRejected as refused:
        return _review_refused(request, verdict.claim, refused)
    messages.success(request, f"Revision {verdict.revision} approved and published.")
    return claim_redirect(verdict.claim)


@login_required
@permission_required("claims.approve_verdict", raise_exception=True)
@require_POST
def verdict_return(request, pk: int):
    verdict = get_object_or_404(Verdict.objects.select_related("claim", "author"), pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, verdict.claim, form)
    try:
        verdict = services.verdict_return(
            verdict=verdict,
            user=request.user,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except InputRejected as refused:
        return _review_refused(request, verdict.claim, refused)
    messages.success(
        request,
        f"Revision {verdict.revision} returned to {person_name(verdict.author)} with your comment.",
    )
    return claim_redirect(verdict.claim)


@login_required
@permission_required("claims.add_verdict", raise_exception=True)
@require_POST
def verdict_revise(request, pk: int):
    """Start a new revision of a published verdict (pk is any revision of the claim's verdict)."""
    verdict = get_object_or_404(Verdict.objects.select_related("claim"), pk=pk)
    try:
        revision = services.verdict_revise(claim=verdict.claim, user=request.user)
    except InputRejected as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            f"Revision {revision.revision} started as a draft; the published verdict stays public until "
            "the new revision is approved.",
        )
    return claim_redirect(verdict.claim)


@login_required
@permission_required("claims.add_comment", raise_exception=True)
@require_POST
def comment_create(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, claim, form)
    try:
        comment_services.comment_add(claim=claim, author=request.user, body=form.cleaned_data["body"])
    except InputRejected as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Comment added.")
    return claim_redirect(claim)
