"""Specification of `/api/v1/ratings/`: the rating scale, with the numeric value each rating stands for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Rating

pytestmark = pytest.mark.django_db


def test_the_scale_comes_whole_in_order_with_its_numeric_values(read_client):
    response = read_client.get("/api/v1/ratings/")

    assert response.status_code == 200
    scale = response.json()
    assert isinstance(scale, list)  # not paginated: the scale is a handful of rows
    assert [r["slug"] for r in scale] == list(Rating.objects.order_by("order").values_list("slug", flat=True))
    assert scale[0] == {
        "slug": "true",
        "label": "True",
        "order": 1,
        "value": 5,
        "description": "Accurate, nothing significant missing.",
        "colour": "#15803d",
        "active": True,
    }
    assert {r["slug"]: r["value"] for r in scale}["missing-context"] is None


def test_a_retired_rating_is_listed_as_inactive(read_client):
    Rating.objects.filter(slug="unverifiable").update(is_active=False)

    scale = {r["slug"]: r for r in read_client.get("/api/v1/ratings/").json()}
    assert scale["unverifiable"]["active"] is False
    assert scale["false"]["active"] is True


def test_the_scale_needs_a_key(anon_client):
    response = anon_client.get("/api/v1/ratings/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_the_scale_is_one_query(read_client):
    read_client.get("/api/v1/ratings/")
    with CaptureQueriesContext(connection) as queries:
        read_client.get("/api/v1/ratings/")

    assert len([q for q in queries if 'FROM "claims_rating"' in q["sql"]]) == 1
    assert len(queries) <= 2  # at most the key (with its partner and account), and the scale
