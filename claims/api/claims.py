"""`/claims/`, `/evidence/`, `/sources/`, `/suggestions/` and `/ratings/`.

Scopes: reading needs `read`; adding evidence or sources and deciding suggestions needs `write`. A key sees
the claims of the articles its partner pushed and the claims with a published verdict, and the evidence and
suggestions of those (claims.selectors.visibility); anything else is "not found". Writes go through the
services the browser uses, whose refusals come back as 400 problems with their message.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from claims.api.articles import CLAIM_EXAMPLE, ID_PATTERN, not_found, valid_input
from claims.api.filters import ClaimFilter, EvidenceFilter, SourceFilter, SuggestionFilter
from claims.api.permissions import has_scope
from claims.api.schema import OBJECT_ERRORS, READ_ERRORS, WRITE_ERRORS, problems
from claims.api.serializers import (
    ClaimDetailSerializer,
    ClaimSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    RatingSerializer,
    SourceInputSerializer,
    SourceSerializer,
    SuggestionAcceptInputSerializer,
    SuggestionSerializer,
)
from claims.choices import ApiScope
from claims.selectors.api import (
    api_claim_detail,
    api_claim_rows,
    api_evidence,
    api_ratings,
    api_sources,
    api_suggestions,
    rating_scale,
)
from claims.selectors.visibility import visible_claims, visible_sources
from claims.services.citing import evidence_add_for_source, source_add_from_url
from claims.services.evidence import evidence_add_from_url, source_add_manual
from claims.services.suggestions import suggestion_accept, suggestion_dismiss

SOURCE_EXAMPLE = {
    "id": 12,
    "url": "https://stats.example/budget-2026",
    "title": "Budget 2026: the figures",
    "publisher": "Statistics Office",
    "published_at": "2026-02-27",
    "fetch_status": "fetched",
}
EVIDENCE_EXAMPLE = {
    "id": 55,
    "claim": 311,
    "source": SOURCE_EXAMPLE,
    "stance": "refutes",
    "excerpt": "The budget totals 3.2 million euros.",
    "excerpt_verified": True,
    "note": "Table 2.",
    "version": 1,
    "created_at": "2026-03-03T10:02:00Z",
}
SUGGESTION_EXAMPLE = {
    "id": 901,
    "claim": 311,
    "status": "suggested",
    "rank": 1,
    "score": 0.71,
    "lexical": 0.64,
    "semantic": 0.78,
    "passage": "The council's budget cost 5 million euros, the mayor said…",
    "reasons": ["Same numbers: 5 million", "Key terms: budget, council"],
    "used_as": "",
    "evidence": None,
    "decided_at": None,
    "item": {
        "id": 4410,
        "kind": "claimreview",
        "title": "No, the budget did not cost 5 million euros",
        "url": "https://factcheck.example/budget",
        "publisher": "Factcheck Example",
        "date": "2026-01-15",
        "provider": "",
        "rating": {"slug": "false", "label": "False", "their_label": "Pants on fire"},
    },
}


# --- claims --------------------------------------------------------------------------------------------

FILTER_PARAMETERS = frozenset(ClaimFilter.base_filters)


@extend_schema(tags=["claims"])
class ClaimViewSet(viewsets.GenericViewSet):
    filterset_class = ClaimFilter
    lookup_value_regex = ID_PATTERN
    serializer_class = ClaimSerializer

    def get_queryset(self):
        return api_claim_rows(user=self.request.user)

    @extend_schema(
        summary="List and search claims",
        description="Scope `read`. The claims this key sees, newest first, each with its published verdict's "
        "rating, a cursor page at a time (`page_size` up to 200; follow `next`). Filters combine; `q` "
        "searches the claims' words (the order stays newest first).",
        responses={200: ClaimSerializer(many=True), **problems(*READ_ERRORS)},
        examples=[OpenApiExample("A page of claims", value=CLAIM_EXAMPLE, response_only=True)],
    )
    def list(self, request):
        # One query for the page: plain rows, each turned into a dict by the serializer (no per-row queries).
        claims = self.get_queryset()
        if FILTER_PARAMETERS.intersection(request.query_params):
            # Building the filter set costs more than the rest of the view; with no filter asked for it
            # would change nothing.
            claims = self.filter_queryset(claims)
        page = self.paginate_queryset(claims)
        to_representation = ClaimSerializer().to_representation
        return self.get_paginated_response([to_representation(row) for row in page])

    @extend_schema(
        summary="Read a claim",
        description="Scope `read`. The claim with its evidence, its published verdict, its open revision "
        "(only to its own partner's `write` key), and the related coverage not decided on yet.",
        responses={200: ClaimDetailSerializer, **problems(*OBJECT_ERRORS)},
        examples=[
            OpenApiExample(
                "A claim",
                value={
                    **CLAIM_EXAMPLE,
                    "evidence": [EVIDENCE_EXAMPLE],
                    "published_verdict": {
                        "id": 95,
                        "revision": 1,
                        "status": "published",
                        "rating": {"slug": "false", "label": "False", "value": 1},
                        "summary": "The budget cost 3.2 million euros, not 5 million.",
                        "rationale": "The **official** figures say 3.2 million.",
                        "version": 4,
                        "submitted_at": "2026-03-03T12:00:00Z",
                        "published_at": "2026-03-03T16:40:00Z",
                        "updated_at": "2026-03-03T16:40:00Z",
                    },
                    "open_verdict": None,
                    "suggestions": [SUGGESTION_EXAMPLE],
                },
                response_only=True,
            )
        ],
    )
    def retrieve(self, request, pk=None):
        detail = api_claim_detail(
            user=request.user, claim_id=int(pk), can_write=has_scope(request, ApiScope.WRITE)
        )
        if detail is None:
            raise not_found("claim", pk)
        return Response(ClaimDetailSerializer(context={"ratings": rating_scale()}).to_representation(detail))


# --- evidence ------------------------------------------------------------------------------------------


@extend_schema(tags=["evidence"])
class EvidenceViewSet(viewsets.GenericViewSet):
    filterset_class = EvidenceFilter
    serializer_class = EvidenceSerializer

    def get_queryset(self):
        return api_evidence(user=self.request.user)

    @extend_schema(
        summary="List evidence",
        description="Scope `read`. Evidence cited for the claims this key sees (filter by `claim`), newest "
        "first, a cursor page at a time.",
        responses={200: EvidenceSerializer(many=True), **problems(*READ_ERRORS)},
        examples=[OpenApiExample("A page of evidence", value=EVIDENCE_EXAMPLE, response_only=True)],
    )
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(EvidenceSerializer(page, many=True).data)

    @extend_schema(
        summary="Cite a source for a claim",
        description="Scope `write`. Give the claim, the source (the id of a stored source, or `source_url`: "
        "the page is fetched and archived in the background, and the excerpt is checked against it once "
        "archived), the stance, and optionally the quoted excerpt and a note.",
        request=EvidenceInputSerializer,
        responses={201: EvidenceSerializer, **problems(*WRITE_ERRORS, 404)},
        examples=[
            OpenApiExample(
                "Citing a web page",
                value={
                    "claim": 311,
                    "source_url": "https://stats.example/budget-2026",
                    "stance": "refutes",
                    "excerpt": "The budget totals 3.2 million euros.",
                    "note": "Table 2.",
                },
                request_only=True,
            ),
            OpenApiExample("Cited", value=EVIDENCE_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request):
        data = valid_input(EvidenceInputSerializer, request)
        claim = visible_claims(user=request.user).filter(pk=data["claim"]).first()
        if claim is None:
            raise not_found("claim", data["claim"])
        fields = {
            "claim": claim,
            "stance": data["stance"],
            "excerpt": data.get("excerpt", ""),
            "note": data.get("note", ""),
            "user": request.user,
        }
        if "source_url" in data:
            evidence = evidence_add_from_url(url=data["source_url"], **fields)
        else:
            source = visible_sources(user=request.user).filter(pk=data["source"]).first()
            if source is None:
                raise not_found("source", data["source"])
            evidence = evidence_add_for_source(source=source, **fields)
        evidence = api_evidence(user=request.user).get(pk=evidence.pk)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


# --- sources -------------------------------------------------------------------------------------------


@extend_schema(tags=["sources"])
class SourceViewSet(viewsets.GenericViewSet):
    filterset_class = SourceFilter
    lookup_value_regex = ID_PATTERN
    serializer_class = SourceSerializer

    def get_queryset(self):
        return api_sources(user=self.request.user)

    @extend_schema(
        summary="List sources",
        description="Scope `read`. The sources this key's partner added and those cited by evidence it sees, "
        "newest first, a cursor page at a time.",
        responses={200: SourceSerializer(many=True), **problems(*READ_ERRORS)},
        examples=[OpenApiExample("A page of sources", value=SOURCE_EXAMPLE, response_only=True)],
    )
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(SourceSerializer(page, many=True).data)

    @extend_schema(
        summary="Read a source",
        description="Scope `read`. Follow `fetch_status` (pending → fetched or failed) after adding one.",
        responses={200: SourceSerializer, **problems(*OBJECT_ERRORS)},
    )
    def retrieve(self, request, pk=None):
        source = self.get_queryset().filter(pk=pk).first()
        if source is None:
            raise not_found("source", pk)
        return Response(SourceSerializer(source).data)

    @extend_schema(
        summary="Add a source",
        description="Scope `write`. Give a `url` alone: the page is fetched and archived in the background "
        "(`fetch_status` pending, then fetched or failed); the same page is one source however often it is "
        "added. Or give a `title` (and `publisher`, `published_at`, `url`, `archived_text` if known) for a "
        "source entered by hand. Cite it with POST /evidence/.",
        request=SourceInputSerializer,
        responses={201: SourceSerializer, **problems(*WRITE_ERRORS)},
        examples=[
            OpenApiExample(
                "A web page", value={"url": "https://stats.example/budget-2026"}, request_only=True
            ),
            OpenApiExample(
                "Entered by hand",
                value={
                    "title": "Phone call with the council press office",
                    "publisher": "City council",
                    "archived_text": "The spokesperson confirmed the 3.2 million figure.",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Queued for fetching",
                value={
                    **SOURCE_EXAMPLE,
                    "title": "",
                    "publisher": "",
                    "published_at": None,
                    "fetch_status": "pending",
                    "fetch_error": "",
                    "fetched_at": None,
                    "archived_hash": "",
                    "created_at": "2026-03-03T10:01:00Z",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def create(self, request):
        data = valid_input(SourceInputSerializer, request)
        user = request.user
        if data.get("title", "").strip():
            source = source_add_manual(
                title=data["title"],
                publisher=data.get("publisher", ""),
                published_at=data.get("published_at"),
                url=data.get("url", ""),
                archived_text=data.get("archived_text", ""),
                user=user,
            )
        else:
            source = source_add_from_url(url=data["url"], user=user)
        return Response(SourceSerializer(source).data, status=status.HTTP_201_CREATED)


# --- suggestions ---------------------------------------------------------------------------------------


@extend_schema(tags=["suggestions"])
class SuggestionViewSet(viewsets.GenericViewSet):
    filterset_class = SuggestionFilter
    lookup_value_regex = ID_PATTERN
    serializer_class = SuggestionSerializer

    def get_queryset(self):
        return api_suggestions(user=self.request.user)

    def _suggestion(self, pk):
        suggestion = self.get_queryset().filter(pk=pk).first()
        if suggestion is None:
            raise not_found("suggestion", pk)
        return suggestion

    def _answer(self, suggestion_id: int) -> Response:
        suggestion = self.get_queryset().get(pk=suggestion_id)
        return Response(SuggestionSerializer(suggestion, context={"ratings": rating_scale()}).data)

    @extend_schema(
        summary="List related-coverage suggestions",
        description="Scope `read`. Earlier fact-checks, articles and sources suggested as related to the "
        "claims this key sees, with their score and why they matched (filter by `claim` and `status`).",
        responses={200: SuggestionSerializer(many=True), **problems(*READ_ERRORS)},
        examples=[OpenApiExample("A page of suggestions", value=SUGGESTION_EXAMPLE, response_only=True)],
    )
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        ratings = rating_scale()
        return self.get_paginated_response(
            SuggestionSerializer(page, many=True, context={"ratings": ratings}).data
        )

    @extend_schema(
        summary="Accept a suggestion",
        description="Scope `write`. `use: evidence` attaches it to the claim as evidence (give the `stance`, "
        "and a `note` if you like); `use: same_claim` records that the fact-check checks the same claim. "
        "A suggestion is decided once: deciding it again is refused (400).",
        request=SuggestionAcceptInputSerializer,
        responses={200: SuggestionSerializer, **problems(*WRITE_ERRORS, 404)},
        examples=[
            OpenApiExample(
                "As evidence", value={"use": "evidence", "stance": "refutes", "note": ""}, request_only=True
            ),
            OpenApiExample("The same claim", value={"use": "same_claim"}, request_only=True),
            OpenApiExample(
                "Accepted",
                value={**SUGGESTION_EXAMPLE, "status": "accepted", "used_as": "evidence", "evidence": 56},
                response_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        suggestion = self._suggestion(pk)
        data = valid_input(SuggestionAcceptInputSerializer, request)
        suggestion_accept(
            suggestion=suggestion,
            use=data["use"],
            stance=data.get("stance", ""),
            note=data.get("note", ""),
            user=request.user,
        )
        return self._answer(suggestion.pk)

    @extend_schema(
        summary="Dismiss a suggestion",
        description="Scope `write`. It is kept as a decided pair and not suggested for this claim again.",
        request=None,
        responses={200: SuggestionSerializer, **problems(*WRITE_ERRORS, 404)},
        examples=[
            OpenApiExample(
                "Dismissed", value={**SUGGESTION_EXAMPLE, "status": "dismissed"}, response_only=True
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        suggestion = self._suggestion(pk)
        suggestion_dismiss(suggestion=suggestion, user=request.user)
        return self._answer(suggestion.pk)


# --- ratings -------------------------------------------------------------------------------------------


@extend_schema(tags=["ratings"])
class RatingViewSet(viewsets.GenericViewSet):
    # The whole scale in one answer: a handful of rows, never paginated.
    pagination_class = None
    filterset_class = None
    serializer_class = RatingSerializer

    def get_queryset(self):
        return api_ratings()

    @extend_schema(
        summary="The rating scale",
        description="Scope `read`. Every rating a verdict may carry (and retired ones, `active: false`), in "
        "scale order, with its numeric value for ClaimReview's ratingValue. Not paginated.",
        responses={
            200: OpenApiResponse(RatingSerializer(many=True), description="The whole scale."),
            **problems(401, 403, 429),
        },
        examples=[
            OpenApiExample(
                "One step of the scale",
                value={
                    "slug": "false",
                    "label": "False",
                    "order": 5,
                    "value": 1,
                    "description": "Not accurate.",
                    "colour": "#dc2626",
                    "active": True,
                },
                response_only=True,
            )
        ],
    )
    def list(self, request):
        return Response(RatingSerializer(self.get_queryset(), many=True).data)
