"""The fact-checking domain: articles, the claims split from them, sources, evidence and verdicts.

Offsets are Python code points into `Article.text`, which is normalised once at ingestion. When an
article's text is replaced (re-fetched or corrected) its claims are re-anchored by their quote selector
(claims/services/claims.py), never edited in place by hand.
"""

import re
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords

from claims.choices import (
    ACTIVE_JOB_STATUSES,
    AnchorState,
    ClaimantKind,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    CorpusKind,
    DeliveryStatus,
    IngestMethod,
    JobKind,
    JobStatus,
    SourceFetchStatus,
    Stance,
    SuggestionStatus,
    SuggestionUse,
    VerdictStatus,
    WebhookEvent,
)

User = settings.AUTH_USER_MODEL
# The one rule for a rating's colour: it is written into style and SVG attributes, so only #rrggbb.
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"
FALLBACK_COLOUR = "#6b7280"
_HEX_COLOUR = re.compile(HEX_COLOUR)


def safe_colour(colour: str | None) -> str:
    """`colour` if it is a plain hex colour, else grey: what may go into a style or SVG attribute.

    A rating's colour is validated on input, but a bulk update or a hand-edited row skips validators, and
    the colour is rendered unescaped into CSS (where escaping does not help).
    """
    return colour if _HEX_COLOUR.match(colour or "") else FALLBACK_COLOUR


class Article(models.Model):
    title = models.CharField(max_length=500, blank=True)
    # Canonical URL: unique when present, so the same page is found rather than stored twice.
    url = models.URLField("canonical URL", max_length=2000, null=True, blank=True, unique=True)
    site_name = models.CharField("site or publisher", max_length=200, blank=True)
    authors = models.JSONField(default=list, blank=True)
    published_at = models.DateField("published", null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    text = models.TextField(help_text="Normalised plain text; claim offsets point into it.")
    html = models.TextField(blank=True, help_text="Sanitised main-content HTML, when it came as HTML.")
    # SHA-256 of the normalised text: the same text pasted twice is found, not stored twice.
    content_hash = models.CharField(max_length=64, unique=True)
    text_revision = models.PositiveIntegerField(default=1)
    ingest_method = models.CharField(max_length=16, choices=IngestMethod.choices)
    ingested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["published_at"]), models.Index(fields=["site_name"])]

    def __str__(self) -> str:
        return self.title or self.text[:80]


class CheckworthinessModel(models.Model):
    """A trained check-worthiness model (a directory `train_checkworthiness` wrote) the workbench knows of.

    At most one is active: new and open claims are scored with it (claims/services/checkworthiness.py);
    with none active, the transparent rule scorer scores. The row keeps what the directory's metrics say,
    so the admin page and the weekly retraining can compare models without loading them.
    """

    directory = models.CharField(max_length=500, unique=True)
    version = models.CharField(max_length=100)
    trained_at = models.DateTimeField()
    cv_f1 = models.FloatField(help_text="Cross-validated F1(Yes) on its own training data.")
    threshold = models.FloatField(help_text="Its decision threshold, chosen by cross-validation.")
    examples = models.PositiveIntegerField()
    card = models.TextField(blank=True)
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_checkworthiness_model"
            )
        ]

    def __str__(self) -> str:
        return f"Model {self.version} (F1 {self.cv_f1:.3f}{', active' if self.is_active else ''})"


class Claim(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="Exactly article.text[start:end].")
    # W3C TextQuoteSelector: lets the claim be found again when the article text changes.
    quote_prefix = models.CharField(max_length=64, blank=True)
    quote_suffix = models.CharField(max_length=64, blank=True)
    normalised_text = models.TextField(
        "normalised wording", blank=True, help_text="A self-contained rewording; the span stays as it was."
    )
    checkworthiness = models.FloatField(default=0.0)
    kind = models.CharField(max_length=16, choices=ClaimKind.choices, default=ClaimKind.OTHER)
    reasons = models.JSONField(default=list, blank=True)
    # The trained model that gave `checkworthiness`; empty: the rule scorer (claims/text/checkworthiness.py).
    scored_by = models.ForeignKey(
        CheckworthinessModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.NEW)
    dismissed_reason = models.TextField(blank=True)
    # Dismissed as not worth checking (a "No" label for training), rather than for another reason.
    not_checkworthy = models.BooleanField(default=False)
    # Who made the claim (a politician, an organisation…), when the article says: ClaimReview's
    # itemReviewed.author. The article's author reported it; they are not the claimant.
    claimant = models.CharField(max_length=200, blank=True)
    claimant_kind = models.CharField(max_length=12, choices=ClaimantKind.choices, blank=True)
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_claims"
    )
    origin = models.CharField(max_length=8, choices=ClaimOrigin.choices, default=ClaimOrigin.SPLIT)
    anchor_state = models.CharField(max_length=10, choices=AnchorState.choices, default=AnchorState.ANCHORED)
    # Optimistic locking: a save is accepted only if the version it started from is still current.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["article_id", "start", "id"]
        indexes = [
            models.Index(fields=["article", "start"]),
            models.Index(fields=["status", "-checkworthiness"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_span_not_empty"),
            models.UniqueConstraint(
                fields=["article", "start", "end"],
                condition=~Q(anchor_state=AnchorState.LOST),
                name="claim_span_unique_per_article",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Source(models.Model):
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_at = models.DateField(null=True, blank=True)
    archived_text = models.TextField(blank=True)
    archived_hash = models.CharField(max_length=64, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    fetch_status = models.CharField(
        max_length=10, choices=SourceFetchStatus.choices, default=SourceFetchStatus.MANUAL
    )
    fetch_error = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["url"])]
        constraints = [
            # A page fetched from the web is one source, however many claims cite it. Sources typed by
            # hand record what a person read, so several may name the same address (or none).
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(fetch_status=SourceFetchStatus.MANUAL) & ~Q(url=""),
                name="source_fetched_url_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"Source {self.pk}"


class Evidence(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=10, choices=Stance.choices)
    excerpt = models.TextField(blank=True, help_text="Quoted from the source.")
    # Whether the excerpt was found in the source's archived text (None: nothing archived to check).
    excerpt_verified = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True)
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    # Optimistic locking, as on claims and verdicts: a withdrawal is refused if the evidence changed since.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"


class Rating(models.Model):
    """One step of the rating scale, configured by an admin (a default scale ships in a migration)."""

    label = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(help_text="Position on the scale, from most to least accurate.")
    # Numeric value for ClaimReview's ratingValue; empty for ratings off the true-false axis.
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    # Rendered into style attributes, so only a plain hex colour is accepted.
    colour = models.CharField(
        max_length=7,
        default="#6b7280",
        validators=[RegexValidator(HEX_COLOUR, "Give a colour as # and six hex digits, e.g. #16a34a.")],
        help_text="Hex colour, e.g. #16a34a.",
    )
    is_active = models.BooleanField(default=True)
    # A relabelled or recoloured rating changes how published verdicts read: keep a record of who did it.
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def display_colour(self) -> str:
        """The colour to draw with (templates use this, never `colour` itself)."""
        return safe_colour(self.colour)


class Verdict(models.Model):
    """One revision of a claim's verdict. A published verdict changes only through a new revision."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    revision = models.PositiveIntegerField(default=1)
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="verdicts")
    summary = models.CharField(max_length=300)
    rationale = models.TextField(blank=True, help_text="Markdown; rendered safely.")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="authored_verdicts")
    approver = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_verdicts"
    )
    status = models.CharField(max_length=12, choices=VerdictStatus.choices, default=VerdictStatus.DRAFT)
    review_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim_id", "-revision"]
        permissions = [
            ("approve_verdict", "Can approve (publish) or return verdicts"),
            ("export_reports", "Can export verdict reports (with drafts when asked)"),
        ]
        # The public index and its feed: published verdicts, newest first.
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="verdict_published_newest",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["claim", "revision"], name="verdict_revision_unique"),
            models.CheckConstraint(
                condition=Q(approver__isnull=True) | ~Q(approver=F("author")),
                name="verdict_not_self_approved",
            ),
            models.UniqueConstraint(
                fields=["claim"], condition=Q(status="published"), name="verdict_one_published_revision"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(approver__isnull=False, published_at__isnull=False),
                name="verdict_published_has_approver",
            ),
            # At most one open (not yet published or superseded) revision per claim.
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="verdict_one_open_revision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating} (rev. {self.revision})"


class CitedEvidence(models.Model):
    """A piece of evidence as a published verdict cited it: copied from the claim's evidence on approval.

    A published verdict changes only through a new revision, and so do the sources it rests on. Evidence
    added, corrected or withdrawn on the claim afterwards is work towards the next revision: the public page,
    ClaimReview and every report of the published verdict show this record instead.
    """

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="cited_evidence")
    # The claim's evidence it was copied from; empty once that has been withdrawn.
    evidence = models.ForeignKey(Evidence, null=True, on_delete=models.SET_NULL, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    stance = models.CharField(max_length=10, choices=Stance.choices)
    excerpt = models.TextField(blank=True)
    excerpt_verified = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["verdict_id", "position"]
        verbose_name_plural = "cited evidence"
        constraints = [
            models.UniqueConstraint(fields=["verdict", "position"], name="cited_evidence_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"

    @classmethod
    def copy_of(cls, evidence: Evidence, *, verdict_id: int, position: int) -> "CitedEvidence":
        """An unsaved record of `evidence` as it stands, cited by the verdict at `position` (from 1)."""
        return cls(
            verdict_id=verdict_id,
            evidence=evidence,
            source_id=evidence.source_id,
            stance=evidence.stance,
            excerpt=evidence.excerpt,
            excerpt_verified=evidence.excerpt_verified,
            note=evidence.note,
            position=position,
        )


class Comment(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:80]


class Job(models.Model):
    """One piece of background work, run by `claims.run_job` (claims/services/jobs.py).

    Every kind of background work (adding an article from a URL, fetching a source, fetching an article
    again, and whatever comes next) is a row here with one life cycle: queued → running → done or failed.
    A worker holds a job through a lease it renews while it works; a job whose lease ran out (its worker
    died) is taken over. `enqueued_at` is the outbox mark: empty until the job was handed to the queue,
    so a job whose queueing failed (broker down) is found and queued again by the sweeper.
    """

    kind = models.CharField(max_length=32, choices=JobKind.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # What the job concerns or produced; each kind documents which it uses.
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
        help_text="The article fetched again, or the one added from the web address.",
    )
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs")
    url = models.URLField(max_length=2000, blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(
        blank=True,
        help_text="Why it failed (or, queued for a retry, why its last run did), in words the person who "
        "asked can act on.",
    )
    # Jobs of one kind with the same key are the same work: while one is queued or running, asking again
    # joins it (two people citing the same page queue one fetch). Empty: never merged.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # The lease: the id of the Celery delivery running the job, and until when it holds it.
    lease_token = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was handed to the worker queue; empty: not yet."
    )
    # Set when a run failed transiently and the job waits out its back-off (claims/services/retries.py):
    # the sweeper does not hand it over before then. Cleared when a run claims it.
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="When it will be tried again after a passing failure."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweeper's two questions: running jobs whose lease ran out, queued jobs not handed over.
            models.Index(fields=["status", "lease_expires_at"], name="job_status_lease"),
            models.Index(fields=["status", "enqueued_at"], name="job_status_enqueued"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "dedupe_key"],
                condition=Q(status__in=ACTIVE_JOB_STATUSES) & ~Q(dedupe_key=""),
                name="job_one_active_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def retry_note(self) -> str:
        """For a job queued for a retry: why its last run failed and when it runs again; else ""."""
        if self.status != JobStatus.QUEUED or self.retry_at is None:
            return ""
        attempt = f"attempt {self.attempts + 1} of {settings.JOB_MAX_ATTEMPTS}"
        if self.retry_at > timezone.now():
            at = timezone.localtime(self.retry_at).strftime("%H:%M:%S")
            return f"{self.error} Retrying at {at} ({attempt})."
        return f"{self.error} Retrying as soon as a worker is free ({attempt})…"

    # How the article of an `ingest_url` job is recorded as ingested (the partner API will pass "api").
    @property
    def method(self) -> str:
        return self.params.get("method", IngestMethod.URL)


def suggestion_job_key(claim_id: int) -> str:
    """The dedupe key of a claim's `suggest_coverage` job: one queued or running at a time per claim."""
    return f"claim:{claim_id}"


class Feed(models.Model):
    """An RSS, Atom or JSON feed an editor follows: polled by Celery beat, its new items become coverage.

    The polling state (validators for the conditional GET, the schedule, the last outcome) is written only
    by claims/services/feeds.py; a feed failing again and again is polled ever less often and flagged.
    """

    url = models.URLField("feed address", max_length=2000, unique=True)  # canonical
    name = models.CharField(max_length=200)
    poll_minutes = models.PositiveIntegerField(
        "polling interval (minutes)",
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
    )
    active = models.BooleanField(default=True)
    fetch_pages = models.BooleanField(
        "fetch each item's full page",
        default=True,
        help_text="Read the linked article in the background, not only the feed's summary.",
    )
    title = models.CharField(max_length=500, blank=True)  # the feed's own title
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_items_seen = models.PositiveIntegerField(default=0)
    last_items_new = models.PositiveIntegerField(default=0)
    items_total = models.PositiveIntegerField(default=0)  # items ingested from this feed, ever
    warnings = models.JSONField(default=list, blank=True)  # what the last poll had to forgive
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CorpusItem(models.Model):
    """One item the related-coverage engine searches (claims/coverage/), with its stored embedding.

    Each item comes from one row: a published verdict (a fact-check of this workbench), a claim (the
    passage of an ingested article it quotes), an archived source, or a file loaded by `load_factchecks`
    (`external_id`). The unique constraints make re-indexing replace an item rather than add another.
    """

    kind = models.CharField(max_length=16, choices=CorpusKind.choices)
    text = models.TextField()
    title = models.CharField(max_length=500, blank=True)
    date = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    # Loaded fact-checks: the id in the file they came from (e.g. a vclaim_id).
    external_id = models.CharField(max_length=200, blank=True)
    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.CASCADE, related_name="corpus_items"
    )
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="corpus_items"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="corpus_items"
    )
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    # Who published it: an imported fact-check's publisher, a feed item's site, a provider's source.
    publisher = models.CharField(max_length=200, blank=True)
    # An outside fact-check's rating: the publisher's own words, and the slug of our scale they map to
    # (claims/outside/ratings.py), or "unmapped".
    rating_label = models.CharField(max_length=200, blank=True)
    rating = models.CharField(max_length=40, blank=True)
    provider = models.CharField(max_length=40, blank=True)  # an outside provider's name (kind "provider")
    # What else the origin said (a ClaimReview's claimant, authors, rating numbers, appearances; a feed
    # item's GUID; the state of its page fetch), for the item's page and for re-imports.
    details = models.JSONField(default=dict, blank=True)
    # The lexical engine's tokens (claims/coverage/lexical.py: stemmed, stop words out, numbers kept), set
    # with the embedding. On PostgreSQL a generated, GIN-indexed `search_vector` (title A, text B; migration
    # 0012) is built from them, and BM25 over it is ranked in the database (claims/coverage/database.py).
    title_terms = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    term_count = models.PositiveIntegerField(default=0)  # document length for BM25 (title tokens count twice)
    # float16, L2-normalised; empty until an `index_corpus` job embedded the current text.
    embedding = models.BinaryField(null=True, blank=True)
    embedding_model = models.CharField(max_length=100, blank=True)
    indexed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["id"]
        permissions = [("import_factchecks", "Can import outside fact-checks (ClaimReview)")]
        indexes = [models.Index(fields=["kind", "url"], name="corpus_kind_url")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "external_id"], condition=~Q(external_id=""), name="corpus_external_unique"
            ),
            models.UniqueConstraint(
                fields=["verdict"], condition=Q(verdict__isnull=False), name="corpus_verdict_unique"
            ),
            models.UniqueConstraint(
                fields=["claim"], condition=Q(claim__isnull=False), name="corpus_claim_unique"
            ),
            models.UniqueConstraint(
                fields=["source"], condition=Q(source__isnull=False), name="corpus_source_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {(self.title or self.text)[:80]}"


class Suggestion(models.Model):
    """A corpus item suggested as related coverage of a claim, and what a reviewer decided about it.

    A rerun of the claim's `suggest_coverage` job replaces its undecided suggestions; decided ones (the
    labelled pairs) are kept and never suggested again.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="suggestions")
    item = models.ForeignKey(CorpusItem, on_delete=models.CASCADE, related_name="suggestions")
    rank = models.PositiveSmallIntegerField(default=0)
    score = models.FloatField()
    lexical = models.FloatField(default=0.0)
    semantic = models.FloatField(default=0.0)
    passage = models.TextField(blank=True)
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.SUGGESTED
    )
    used_as = models.CharField(max_length=12, choices=SuggestionUse.choices, blank=True)
    evidence = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # What the corpus held when the suggestion was computed (items and latest change), for tuning.
    corpus_state = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "item"], name="suggestion_claim_item_unique"),
        ]
        indexes = [models.Index(fields=["claim", "status"])]

    def __str__(self) -> str:
        return f"{self.item} for claim {self.claim_id} ({self.status})"


# --- partners: the REST API's keys and webhooks (claims/api/, claims/services/partners.py, webhooks.py) ------


class Partner(models.Model):
    """An organisation whose tools use the API (a newsroom CMS, a browser extension, a platform).

    Its keys act as its `account`, a user of its own without a password: what a partner creates (an article it
    pushes, evidence, a verdict) is recorded as that account's, and a partner sees only its own such objects
    and what is published.
    """

    name = models.CharField(max_length=200, unique=True)
    contact_email = models.EmailField(blank=True, help_text="Told when a webhook endpoint is disabled.")
    active = models.BooleanField(default=True)
    account = models.OneToOneField(User, on_delete=models.PROTECT, related_name="partner")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerAPIKey(AbstractAPIKey):
    """A partner's key: shown once, stored hashed (djangorestframework-api-key), with a visible prefix, an
    optional expiry, revocable, with its scopes and when it was last used."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="api_keys")
    scopes = models.JSONField(default=list)  # of claims.choices.ApiScope
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "partner API key"
        verbose_name_plural = "partner API keys"

    def __str__(self) -> str:
        return f"{self.partner.name}: {self.name} ({self.prefix}…)"


class WebhookEndpoint(models.Model):
    """Where a partner wants to hear of events, signed with a secret (HMAC-SHA256; claims/services/webhooks.py).

    A rotated secret keeps signing beside the new one until `previous_secret_expires_at`, so a receiver can
    switch over without missing a delivery. An endpoint whose deliveries keep failing is disabled.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)  # of claims.choices.WebhookEvent
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)  # deliveries given up on in a row
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partner_id", "id"]

    def __str__(self) -> str:
        return f"{self.partner.name}: {self.url}"


class WebhookDelivery(models.Model):
    """One event for one endpoint: its body (the same for every attempt and redelivery) and how it went."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(
        default=uuid.uuid4, editable=False
    )  # the body's "id": receivers deduplicate on it
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()  # {"id", "event", "created", "data"}
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One POST of a delivery: for the partner's and the admins' log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number_unique")
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of delivery {self.delivery_id}: {self.status_code or self.error}"
