from django.urls import path

from claims.views import claims

urlpatterns = [
    path("articles/<int:pk>/claims/new/", claims.claim_create, name="claim_create"),
]
