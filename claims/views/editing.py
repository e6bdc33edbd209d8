"""How every browser edit of a claim ends: a 409 page for a lost race, a message for a refusal, a redirect.

A claim edit view is declared as a `ClaimEdit`: its form, the service call, and what the conflict page
shows. `claim_edit_view` turns it into a view, so the try/except/409 logic exists once.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims.editing import last_change, person_name
from claims.errors import EditConflict, InputRejected
from claims.models import Claim
from claims.selectors.history import last_save_changes
from claims.views.common import claim_redirect


def form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def conflict_response(
    request, conflict: EditConflict, *, claim: Claim, title: str, rows, form=None, action_url: str = ""
) -> HttpResponse:
    """409: the row as it now stands beside what this person submitted, with a way to apply it again.

    `rows` are (label, now, yours) triples; `form` (with its version moved on to the current one) posts
    to `action_url` to re-apply the change.
    """
    who, when = last_change(conflict.current)
    if form is not None:
        form.initial["version"] = conflict.current.version
    return render(
        request,
        "claims/claim_conflict.html",
        {
            "claim": claim,
            "message": conflict.message,
            "who": person_name(who),
            "when": when,
            "title": title,
            "rows": rows,
            "their_changes": last_save_changes(conflict.current),
            "form": form,
            "action_url": action_url,
        },
        status=409,
    )


@dataclass(frozen=True)
class ClaimEdit:
    """One reviewer edit of a claim, as the browser does it."""

    url_name: str
    title: str  # "Dismiss the claim": the conflict page's heading
    form_class: type
    # (request, claim, cleaned data) -> (success message, claim to show); raises InputRejected/EditConflict.
    apply: Callable
    # (claim as it now stands, claim as the person saw it, cleaned data) -> rows for the conflict page.
    rows: Callable
    form_kwargs: Callable = field(default=lambda claim: {})  # extra form arguments, from the claim


def claim_edit_view(edit: ClaimEdit):
    @login_required
    @permission_required("claims.change_claim", raise_exception=True)
    @require_POST
    def view(request, pk: int):
        claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
        form = edit.form_class(request.POST, **edit.form_kwargs(claim))
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return claim_redirect(claim)
        data = form.cleaned_data
        try:
            success, shown = edit.apply(request, claim, data)
        except EditConflict as conflict:
            current = conflict.current
            return conflict_response(
                request,
                conflict,
                claim=current,
                title=edit.title,
                rows=edit.rows(current, claim, data),
                form=edit.form_class(initial=data, **edit.form_kwargs(current)),
                action_url=reverse(edit.url_name, args=[current.pk]),
            )
        except InputRejected as error:
            messages.error(request, error.message)
            return claim_redirect(claim)
        messages.success(request, success)
        return claim_redirect(shown)

    view.__name__ = edit.url_name
    return view
