"""The partners pages, for admins: the partners of the API, a new partner, a partner's keys, issuing a key
(its page shows the key once) and revoking one.

Admins are staff, or people whose role holds the "change partner" permission (the admin role's). The same
rule decides whether the top bar links here (templates/base.html).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.errors import InputRejected
from claims.forms.partners import ApiKeyForm, PartnerForm
from claims.models import Partner, PartnerAPIKey
from claims.selectors import partners as selectors
from claims.services import partners as services

MANAGE_PERMISSION = "claims.change_partner"


def can_manage_partners(user) -> bool:
    return user.is_active and (user.is_staff or user.has_perm(MANAGE_PERMISSION))


def partner_admin_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_manage_partners(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@partner_admin_required
@require_GET
def partner_list(request):
    return render(request, "claims/partners/partner_list.html", {"partners": selectors.partner_list()})


@partner_admin_required
@require_http_methods(["GET", "POST"])
def partner_create(request):
    if request.method == "GET":
        return render(request, "claims/partners/partner_form.html", {"form": PartnerForm()})
    form = PartnerForm(request.POST)
    if form.is_valid():
        try:
            partner = services.partner_create(
                name=form.cleaned_data["name"], contact_email=form.cleaned_data["contact_email"]
            )
        except InputRejected as refused:
            form.add_error("name", refused.message)
        else:
            messages.success(request, f"Added {partner.name}. Issue its first key below.")
            return redirect("partner_detail", pk=partner.pk)
    return render(request, "claims/partners/partner_form.html", {"form": form}, status=400)


def _detail(request, pk: int, *, key_form: ApiKeyForm | None = None, status: int = 200):
    context = selectors.partner_detail(pk=pk)
    if context is None:
        raise Http404
    return render(
        request,
        "claims/partners/partner_detail.html",
        {**context, "key_form": key_form or ApiKeyForm()},
        status=status,
    )


@partner_admin_required
@require_GET
def partner_detail(request, pk: int):
    return _detail(request, pk)


@partner_admin_required
@require_POST
@never_cache  # the answer holds the key itself: no cache may keep it
def api_key_create(request, pk: int):
    partner = get_object_or_404(Partner, pk=pk)
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            key, raw_key = services.api_key_create(
                partner=partner,
                name=data["name"],
                scopes=data["scopes"],
                expires_days=data["expires_days"],
                user=request.user,
            )
        except InputRejected as refused:
            form.add_error(None, refused.message)
        else:
            # Rendered, not redirected to: the key is nowhere but in this answer.
            return render(
                request,
                "claims/partners/key_created.html",
                {"partner": partner, "key": key, "raw_key": raw_key},
            )
    return _detail(request, pk, key_form=form, status=400)


@partner_admin_required
@require_POST
def api_key_revoke(request, pk: int, prefix: str):
    key = get_object_or_404(PartnerAPIKey, partner_id=pk, prefix=prefix)
    if key.revoked:
        messages.info(request, f"The key {key.prefix}… ({key.name}) was revoked already.")
    else:
        services.api_key_revoke(key=key, user=request.user)
        messages.success(request, f"Revoked the key {key.prefix}… ({key.name}): it is refused from now on.")
    return redirect("partner_detail", pk=pk)
