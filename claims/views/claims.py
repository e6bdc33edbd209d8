"""Reviewers' edits to claims: each is a form, one service call, and a redirect back to the claim.

A refused edit shows its message and changes nothing; an edit that lost a race (EditConflict) gets a 409
page showing the other person's change next to the one that was not saved, with a form to apply it again
(`claims/views/editing.py`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from claims.choices import ClaimantKind, ClaimStatus
from claims.editing import person_name
from claims.errors import InputRejected
from claims.forms import claims as forms
from claims.models import Article
from claims.services import claim_editing as services
from claims.views.common import claim_redirect
from claims.views.editing import ClaimEdit, claim_edit_view, form_errors


def _status_label(value: str) -> str:
    return ClaimStatus(value).label if value in ClaimStatus.values else value


def _assignee_label(user) -> str:
    return person_name(user) if user is not None else "nobody"


@login_required
@permission_required("claims.add_claim", raise_exception=True)
@require_POST
def claim_create(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    form = forms.ClaimSelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The claim was not made: {form_errors(form)}")
        return redirect("article_detail", article.pk)
    try:
        claim = services.claim_create_from_selection(article=article, user=request.user, **form.cleaned_data)
    except InputRejected as error:
        messages.error(request, f"The claim was not made: {error.message}")
        return redirect("article_detail", article.pk)
    messages.success(request, "Claim made from your selection.")
    return claim_redirect(claim)


def _dismiss(request, claim, data):
    services.claim_dismiss(
        claim=claim,
        reason=data["reason"],
        not_checkworthy=data["not_checkworthy"],
        user=request.user,
        expected_version=data["version"],
    )
    if data["not_checkworthy"]:
        return "Claim dismissed as not check-worthy: the check-worthiness model learns from this.", claim
    return "Claim dismissed.", claim


claim_dismiss = claim_edit_view(
    ClaimEdit(
        url_name="claim_dismiss",
        title="Dismiss the claim",
        form_class=forms.DismissForm,
        apply=_dismiss,
        rows=lambda current, claim, data: [
            ("Status", _status_label(current.status), "Dismissed"),
            ("Reason", current.dismissed_reason, data["reason"] or "Not check-worthy."),
        ],
    )
)


def _restore(request, claim, data):
    services.claim_restore(claim=claim, user=request.user, expected_version=data["version"])
    return "Claim restored.", claim


claim_restore = claim_edit_view(
    ClaimEdit(
        url_name="claim_restore",
        title="Restore the claim",
        form_class=forms.RestoreForm,
        apply=_restore,
        rows=lambda current, claim, data: [("Status", _status_label(current.status), "Restored")],
    )
)


def _merge(request, claim, data):
    merged = services.claim_merge(
        claim=claim,
        other=data.get("other"),
        direction=data.get("direction"),
        user=request.user,
        expected_version=data["version"],
        other_version=data.get("other_version"),
    )
    return "Claims merged.", merged


claim_merge = claim_edit_view(
    ClaimEdit(
        url_name="claim_merge",
        title="Merge the claims",
        form_class=forms.MergeForm,
        apply=_merge,
        rows=lambda current, claim, data: [
            ("Text", current.text, f"{claim.text} + the {data.get('direction') or 'other'} claim")
        ],
    )
)


def _split(request, claim, data):
    first, second = services.claim_split(
        claim=claim, at=data["at"], user=request.user, expected_version=data["version"]
    )
    return f"Claim split in two; the second part starts “{second.text[:60]}”.", first


def _split_rows(current, claim, data):
    text, at = claim.article.text, data["at"]
    return [("Text", current.text, f"{text[claim.start : at].strip()} ‖ {text[at : claim.end].strip()}")]


claim_split = claim_edit_view(
    ClaimEdit(
        url_name="claim_split",
        title="Split the claim",
        form_class=forms.SplitForm,
        apply=_split,
        rows=_split_rows,
        form_kwargs=lambda claim: {"claim": claim},
    )
)


def _reword(request, claim, data):
    services.claim_reword(
        claim=claim,
        normalised_text=data["normalised_text"],
        claimant=data["claimant"],
        claimant_kind=data["claimant_kind"],
        user=request.user,
        expected_version=data["version"],
    )
    return "Wording and claimant saved.", claim


claim_reword = claim_edit_view(
    ClaimEdit(
        url_name="claim_reword",
        title="Reword the claim",
        form_class=forms.RewordForm,
        apply=_reword,
        rows=lambda current, claim, data: [
            ("Normalised wording", current.normalised_text, data["normalised_text"]),
            ("Claimant", current.claimant, data["claimant"]),
            (
                "The claimant is",
                current.get_claimant_kind_display(),
                ClaimantKind(data["claimant_kind"]).label if data["claimant_kind"] else "",
            ),
        ],
    )
)


def _assign(request, claim, data):
    assignee = data["assignee"]
    services.claim_assign(claim=claim, assignee=assignee, user=request.user, expected_version=data["version"])
    return (f"Claim assigned to {person_name(assignee)}." if assignee else "Claim unassigned."), claim


claim_assign = claim_edit_view(
    ClaimEdit(
        url_name="claim_assign",
        title="Assign the claim",
        form_class=forms.AssignForm,
        apply=_assign,
        rows=lambda current, claim, data: [
            ("Assigned to", _assignee_label(current.assignee), _assignee_label(data["assignee"]))
        ],
    )
)
