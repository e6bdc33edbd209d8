"""What the webhook endpoints of the API read and answer. The secret is in an answer only when it is new (the
endpoint made, its secret rotated): it is shown once and never again."""

from rest_framework import serializers

from claims.choices import DeliveryStatus, WebhookEvent
from claims.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

URL_MAX = WebhookEndpoint._meta.get_field("url").max_length


class WebhookEndpointInputSerializer(serializers.Serializer):
    url = serializers.URLField(
        max_length=URL_MAX,
        help_text="Where the events are POSTed: a public http(s) address (internal addresses are refused).",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        max_length=len(WebhookEvent.values) * 2,
        help_text="The events to send there.",
    )
    active = serializers.BooleanField(
        required=False,
        help_text="false switches the endpoint off; true switches it on again (and forgets why it was disabled).",
    )


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        read_only=True,
        help_text="The events sent there.",
    )
    rotation_ends_at = serializers.DateTimeField(
        source="previous_secret_expires_at",
        allow_null=True,
        read_only=True,
        help_text="After a rotation, until when the previous secret still signs beside the new one.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "rotation_ends_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "disabled_at": {
                "help_text": "When it was switched off (by you, or because deliveries kept failing)."
            },
            "disabled_reason": {"help_text": "Why it was switched off."},
            "consecutive_failures": {"help_text": "Deliveries given up on in a row since the last success."},
        }


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret: shown this once. Keep it: it verifies X-Webhook-Signature.",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields

    def __init__(self, instance=None, *, secret: str = "", **kwargs):
        super().__init__(instance, **kwargs)
        self._secret = secret

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["secret"] = self._secret
        return data


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "attempted_at", "status_code", "duration_ms", "error"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    attempt_log = WebhookAttemptSerializer(
        many=True, read_only=True, help_text="Every attempt, the first first."
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
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
            "attempt_log",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "event_id": {"help_text": "The event's id, the body's `id` and X-Webhook-Id: deduplicate on it."},
            "payload": {"help_text": "The body sent at every attempt: {id, event, created, data}."},
            "next_attempt_at": {"help_text": "When it is tried again (pending only)."},
        }


class DeliveryQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    event = serializers.ChoiceField(choices=WebhookEvent.choices, required=False)
