from django.urls import path

from claims.views import coverage

urlpatterns = [
    path("suggestions/<int:pk>/accept/", coverage.suggestion_accept, name="suggestion_accept"),
    path("suggestions/<int:pk>/dismiss/", coverage.suggestion_dismiss, name="suggestion_dismiss"),
    path("claims/<int:pk>/coverage/", coverage.coverage_section, name="coverage_section"),
    path("claims/<int:pk>/coverage/retry/", coverage.coverage_retry, name="coverage_retry"),
]
