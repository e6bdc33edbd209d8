"""`/api/v1/verdicts/`: read published verdicts; write, submit and (with the publish scope) approve them.

Every change names the state it was made from, as the workbench's forms do: the `If-Match` header with the
ETag the caller read, or the `version` it read in the body. A stale one changes nothing and is answered
412 (If-Match) or 409 (version) with the verdict as it now stands in `current`. The services do the work,
inside their own transaction and under their own compare-and-set (claims/services/verdicts.py); this module
only finds the verdict the caller may see and translates the answers.
"""

import datetime

from django import forms
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from claims.api import errors
from claims.api.filters import IdFilter
from claims.api.permissions import has_scope
from claims.api.schema import problems
from claims.api.verdict_serializers import (
    VerdictActionSerializer,
    VerdictCreateSerializer,
    VerdictReturnSerializer,
    VerdictSerializer,
    VerdictUpdateSerializer,
    verdict_etag,
)
from claims.choices import ApiScope, VerdictStatus
from claims.errors import EditConflict, TransitionNotAllowed
from claims.lifecycle import VERDICT_EDITABLE
from claims.models import Verdict
from claims.selectors.visibility import visible_verdicts
from claims.services import verdicts as services

# --- who sees which verdict --------------------------------------------------------------------------


def verdicts_for(request) -> QuerySet[Verdict]:
    """The verdicts this caller may see (claims/selectors/visibility.py), by its key's scopes."""
    return visible_verdicts(
        user=request.user,
        can_write=has_scope(request, ApiScope.WRITE),
        can_publish=has_scope(request, ApiScope.PUBLISH),
    ).select_related("rating")


# --- preconditions -----------------------------------------------------------------------------------


def _if_match_tags(request) -> list[str] | None:
    header = request.headers.get("If-Match")
    if header is None:
        return None
    # Weak or strong, the same tag: a compressing proxy may have weakened it on the way out.
    return [tag.strip().removeprefix("W/") for tag in header.split(",")]


class Precondition:
    """The version a change was made from, and how it was named (which decides 412 or 409)."""

    def __init__(self, *, version: int, by_header: bool):
        self.version = version
        self.by_header = by_header

    def stale(self, verdict: Verdict, *, context) -> exceptions.APIException:
        current = VerdictSerializer(verdict, context=context).data
        if self.by_header:
            return errors.PreconditionFailed(
                f"If-Match does not name the current version ({verdict_etag(verdict)}); nothing was changed.",
                current=current,
            )
        return errors.Conflict(
            f"Version {self.version} is not the current one ({verdict.version}): someone changed this verdict "
            "since you read it, and nothing was changed.",
            current=current,
        )


def precondition(request, verdict: Verdict, body_version: int | None, *, context) -> Precondition:
    """The caller's precondition, checked against `verdict` as read; 428 without one, 412/409 if stale."""
    tags = _if_match_tags(request)
    if tags is not None:
        found = Precondition(version=verdict.version, by_header=True)
        if "*" not in tags and verdict_etag(verdict) not in tags:
            raise found.stale(verdict, context=context)
        if body_version is not None and body_version != verdict.version:
            raise Precondition(version=body_version, by_header=False).stale(verdict, context=context)
        return found
    if body_version is None:
        raise PreconditionRequired()
    found = Precondition(version=body_version, by_header=False)
    if body_version != verdict.version:
        raise found.stale(verdict, context=context)
    return found


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Say which version you are changing: send the ETag you read as If-Match, or `version` in the body."
    )


# --- the schema's shared pieces ------------------------------------------------------------------------

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The verdict\'s version, e.g. `"12-3"`: send it back as If-Match to change the verdict.',
)
IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag you read. A stale one: 412 and nothing changes. Give it or `version` in the body.",
)


# What the codes mean here, where it says more than the API's general wording (claims/api/schema.py).
MEANINGS = {
    404: "No such verdict, or not one this key may see.",
    409: "Someone changed it since you read it (`current` holds it now), or its status does not allow this.",
    412: "If-Match names an old version; `current` holds the verdict as it is now. Nothing changed.",
    428: "Neither If-Match nor `version` was given: say which version you are changing.",
}


def verdict_problems(*codes: int, said: dict[int, str] | None = None) -> dict:
    """The problem+json responses of `codes`, described as they apply to verdicts (and as `said` here)."""
    meanings = {**MEANINGS, **(said or {})}
    responses = problems(*codes)
    for (code, _media_type), response in responses.items():
        if code in meanings:
            response.description = meanings[code]
        if code in PROBLEM_EXAMPLES:
            response.examples = [PROBLEM_EXAMPLES[code]]
    return responses


READ_PROBLEMS = (401, 403, 429)
WRITE_PROBLEMS = (400, 401, 403, 404, 409, 412, 413, 415, 428, 429)

VERDICT = {
    "id": 12,
    "claim": 345,
    "revision": 1,
    "status": "published",
    "rating": {"slug": "false", "label": "False", "value": 1},
    "summary": "The budget was 5 million euros, not 50 million.",
    "rationale": "The council's published accounts show **5 million** for 2025.",
    "version": 4,
    "mine": False,
    "review_comment": None,
    "submitted_at": "2026-02-01T10:02:11Z",
    "published_at": "2026-02-01T11:30:00Z",
    "created_at": "2026-02-01T09:40:27Z",
    "updated_at": "2026-02-01T11:30:00Z",
}
VERDICT_EXAMPLE = OpenApiExample("A published verdict", response_only=True, value=VERDICT)
_UNPUBLISHED = {**VERDICT, "published_at": None, "version": 2}
DRAFT_EXAMPLE = OpenApiExample(
    "Your draft",
    response_only=True,
    value={**_UNPUBLISHED, "status": "draft", "mine": True, "submitted_at": None},
)
SUBMITTED_EXAMPLE = OpenApiExample(
    "Awaiting approval", response_only=True, value={**_UNPUBLISHED, "status": "submitted", "version": 3}
)
RETURNED_EXAMPLE = OpenApiExample(
    "Returned for changes", response_only=True, value={**_UNPUBLISHED, "status": "returned", "version": 4}
)
STALE_EXAMPLE = OpenApiExample(
    "A stale If-Match",
    response_only=True,
    value={
        "type": "/api/v1/problems/precondition-failed",
        "title": "It changed since you read it",
        "status": 412,
        "detail": 'If-Match does not name the current version ("12-5"); nothing was changed.',
        "current": {
            **VERDICT,
            "status": "draft",
            "version": 5,
            "mine": True,
            "summary": "Someone's newer wording.",
            "submitted_at": None,
            "published_at": None,
        },
    },
)
PROBLEM_EXAMPLES = {
    412: STALE_EXAMPLE,
    428: OpenApiExample(
        "No version named",
        response_only=True,
        value={
            "type": "/api/v1/problems/precondition-required",
            "title": "Say which version you are changing",
            "status": 428,
            "detail": PreconditionRequired.default_detail,
        },
    ),
}


# --- the endpoints ---------------------------------------------------------------------------------------


class _UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time with any offset, as UTC: the database takes offsets up to ±15:59 only."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("This time is out of range.", code="invalid") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = _UtcDateTimeField


class VerdictFilter(filters.FilterSet):
    claim = IdFilter(field_name="claim_id", help_text="Only this claim's verdicts.")
    status = filters.ChoiceFilter(
        choices=VerdictStatus.choices, help_text="A read key only ever sees `published`."
    )
    rating = filters.CharFilter(field_name="rating__slug", help_text="A rating's slug, e.g. `false`.")
    published_since = UtcDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="Published at or after (ISO 8601)."
    )
    published_until = UtcDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="Published before (ISO 8601)."
    )

    class Meta:
        model = Verdict
        fields = ["claim", "status", "rating", "published_since", "published_until"]


@extend_schema_view(
    list=extend_schema(
        summary="List verdicts",
        description="Scope **read**. Published verdicts, newest first; with **write** also your own drafts, "
        "with **publish** also the revisions of your articles' claims awaiting approval. Cursor pages.",
        responses={
            200: VerdictSerializer(many=True),
            **verdict_problems(
                400, *READ_PROBLEMS, 404, said={404: "The cursor is not one this list gave out."}
            ),
        },
        examples=[VERDICT_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="Get a verdict",
        description="Scope **read**. The `ETag` header names this version: send it as If-Match to change it.",
        parameters=[ETAG_HEADER],
        responses={200: VerdictSerializer, **verdict_problems(*READ_PROBLEMS, 404)},
        examples=[VERDICT_EXAMPLE],
    ),
)
class VerdictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Verdict.objects.none()  # for the schema; each request's is `verdicts_for` its caller
    serializer_class = VerdictSerializer
    filterset_class = VerdictFilter
    required_scopes = {"approve": ApiScope.PUBLISH, "return_verdict": ApiScope.PUBLISH}

    def get_queryset(self):
        return verdicts_for(self.request)

    def _answer(self, verdict: Verdict, *, status_code: int = 200) -> Response:
        response = Response(self.get_serializer(verdict).data, status=status_code)
        response["ETag"] = verdict_etag(verdict)
        return response

    def _reloaded(self, verdict: Verdict) -> Verdict | None:
        return self.get_queryset().filter(pk=verdict.pk).first()

    def _stale_or_refused(self, exc, verdict: Verdict, found: Precondition):
        """The service refused: a stale version (412/409 with the verdict now) or a status that does not
        allow this (409). The verdict as it now stands, so only ever this one, which the caller may see."""
        current = self._reloaded(verdict)
        if current is None:
            return exceptions.NotFound()
        if isinstance(exc, EditConflict):
            return found.stale(current, context=self.get_serializer_context())
        return errors.Conflict(exc.message, current=self.get_serializer(current).data)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    @extend_schema(
        summary="Write a verdict",
        description="Scope **write**. A first draft of a claim's verdict, written as your partner account. "
        "Only a claim you can see that has no verdict yet (usually one of your own articles' claims); a "
        "claim whose verdict someone else is writing is a 409.",
        request=VerdictCreateSerializer,
        responses={
            201: VerdictSerializer,
            **verdict_problems(
                400,
                401,
                403,
                409,
                413,
                415,
                429,
                said={409: "The claim already has a verdict being written."},
            ),
        },
        parameters=[
            OpenApiParameter(
                "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[201], description="Its version."
            ),
            OpenApiParameter(
                "Location", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[201], description="Its URL."
            ),
        ],
        examples=[
            OpenApiExample(
                "A draft",
                request_only=True,
                value={
                    "claim": 345,
                    "rating": "false",
                    "summary": "The budget was 5 million euros, not 50 million.",
                    "rationale": "The council's published accounts show **5 million** for 2025.",
                },
            ),
            OpenApiExample("Your new draft", response_only=True, value={**DRAFT_EXAMPLE.value, "version": 1}),
        ],
    )
    def create(self, request, *args, **kwargs):
        incoming = VerdictCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            verdict = services.verdict_save(
                claim=data["claim"],
                rating=data["rating"],
                summary=data["summary"],
                rationale=data["rationale"],
                user=request.user,
                expected_version=None,
            )
        except EditConflict as conflict:
            # Someone else's open revision: said without showing it unless the caller may see it.
            mine = self.get_queryset().filter(pk=conflict.current.pk).first()
            raise errors.Conflict(
                "This claim already has a verdict being written; nothing was stored.",
                current=self.get_serializer(mine).data if mine else None,
            ) from None
        except TransitionNotAllowed as refused:
            raise errors.Conflict(refused.message) from None
        response = self._answer(self._reloaded(verdict) or verdict, status_code=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{request.path.rstrip('/')}/{verdict.pk}/")
        return response

    @extend_schema(
        summary="Replace a draft's content",
        description="Scope **write**. Rating, summary and rationale of your own draft or returned verdict. "
        "Send the ETag you read as If-Match (a stale one: 412) or the `version` you read in the body (a "
        "stale one: 409); either way, `current` then holds the verdict as it is now and nothing changed.",
        request=VerdictUpdateSerializer,
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
        responses={200: VerdictSerializer, **verdict_problems(*WRITE_PROBLEMS)},
        examples=[
            OpenApiExample(
                "A new rating",
                request_only=True,
                value={"rating": "mostly-false", "summary": "Mostly wrong: it was 5 million.", "version": 3},
            ),
            DRAFT_EXAMPLE,
        ],
    )
    def update(self, request, *args, partial: bool = False, **kwargs):
        verdict = self.get_object()
        incoming = VerdictUpdateSerializer(data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        found = precondition(request, verdict, data.get("version"), context=self.get_serializer_context())
        if verdict.status not in VERDICT_EDITABLE:
            raise errors.Conflict(
                f"This verdict is {verdict.get_status_display().lower()}: only a draft or a returned verdict "
                "can be changed; nothing was changed.",
                current=self.get_serializer(verdict).data,
            )
        try:
            verdict = services.verdict_save(
                claim=verdict.claim,
                rating=data.get("rating", verdict.rating),
                summary=data.get("summary", verdict.summary),
                rationale=data.get("rationale", "" if not partial else verdict.rationale),
                user=request.user,
                expected_version=found.version,
            )
        except (EditConflict, TransitionNotAllowed) as refused:
            raise self._stale_or_refused(refused, verdict, found) from None
        return self._answer(self._reloaded(verdict) or verdict)

    @extend_schema(
        summary="Change part of a draft",
        description="Scope **write**. As PUT, with only the fields that change.",
        request=VerdictUpdateSerializer(partial=True),
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
        responses={200: VerdictSerializer, **verdict_problems(*WRITE_PROBLEMS)},
        examples=[
            OpenApiExample("Only the summary", request_only=True, value={"summary": "It was 5 million."}),
            DRAFT_EXAMPLE,
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def _act(self, request, serializer_class, act) -> Response:
        verdict = self.get_object()
        incoming = serializer_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        found = precondition(request, verdict, data.get("version"), context=self.get_serializer_context())
        try:
            verdict = act(verdict, found.version, data)
        except services.ReviewRefused as refused:
            raise exceptions.PermissionDenied(refused.message) from None
        except (EditConflict, TransitionNotAllowed) as refused:
            raise self._stale_or_refused(refused, verdict, found) from None
        return self._answer(self._reloaded(verdict) or verdict)

    @extend_schema(
        summary="Submit for approval",
        description="Scope **write**. Send your draft or returned verdict to the editors. If-Match or `version`.",
        request=VerdictActionSerializer,
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
        responses={200: VerdictSerializer, **verdict_problems(*WRITE_PROBLEMS)},
        examples=[OpenApiExample("By version", request_only=True, value={"version": 2}), SUBMITTED_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(
            request,
            VerdictActionSerializer,
            lambda verdict, version, data: services.verdict_submit(
                verdict=verdict, user=request.user, expected_version=version
            ),
        )

    @extend_schema(
        summary="Approve (publish)",
        description="Scope **publish**. Publish a verdict awaiting approval; the revision published before it is "
        "superseded. Never a verdict your partner account wrote or edited (403). If-Match or `version`.",
        request=VerdictActionSerializer,
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
        responses={
            200: VerdictSerializer,
            **verdict_problems(
                *WRITE_PROBLEMS, said={403: "No publish scope, or the verdict is your own work."}
            ),
        },
        examples=[OpenApiExample("By version", request_only=True, value={"version": 3}), VERDICT_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        reviewer = request.user
        return self._act(
            request,
            VerdictActionSerializer,
            lambda verdict, version, data: services.verdict_approve(
                verdict=verdict, user=reviewer, expected_version=version
            ),
        )

    @extend_schema(
        summary="Return for changes",
        description="Scope **publish**. Send a verdict awaiting approval back to its author with a comment "
        "(posted to the claim's discussion). If-Match or `version`.",
        request=VerdictReturnSerializer,
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
        responses={
            200: VerdictSerializer,
            **verdict_problems(*WRITE_PROBLEMS, said={403: "No publish scope."}),
        },
        examples=[
            OpenApiExample(
                "With a comment",
                request_only=True,
                value={"comment": "Cite the council's accounts for 2025.", "version": 3},
            ),
            RETURNED_EXAMPLE,
        ],
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_verdict(self, request, pk=None):
        reviewer = request.user
        return self._act(
            request,
            VerdictReturnSerializer,
            lambda verdict, version, data: services.verdict_return(
                verdict=verdict, user=reviewer, comment=data["comment"], expected_version=version
            ),
        )
