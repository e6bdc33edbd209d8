"""The discussion on each claim."""

from django.db import transaction

from claims.editing import lock_for_edit
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
    # A comment overwrites nothing, so it carries no version; the lock keeps the claim from being merged
    # away (deleted) while the comment is attached.
    lock_for_edit(Claim.objects.only("pk"), claim.pk, expected_version=None)
    return Comment.objects.create(claim=claim, author=author, body=body)
