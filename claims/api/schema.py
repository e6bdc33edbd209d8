"""What the OpenAPI schema says of every endpoint's errors: one Problem shape (RFC 9457, claims/api/errors.py)
declared as `application/problem+json`, and helpers so each view lists its error responses in one line.

    @extend_schema(responses={200: ArticleSerializer, **problems(400, 401, 403, 404)})
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from claims.api.errors import PROBLEM_CONTENT_TYPE, problem


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: every error of the API has this shape."""

    type = serializers.CharField(help_text="A URI reference naming the kind of problem.")
    title = serializers.CharField(help_text="A short summary of the kind of problem.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(required=False, help_text="What went wrong this time, in words.")
    errors = serializers.DictField(
        required=False,
        child=serializers.JSONField(),
        help_text="Validation problems, field by field: each field's messages (nested for nested fields).",
    )
    current = serializers.JSONField(
        required=False, help_text="409 and 412: the object as it is now (nothing was changed)."
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="429: seconds to wait before trying again (also the Retry-After header)."
    )


# What each status means on this API, as the schema says it.
DESCRIPTIONS = {
    400: "The request has mistakes: `errors` names them field by field (or `detail` says why it was refused); "
    "for a list, also a filter that does not parse or a cursor that is not one it gave.",
    401: "No API key, or a key that is not valid, revoked or expired (`WWW-Authenticate: Api-Key`).",
    403: "The key does not have the scope this needs.",
    404: "There is no such object, or the key may not see it.",
    409: "Someone changed it first; `current` is how it stands now and nothing was changed.",
    412: "The If-Match version is not the current one; nothing was changed.",
    413: "The request body is too large.",
    415: "Send JSON (`Content-Type: application/json`).",
    429: "Too many requests for this key: wait `Retry-After` seconds.",
}

EXAMPLES = {
    400: problem(400, "Some fields are not valid: see errors.", errors={"text": ["This field is required."]}),
    401: problem(401, "Authentication credentials were not provided."),
    403: problem(403, "This needs the “write” scope, which this key does not have."),
    404: problem(404, "No Claim matches the given query."),
    409: problem(409, "It was changed by someone else since you read it; nothing was changed."),
    412: problem(412, "The If-Match version is not the current one; nothing was changed."),
    413: problem(413, "The request body is larger than 6,291,456 bytes."),
    415: problem(415, 'Unsupported media type "text/plain" in request.'),
    429: problem(429, "Request was throttled. Expected available in 12 seconds.", retry_after=12),
}


def problems(*codes: int) -> dict:
    """Responses for `extend_schema(responses=...)`: each code as application/problem+json, with an example."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            ProblemSerializer,
            description=DESCRIPTIONS.get(code, ""),
            examples=[
                OpenApiExample(f"{code}", value=EXAMPLES[code], response_only=True, status_codes=[code])
            ]
            if code in EXAMPLES
            else [],
        )
        for code in codes
    }


# The errors any endpoint may answer: reading needs a key (401) with a scope (403) within its rate (429); a
# list answers 400 to a filter that does not parse or a cursor it did not give.
READ_ERRORS = (400, 401, 403, 404, 429)
OBJECT_ERRORS = (401, 403, 404, 429)
WRITE_ERRORS = (400, 401, 403, 413, 415, 429)
