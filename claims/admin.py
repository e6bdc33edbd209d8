from django import forms
from django.contrib import admin, messages
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey
from simple_history.admin import SimpleHistoryAdmin

from claims.choices import ApiScope, WebhookEvent
from claims.errors import InputRejected
from claims.models import (
    Article,
    CheckworthinessModel,
    CitedEvidence,
    Claim,
    Comment,
    Evidence,
    Job,
    Partner,
    PartnerAPIKey,
    Rating,
    Source,
    Verdict,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from claims.services import checkworthiness as checkworthiness_services
from claims.services import partners as partner_services
from claims.services import webhooks as webhook_services


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


class CitedEvidenceInline(admin.TabularInline):
    """What a published verdict cited when approved: a record, written by publishing and never edited."""

    model = CitedEvidence
    fields = ["position", "stance", "source", "excerpt", "excerpt_verified", "evidence"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Verdict)
class VerdictAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "revision", "rating", "status", "author", "approver", "published_at"]
    list_filter = ["status", "rating"]
    raw_id_fields = ["claim", "author", "approver"]
    readonly_fields = ["version"]
    inlines = [CitedEvidenceInline]


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


# --- partners and their API keys (claims/services/partners.py) ---------------------------------------------

# The library's own key model is not used (partners' keys are PartnerAPIKey): keep it out of the admin.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


class PartnerAPIKeyInline(admin.TabularInline):
    """A partner's keys, to look at: keys are issued and revoked on their own admin page (or the workbench's
    partner page), where the new key is shown once."""

    model = PartnerAPIKey
    fields = ["prefix", "name", "scopes", "created", "expiry_date", "last_used_at", "revoked"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PartnerAdminForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "contact_email", "active"]

    def clean_name(self):
        try:
            return partner_services.partner_name_clean(self.cleaned_data["name"], exclude=self.instance)
        except InputRejected as refused:
            raise forms.ValidationError(refused.message) from None


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerAdminForm
    list_display = ["name", "contact_email", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "contact_email"]
    readonly_fields = ["account", "created_at"]
    inlines = [PartnerAPIKeyInline]

    def get_fields(self, request, obj=None):
        return ["name", "contact_email", "active"] + (["account", "created_at"] if obj else [])

    def save_model(self, request, obj, form, change):
        if not change:
            # The account its keys act as: no usable password, no role (claims/services/partners.py).
            obj.account = partner_services.partner_account_create(
                name=obj.name, contact_email=obj.contact_email
            )
        super().save_model(request, obj, form, change)


class PartnerAPIKeyAdminForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices, initial=[ApiScope.READ], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PartnerAPIKey
        fields = ["partner", "name", "scopes", "expiry_date", "revoked"]

    def clean_scopes(self):
        try:
            return partner_services.scopes_clean(self.cleaned_data["scopes"])
        except InputRejected as refused:
            raise forms.ValidationError(refused.message) from None

    def clean_partner(self):
        partner = self.cleaned_data["partner"]
        if self.instance._state.adding and partner is not None and not partner.active:
            raise forms.ValidationError(f"{partner.name}'s access is switched off: switch it on first.")
        return partner


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    """Creating a key here shows it once, in a message on the next page (the library's own admin)."""

    form = PartnerAPIKeyAdminForm
    list_display = [
        "prefix",
        "name",
        "partner",
        "scope_list",
        "created",
        "expiry_date",
        "_has_expired",
        "revoked",
        "last_used_at",
    ]
    list_filter = ["revoked", "partner", "created"]
    list_select_related = ["partner"]
    search_fields = ["name", "prefix", "partner__name"]
    actions = ["revoke_keys"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["partner", "created", "created_by", "last_used_at"]
            if obj.revoked:
                fields.append("scopes")
        return fields

    @admin.display(description="Scopes")
    def scope_list(self, key) -> str:
        return ", ".join(key.scopes)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke the selected keys (cannot be undone)")
    def revoke_keys(self, request, queryset):
        revoked = 0
        for key in queryset.filter(revoked=False):
            partner_services.api_key_revoke(key=key, user=request.user)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} key{'s' if revoked != 1 else ''}.", messages.SUCCESS)


# --- webhooks (claims/services/webhooks.py) ----------------------------------------------------------------


class WebhookEndpointAdminForm(forms.ModelForm):
    url = forms.URLField(max_length=WebhookEndpoint._meta.get_field("url").max_length, assume_scheme="https")
    events = forms.MultipleChoiceField(choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["partner", "url", "events", "active"]

    def clean_url(self):
        try:
            return webhook_services.webhook_url_clean(self.cleaned_data["url"])
        except InputRejected as refused:
            raise forms.ValidationError(refused.message) from None

    def clean_events(self):
        try:
            return webhook_services.webhook_events_clean(self.cleaned_data["events"])
        except InputRejected as refused:
            raise forms.ValidationError(refused.message) from None


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """A new endpoint's secret is shown once, in a message on the next page; it is never shown again."""

    form = WebhookEndpointAdminForm
    list_display = ["url", "partner", "event_list", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active", "partner"]
    list_select_related = ["partner"]
    search_fields = ["url", "partner__name"]
    readonly_fields = [
        "disabled_at",
        "disabled_reason",
        "consecutive_failures",
        "previous_secret_expires_at",
        "created_at",
        "updated_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *(["partner"] if obj else [])]

    @admin.display(description="Events")
    def event_list(self, endpoint) -> str:
        return ", ".join(endpoint.events)

    def save_model(self, request, obj, form, change):
        if change:
            # Through the service, so switching an endpoint on again resets why it was disabled.
            webhook_services.webhook_endpoint_update(
                endpoint=obj, url=obj.url, events=obj.events, active=obj.active
            )
            obj.refresh_from_db()
            return
        secret = webhook_services.webhook_secret_new()
        obj.secret = secret
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            f"The endpoint's signing secret (shown this once, give it to the partner): {secret}",
            messages.WARNING,
        )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["number", "attempted_at", "status_code", "duration_ms", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: to look at, and to send an event again (the "redeliver" action)."""

    list_display = [
        "id",
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    ]
    list_filter = ["status", "event"]
    list_select_related = ["endpoint__partner"]
    search_fields = ["event_id", "endpoint__url", "endpoint__partner__name"]
    fields = [
        "endpoint",
        "event_id",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
        "payload",
    ]
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Redeliver the selected deliveries (same event id and body, now)")
    def redeliver(self, request, queryset):
        sent, refused = 0, []
        for delivery in queryset.select_related("endpoint"):
            try:
                webhook_services.webhook_redeliver(delivery=delivery)
                sent += 1
            except InputRejected as refusal:
                refused.append(f"#{delivery.pk}: {refusal.message}")
        self.message_user(
            request, f"Queued {sent} deliver{'ies' if sent != 1 else 'y'} again.", messages.SUCCESS
        )
        if refused:
            self.message_user(request, "Not redelivered: " + " ".join(refused), messages.WARNING)


# --- check-worthiness models (claims/services/checkworthiness.py) -------------------------------------------


class CheckworthinessModelForm(forms.ModelForm):
    """Registering a model: its directory only; everything else is read from the directory."""

    class Meta:
        model = CheckworthinessModel
        fields = ["directory"]
        help_texts = {"directory": "A directory train_checkworthiness wrote (its version directory)."}

    def clean_directory(self):
        directory = self.cleaned_data["directory"]
        try:
            checkworthiness_services.model_loaded(directory=directory)
        except InputRejected as error:
            raise forms.ValidationError(error.message) from None
        return directory


@admin.register(CheckworthinessModel)
class CheckworthinessModelAdmin(admin.ModelAdmin):
    """The trained models: register one by its directory, activate it (open claims are re-scored in the
    background), or go back to the rule scorer."""

    list_display = ["version", "is_active", "cv_f1", "threshold", "examples", "trained_at", "activated_at"]
    actions = ["activate", "back_to_rules"]
    readonly_fields = [
        "version",
        "trained_at",
        "cv_f1",
        "threshold",
        "examples",
        "is_active",
        "activated_at",
        "activated_by",
        "card",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = CheckworthinessModelForm
            kwargs["fields"] = ["directory"]
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["directory"] if obj is None else ["directory", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["directory", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            registered = checkworthiness_services.model_register(directory=form.cleaned_data["directory"])
        except InputRejected as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = registered.pk
        obj.refresh_from_db()

    @admin.action(description="Activate the selected model (re-scores the open claims in the background)")
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one model to activate.", messages.ERROR)
            return
        try:
            job = checkworthiness_services.model_activate(model=queryset.get(), user=request.user)
        except InputRejected as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, f"Activated; open claims are being re-scored (job {job.pk}).")

    @admin.action(description="Go back to the rule scorer (no trained model)")
    def back_to_rules(self, request, queryset):
        job = checkworthiness_services.model_deactivate(user=request.user)
        if job is None:
            self.message_user(request, "No model was active: the rule scorer already scores.")
        else:
            self.message_user(
                request, f"The rule scorer scores again; open claims are re-scored (job {job.pk})."
            )
