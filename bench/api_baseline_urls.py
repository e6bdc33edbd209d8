"""The API benchmark's URL configuration: the project's, plus the baseline it is measured against.

The baseline is the least Django can do to answer the same question: a plain function view, one query
(`.values()`, the same rows, the same fields, in the same shape as `GET /api/v1/claims/`), `JsonResponse`.
No authentication, scopes, throttling, filters or cursor: what the API costs above it is those.
"""

from django.db.models import F
from django.http import JsonResponse
from django.urls import path

from claims.choices import VerdictStatus
from claims.models import Claim
from factcheck.urls import handler404, handler500  # noqa: F401  (the project's error pages)
from factcheck.urls import urlpatterns as project_urlpatterns

BASELINE_PATH = "bench/baseline/claims/"


def claims_baseline(request):
    try:
        size = max(1, min(int(request.GET.get("page_size", 50)), 200))
    except ValueError:
        size = 50
    # What a read key sees in the benchmark's data: the claims with a published verdict (its partner pushed
    # no article), newest first; the verdict's row joined once, as the API joins it.
    rows = (
        Claim.objects.filter(verdicts__status=VerdictStatus.PUBLISHED)
        .order_by("-id")
        .values(
            "id",
            "article_id",
            "text",
            "normalised_text",
            "claimant",
            "start",
            "end",
            "kind",
            "status",
            "checkworthiness",
            "anchor_state",
            "version",
            "created_at",
            "updated_at",
            assignee_username=F("assignee__username"),
            verdict_id=F("verdicts__id"),
            verdict_published_at=F("verdicts__published_at"),
            rating_slug=F("verdicts__rating__slug"),
            rating_label=F("verdicts__rating__label"),
            rating_value=F("verdicts__rating__value"),
        )[:size]
    )
    results = [
        {
            "id": row["id"],
            "article": row["article_id"],
            "text": row["text"],
            "normalised_text": row["normalised_text"],
            "claimant": row["claimant"],
            "start": row["start"],
            "end": row["end"],
            "kind": row["kind"],
            "status": row["status"],
            "checkworthiness": row["checkworthiness"],
            "anchor_state": row["anchor_state"],
            "assignee": row["assignee_username"],
            "version": row["version"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
            "verdict": {
                "id": row["verdict_id"],
                "published_at": row["verdict_published_at"],
                "rating": {
                    "slug": row["rating_slug"],
                    "label": row["rating_label"],
                    "value": row["rating_value"],
                },
            },
        }
        for row in rows
    ]
    return JsonResponse({"next": None, "previous": None, "results": results})


urlpatterns = [path(BASELINE_PATH, claims_baseline), *project_urlpatterns]
