"""JSON request bodies, bounded: a body larger than settings.DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, and a body
that is not JSON (binary, badly encoded, nested too deep to parse) is a 400, never a server error.

Not a subclass of DRF's JSONParser on purpose: DRF reads `request.body` for those before parsing, and Django
refuses a body over the limit there with an error that is not an API error (a 500). This parser is given the
stream and reads at most one byte past the limit.
"""

import json

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."


def body_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class BoundedJSONParser(BaseParser):
    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        limit = body_limit()
        too_large = RequestTooLarge(f"The request body is larger than {limit:,} bytes.")
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise too_large
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise too_large
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(body.decode(encoding), parse_constant=_refuse_constant)
        except (ValueError, LookupError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
            raise exceptions.ParseError(f"The request body is not valid JSON: {_reason(error)}") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def _reason(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "it is nested too deeply."
    if isinstance(error, LookupError):
        return "its charset is not one we know."
    if isinstance(error, UnicodeDecodeError):
        return "it is not UTF-8 text."
    return str(error)
