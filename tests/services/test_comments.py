"""Comments on a claim: the discussion."""

import pytest

from claims.errors import InputRejected
from claims.models import Comment
from claims.services.comments import comment_add
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_a_comment_is_stored_stripped(alice):
    claim = ClaimFactory()
    comment = comment_add(claim=claim, author=alice, body="  Check the 2019 figure.\n")
    assert (comment.claim, comment.author, comment.body) == (claim, alice, "Check the 2019 figure.")


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write something"), (" \n\t ", "Write something"), ("x" * 5001, "at most 5,000 characters")],
)
def test_an_empty_or_overlong_comment_is_refused_and_nothing_stored(alice, body, message):
    claim = ClaimFactory()
    with pytest.raises(InputRejected, match=message):
        comment_add(claim=claim, author=alice, body=body)
    assert not Comment.objects.exists()


def test_a_comment_of_exactly_the_limit_is_accepted(alice):
    comment = comment_add(claim=ClaimFactory(), author=alice, body="x" * 5000)
    assert len(comment.body) == 5000


def test_a_comment_on_a_claim_that_was_merged_away_is_refused(alice):
    from claims.models import Claim

    claim = ClaimFactory()
    stale = Claim.objects.get(pk=claim.pk)
    claim.delete()
    with pytest.raises(InputRejected, match="no longer exists"):
        comment_add(claim=stale, author=alice, body="Still there?")
    assert Comment.objects.count() == 0
