"""The public fact-check pages (no sign-in): index, one page per published verdict, Atom feed, DataFeed."""

from django.urls import path

from claims.views import public

urlpatterns = [
    path("fact-checks/", public.public_index, name="public_index"),
    path("fact-checks/feed.atom", public.public_feed, name="public_feed"),
    path("fact-checks/claimreview.json", public.public_claimreview_feed, name="public_claimreview_feed"),
    path("fact-checks/<int:verdict_id>/", public.public_verdict, name="public_verdict"),
]
