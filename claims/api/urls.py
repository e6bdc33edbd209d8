"""`/api/v1/`: the router of the partner API, its OpenAPI 3.1 schema (public) and interactive documentation.

Each area registers its views here, one block per module.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from claims.api import schema_extensions  # noqa: F401  (the Api-Key scheme in the schema)
from claims.api.articles import ArticleViewSet, JobViewSet
from claims.api.claims import ClaimViewSet, EvidenceViewSet, RatingViewSet, SourceViewSet, SuggestionViewSet
from claims.api.exports import ExportFileView, ExportView
from claims.api.lookup import LookupViewSet
from claims.api.verdicts import VerdictViewSet
from claims.api.webhooks import WebhookDeliveryViewSet, WebhookEndpointViewSet

router = SimpleRouter(trailing_slash=True)
# --- registrations (one block per module of claims/api/) ---
# verdicts.py, lookup.py
router.register("verdicts", VerdictViewSet, basename="api-verdict")
router.register("lookup", LookupViewSet, basename="api-lookup")
# articles.py, claims.py
router.register("articles", ArticleViewSet, basename="api-article")
router.register("jobs", JobViewSet, basename="api-job")
router.register("claims", ClaimViewSet, basename="api-claim")
router.register("evidence", EvidenceViewSet, basename="api-evidence")
router.register("sources", SourceViewSet, basename="api-source")
router.register("suggestions", SuggestionViewSet, basename="api-suggestion")
router.register("ratings", RatingViewSet, basename="api-rating")
# webhooks.py
router.register("webhooks", WebhookEndpointViewSet, basename="api-webhook")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="api-webhook-delivery")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file of its own: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    *router.urls,
    # exports.py (the kwarg is not `format`: DRF reads that one as a format suffix)
    path("exports/<str:export_format>/", ExportView.as_view(), name="api-export"),
    path("exports/jobs/<int:pk>/file/", ExportFileView.as_view(), name="api-export-file"),
]
