"""`/articles/` and `/jobs/<id>/`: push an article (its text at once, or its address in the background), read
the articles a key sees and their claims, and follow a background job.

Scopes: reading needs `read`; pushing an article needs `write`. A key sees the articles its partner pushed
and those with at least one published verdict (claims.selectors.visibility); any other is "not found".
"""

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from claims.api.errors import Conflict
from claims.api.filters import ArticleFilter
from claims.api.pagination import ApiCursorPagination
from claims.api.schema import OBJECT_ERRORS, READ_ERRORS, WRITE_ERRORS, problems
from claims.api.serializers import (
    ArticleCreatedSerializer,
    ArticleDetailSerializer,
    ArticleInputSerializer,
    ArticleSerializer,
    ClaimSerializer,
    JobAcceptedSerializer,
    JobSerializer,
)
from claims.choices import IngestMethod
from claims.selectors.api import (
    api_article_claims,
    api_article_visible,
    api_articles,
    api_job,
)
from claims.services.ingest import article_ingest_text
from claims.services.jobs import ingestion_job_start

# Ids in paths are whole numbers (anything else is an unmatched URL: a problem+json 404).
ID_PATTERN = r"[0-9]{1,18}"


def not_found(what: str, pk) -> NotFound:
    """An object the caller may not see is not found, exactly as one that does not exist."""
    return NotFound(f"There is no {what} {pk} that this key (or account) may see.")


def valid_input(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


ARTICLE_EXAMPLE = {
    "id": 42,
    "title": "Council approves the budget",
    "url": "https://news.example/council-budget",
    "site_name": "Example News",
    "authors": ["Jane Doe"],
    "published_at": "2026-03-02",
    "language": "en",
    "ingest_method": "api",
    "text_revision": 1,
    "claim_count": 3,
    "created_at": "2026-03-02T09:15:00Z",
    "updated_at": "2026-03-02T09:15:00Z",
}
ARTICLE_TEXT = (
    "The council approved the budget on Tuesday. It cost 5 million euros. Critics said it was far too high."
)
JOB_EXAMPLE = {
    "id": 7,
    "kind": "ingest_url",
    "status": "queued",
    "progress": {"attempts": 0, "max_attempts": 3, "retry_at": None, "handed_over": True},
    "error": "",
    "result": {},
    "article": None,
    "url": "https://news.example/council-budget",
    "created_at": "2026-03-02T09:15:00Z",
    "started_at": None,
    "finished_at": None,
}
CLAIM_EXAMPLE = {
    "id": 311,
    "article": 42,
    "text": "It cost 5 million euros.",
    "normalised_text": "",
    "claimant": "",
    "start": 44,
    "end": 68,
    "kind": "statistical",
    "status": "published",
    "checkworthiness": 0.82,
    "anchor_state": "anchored",
    "assignee": None,
    "version": 4,
    "created_at": "2026-03-02T09:15:00Z",
    "updated_at": "2026-03-03T16:40:00Z",
    "verdict": {
        "id": 95,
        "published_at": "2026-03-03T16:40:00Z",
        "rating": {"slug": "false", "label": "False", "value": 1},
    },
}


class ReadingOrderPagination(ApiCursorPagination):
    """An article's claims in the order they appear in its text."""

    ordering = ("start", "id")


@extend_schema(tags=["articles"])
class ArticleViewSet(viewsets.GenericViewSet):
    filterset_class = ArticleFilter
    lookup_value_regex = ID_PATTERN
    serializer_class = ArticleSerializer

    def get_queryset(self):
        return api_articles(user=self.request.user)

    @extend_schema(
        summary="List articles",
        description="Scope `read`. The articles this key's partner pushed and those with a published verdict, "
        "newest first, a cursor page at a time (`page_size` up to 200; follow `next`).",
        responses={200: ArticleSerializer(many=True), **problems(*READ_ERRORS)},
        examples=[OpenApiExample("A page of articles", value=ARTICLE_EXAMPLE, response_only=True)],
    )
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ArticleSerializer(page, many=True).data)

    @extend_schema(
        summary="Read an article",
        description="Scope `read`. The article with its normalised text, which the claims' offsets point into.",
        responses={200: ArticleDetailSerializer, **problems(*OBJECT_ERRORS)},
        examples=[
            OpenApiExample("An article", value={**ARTICLE_EXAMPLE, "text": ARTICLE_TEXT}, response_only=True)
        ],
    )
    def retrieve(self, request, pk=None):
        article = api_articles(user=request.user, with_text=True).filter(pk=pk).first()
        if article is None:
            raise not_found("article", pk)
        return Response(ArticleDetailSerializer(article).data)

    @extend_schema(
        summary="Push an article",
        description="Scope `write`. Send its `text` (with `title`, `url`, `published_at` if known): it is "
        "split into claims at once (201; 200 with `created: false` if the same text or address was already "
        "there). Send only its `url`: it is fetched in the background, and the answer is 202 with the job "
        "to follow (also in the `Location` header).",
        request=ArticleInputSerializer,
        responses={
            201: OpenApiResponse(ArticleCreatedSerializer, description="Stored and split into claims."),
            200: OpenApiResponse(ArticleCreatedSerializer, description="It was already there."),
            202: OpenApiResponse(JobAcceptedSerializer, description="Queued: follow the job."),
            **problems(*WRITE_ERRORS, 409),
        },
        examples=[
            OpenApiExample(
                "From its text",
                value={
                    "title": "Council approves the budget",
                    "text": ARTICLE_TEXT,
                    "published_at": "2026-03-02",
                },
                request_only=True,
            ),
            OpenApiExample(
                "From its address", value={"url": "https://news.example/council-budget"}, request_only=True
            ),
            OpenApiExample(
                "Stored",
                value={**ARTICLE_EXAMPLE, "text": ARTICLE_TEXT, "created": True},
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "Queued",
                value={"job": JOB_EXAMPLE, "location": "/api/v1/jobs/7/"},
                response_only=True,
                status_codes=["202"],
            ),
        ],
    )
    def create(self, request):
        data = valid_input(ArticleInputSerializer, request)
        text = data.get("text", "")
        if not text.strip():
            return self._queue_url(request, data["url"])
        outcome = article_ingest_text(
            text=text,
            user=request.user,
            title=data.get("title", ""),
            url=data.get("url", ""),
            published_at=data.get("published_at"),
            method=IngestMethod.API,
        )
        if not outcome.created and not api_article_visible(user=request.user, article_id=outcome.article.pk):
            # Someone else's article with the same text or address: it exists, but is not this key's to read.
            raise Conflict("This text or address is already in the workbench, and not shared with this key.")
        article = api_articles(user=request.user, with_text=True).get(pk=outcome.article.pk)
        return Response(
            ArticleCreatedSerializer(article, context={"created": outcome.created}).data,
            status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK,
        )

    def _queue_url(self, request, url: str) -> Response:
        job = ingestion_job_start(url=url, user=request.user)
        location = reverse("api-job-detail", args=[job.pk])
        body = {"job": JobSerializer(job).data, "location": location}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(
        summary="List an article's claims",
        description="Scope `read`. The article's claims this key sees, in the order they appear in its text, "
        "each with its published verdict's rating.",
        filters=False,
        parameters=[
            OpenApiParameter("cursor", str, description="The page to read (from `next` or `previous`)."),
            OpenApiParameter("page_size", int, description="Claims per page, at most 200 (default 50)."),
        ],
        responses={200: ClaimSerializer(many=True), **problems(400, *OBJECT_ERRORS)},
        examples=[OpenApiExample("A page of claims", value=CLAIM_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=ReadingOrderPagination)
    def claims(self, request, pk=None):
        claims = api_article_claims(user=request.user, article_id=int(pk))
        if claims is None:
            raise not_found("article", pk)
        page = self.paginate_queryset(claims)
        return self.get_paginated_response(ClaimSerializer(page, many=True).data)


@extend_schema(tags=["jobs"])
class JobViewSet(viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = JobSerializer
    filterset_class = None
    pagination_class = None

    @extend_schema(
        summary="Follow a background job",
        description="Scope `read`. Where a job started through this key stands: queued, running, done (with "
        "the article it added) or failed (with why). Only the key's partner sees its jobs.",
        responses={200: JobSerializer, **problems(*OBJECT_ERRORS)},
        examples=[
            OpenApiExample(
                "Done",
                value={
                    **JOB_EXAMPLE,
                    "status": "done",
                    "progress": {**JOB_EXAMPLE["progress"], "attempts": 1},
                    "result": {"created": True},
                    "article": 42,
                    "started_at": "2026-03-02T09:15:01Z",
                    "finished_at": "2026-03-02T09:15:03Z",
                },
                response_only=True,
            )
        ],
    )
    def retrieve(self, request, pk=None):
        job = api_job(user=request.user, job_id=int(pk))
        if job is None:
            raise not_found("job", pk)
        visible = job.article_id is not None and api_article_visible(
            user=request.user, article_id=job.article_id
        )
        return Response(JobSerializer(job, context={"article_visible": visible}).data)
