"""The discussion on each claim."""

from django.db import transaction

from claims.errors import InputRejected
from claims.models import Claim, Comment

COMMENT_MAX_LENGTH = 5_000


@transaction.atomic
def comment_add(*, claim: Claim, author, body: str) -> Comment:
    """Add a comment to a claim's discussion; the body is stored stripped of surrounding whitespace."""
    body = (body or "").strip()
    if not body:
        raise InputRejected("Write something before posting a comment.")
    if len(body) > COMMENT_MAX_LENGTH:
        raise InputRejected(
            f"A comment can be at most {COMMENT_MAX_LENGTH:,} characters long (this one has {len(body):,})."
        )
    # Key-share lock: the claim cannot be merged away (deleted) while the comment is being attached.
    if not Claim.objects.select_for_update(no_key=True).filter(pk=claim.pk).exists():
        raise InputRejected(
            "This claim no longer exists: it was merged into another one. Reload the article."
        )
    return Comment.objects.create(claim=claim, author=author, body=body)
