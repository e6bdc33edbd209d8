from django.urls import path

from claims.views import imports

urlpatterns = [
    path("imports/claimreviews/", imports.claimreview_import, name="claimreview_import"),
]
