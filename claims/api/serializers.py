"""Serializers of the articles, claims, evidence, sources, suggestions, ratings and jobs endpoints.

Output serializers declare their fields (for the OpenAPI schema) but build each representation by hand in
`to_representation`: the lists serialize plain rows (claims.selectors.api) at the speed of building a dict,
with no per-field machinery and no query per row. Input serializers only check shapes and types; every rule
about what may be stored is the services' (their refusals come back as 400 with their message).
"""

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from claims.choices import (
    AnchorState,
    ClaimKind,
    ClaimStatus,
    CorpusKind,
    IngestMethod,
    JobKind,
    JobStatus,
    SourceFetchStatus,
    Stance,
    SuggestionStatus,
    SuggestionUse,
    VerdictStatus,
)


class OutputSerializer(serializers.Serializer):
    """Read-only: declared fields describe the output (for the schema); `to_representation` builds it."""


def _rating(slug, label, value) -> dict | None:
    return None if slug is None else {"slug": slug, "label": label, "value": value}


# --- ratings -------------------------------------------------------------------------------------------


class RatingBriefSerializer(OutputSerializer):
    slug = serializers.SlugField()
    label = serializers.CharField()
    value = serializers.IntegerField(
        allow_null=True,
        help_text="Numeric value (ClaimReview ratingValue, 1 = false … 5 = true); null off the axis.",
    )


class RatingSerializer(OutputSerializer):
    slug = serializers.SlugField()
    label = serializers.CharField()
    order = serializers.IntegerField(help_text="Position on the scale, from most to least accurate.")
    value = serializers.IntegerField(
        allow_null=True,
        help_text="Numeric value for ClaimReview's ratingValue (5 true … 1 false); null for ratings off the "
        "true–false axis (missing context, unverifiable).",
    )
    description = serializers.CharField()
    colour = serializers.CharField(help_text="#rrggbb")
    active = serializers.BooleanField(help_text="Whether new verdicts may use it.")

    def to_representation(self, rating) -> dict:
        return {
            "slug": rating.slug,
            "label": rating.label,
            "order": rating.order,
            "value": rating.value,
            "description": rating.description,
            "colour": rating.colour,
            "active": rating.is_active,
        }


# --- verdicts (as a claim shows them; the verdicts endpoints have their own serializers) ---------------


class ClaimVerdictBriefSerializer(OutputSerializer):
    id = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    rating = RatingBriefSerializer()


class ClaimVerdictSerializer(OutputSerializer):
    id = serializers.IntegerField()
    revision = serializers.IntegerField()
    status = serializers.ChoiceField(choices=VerdictStatus.choices)
    rating = RatingBriefSerializer()
    summary = serializers.CharField()
    rationale = serializers.CharField(help_text="Markdown.")
    version = serializers.IntegerField(
        help_text="Send it back when you change the verdict (optimistic locking)."
    )
    submitted_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    def to_representation(self, verdict) -> dict:
        # Never the editors' review comment or who wrote and approved it: internal to the workbench.
        rating = verdict.rating
        return {
            "id": verdict.pk,
            "revision": verdict.revision,
            "status": verdict.status,
            "rating": _rating(rating.slug, rating.label, rating.value),
            "summary": verdict.summary,
            "rationale": verdict.rationale,
            "version": verdict.version,
            "submitted_at": verdict.submitted_at,
            "published_at": verdict.published_at,
            "updated_at": verdict.updated_at,
        }


# --- claims --------------------------------------------------------------------------------------------


class ClaimSerializer(OutputSerializer):
    """A claim in a list: built from a row of claims.selectors.api.api_claim_rows."""

    id = serializers.IntegerField()
    article = serializers.IntegerField(help_text="The article's id.")
    text = serializers.CharField(help_text="Exactly the article's text from `start` to `end`.")
    normalised_text = serializers.CharField(help_text="A self-contained rewording, or empty.")
    claimant = serializers.CharField(help_text="Who made the claim, when known; else empty.")
    start = serializers.IntegerField(help_text="Offset (in code points) into the article's text.")
    end = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    status = serializers.ChoiceField(choices=ClaimStatus.choices)
    checkworthiness = serializers.FloatField(help_text="0–1: how much the claim calls for checking.")
    anchor_state = serializers.ChoiceField(choices=AnchorState.choices)
    assignee = serializers.CharField(allow_null=True, help_text="Username of the person working on it.")
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    verdict = ClaimVerdictBriefSerializer(allow_null=True, help_text="The published verdict, if any.")

    def to_representation(self, row) -> dict:
        verdict_id = row["verdict_id"]
        return {
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
            "verdict": None
            if verdict_id is None
            else {
                "id": verdict_id,
                "published_at": row["verdict_published_at"],
                "rating": _rating(row["rating_slug"], row["rating_label"], row["rating_value"]),
            },
        }


class SourceBriefSerializer(OutputSerializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="Empty for a source entered by hand without an address.")
    title = serializers.CharField()
    publisher = serializers.CharField()
    published_at = serializers.DateField(allow_null=True)
    fetch_status = serializers.ChoiceField(choices=SourceFetchStatus.choices)


class SourceSerializer(SourceBriefSerializer):
    fetch_error = serializers.CharField(help_text="Why the fetch failed, if it did.")
    fetched_at = serializers.DateTimeField(allow_null=True, help_text="When the page was archived.")
    archived_hash = serializers.CharField(help_text="SHA-256 of the archived text, or empty.")
    created_at = serializers.DateTimeField()

    def to_representation(self, source) -> dict:
        return {
            **source_brief(source),
            "fetch_error": source.fetch_error,
            "fetched_at": source.fetched_at,
            "archived_hash": source.archived_hash,
            "created_at": source.created_at,
        }


def source_brief(source) -> dict:
    return {
        "id": source.pk,
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published_at": source.published_at,
        "fetch_status": source.fetch_status,
    }


class EvidenceSerializer(OutputSerializer):
    id = serializers.IntegerField()
    claim = serializers.IntegerField()
    source = SourceBriefSerializer()
    stance = serializers.ChoiceField(choices=Stance.choices)
    excerpt = serializers.CharField()
    excerpt_verified = serializers.BooleanField(
        allow_null=True,
        help_text="Whether the excerpt was found in the archived source; null until archived.",
    )
    note = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()

    def to_representation(self, evidence) -> dict:
        return {
            "id": evidence.pk,
            "claim": evidence.claim_id,
            "source": source_brief(evidence.source),
            "stance": evidence.stance,
            "excerpt": evidence.excerpt,
            "excerpt_verified": evidence.excerpt_verified,
            "note": evidence.note,
            "version": evidence.version,
            "created_at": evidence.created_at,
        }


class ItemRatingSerializer(OutputSerializer):
    slug = serializers.CharField(allow_null=True, help_text="On our scale; null when theirs maps to none.")
    label = serializers.CharField(allow_null=True)
    their_label = serializers.CharField(help_text="An outside fact-check's own words for its rating.")


class CoverageItemSerializer(OutputSerializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CorpusKind.choices)
    title = serializers.CharField()
    url = serializers.CharField()
    publisher = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    provider = serializers.CharField(help_text="The outside search that found it, or empty.")
    rating = ItemRatingSerializer(allow_null=True, help_text="A fact-check's rating.")


class SuggestionSerializer(OutputSerializer):
    """Needs `context["ratings"]`: the rating scale by slug (claims.selectors.api.rating_scale)."""

    id = serializers.IntegerField()
    claim = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SuggestionStatus.choices)
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    lexical = serializers.FloatField()
    semantic = serializers.FloatField()
    passage = serializers.CharField(help_text="The passage of the item that matched.")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why it matched, strongest first."
    )
    used_as = serializers.CharField(help_text="For an accepted one: evidence or same_claim.")
    evidence = serializers.IntegerField(allow_null=True, help_text="The evidence it became, if any.")
    decided_at = serializers.DateTimeField(allow_null=True)
    item = CoverageItemSerializer()

    def to_representation(self, suggestion) -> dict:
        item = suggestion.item
        return {
            "id": suggestion.pk,
            "claim": suggestion.claim_id,
            "status": suggestion.status,
            "rank": suggestion.rank,
            "score": suggestion.score,
            "lexical": suggestion.lexical,
            "semantic": suggestion.semantic,
            "passage": suggestion.passage,
            "reasons": suggestion.reasons,
            "used_as": suggestion.used_as,
            "evidence": suggestion.evidence_id,
            "decided_at": suggestion.decided_at,
            "item": {
                "id": item.pk,
                "kind": item.kind,
                "title": item.title,
                "url": item.url,
                "publisher": item.publisher,
                "date": item.date,
                "provider": item.provider,
                "rating": self._item_rating(item),
            },
        }

    def _item_rating(self, item) -> dict | None:
        if item.verdict_id is not None:  # one of our published verdicts
            rating = item.verdict.rating
            return {"slug": rating.slug, "label": rating.label, "their_label": ""}
        if not item.rating and not item.rating_label:
            return None
        ours = self.context.get("ratings", {}).get(item.rating) if item.rating else None
        return {
            "slug": ours.slug if ours else None,
            "label": ours.label if ours else None,
            "their_label": item.rating_label,
        }


class ClaimDetailSerializer(ClaimSerializer):
    """A claim with its evidence, its verdicts and its undecided suggestions (claims.selectors.api)."""

    evidence = EvidenceSerializer(many=True)
    published_verdict = ClaimVerdictSerializer(allow_null=True, help_text="The published verdict, if any.")
    open_verdict = ClaimVerdictSerializer(
        allow_null=True,
        help_text="The revision being worked on (draft, submitted or returned): only shown to its partner's "
        "write key (its own draft) and to the workbench's reviewers.",
    )
    suggestions = SuggestionSerializer(
        many=True, help_text="Related coverage not decided on yet, best first."
    )

    def to_representation(self, detail) -> dict:
        suggestion = SuggestionSerializer(context=self.context)
        return {
            **super().to_representation(detail["claim"]),
            "evidence": [EvidenceSerializer().to_representation(e) for e in detail["evidence"]],
            "published_verdict": _verdict_or_none(detail["verdict"]),
            "open_verdict": _verdict_or_none(detail["open_verdict"]),
            "suggestions": [suggestion.to_representation(s) for s in detail["suggestions"]],
        }


def _verdict_or_none(verdict) -> dict | None:
    return None if verdict is None else ClaimVerdictSerializer().to_representation(verdict)


# --- articles ------------------------------------------------------------------------------------------


class ArticleSerializer(OutputSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text="Canonical address, if it came from the web.")
    site_name = serializers.CharField()
    authors = serializers.ListField(child=serializers.CharField())
    published_at = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    ingest_method = serializers.ChoiceField(choices=IngestMethod.choices)
    text_revision = serializers.IntegerField(help_text="Goes up when the text is corrected or fetched again.")
    claim_count = serializers.IntegerField(help_text="How many of its claims this key sees.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, article) -> dict:
        return {
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "site_name": article.site_name,
            "authors": article.authors,
            "published_at": article.published_at,
            "language": article.language,
            "ingest_method": article.ingest_method,
            "text_revision": article.text_revision,
            "claim_count": article.claim_count,
            "created_at": article.created_at,
            "updated_at": article.updated_at,
        }


class ArticleDetailSerializer(ArticleSerializer):
    text = serializers.CharField(help_text="The normalised plain text the claims' offsets point into.")

    def to_representation(self, article) -> dict:
        return {**super().to_representation(article), "text": article.text}


class ArticleCreatedSerializer(ArticleDetailSerializer):
    created = serializers.BooleanField(help_text="false: the same text or address was already there.")

    def to_representation(self, article) -> dict:
        return {**super().to_representation(article), "created": self.context.get("created", True)}


class ArticleInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The article's text. Without it, `url` is fetched in the background (202 and a job).",
    )
    url = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="The article's address (http or https)."
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    published_at = serializers.DateField(required=False, allow_null=True)

    def validate(self, data):
        if not data.get("text", "").strip() and not data.get("url", "").strip():
            raise serializers.ValidationError({"text": ["Send the article's text, or its address as url."]})
        return data


# --- jobs ----------------------------------------------------------------------------------------------


class JobProgressSerializer(OutputSerializer):
    attempts = serializers.IntegerField(help_text="Runs started so far.")
    max_attempts = serializers.IntegerField()
    retry_at = serializers.DateTimeField(
        allow_null=True, help_text="After a passing failure: when it is tried again."
    )
    handed_over = serializers.BooleanField(help_text="Whether the background worker has been given it.")


class JobSerializer(OutputSerializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=JobKind.choices)
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = JobProgressSerializer()
    error = serializers.CharField(help_text="Why it failed (or why its last run did), in words.")
    result = serializers.DictField(
        help_text='The outcome; for an article: {"created": true|false}; for an export: {"done", "total"} '
        'claims read, then "download" (the file\'s address), "filename", "bytes", "content_type".'
    )
    article = serializers.IntegerField(allow_null=True, help_text="The article it added (or found).")
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, job) -> dict:
        return {
            "id": job.pk,
            "kind": job.kind,
            "status": job.status,
            "progress": {
                "attempts": job.attempts,
                "max_attempts": settings.JOB_MAX_ATTEMPTS,
                "retry_at": job.retry_at,
                "handed_over": job.enqueued_at is not None,
            },
            "error": job.error,
            "result": _job_result(job),
            # The article only if this caller may see it (the same text may be someone else's article).
            "article": job.article_id if self.context.get("article_visible") else None,
            "url": job.url,
            "created_at": job.created_at,
            "started_at": job.started_at,
            "finished_at": job.finished_at,
        }


def _job_result(job) -> dict:
    """The job's result; a finished export names its file's download address, not where it is stored."""
    result = dict(job.result or {})
    if job.kind == JobKind.EXPORT_REPORT and result.pop("file", None):
        result["download"] = reverse("api-export-file", args=[job.pk])
    return result


class JobAcceptedSerializer(OutputSerializer):
    job = JobSerializer()
    location = serializers.CharField(help_text="Where to follow the job: GET it until it is done or failed.")


# --- evidence, sources, suggestions (input) ------------------------------------------------------------


class EvidenceInputSerializer(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1)
    source = serializers.IntegerField(
        required=False, min_value=1, help_text="A source already stored (see /sources/)."
    )
    source_url = serializers.CharField(
        required=False,
        max_length=2000,
        help_text="Or the address of the page cited: it is fetched and archived in the background.",
    )
    stance = serializers.ChoiceField(choices=Stance.choices)
    excerpt = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    note = serializers.CharField(required=False, allow_blank=True)

    def validate(self, data):
        if ("source" in data) == ("source_url" in data):
            raise serializers.ValidationError(
                {"source": ["Give either source (the id of a stored source) or source_url, not both."]}
            )
        return data


class SourceInputSerializer(serializers.Serializer):
    url = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Without a title: the page to fetch and archive in the background.",
    )
    title = serializers.CharField(
        required=False, allow_blank=True, help_text="With a title: a source entered by hand (url optional)."
    )
    publisher = serializers.CharField(required=False, allow_blank=True)
    published_at = serializers.DateField(required=False, allow_null=True)
    archived_text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="For a source entered by hand: its text.",
    )

    def validate(self, data):
        if not data.get("title", "").strip() and not data.get("url", "").strip():
            raise serializers.ValidationError(
                {"url": ["Give the address of the page, or a title for a source entered by hand."]}
            )
        return data


class SuggestionAcceptInputSerializer(serializers.Serializer):
    use = serializers.ChoiceField(
        choices=SuggestionUse.choices,
        help_text="evidence: attach it as evidence (with a stance); same_claim: it checks the same claim.",
    )
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True)

    def validate(self, data):
        if data["use"] == SuggestionUse.EVIDENCE and "stance" not in data:
            raise serializers.ValidationError(
                {"stance": ["Say whether it supports the claim, refutes it or adds context."]}
            )
        return data
