"""The article reading view: full text with every claim in place, and the selected claim's side panel."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from claims.models import Claim
from claims.selectors import history
from claims.selectors import reading as selectors
from claims.views.common import claim_redirect, is_fragment_request


@login_required
@permission_required("claims.view_article", raise_exception=True)
def article_detail(request, pk: int):
    found = selectors.article_for_reading(article_id=pk)
    if found is None:
        raise Http404("No such article.")
    article, claims = found
    for claim in claims:
        claim.article = article  # the panel and templates reach for it; it is loaded already
    selected_id = request.GET.get("claim")
    panel = None
    if selected_id and selected_id.isdigit():
        panel = selectors.claim_panel_data(
            claim_id=int(selected_id), article_claims=claims, with_history=False
        )
        if panel and panel["claim"].article_id != article.pk:
            panel = None
    return render(
        request,
        "claims/article_detail.html",
        {
            "article": article,
            "claims": claims,
            "segments": selectors.article_segments(article.text, claims),
            "lost_claims": [c for c in claims if c.anchor_state == "lost"],
            **(panel or {}),
        },
    )


@login_required
@permission_required("claims.view_claim", raise_exception=True)
def claim_history(request, pk: int):
    """A claim's history: loaded into the panel when opened, or a page of its own without script."""
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    template = "claims/panel/_history.html" if is_fragment_request(request) else "claims/claim_history.html"
    return render(request, template, {"claim": claim, "history": history.claim_history(claim)})


@login_required
@permission_required("claims.view_claim", raise_exception=True)
def claim_panel(request, pk: int):
    """The side panel alone when the page asks for it; otherwise the article page with the claim selected."""
    panel = selectors.claim_panel_data(claim_id=pk)
    if panel is None:
        raise Http404("No such claim.")
    if is_fragment_request(request):
        return render(request, "claims/claim_panel.html", panel)
    return claim_redirect(panel["claim"])
