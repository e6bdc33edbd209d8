import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from claims.models import Rating
from tests.factories import VerdictFactory

pytestmark = pytest.mark.django_db


def test_the_default_scale_ships_with_numeric_values_and_colours():
    assert list(Rating.objects.values_list("label", flat=True)[:5]) == [
        "True",
        "Mostly true",
        "Half true",
        "Mostly false",
        "False",
    ]
    for rating in Rating.objects.all():
        rating.full_clean()


@pytest.mark.parametrize("colour", ["red", "#12345", "#12345g", 'x" onload="'])
def test_a_rating_colour_must_be_a_hex_colour(colour):
    rating = Rating(label="Odd", slug="odd", order=9, colour=colour)
    with pytest.raises(ValidationError, match="six hex digits"):
        rating.full_clean()


def test_a_claim_has_at_most_one_published_verdict():
    first = VerdictFactory(status="published")
    with pytest.raises(IntegrityError):
        VerdictFactory(claim=first.claim, revision=2, status="published")
