"""`POST /api/v1/lookup/`: "has this been checked?" for up to 100 texts at once (read scope).

Each text gets the published fact-checks that match it, ours and imported, best first, with a score and the
reasons it matched (claims/selectors/lookup.py). Nothing is stored: a lookup is a read sent as POST because
a batch of texts does not fit in a URL.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from claims.api.schema import problems
from claims.choices import ApiScope, CorpusKind
from claims.selectors.lookup import MAX_MATCHES, factchecks_matching

MAX_TEXTS = 100
TEXT_MAX_LENGTH = 2_000


class LookupRequestSerializer(serializers.Serializer):
    texts = serializers.ListField(
        child=serializers.CharField(max_length=TEXT_MAX_LENGTH),
        min_length=1,
        max_length=MAX_TEXTS,
        help_text=f"1 to {MAX_TEXTS} claims or sentences, each at most {TEXT_MAX_LENGTH:,} characters.",
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_MATCHES, default=5, help_text="At most this many matches per text."
    )

    def validate_texts(self, texts: list[str]) -> list[str]:
        for text in texts:
            # JSON can carry lone surrogates, which are not text: no engine or database can take them.
            if any("\ud800" <= ch <= "\udfff" for ch in text):
                raise serializers.ValidationError("A text holds characters that are not valid Unicode.")
        return texts


class MatchRatingSerializer(serializers.Serializer):
    slug = serializers.CharField(allow_null=True, help_text="Our scale's slug; null when it maps onto none.")
    label = serializers.CharField(help_text="Our scale's label, else the publisher's own words.")
    publisher_label = serializers.CharField(
        allow_null=True, help_text="An imported fact-check's rating in its publisher's words."
    )


class LookupMatchSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[CorpusKind.FACTCHECK, CorpusKind.CLAIMREVIEW],
        help_text="`factcheck`: ours or a loaded archive's; `claimreview`: an imported ClaimReview.",
    )
    origin = serializers.ChoiceField(
        choices=["verdict", "archive", "claimreview"],
        help_text="`verdict`: our published verdict (see `verdict`); `archive`: a loaded fact-check archive; "
        "`claimreview`: imported from a publisher.",
    )
    verdict = serializers.IntegerField(
        source="verdict_id",
        allow_null=True,
        help_text="Our verdict's id (GET /api/v1/verdicts/<id>/), or null.",
    )
    title = serializers.CharField()
    claim = serializers.CharField(help_text="The claim the fact-check rated.")
    summary = serializers.CharField(
        allow_null=True, help_text="Our verdict's summary; null for outside ones."
    )
    url = serializers.CharField(allow_null=True)
    publisher = serializers.CharField(allow_null=True)
    rating = MatchRatingSerializer(allow_null=True)
    date = serializers.DateField(allow_null=True)
    score = serializers.FloatField(
        help_text="0 to 1: lexical and semantic closeness fused, relative to the best."
    )
    similarity = serializers.FloatField(help_text="Closeness in meaning (cosine), at least 0.3.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why it matched, in words.")


class LookupResultSerializer(serializers.Serializer):
    text = serializers.CharField()
    matches = LookupMatchSerializer(many=True)


class LookupResponseSerializer(serializers.Serializer):
    results = LookupResultSerializer(many=True, help_text="One per text, in the order sent.")


class LookupViewSet(viewsets.ViewSet):
    required_scopes = {"create": ApiScope.READ}

    @extend_schema(
        summary="Has this been checked?",
        description="Scope **read**. For each text, the published fact-checks that match it (ours and "
        "imported), best first, each with a score and the reasons it matched. Nothing is stored.",
        request=LookupRequestSerializer,
        responses={
            200: LookupResponseSerializer,
            **problems(400, 401, 403, 413, 415, 429),
        },
        examples=[
            OpenApiExample(
                "Two texts",
                request_only=True,
                value={"texts": ["The tunnel opened in 1974.", "Vaccines change your DNA."], "limit": 3},
            ),
            OpenApiExample(
                "Matches",
                response_only=True,
                value={
                    "results": [
                        {
                            "text": "The tunnel opened in 1974.",
                            "matches": [
                                {
                                    "kind": "factcheck",
                                    "origin": "verdict",
                                    "verdict": 12,
                                    "title": "It opened in 1984, ten years later.",
                                    "claim": "The Mill Street tunnel opened in 1974.",
                                    "summary": "It opened in 1984, ten years later.",
                                    "url": None,
                                    "publisher": None,
                                    "rating": {"slug": "false", "label": "False", "publisher_label": None},
                                    "date": "2026-01-12",
                                    "score": 1.0,
                                    "similarity": 0.76,
                                    "reasons": [
                                        "Same names: Mill Street",
                                        "Same numbers: 1974",
                                        "Key terms: tunnel, opened",
                                        "Close in meaning (0.76)",
                                    ],
                                }
                            ],
                        },
                        {"text": "Vaccines change your DNA.", "matches": []},
                    ]
                },
            ),
        ],
    )
    def create(self, request):
        incoming = LookupRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        texts, limit = incoming.validated_data["texts"], incoming.validated_data["limit"]
        matches = factchecks_matching(texts=texts, limit=limit)
        body = {"results": [{"text": t, "matches": m} for t, m in zip(texts, matches, strict=True)]}
        return Response(LookupResponseSerializer(body).data)
