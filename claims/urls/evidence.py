from django.urls import path

from claims.views import evidence

urlpatterns = [
    path("claims/<int:pk>/evidence/new/", evidence.evidence_create, name="evidence_create"),
    path("evidence/<int:pk>/edit/", evidence.evidence_edit, name="evidence_edit"),
    path("evidence/<int:pk>/delete/", evidence.evidence_delete, name="evidence_delete"),
    path("sources/<int:pk>/", evidence.source_detail, name="source_detail"),
]
