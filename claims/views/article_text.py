"""Editors correct an article's text or fetch it again; its claims are re-split without losing work.

A correction is saved at once. Fetching again is a background job: the editor watches its progress page,
which sends them back to the article with the same report a correction gives.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from claims.editing import person_name
from claims.errors import InputRejected
from claims.models import Article
from claims.services import articles as services


class CorrectTextForm(forms.Form):
    text = forms.CharField(strip=False)
    text_revision = forms.IntegerField(min_value=1)


def report_resplit(request, outcome) -> None:
    parts = [f"{outcome.kept} claims kept in place"]
    if outcome.changed:
        parts.append(f"{outcome.changed} flagged because their words changed")
    if outcome.lost:
        parts.append(f"{outcome.lost} no longer found (kept with their work)")
    if outcome.added or outcome.removed:
        parts.append(f"{outcome.added} new, {outcome.removed} untouched ones replaced")
    messages.success(request, "Text updated: " + "; ".join(parts) + ".")


@login_required
@permission_required("claims.change_article", raise_exception=True)
@require_POST
def article_correct_text(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    form = CorrectTextForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The corrected text could not be read; nothing was changed.")
        return redirect("article_detail", pk=pk)
    try:
        outcome = services.article_correct_text(
            article=article,
            text=form.cleaned_data["text"],
            user=request.user,
            expected_revision=form.cleaned_data["text_revision"],
        )
    except InputRejected as refused:
        messages.error(request, refused.message)
    else:
        report_resplit(request, outcome)
    return redirect("article_detail", pk=pk)


@login_required
@permission_required("claims.change_article", raise_exception=True)
@require_POST
def article_refetch(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    try:
        job = services.article_refetch_start(article=article, user=request.user)
    except InputRejected as refused:
        messages.error(request, refused.message)
        return redirect("article_detail", pk=pk)
    if job.created_by_id != request.user.pk:
        # Someone else asked first and it has not finished yet: theirs will bring the new text.
        who = person_name(job.created_by)
        messages.info(request, f"{who} is already fetching this article again; reload it in a moment.")
        return redirect("article_detail", pk=pk)
    return redirect("job_status", pk=job.pk)
