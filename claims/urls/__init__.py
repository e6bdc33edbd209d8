"""Browser routes, one module per area of the workbench."""

from django.urls import include, path

urlpatterns = [
    path("", include("claims.urls.articles")),
    path("", include("claims.urls.reading")),
    path("", include("claims.urls.claims")),
    path("", include("claims.urls.evidence")),
    path("", include("claims.urls.verdicts")),
    path("", include("claims.urls.coverage")),
    path("", include("claims.urls.feeds")),
    path("", include("claims.urls.imports")),
    path("", include("claims.urls.partners")),
    path("", include("claims.urls.public")),
    path("", include("claims.urls.exports")),
]
