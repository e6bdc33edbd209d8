"""`/webhooks/` and `/webhook-deliveries/`: a partner registers where it wants to hear of events, reads the log of
what was sent there, rotates the signing secret and sends an event again.

Scopes: reading (the endpoints, the delivery log) needs `read`; registering, changing, deleting, rotating and
redelivering need `write`. A partner sees only its own endpoints and their deliveries: another partner's are
"not found". A person signed in to the workbench has no endpoints here (admins use the admin site).
The work is done by claims/services/webhooks.py, which says how deliveries are signed, retried and given up.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from claims.api.schema import OBJECT_ERRORS, READ_ERRORS, WRITE_ERRORS, problems
from claims.api.webhook_serializers import (
    DeliveryQuerySerializer,
    WebhookDeliverySerializer,
    WebhookEndpointInputSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointWithSecretSerializer,
)
from claims.choices import DeliveryStatus, WebhookEvent
from claims.models import Partner, WebhookDelivery, WebhookEndpoint
from claims.selectors.visibility import partner_of
from claims.services import webhooks as services

# Ids in paths are whole numbers (anything else is an unmatched URL: a problem+json 404).
ID_PATTERN = r"[0-9]{1,18}"
EVENT_NAMES = list(WebhookEvent.values)
STATUS_NAMES = list(DeliveryStatus.values)

ENDPOINT_EXAMPLE = {
    "id": 3,
    "url": "https://cms.example/hooks/factcheck",
    "events": ["verdict.published", "verdict.updated"],
    "active": True,
    "disabled_at": None,
    "disabled_reason": "",
    "consecutive_failures": 0,
    "rotation_ends_at": None,
    "created_at": "2026-03-02T09:15:00Z",
    "updated_at": "2026-03-02T09:15:00Z",
}
SECRET_EXAMPLE = "whsec_2mV1c0b7bJ8yq3GxY0cQmX5fS9eT1nR4uW6aZ8dK2hL"
DELIVERY_EXAMPLE = {
    "id": 118,
    "endpoint": 3,
    "event_id": "7d6f0c7e-3f1a-4f6e-9b8a-2b1f0c9d8e7a",
    "event": "verdict.published",
    "status": "pending",
    "attempts": 2,
    "next_attempt_at": "2026-03-03T16:42:31Z",
    "last_status_code": 500,
    "last_error": "The server answered 500 Internal Server Error.",
    "delivered_at": None,
    "created_at": "2026-03-03T16:40:00Z",
    "payload": {
        "id": "7d6f0c7e-3f1a-4f6e-9b8a-2b1f0c9d8e7a",
        "event": "verdict.published",
        "created": "2026-03-03T16:40:00Z",
        "data": {
            "id": 95,
            "revision": 1,
            "rating": {"slug": "false", "label": "False", "value": 1},
            "summary": "The budget cost 3.2 million euros, not 5 million.",
            "rationale": "The **official** figures say 3.2 million.",
            "published_at": "2026-03-03T16:40:00Z",
            "replaces": None,
            "claim": {
                "id": 311,
                "text": "It cost 5 million euros.",
                "normalised_text": "",
                "article": {
                    "id": 42,
                    "title": "Council approves the budget",
                    "url": "https://news.example/b",
                },
            },
        },
    },
    "attempt_log": [
        {
            "number": 1,
            "attempted_at": "2026-03-03T16:40:01Z",
            "status_code": 500,
            "duration_ms": 84,
            "error": "The server answered 500 Internal Server Error.",
        },
        {
            "number": 2,
            "attempted_at": "2026-03-03T16:40:31Z",
            "status_code": 500,
            "duration_ms": 77,
            "error": "The server answered 500 Internal Server Error.",
        },
    ],
}
REFUSED_URL_EXAMPLE = OpenApiExample(
    "An internal address",
    response_only=True,
    status_codes=[400],
    value={
        "type": "/api/v1/problems/validation",
        "title": "Your request has mistakes",
        "status": 400,
        "detail": "That address points inside our own network (127.0.0.1), so we will not fetch it.",
    },
)
SIGNING = (
    "Each delivery is a POST of `{id, event, created, data}` (canonical JSON) with `X-Webhook-Id`, "
    '`X-Webhook-Event` and `X-Webhook-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`; '
    "during a rotation's overlap a second `v1=` is signed with the previous secret. Answer 2xx within 10 s. "
    "Anything else is retried with exponential back-off for 24 hours; delivery is at least once, so "
    "deduplicate on `id`. See docs/api.md."
)


def _partner_or_403(request) -> Partner:
    partner = partner_of(request.user)
    if partner is None:
        raise exceptions.PermissionDenied(
            "Webhook endpoints belong to a partner: call with one of your partner's API keys."
        )
    return partner


@extend_schema(tags=["webhooks"])
class WebhookEndpointViewSet(viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = WebhookEndpointSerializer

    def get_queryset(self):
        partner = partner_of(self.request.user)
        if partner is None:
            return WebhookEndpoint.objects.none()
        return WebhookEndpoint.objects.filter(partner=partner)

    @extend_schema(
        summary="List your webhook endpoints",
        description="Scope `read`. Your partner's endpoints, newest first (cursor pages). Secrets are never "
        "shown here. " + SIGNING,
        responses={200: WebhookEndpointSerializer(many=True), **problems(*READ_ERRORS)},
        examples=[OpenApiExample("A page of endpoints", value=ENDPOINT_EXAMPLE, response_only=True)],
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WebhookEndpointSerializer(page, many=True).data)

    @extend_schema(
        summary="Register a webhook endpoint",
        description="Scope `write`. Where to POST which events (`verdict.published`, `verdict.updated`, "
        "`claim.created`, `article.ingested`). The answer holds the signing `secret`, shown this once. "
        "An internal or malformed address is refused (400) and nothing is stored. Published verdicts are "
        "sent to every partner; claims and articles only to the partner that pushed the article. " + SIGNING,
        request=WebhookEndpointInputSerializer,
        responses={201: WebhookEndpointWithSecretSerializer, **problems(*WRITE_ERRORS)},
        examples=[
            OpenApiExample(
                "Published verdicts",
                request_only=True,
                value={
                    "url": "https://cms.example/hooks/factcheck",
                    "events": ["verdict.published", "verdict.updated"],
                },
            ),
            OpenApiExample(
                "Registered",
                response_only=True,
                status_codes=[201],
                value={**ENDPOINT_EXAMPLE, "secret": SECRET_EXAMPLE},
            ),
            REFUSED_URL_EXAMPLE,
        ],
    )
    def create(self, request):
        partner = _partner_or_403(request)
        incoming = WebhookEndpointInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        endpoint, secret = services.webhook_endpoint_create(
            partner=partner, url=data["url"], events=data["events"]
        )
        if data.get("active") is False:
            endpoint = services.webhook_endpoint_update(endpoint=endpoint, active=False)
        response = Response(
            WebhookEndpointWithSecretSerializer(endpoint, secret=secret).data, status=status.HTTP_201_CREATED
        )
        response["Location"] = request.build_absolute_uri(f"{request.path.rstrip('/')}/{endpoint.pk}/")
        return response

    @extend_schema(
        summary="Read a webhook endpoint",
        description="Scope `read`. Without its secret. A disabled endpoint says when and why "
        "(`disabled_at`, `disabled_reason`).",
        responses={200: WebhookEndpointSerializer, **problems(*OBJECT_ERRORS)},
        examples=[
            OpenApiExample("An endpoint", value=ENDPOINT_EXAMPLE, response_only=True),
            OpenApiExample(
                "Disabled after failures",
                response_only=True,
                value={
                    **ENDPOINT_EXAMPLE,
                    "active": False,
                    "disabled_at": "2026-03-04T16:40:02Z",
                    "disabled_reason": "No delivery succeeded for 24 hours (31 attempts; the last: The server "
                    "answered 500 Internal Server Error.)",
                    "consecutive_failures": 1,
                },
            ),
        ],
    )
    def retrieve(self, request, pk=None):
        return Response(WebhookEndpointSerializer(self.get_object()).data)

    @extend_schema(
        summary="Replace a webhook endpoint's address and events",
        description="Scope `write`. `url` and `events` (and optionally `active`). `active: true` switches a "
        "disabled endpoint on again and resets its failure count.",
        request=WebhookEndpointInputSerializer,
        responses={200: WebhookEndpointSerializer, **problems(*WRITE_ERRORS, 404)},
        examples=[REFUSED_URL_EXAMPLE],
    )
    def update(self, request, pk=None, partial: bool = False):
        endpoint = self.get_object()
        incoming = WebhookEndpointInputSerializer(data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        endpoint = services.webhook_endpoint_update(
            endpoint=endpoint, url=data.get("url"), events=data.get("events"), active=data.get("active")
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        summary="Change part of a webhook endpoint",
        description="Scope `write`. Any of `url`, `events`, `active`. `active: true` switches a disabled "
        "endpoint on again and resets its failure count.",
        request=WebhookEndpointInputSerializer(partial=True),
        responses={200: WebhookEndpointSerializer, **problems(*WRITE_ERRORS, 404)},
        examples=[OpenApiExample("Switch it on again", request_only=True, value={"active": True})],
    )
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(
        summary="Delete a webhook endpoint",
        description="Scope `write`. With its delivery log; nothing more is sent there.",
        request=None,
        responses={204: None, **problems(*OBJECT_ERRORS)},
    )
    def destroy(self, request, pk=None):
        services.webhook_endpoint_delete(endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Rotate the signing secret",
        description="Scope `write`. A new secret, shown this once. The previous one keeps signing beside it "
        "(a second `v1=` in X-Webhook-Signature) until `rotation_ends_at` (24 hours by default), so you can "
        "switch over without missing a delivery.",
        request=None,
        responses={200: WebhookEndpointWithSecretSerializer, **problems(*OBJECT_ERRORS)},
        examples=[
            OpenApiExample(
                "Rotated",
                response_only=True,
                value={
                    **ENDPOINT_EXAMPLE,
                    "rotation_ends_at": "2026-03-05T10:00:00Z",
                    "secret": SECRET_EXAMPLE,
                },
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint, secret = services.webhook_secret_rotate(endpoint=self.get_object())
        return Response(WebhookEndpointWithSecretSerializer(endpoint, secret=secret).data)

    @extend_schema(
        summary="The endpoint's delivery log",
        description="Scope `read`. Its deliveries, newest first (cursor pages), each with its body and every "
        "attempt (when, status code, how long, error). Filter by `status` or `event`.",
        parameters=[
            OpenApiParameter("status", str, enum=STATUS_NAMES, required=False),
            OpenApiParameter("event", str, enum=EVENT_NAMES, required=False),
        ],
        responses={200: WebhookDeliverySerializer(many=True), **problems(*OBJECT_ERRORS, 400)},
        examples=[OpenApiExample("A page of deliveries", value=DELIVERY_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        query = DeliveryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        deliveries = WebhookDelivery.objects.filter(
            endpoint=endpoint, **query.validated_data
        ).prefetch_related("attempt_log")
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


@extend_schema(tags=["webhooks"])
class WebhookDeliveryViewSet(viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = WebhookDeliverySerializer

    def get_queryset(self):
        partner = partner_of(self.request.user)
        if partner is None:
            return WebhookDelivery.objects.none()
        return WebhookDelivery.objects.filter(endpoint__partner=partner).prefetch_related("attempt_log")

    @extend_schema(
        summary="Read a delivery",
        description="Scope `read`. One delivery of one of your endpoints, with every attempt.",
        responses={200: WebhookDeliverySerializer, **problems(*OBJECT_ERRORS)},
        examples=[OpenApiExample("A delivery", value=DELIVERY_EXAMPLE, response_only=True)],
    )
    def retrieve(self, request, pk=None):
        return Response(WebhookDeliverySerializer(self.get_object()).data)

    @extend_schema(
        summary="Send a delivery again",
        description="Scope `write`. The same event (same `id`, same body) sent again now, whether it failed or "
        "was delivered; it is `pending` until the attempt is made. Refused (400) while the endpoint is "
        "disabled: switch it on first.",
        request=None,
        responses={202: WebhookDeliverySerializer, **problems(*OBJECT_ERRORS, 400)},
        examples=[
            OpenApiExample(
                "Queued again",
                response_only=True,
                status_codes=[202],
                value={**DELIVERY_EXAMPLE, "status": "pending", "next_attempt_at": "2026-03-05T09:00:00Z"},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        delivery = services.webhook_redeliver(delivery=self.get_object())
        # Fresh from the database: with jobs run in-process the attempt may already have been made.
        delivery = self.get_queryset().filter(pk=delivery.pk).first() or delivery
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
