"""Reviewers' edits to claims: each view validates a form, calls one service and redirects to the claim.

A refused edit shows its message and changes nothing; an edit that lost a race (EditConflict) gets a 409
page showing the other person's change next to the one that was not saved, with a form to apply it again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from claims.choices import ClaimStatus
from claims.errors import EditConflict, InputRejected
from claims.forms import claims as forms
from claims.models import Article, Claim
from claims.selectors.claim_editing import claim_neighbours
from claims.services import claim_editing as services
from claims.views.common import claim_redirect


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _refused(request, claim: Claim, message: str):
    messages.error(request, message)
    return claim_redirect(claim)


def _latest_changes(claim: Claim) -> list[dict]:
    """What the last save of the claim changed (field, old, new), from its history."""
    record = claim.history.first()
    previous = record.prev_record if record is not None else None
    if record is None or previous is None:
        return []
    delta = record.diff_against(previous, excluded_fields=["updated_at", "version", "reasons"])
    labels = {f.name: f.verbose_name for f in Claim._meta.get_fields() if hasattr(f, "verbose_name")}
    return [{"field": labels.get(c.field, c.field), "old": c.old, "new": c.new} for c in delta.changes]


def _conflict_response(request, conflict: EditConflict, *, action: str, title: str, rows, form):
    """409: the claim as it now stands beside what this person submitted, and a way to re-apply it."""
    current = conflict.current
    who, when = services.claim_last_change(current)
    form.initial["version"] = current.version
    return render(
        request,
        "claims/claim_conflict.html",
        {
            "claim": current,
            "who": who,
            "when": timezone.localtime(when) if when else None,
            "title": title,
            "rows": rows,
            "their_changes": _latest_changes(current),
            "form": form,
            "action_url": reverse(action, args=[current.pk]),
        },
        status=409,
    )


def _status_label(value: str) -> str:
    return ClaimStatus(value).label if value in ClaimStatus.values else value


@login_required
@permission_required("claims.add_claim", raise_exception=True)
@require_POST
def claim_create(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    back = redirect("article_detail", article.pk)
    form = forms.ClaimSelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The claim was not made: {_form_errors(form)}")
        return back
    try:
        claim = services.claim_create_from_selection(article=article, user=request.user, **form.cleaned_data)
    except InputRejected as error:
        messages.error(request, f"The claim was not made: {error.message}")
        return back
    messages.success(request, "Claim made from your selection.")
    return claim_redirect(claim)


@login_required
@permission_required("claims.change_claim", raise_exception=True)
@require_POST
def claim_dismiss(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = forms.DismissForm(request.POST)
    if not form.is_valid():
        return _refused(request, claim, _form_errors(form))
    data = form.cleaned_data
    try:
        services.claim_dismiss(
            claim=claim, reason=data["reason"], user=request.user, expected_version=data["version"]
        )
    except EditConflict as conflict:
        current = conflict.current
        rows = [
            ("Status", _status_label(current.status), "Dismissed"),
            ("Reason", current.dismissed_reason, data["reason"]),
        ]
        return _conflict_response(
            request,
            conflict,
            action="claim_dismiss",
            title="Dismiss the claim",
            rows=rows,
            form=forms.DismissForm(initial=data),
        )
    except InputRejected as error:
        return _refused(request, claim, error.message)
    messages.success(request, "Claim dismissed.")
    return claim_redirect(claim)


@login_required
@permission_required("claims.change_claim", raise_exception=True)
@require_POST
def claim_restore(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = forms.RestoreForm(request.POST)
    if not form.is_valid():
        return _refused(request, claim, _form_errors(form))
    try:
        services.claim_restore(claim=claim, user=request.user, expected_version=form.cleaned_data["version"])
    except EditConflict as conflict:
        rows = [("Status", _status_label(conflict.current.status), "Restored")]
        return _conflict_response(
            request,
            conflict,
            action="claim_restore",
            title="Restore the claim",
            rows=rows,
            form=forms.RestoreForm(initial=form.cleaned_data),
        )
    except InputRejected as error:
        return _refused(request, claim, error.message)
    messages.success(request, "Claim restored.")
    return claim_redirect(claim)


@login_required
@permission_required("claims.change_claim", raise_exception=True)
@require_POST
def claim_merge(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = forms.MergeForm(request.POST)
    if not form.is_valid():
        return _refused(request, claim, _form_errors(form))
    data = form.cleaned_data
    if data.get("other"):
        other = Claim.objects.filter(pk=data["other"]).first()
        if other is None:
            return _refused(
                request, claim, "The other claim no longer exists (it may have been merged already)."
            )
    else:
        other = claim_neighbours(claim=claim)[data["direction"]]
        if other is None:
            return _refused(
                request, claim, f"There is no {data['direction']} claim in this article to merge with."
            )
    try:
        merged = services.claim_merge(
            claim=claim,
            other=other,
            user=request.user,
            expected_version=data["version"],
            other_version=data.get("other_version"),
        )
    except EditConflict as conflict:
        rows = [("Text", conflict.current.text, f"{claim.text} + {other.text}")]
        return _conflict_response(
            request,
            conflict,
            action="claim_merge",
            title="Merge the claims",
            rows=rows,
            form=forms.MergeForm(initial={"other": other.pk, "version": data["version"]}),
        )
    except InputRejected as error:
        return _refused(request, claim, error.message)
    messages.success(request, "Claims merged.")
    return claim_redirect(merged)


@login_required
@permission_required("claims.change_claim", raise_exception=True)
@require_POST
def claim_split(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = forms.SplitForm(request.POST, claim=claim)
    if not form.is_valid():
        return _refused(request, claim, _form_errors(form))
    data = form.cleaned_data
    try:
        first, second = services.claim_split(
            claim=claim, at=data["at"], user=request.user, expected_version=data["version"]
        )
    except EditConflict as conflict:
        current = conflict.current
        at = data["at"]
        wanted = (
            f"{claim.article.text[claim.start : at].strip()} ‖ {claim.article.text[at : claim.end].strip()}"
        )
        rows = [("Text", current.text, wanted)]
        return _conflict_response(
            request,
            conflict,
            action="claim_split",
            title="Split the claim",
            rows=rows,
            form=forms.SplitForm(initial={"at": at, "version": data["version"]}, claim=current),
        )
    except InputRejected as error:
        return _refused(request, claim, error.message)
    messages.success(request, f"Claim split in two; the second part starts “{second.text[:60]}”.")
    return claim_redirect(first)


@login_required
@permission_required("claims.change_claim", raise_exception=True)
@require_POST
def claim_reword(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = forms.RewordForm(request.POST)
    if not form.is_valid():
        return _refused(request, claim, _form_errors(form))
    data = form.cleaned_data
    try:
        services.claim_reword(
            claim=claim,
            normalised_text=data["normalised_text"],
            user=request.user,
            expected_version=data["version"],
        )
    except EditConflict as conflict:
        rows = [("Normalised wording", conflict.current.normalised_text, data["normalised_text"])]
        return _conflict_response(
            request,
            conflict,
            action="claim_reword",
            title="Reword the claim",
            rows=rows,
            form=forms.RewordForm(initial=data),
        )
    except InputRejected as error:
        return _refused(request, claim, error.message)
    messages.success(request, "Normalised wording saved.")
    return claim_redirect(claim)


@login_required
@permission_required("claims.change_claim", raise_exception=True)
@require_POST
def claim_assign(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        return _refused(request, claim, _form_errors(form))
    data = form.cleaned_data
    assignee = data["assignee"]
    try:
        services.claim_assign(
            claim=claim, assignee=assignee, user=request.user, expected_version=data["version"]
        )
    except EditConflict as conflict:
        current = conflict.current
        rows = [
            (
                "Assigned to",
                services.person_name(current.assignee) if current.assignee else "nobody",
                services.person_name(assignee) if assignee else "nobody",
            )
        ]
        return _conflict_response(
            request,
            conflict,
            action="claim_assign",
            title="Assign the claim",
            rows=rows,
            form=forms.AssignForm(initial=data),
        )
    except InputRejected as error:
        return _refused(request, claim, error.message)
    messages.success(
        request, f"Claim assigned to {services.person_name(assignee)}." if assignee else "Claim unassigned."
    )
    return claim_redirect(claim)
