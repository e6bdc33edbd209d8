"""Enumerations shared by models and by the database-free services (splitting, scoring)."""

from django.db import models


class ClaimKind(models.TextChoices):
    FACTUAL = "factual", "Factual"
    STATISTICAL = "statistical", "Statistical"
    QUOTE = "quote", "Quote or attribution"
    PREDICTION = "prediction", "Prediction"
    OPINION = "opinion", "Opinion"
    QUESTION = "question", "Question"
    OTHER = "other", "Other"


class ClaimStatus(models.TextChoices):
    NEW = "new", "New"
    DISMISSED = "dismissed", "Dismissed"
    IN_REVIEW = "in_review", "In review"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    PUBLISHED = "published", "Published"


class ClaimantKind(models.TextChoices):
    """Who a claimant is, for ClaimReview's itemReviewed.author (a schema.org Person or Organization)."""

    PERSON = "person", "A person"
    ORGANIZATION = "organization", "An organisation"


class ClaimOrigin(models.TextChoices):
    SPLIT = "split", "Split from the article"
    MANUAL = "manual", "Made by a reviewer"


class AnchorState(models.TextChoices):
    """Where a claim stands after its article's text was replaced and the claim re-anchored."""

    ANCHORED = "anchored", "Anchored"
    CHANGED = "changed", "Text changed"
    LOST = "lost", "No longer found"


class IngestMethod(models.TextChoices):
    PASTE = "paste", "Pasted text"
    UPLOAD = "upload", "Uploaded file"
    URL = "url", "Fetched from a URL"
    COMMAND = "command", "manage.py ingest"
    API = "api", "Partner API"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Adds context"


class SourceFetchStatus(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    PENDING = "pending", "Waiting to be fetched"
    FETCHED = "fetched", "Fetched and archived"
    FAILED = "failed", "Fetch failed"


class VerdictStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting approval"
    RETURNED = "returned", "Returned for changes"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded by a newer revision"


# A claim has at most one verdict revision in these states at a time (a database constraint says so).
OPEN_VERDICT_STATUSES = (VerdictStatus.DRAFT, VerdictStatus.SUBMITTED, VerdictStatus.RETURNED)


class JobKind(models.TextChoices):
    """What a background job does; each kind has one handler (claims/services/jobs.py)."""

    INGEST_URL = "ingest_url", "Add an article from a web address"
    FETCH_SOURCE = "fetch_source", "Fetch and archive a source"
    REFETCH_ARTICLE = "refetch_article", "Fetch an article again"
    INDEX_CORPUS = "index_corpus", "Index items for related coverage"
    SUGGEST_COVERAGE = "suggest_coverage", "Find related coverage for a claim"
    POLL_FEED = "poll_feed", "Poll a feed"
    DELIVER_WEBHOOK = "deliver_webhook", "Deliver a webhook"
    FETCH_FEED_PAGE = "fetch_feed_page", "Fetch a feed item's page"
    EXPORT_REPORT = "export_report", "Export a verdict report"
    SCORE_CLAIMS = "score_claims", "Score claims with the check-worthiness model"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# A job in one of these states holds its (kind, dedupe key): a second request for the same work joins it.
ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class CorpusKind(models.TextChoices):
    """What an indexed item of related coverage is (the engine's `Document.kind`; more kinds plug in later)."""

    FACTCHECK = "factcheck", "Fact-check"  # our published verdicts, and archives loaded by `load_factchecks`
    CLAIMREVIEW = "claimreview", "Imported fact-check"  # schema.org ClaimReview (`import_claimreviews`)
    FEED_ITEM = "feed_item", "Feed item"
    PROVIDER = "provider", "Outside search"  # an answer of an outside provider (claims/outside/providers.py)
    PASSAGE = "passage", "Article passage"
    SOURCE = "source", "Archived source"


# Kinds that are someone's verdict on a claim: a claim can be "the same claim as" one of them.
FACTCHECK_KINDS = (CorpusKind.FACTCHECK, CorpusKind.CLAIMREVIEW)


class SuggestionStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class SuggestionUse(models.TextChoices):
    """How an accepted suggestion was used."""

    EVIDENCE = "evidence", "Attached as evidence"
    SAME_CLAIM = "same_claim", "Same claim as this fact-check"


class ApiScope(models.TextChoices):
    """What a partner's API key may do."""

    READ = "read", "Read published verdicts and the partner's own objects"
    WRITE = "write", "Push articles, add evidence and sources, draft verdicts, decide suggestions"
    PUBLISH = "publish", "Approve (publish) verdicts, never one the key's partner wrote"


class WebhookEvent(models.TextChoices):
    VERDICT_PUBLISHED = "verdict.published", "A verdict was published"
    VERDICT_UPDATED = "verdict.updated", "A published verdict was replaced by a new revision"
    CLAIM_CREATED = "claim.created", "A claim was made"
    ARTICLE_INGESTED = "article.ingested", "An article was added"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # queued, or waiting to be tried again
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"  # given up on after the retry window
