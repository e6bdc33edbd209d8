"""`GET /api/v1/exports/<format>/`: a verdict report as a file (csv, json, md, claimreview, html, pdf).

Scope `read`. The query parameters narrow the report as the export command's options do (article, from, to,
publisher, rating, reviewer, status). What a caller gets is the reports' one rule
(claims.selectors.reports): a partner's key, published work only, whatever it asks; a person signed in to
the workbench with the `claims.export_reports` permission may ask `with_drafts=true` for an internal report
with every draft marked.

The answer is streamed (StreamingHttpResponse) as an attachment. CSV, JSON, Markdown and ClaimReview stream
entry by entry at any size; HTML and PDF are built whole, so above EXPORT_BACKGROUND_THRESHOLD claims a
background job writes them: 202 with the job to follow (`/api/v1/jobs/<id>/`), whose result names the file's
address (`/api/v1/exports/jobs/<id>/file/`) once it is done.
"""

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.articles import not_found
from claims.api.permissions import api_key_of
from claims.api.schema import problems
from claims.api.serializers import JobAcceptedSerializer, JobSerializer
from claims.choices import ClaimStatus
from claims.errors import InputRejected
from claims.exports import FORMATS, build_report, format_module
from claims.selectors.api import api_job
from claims.selectors.reports import ReportSelection
from claims.selectors.visibility import visible_articles
from claims.services.exports import export_file, export_start

# Formats built whole in memory (summary and chart first): bounded in size over the API.
WHOLE_DOCUMENT_FORMATS = frozenset({"html", "pdf"})
# Each format's media type, as its module's CONTENT_TYPE says without parameters (a test checks they agree).
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "csv": "text/csv",
    "json": "application/json",
    "md": "text/markdown",
    "claimreview": "application/ld+json",
}


class ExportSelectionSerializer(serializers.Serializer):
    """The query parameters: which claims the report covers. Every one is optional."""

    article = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Only this article's claims."
    )
    date_from = serializers.DateField(
        required=False, help_text="Verdicts published on or after this date (YYYY-MM-DD)."
    )
    date_to = serializers.DateField(required=False, help_text="Verdicts published on or before this date.")
    publisher = serializers.CharField(
        required=False,
        max_length=200,
        default="",
        allow_blank=True,
        help_text="The article's site or publisher (any case).",
    )
    rating = serializers.SlugField(
        required=False,
        max_length=60,
        default="",
        allow_blank=True,
        help_text="A rating's slug (GET /api/v1/ratings/).",
    )
    reviewer = serializers.CharField(
        required=False,
        max_length=150,
        default="",
        allow_blank=True,
        help_text="The user name of the verdict's author.",
    )
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=ClaimStatus.choices),
        required=False,
        default=list,
        help_text="Claim statuses; repeat the parameter for several.",
    )
    with_drafts = serializers.BooleanField(
        required=False,
        default=False,
        help_text="An internal report with drafts, each marked: people with the export permission only "
        "(a partner's key always gets published work only).",
    )

    def get_fields(self):
        # `from` and `to` are Python keywords: declared under other names, offered under these.
        fields = super().get_fields()
        fields["from"] = fields.pop("date_from")
        fields["to"] = fields.pop("date_to")
        return fields

    def validate(self, data):
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise serializers.ValidationError({"from": ["This date is after `to`."]})
        for name in ("publisher", "reviewer"):
            if "\x00" in data.get(name, ""):
                raise serializers.ValidationError({name: ["Null characters are not allowed."]})
        return data


class FirstRendererNegotiation(BaseContentNegotiation):
    """The file's type is the format's, not the Accept header's; DRF's renderer writes only the errors."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


def export_responses() -> dict:
    """The schema's 200 answers, one per format's media type (from MEDIA_TYPES, not the modules: the schema
    must not import WeasyPrint, nor fail where a format is not installed)."""
    responses = {}
    for name, media_type in MEDIA_TYPES.items():
        if media_type in ("application/json", "application/ld+json"):
            kind = OpenApiTypes.OBJECT
        else:
            kind = OpenApiTypes.BINARY if name == "pdf" else OpenApiTypes.STR
        description = f"The report as `{name}`, an attachment (`Content-Disposition`)."
        responses[(200, media_type)] = OpenApiResponse(kind, description=description)
    accepted = OpenApiResponse(
        JobAcceptedSerializer,
        description=f"HTML and PDF reports of more than {settings.EXPORT_BACKGROUND_THRESHOLD:,} claims are "
        "written by a background job: follow it at `location`; once done, its `result.download` is the file.",
    )
    return {**responses, 202: accepted, **problems(400, 401, 403, 404, 429)}


class ExportView(APIView):
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        tags=["exports"],
        operation_id="exports_retrieve",
        summary="Export a verdict report",
        description="Scope `read`. The published verdicts of the selection (every parameter narrows it) as a "
        "file: `csv` (one row per claim, spreadsheet-safe), `json`, `md` (Markdown), `claimreview` "
        "(schema.org JSON-LD DataFeed), `html` or `pdf`. Streamed as an attachment (`Content-Disposition`); "
        "CSV, JSON, Markdown and ClaimReview at any size, HTML and PDF up to "
        f"{settings.EXPORT_BACKGROUND_THRESHOLD:,} claims (a background job above: 202). A key gets published work only; a "
        "person signed in with the export permission may add `with_drafts=true`. Columns and shapes: "
        "docs/exports.md.",
        parameters=[
            OpenApiParameter(
                "export_format",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(FORMATS),
                description="The file format.",
            ),
            ExportSelectionSerializer,
        ],
        responses=export_responses(),
        examples=[
            OpenApiExample(
                "One article's report as CSV",
                value="report_status,claim_id,claim_text,…\r\npublished,311,It cost 5 million euros.,…\r\n",
                response_only=True,
                media_type="text/csv",
            ),
        ],
    )
    def get(self, request, export_format: str):
        if export_format not in FORMATS:
            raise NotFound(f"There is no export format {export_format!r}: use one of {', '.join(FORMATS)}.")
        try:
            module = format_module(export_format)
        except ImportError:
            raise NotFound(f"The {export_format} format is not available on this server.") from None
        key = api_key_of(request)
        if key is None and not request.user.has_perm("claims.export_reports"):
            # A person exports as the browser lets them: editors and admins (a reviewer may not, there either).
            raise PermissionDenied("Your role does not allow exporting reports.")
        serializer = ExportSelectionSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if key is not None and data["reviewer"]:
            # The workbench's user names are not a partner's to look up (a count would say whether one exists).
            raise serializers.ValidationError(
                {"reviewer": ["This filter is for the workbench's own people."]}
            )
        with_drafts = data["with_drafts"] and self._may_report_drafts(request)
        article_id = data.get("article")
        if article_id is not None and not visible_articles(user=request.user).filter(pk=article_id).exists():
            raise not_found("article", article_id)
        selection = ReportSelection(
            article_id=article_id,
            date_from=data.get("from"),
            date_to=data.get("to"),
            publisher=data["publisher"],
            rating=data["rating"],
            reviewer=data["reviewer"],
            statuses=tuple(data["status"]),
        )
        report = build_report(user=request.user, selection=selection, with_drafts=with_drafts)
        if export_format in WHOLE_DOCUMENT_FORMATS and report.count > settings.EXPORT_BACKGROUND_THRESHOLD:
            return self._in_background(request, export_format, selection, with_drafts)
        response = StreamingHttpResponse(module.render(report), content_type=module.CONTENT_TYPE)
        name = slugify(report.title)[:80] or "verdict-report"
        response["Content-Disposition"] = f'attachment; filename="{name}.{module.EXTENSION}"'
        return response

    def _in_background(self, request, export_format, selection, with_drafts) -> Response:
        """A long HTML or PDF report is written by a background job: 202 with the job to follow, whose result
        names the file's download address once it is done."""
        try:
            job = export_start(
                user=request.user, fmt=export_format, selection=selection, with_drafts=with_drafts
            )
        except InputRejected as error:
            raise PermissionDenied(error.message) from None
        location = reverse("api-job-detail", args=[job.pk])
        body = {"job": JobSerializer(job).data, "location": location}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    def _may_report_drafts(self, request) -> bool:
        """A key never gets drafts (the selector refuses them too); a person needs the export permission."""
        if api_key_of(request) is not None:
            return False
        if not request.user.has_perm("claims.export_reports"):
            raise PermissionDenied("Your role does not allow internal reports with drafts.")
        return True


class ExportFileView(APIView):
    """`GET /api/v1/exports/jobs/<id>/file/`: the file a background export wrote, for whoever asked for it."""

    @extend_schema(
        tags=["exports"],
        operation_id="exports_file_retrieve",
        summary="Download a background export",
        description="Scope `read`. The file a background export (an HTML or PDF report of more than "
        f"{settings.EXPORT_BACKGROUND_THRESHOLD:,} claims) wrote, once its job (`GET /api/v1/jobs/<id>/`) is "
        "done: its `result.download` is this address. Only the key's partner (or the person) that asked "
        "gets it.",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The report, an attachment."
            ),
            **problems(401, 403, 404, 429),
        },
    )
    def get(self, request, pk: int):
        job = api_job(user=request.user, job_id=int(pk))
        opened = None if job is None else export_file(job=job, user=request.user)
        if opened is None:
            raise not_found("export", pk)
        return FileResponse(
            opened,
            as_attachment=True,
            filename=job.result.get("filename", "report"),
            content_type=job.result.get("content_type"),
        )
