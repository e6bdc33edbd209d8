"""One error format for the whole API: RFC 9457 problem details, `application/problem+json`.

    {"type": "/api/v1/problems/validation", "title": "Your request has mistakes", "status": 400,
     "detail": "…", "errors": {"text": ["This field is required."]}}

Every DRF error (validation, authentication, permission, not found, throttling with Retry-After), the
domain's refusals (`InputRejected`: 400 with its message; Django's PermissionDenied: 403), conflicts (409,
with the current state) and failed preconditions (412) come out this way, and so do URLs under /api/ that
match nothing and errors of our own (500, never with internals).
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from claims.errors import InputRejected

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/api/v1/problems/"

TITLES = {
    400: ("validation", "Your request has mistakes"),
    401: ("authentication", "Authentication is needed"),
    403: ("permission", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method", "Method not allowed"),
    406: ("not-acceptable", "Cannot answer in the format asked for"),
    409: ("conflict", "Someone else changed it first"),
    412: ("precondition-failed", "It changed since you read it"),
    413: ("too-large", "The request is too large"),
    415: ("media-type", "Unsupported media type"),
    428: ("precondition-required", "Say which version you are changing"),
    429: ("throttled", "Too many requests"),
    500: ("server-error", "Something went wrong on our side"),
}


class Conflict(exceptions.APIException):
    """409: the write lost to someone else's; `current` is the object as it is now."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "It was changed by someone else since you read it; nothing was changed."

    def __init__(self, detail=None, *, current=None):
        super().__init__(detail)
        self.current = current


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The If-Match version is not the current one; nothing was changed."

    def __init__(self, detail=None, *, current=None):
        super().__init__(detail)
        self.current = current


def problem(status_code: int, detail: str = "", **extra) -> dict:
    slug, title = TITLES.get(status_code, ("error", "Error"))
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status_code}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return body


def _detail_and_errors(data) -> tuple[str, dict]:
    """DRF's error data as one sentence and, for validation, the per-field messages."""
    if isinstance(data, dict) and set(data) == {"detail"}:
        return str(data["detail"]), {}
    if isinstance(data, dict):
        return "Some fields are not valid: see errors.", {k: _messages(v) for k, v in data.items()}
    if isinstance(data, list):
        return " ".join(_messages(data)), {}
    return str(data), {}


def _messages(value) -> list | dict:
    if isinstance(value, dict):
        return {k: _messages(v) for k, v in value.items()}
    if isinstance(value, list):
        flat = []
        for item in value:
            flat.extend(
                _messages(item) if isinstance(item, list) else [item if isinstance(item, dict) else str(item)]
            )
        return flat
    return [str(value)]


def problem_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, InputRejected):
        exc = exceptions.ValidationError({"detail": exc.message})
    response = exception_handler(exc, context)
    if response is None:  # not an API error: ours. Logged, and said without internals.
        logger.exception("Unexpected error in %s", context.get("view").__class__.__name__, exc_info=exc)
        response = Response(status=500)
        response.data = problem(500, "The error has been logged; try again later.")
    else:
        detail, errors = _detail_and_errors(response.data)
        extra = {"errors": errors} if errors else {}
        if isinstance(exc, (Conflict, PreconditionFailed)) and exc.current is not None:
            extra["current"] = exc.current
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            extra["retry_after"] = int(exc.wait + 0.999)
        response.data = problem(response.status_code, detail, **extra)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(status_code: int, detail: str = "") -> JsonResponse:
    """A problem answer outside DRF (unmatched URLs, errors before a view runs)."""
    return JsonResponse(problem(status_code, detail), status=status_code, content_type=PROBLEM_CONTENT_TYPE)
