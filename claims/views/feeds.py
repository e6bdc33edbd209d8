"""The feeds pages: the list, registering a feed, a feed's page (its health, its items, its settings) and
"Poll now". Reviewers may look; editors register, change and poll."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.errors import InputRejected
from claims.forms.feeds import FeedForm
from claims.models import Feed
from claims.selectors import feeds as selectors
from claims.services import feeds as services

PAGE_SIZE = 50


@login_required
@permission_required("claims.view_feed", raise_exception=True)
@require_GET
def feed_list(request):
    page = Paginator(selectors.feed_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "claims/feeds/feed_list.html", {"page_obj": page, "rows": selectors.with_health(page)}
    )


@login_required
@permission_required("claims.add_feed", raise_exception=True)
@require_http_methods(["GET", "POST"])
def feed_create(request):
    if request.method == "GET":
        return render(request, "claims/feeds/feed_form.html", {"form": FeedForm()})
    form = FeedForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            feed = services.feed_register(
                url=data["url"],
                name=data["name"],
                poll_minutes=data["poll_minutes"],
                active=data["active"],
                fetch_pages=data["fetch_pages"],
                user=request.user,
                poll_now=data["active"],
            )
        except InputRejected as refused:
            form.add_error("url", refused.message)
        else:
            polled = " Its first poll is on its way; this page shows the outcome." if feed.active else ""
            messages.success(request, f"Registered “{feed.name}”.{polled}")
            return redirect("feed_detail", pk=feed.pk)
    return render(request, "claims/feeds/feed_form.html", {"form": form}, status=400)


def _detail(request, pk: int, *, form: FeedForm | None = None, status: int = 200):
    context = selectors.feed_detail(pk=pk)
    if context is None:
        raise Http404
    if form is None and request.user.has_perm("claims.change_feed"):
        form = FeedForm.for_feed(context["feed"])
    return render(request, "claims/feeds/feed_detail.html", {**context, "form": form}, status=status)


@login_required
@permission_required("claims.view_feed", raise_exception=True)
@require_GET
def feed_detail(request, pk: int):
    return _detail(request, pk)


@login_required
@permission_required("claims.change_feed", raise_exception=True)
@require_POST
def feed_edit(request, pk: int):
    feed = get_object_or_404(Feed, pk=pk)
    form = FeedForm.for_feed(feed, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.feed_update(
                feed=feed,
                url=data["url"],
                name=data["name"],
                poll_minutes=data["poll_minutes"],
                active=data["active"],
                fetch_pages=data["fetch_pages"],
            )
        except InputRejected as refused:
            form.add_error("url", refused.message)  # the form checked the rest; what is left is the address
        else:
            messages.success(request, "Saved.")
            return redirect("feed_detail", pk=pk)
    return _detail(request, pk, form=form, status=400)


@login_required
@permission_required("claims.change_feed", raise_exception=True)
@require_POST
def feed_poll_now(request, pk: int):
    feed = get_object_or_404(Feed, pk=pk)
    services.feed_poll_submit(feed=feed, user=request.user)
    messages.info(request, "A poll is on its way; reload this page in a moment to see what it brought.")
    return redirect("feed_detail", pk=pk)
