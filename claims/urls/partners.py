from django.urls import path

from claims.views import partners

urlpatterns = [
    path("partners/", partners.partner_list, name="partner_list"),
    path("partners/new/", partners.partner_create, name="partner_create"),
    path("partners/<int:pk>/", partners.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/keys/", partners.api_key_create, name="api_key_create"),
    path("partners/<int:pk>/keys/<str:prefix>/revoke/", partners.api_key_revoke, name="api_key_revoke"),
]
