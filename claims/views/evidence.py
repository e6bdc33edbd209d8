"""Citing sources for a claim, the archived copy of a source, and withdrawing evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from claims.choices import SourceFetchStatus, Stance
from claims.errors import EditConflict, InputRejected
from claims.forms.evidence import MODE_MANUAL, MODE_URL, EvidenceDeleteForm, EvidenceEditForm, EvidenceForm
from claims.models import Claim, Evidence
from claims.selectors.sources import source_archive
from claims.services import evidence as services
from claims.views.common import claim_redirect
from claims.views.editing import conflict_response


def _render_form(request, claim: Claim, form: EvidenceForm, *, status: int = 200, error: str = ""):
    return render(
        request, "claims/evidence_form.html", {"claim": claim, "form": form, "error": error}, status=status
    )


@login_required
@permission_required("claims.add_evidence", raise_exception=True)
@require_http_methods(["GET", "POST"])
def evidence_create(request, pk: int):
    """GET: the full form. POST: from it or from the panel's compact form; a refusal keeps what was typed."""
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    if request.method == "GET":
        mode = MODE_MANUAL if request.GET.get("mode") == MODE_MANUAL else MODE_URL
        return _render_form(request, claim, EvidenceForm(initial={"mode": mode}))

    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return _render_form(request, claim, form, status=400)
    data = form.cleaned_data
    common = {
        "claim": claim,
        "stance": data["stance"],
        "excerpt": data["excerpt"],
        "note": data["note"],
        "user": request.user,
    }
    try:
        if data["mode"] == MODE_URL:
            evidence = services.evidence_add_from_url(url=data["url"], **common)
        else:
            evidence = services.evidence_add_manual(
                title=data["title"],
                publisher=data["publisher"],
                published_at=data["published_at"],
                url=data["url"],
                archived_text=data["archived_text"],
                **common,
            )
    except InputRejected as refused:
        return _render_form(request, claim, form, status=400, error=refused.message)
    if evidence.source.fetch_status == SourceFetchStatus.PENDING:
        messages.success(
            request, "Source added. Its page is being fetched and archived; the excerpt is checked then."
        )
    else:
        messages.success(request, "Source added.")
    return claim_redirect(claim)


@login_required
@permission_required("claims.view_source", raise_exception=True)
def source_detail(request, pk: int):
    """The archived copy of a source, with one evidence's excerpt highlighted when asked (?evidence=ID)."""
    wanted = request.GET.get("evidence", "")
    page = source_archive(source_id=pk, evidence_id=int(wanted) if wanted.isdigit() else None)
    if page is None:
        raise Http404("No such source.")
    return render(request, "claims/source_detail.html", page)


@login_required
@permission_required("claims.change_evidence", raise_exception=True)
@require_http_methods(["GET", "POST"])
def evidence_edit(request, pk: int):
    """GET: the evidence's stance, excerpt and note in a form. POST: save them; a conflict is a 409."""
    evidence = get_object_or_404(Evidence.objects.select_related("claim__article", "source"), pk=pk)
    if request.method == "GET":
        form = EvidenceEditForm(
            initial={f: getattr(evidence, f) for f in ("stance", "excerpt", "note", "version")}
        )
        return _render_edit(request, evidence, form)
    form = EvidenceEditForm(request.POST)
    if not form.is_valid():
        return _render_edit(request, evidence, form, status=400)
    data = form.cleaned_data
    try:
        services.evidence_edit(
            evidence=evidence,
            stance=data["stance"],
            excerpt=data["excerpt"],
            note=data["note"],
            user=request.user,
            expected_version=data["version"],
        )
    except EditConflict as conflict:
        current = conflict.current
        return conflict_response(
            request,
            conflict,
            claim=current.claim,
            title="Change the evidence",
            rows=[
                ("Stance", current.get_stance_display(), dict(Stance.choices)[data["stance"]]),
                ("Excerpt", current.excerpt, data["excerpt"]),
                ("Note", current.note, data["note"]),
            ],
            form=EvidenceEditForm(initial=data),
            action_url=reverse("evidence_edit", args=[current.pk]),
        )
    except InputRejected as refused:
        return _render_edit(request, evidence, form, status=400, error=refused.message)
    messages.success(request, "Evidence updated.")
    return claim_redirect(evidence.claim)


def _render_edit(request, evidence: Evidence, form, *, status: int = 200, error: str = ""):
    return render(
        request,
        "claims/evidence_edit.html",
        {"evidence": evidence, "claim": evidence.claim, "form": form, "error": error},
        status=status,
    )


@login_required
@permission_required("claims.delete_evidence", raise_exception=True)
@require_POST
def evidence_delete(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.select_related("claim__article", "source"), pk=pk)
    form = EvidenceDeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The evidence was not removed: reload the claim and try again.")
        return claim_redirect(evidence.claim)
    try:
        services.evidence_delete(
            evidence=evidence, user=request.user, expected_version=form.cleaned_data["version"]
        )
    except EditConflict as conflict:
        current = conflict.current
        return conflict_response(
            request,
            conflict,
            claim=current.claim,
            title="Remove the evidence",
            rows=[
                ("Cited for", current.claim.text, evidence.claim.text),
                ("Stance", current.get_stance_display(), "Removed"),
            ],
            form=EvidenceDeleteForm(initial={"version": current.version}),
            action_url=reverse("evidence_delete", args=[current.pk]),
        )
    except InputRejected as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Evidence removed.")
    return claim_redirect(evidence.claim)
