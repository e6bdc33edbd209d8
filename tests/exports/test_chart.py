"""The verdict distribution chart: one labelled bar per rating of the scale, readable without its colours."""

import xml.etree.ElementTree as ET

import pytest

from claims.exports.chart import distribution_svg
from claims.models import FALLBACK_COLOUR, Rating

SVG = "{http://www.w3.org/2000/svg}"


def scale():
    return list(Rating.objects.order_by("order"))


def rows(svg: str) -> list[dict]:
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    found = []
    for group in root.iter(f"{SVG}g"):
        label, count = (t.text for t in group.iter(f"{SVG}text"))
        bar = next(r for r in group.iter(f"{SVG}rect") if r.get("class") == "chart-bar")
        found.append(
            {"label": label, "count": count, "width": float(bar.get("width")), "fill": bar.get("fill")}
        )
    return found


@pytest.mark.django_db
def test_every_rating_has_a_bar_with_its_label_and_count_as_text():
    true, mostly_true, *rest = scale()
    svg = distribution_svg([(true, 3), (mostly_true, 1)] + [(r, 0) for r in rest])

    drawn = rows(svg)
    assert [r["label"] for r in drawn] == [r.label for r in scale()]
    assert drawn[0]["count"] == "3 (75%)" and drawn[1]["count"] == "1 (25%)"
    assert drawn[0]["fill"] == true.colour and drawn[1]["fill"] == mostly_true.colour
    assert drawn[0]["width"] == 3 * drawn[1]["width"]


@pytest.mark.django_db
def test_zero_counts_are_rows_with_an_empty_bar():
    drawn = rows(distribution_svg([(r, 0) for r in scale()]))

    assert len(drawn) == len(scale())
    assert all(r["width"] == 0 and r["count"] == "0 (0%)" for r in drawn)


@pytest.mark.django_db
def test_the_chart_is_one_labelled_image_for_screen_readers():
    true, *rest = scale()
    root = ET.fromstring(distribution_svg([(true, 2)] + [(r, 0) for r in rest]))  # noqa: S314

    assert root.get("role") == "img"
    assert root.get("aria-label").startswith("Verdict distribution: True: 2, Mostly true: 0")
    assert root.find(f"{SVG}title").text == "Verdict distribution"
    assert "True: 2" in root.find(f"{SVG}desc").text


@pytest.mark.django_db
def test_labels_are_escaped_and_a_bad_colour_is_drawn_grey():
    rating = Rating(label='<script>alert("x")</script> & co', slug="odd", order=9, colour="red;x:url(y)")
    svg = distribution_svg([(rating, 1)])

    assert "<script>" not in svg
    drawn = rows(svg)  # still well-formed XML
    assert drawn[0]["label"].startswith('<script>alert("x")')  # shown as text, shortened to fit
    assert drawn[0]["fill"] == FALLBACK_COLOUR
    assert ET.fromstring(svg).get("aria-label").endswith('<script>alert("x")</script> & co: 1')  # noqa: S314


@pytest.mark.django_db
def test_long_labels_are_shortened_with_the_full_label_in_the_rows_title():
    rating = Rating(label="Partly accurate but missing essential context", slug="long", order=9)
    root = ET.fromstring(distribution_svg([(rating, 1)]))  # noqa: S314

    group = next(root.iter(f"{SVG}g"))
    assert next(group.iter(f"{SVG}text")).text.endswith("…")
    assert group.find(f"{SVG}title").text == "Partly accurate but missing essential context: 1"
