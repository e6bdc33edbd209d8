from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from claims.models import Article, Claim, Comment, Evidence, Job, Rating, Source, Verdict


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "site_name", "published_at", "ingest_method", "created_at"]
    list_filter = ["ingest_method", "language", "published_at"]
    search_fields = ["title", "url", "site_name"]
    readonly_fields = ["text", "content_hash", "text_revision", "ingested_by", "created_at", "updated_at"]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "article", "status", "kind", "checkworthiness", "assignee", "anchor_state"]
    list_filter = ["status", "kind", "origin", "anchor_state"]
    search_fields = ["text", "normalised_text"]
    raw_id_fields = ["article", "assignee", "created_by"]
    # Spans and their text change only through the claim services, which keep them consistent.
    readonly_fields = ["article", "start", "end", "text", "quote_prefix", "quote_suffix", "version"]


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "publisher", "published_at", "fetch_status", "fetched_at"]
    list_filter = ["fetch_status"]
    search_fields = ["title", "url", "publisher"]
    readonly_fields = ["archived_text", "archived_hash", "fetched_at"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "source", "stance", "excerpt_verified", "author", "created_at"]
    list_filter = ["stance"]
    raw_id_fields = ["claim", "source", "author"]


@admin.register(Rating)
class RatingAdmin(SimpleHistoryAdmin):
    list_display = ["label", "order", "value", "colour", "is_active"]
    list_editable = ["order", "value", "colour", "is_active"]
    prepopulated_fields = {"slug": ["label"]}


@admin.register(Verdict)
class VerdictAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "revision", "rating", "status", "author", "approver", "published_at"]
    list_filter = ["status", "rating"]
    raw_id_fields = ["claim", "author", "approver"]
    readonly_fields = ["version"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["claim", "author", "created_at"]
    raw_id_fields = ["claim", "author"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "attempts", "url", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    search_fields = ["url", "dedupe_key", "error"]
    raw_id_fields = ["article", "source", "created_by"]
    # The life cycle belongs to the workers (claims/services/jobs.py): an admin looks, never edits it.
    readonly_fields = [
        "kind",
        "status",
        "attempts",
        "lease_token",
        "lease_expires_at",
        "enqueued_at",
        "retry_at",
        "started_at",
        "finished_at",
        "created_at",
        "updated_at",
    ]
