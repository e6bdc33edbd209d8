"""Specification of the API's JSON renderer (claims/api/renderers.py): what DRF's renderer would write, faster."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from claims.api.renderers import OrjsonRenderer

UTC = dt.UTC
PAYLOAD = {
    "id": 311,
    "text": "The budget cost “5 million” euros — naïve café, 東京, 🙂",
    "checkworthiness": 0.871,
    "created_at": dt.datetime(2026, 3, 3, 10, 2, 0, 123456, tzinfo=UTC),
    "published_at": dt.datetime(2026, 3, 3, 16, 40, tzinfo=UTC),
    "elsewhere": dt.datetime(2026, 3, 3, 16, 40, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    "date": dt.date(2026, 2, 27),
    "assignee": None,
    "flags": [True, False],
    "verdict": {"id": 95, "rating": {"slug": "false", "label": "False", "value": 1}},
}


def drf(data, media_type="application/json"):
    return JSONRenderer().render(data, media_type)


def ours(data, media_type="application/json"):
    return OrjsonRenderer().render(data, media_type)


def test_it_writes_a_claim_byte_for_byte_as_drf_does():
    assert ours(PAYLOAD) == drf(PAYLOAD)
    assert b'"created_at":"2026-03-03T10:02:00.123456Z"' in ours(PAYLOAD)


def test_what_orjson_does_not_know_is_written_as_drf_writes_it():
    data = {"amount": Decimal("3.20"), "title": gettext_lazy("Not found"), "delay": dt.timedelta(seconds=90)}

    assert ours(data) == drf(data)


def test_javascript_s_line_separators_are_escaped_as_drf_escapes_them():
    data = {"text": "one\u2028two\u2029three"}

    assert ours(data) == drf(data)
    assert b"\\u2028" in ours(data)


def test_an_integer_too_large_for_orjson_is_still_written():
    data = {"big": 2**70}

    assert ours(data) == drf(data) == b'{"big":1180591620717411303424}'


def test_an_indented_answer_asked_for_is_indented_as_drf_indents_it():
    media_type = "application/json; indent=4"

    assert ours(PAYLOAD, media_type) == drf(PAYLOAD, media_type)
    assert b"\n    " in ours(PAYLOAD, media_type)


def test_nothing_renders_as_an_empty_body():
    assert ours(None) == b""
