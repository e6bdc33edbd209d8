"""What the verdict endpoints read and write. Validation of shape only: the rules are the services'."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.models import Rating, Verdict
from claims.selectors.visibility import visible_claims
from claims.services.verdicts import RATIONALE_MAX_LENGTH, RETURN_COMMENT_MAX_LENGTH, SUMMARY_MAX_LENGTH


def verdict_etag(verdict: Verdict) -> str:
    """The entity tag of a verdict as it stands: its id and version (versions never repeat for a claim)."""
    return f'"{verdict.pk}-{verdict.version}"'


class RatingRefSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="The rating's stable name on our scale, e.g. `false`.")
    label = serializers.CharField(help_text="How the scale names it now, e.g. “False”.")
    value = serializers.IntegerField(
        allow_null=True, help_text="Its number on the true-false axis (null for ratings off the axis)."
    )


class VerdictSerializer(serializers.Serializer):
    """One revision of a claim's verdict, as a caller may see it.

    `review_comment` (what an editor asked to change when returning it) is the author's alone: it is null
    for everyone else. Who wrote or approved it is not told; `mine` says whether it is the caller's own.
    """

    id = serializers.IntegerField(read_only=True)
    claim = serializers.IntegerField(source="claim_id", read_only=True)
    revision = serializers.IntegerField(read_only=True, help_text="1 for a claim's first verdict, then 2, 3…")
    status = serializers.ChoiceField(choices=Verdict._meta.get_field("status").choices, read_only=True)
    rating = RatingRefSerializer(read_only=True)
    summary = serializers.CharField(read_only=True)
    rationale = serializers.CharField(read_only=True, help_text="Markdown.")
    version = serializers.IntegerField(
        read_only=True,
        help_text="Changes with every change; send it back (or the ETag as If-Match) to change it.",
    )
    mine = serializers.SerializerMethodField(help_text="Whether the caller (the key's partner) wrote it.")
    review_comment = serializers.SerializerMethodField(
        help_text="The editor's comment when it was returned for changes; only its author sees it."
    )
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def _is_mine(self, verdict: Verdict) -> bool:
        request = self.context.get("request")
        return request is not None and verdict.author_id == request.user.pk

    @extend_schema_field(serializers.BooleanField())
    def get_mine(self, verdict: Verdict) -> bool:
        return self._is_mine(verdict)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_review_comment(self, verdict: Verdict) -> str | None:
        return verdict.review_comment if self._is_mine(verdict) else None


class _ActiveRatingField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(
            slug_field="slug",
            queryset=Rating.objects.filter(is_active=True),
            help_text="A rating's slug from `GET /api/v1/ratings/`, e.g. `false`.",
            error_messages={"does_not_exist": "No active rating is called “{value}”: see /api/v1/ratings/."},
            **kwargs,
        )


@extend_schema_field(OpenApiTypes.INT)
class _VisibleClaimField(serializers.PrimaryKeyRelatedField):
    """A claim the caller may see; any other id reads as one that does not exist."""

    def get_queryset(self):
        return visible_claims(user=self.context["request"].user)


class VerdictCreateSerializer(serializers.Serializer):
    claim = _VisibleClaimField(help_text="The id of a claim you can see (one of your own articles' claims).")
    rating = _ActiveRatingField()
    summary = serializers.CharField(max_length=SUMMARY_MAX_LENGTH, help_text="One or two sentences.")
    rationale = serializers.CharField(
        max_length=RATIONALE_MAX_LENGTH, required=False, allow_blank=True, default="", help_text="Markdown."
    )


class VerdictUpdateSerializer(serializers.Serializer):
    """PUT sends rating and summary (rationale defaults to empty); PATCH only what changes."""

    rating = _ActiveRatingField()
    summary = serializers.CharField(max_length=SUMMARY_MAX_LENGTH)
    rationale = serializers.CharField(max_length=RATIONALE_MAX_LENGTH, required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you read. Give it or the ETag as If-Match; a stale one changes nothing.",
    )


class VerdictActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you read. Give it or the ETag as If-Match; a stale one changes nothing.",
    )


class VerdictReturnSerializer(VerdictActionSerializer):
    comment = serializers.CharField(
        max_length=RETURN_COMMENT_MAX_LENGTH,
        help_text="What needs to change; posted to the claim's discussion.",
    )
