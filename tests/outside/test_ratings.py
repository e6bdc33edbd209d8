"""Publishers' ratings onto our scale: by number over the review's own range, else by label, else unmapped."""

import pytest

from claims.outside.ratings import DEFAULT_LABELS, SCALE, UNMAPPED, RatingMap

RATINGS = RatingMap()


def test_the_default_labels_map_onto_the_default_scale():
    assert set(DEFAULT_LABELS.values()) <= set(SCALE)


@pytest.mark.parametrize(
    ("value", "best", "worst", "rating"),
    [
        (1, 5, 1, "false"),
        (2, 5, 1, "mostly-false"),
        (3, 5, 1, "half-true"),
        (4, 5, 1, "mostly-true"),
        (5, 5, 1, "true"),
        (0, 1, 0, "false"),
        (1, 1, 0, "true"),
        (2, 3, 1, "half-true"),
        (0, 10, 0, "false"),
        (2, 10, 0, "mostly-false"),
        (7, 10, 0, "mostly-true"),
        (8, 10, 0, "true"),
        # A scale that runs the other way: 1 is best.
        (1, 1, 5, "true"),
        (4, 1, 5, "mostly-false"),
        # worstRating left out: schema.org assumes 1.
        (5, 5, None, "true"),
        (2, 5, None, "mostly-false"),
        # ...unless the value is 0, which only a 0-based scale has.
        (0, 1, None, "false"),
    ],
)
def test_by_number_over_the_reviews_own_range(value, best, worst, rating):
    assert RATINGS.map(value=value, best=best, worst=worst).rating == rating
    assert RATINGS.map(value=value, best=best, worst=worst).basis == "number"


def test_the_number_wins_over_the_label_when_it_can_be_used():
    mapped = RATINGS.map(label="True", value=1, best=5, worst=1)
    assert (mapped.rating, mapped.basis) == ("false", "number")


@pytest.mark.parametrize(
    ("value", "best", "worst", "note"),
    [
        (7, 5, 1, "ratingValue 7 is outside its range 1 to 5"),
        (3, 3, 3, "ratingValue 3 has a range of zero width (3 to 3)"),
    ],
)
def test_numbers_that_cannot_be_used_leave_it_to_the_label(value, best, worst, note):
    mapped = RATINGS.map(label="Mostly true", value=value, best=best, worst=worst)
    assert (mapped.rating, mapped.basis, mapped.note) == ("mostly-true", "label", note)


def test_a_value_without_a_best_rating_is_not_a_number_we_can_place():
    assert RATINGS.map(value=3).rating == UNMAPPED
    assert RATINGS.map(label="False", value=3).rating == "false"


@pytest.mark.parametrize(
    ("label", "rating"),
    [
        # PolitiFact
        ("Pants on Fire!", "false"),
        ("pants-on-fire", "false"),
        ("Half-True", "half-true"),
        ("Mostly False", "mostly-false"),
        ("MOSTLY TRUE", "mostly-true"),
        # Snopes
        ("Mixture", "half-true"),
        ("Miscaptioned", "false"),
        ("Unproven", "unverifiable"),
        ("Outdated", "missing-context"),
        ("Labeled Satire", "missing-context"),
        ("Correct Attribution", "true"),
        ("Misattributed", "false"),
        # FactCheck.org
        ("No Evidence", "unverifiable"),
        ("Cherry-Picks", "missing-context"),
        ("Distorts the Facts", "mostly-false"),
        # AFP, Reuters, AP
        ("Misleading", "missing-context"),
        ("Missing context", "missing-context"),
        ("Partly false", "mostly-false"),
        ("Altered", "false"),
        ("Satire", "missing-context"),
        # The Washington Post
        ("Four Pinocchios", "false"),
        ("Two Pinocchios", "half-true"),
        # Full Fact writes sentences: the first clause, when nothing after it turns it round.
        ("Incorrect. The figures show a fall of 3%.", "false"),
        ("This is incorrect.", "false"),
        ("Correct.", "true"),
        ("Verdict: False", "false"),
        ("False: the photo is from 2015", "false"),
        # A phrase that means one thing wherever it stands.
        ("The photo was altered", "false"),
        ("Taken out of context", "missing-context"),
        ("True, but misleading", "missing-context"),
    ],
)
def test_by_label(label, rating):
    mapped = RATINGS.map(label=label)
    assert (mapped.rating, mapped.basis) == (rating, "label")


@pytest.mark.parametrize(
    "label",
    [
        "Correct, but the numbers are from 2019.",  # the first clause is turned round
        "True. But it leaves out the tax rise.",
        "Not misleading",  # a negation: no phrase search
        "Altered and out of context",  # two phrases that disagree
        "Falso",  # not an English label
        "Sort of",
        "",
    ],
)
def test_labels_that_are_not_safe_to_map_are_unmapped(label):
    assert RATINGS.map(label=label).rating == UNMAPPED


def test_the_callers_map_extends_overrides_and_removes_defaults():
    ratings = RatingMap(
        {"Falso": "false", "Engañoso": "missing-context", "Mixture": "mostly-false", "Outdated": None}
    )
    assert ratings.map(label="FALSO").rating == "false"
    assert ratings.map(label="engañoso").rating == "missing-context"
    assert ratings.map(label="Mixture").rating == "mostly-false"
    assert ratings.map(label="Outdated").rating == UNMAPPED
    assert ratings.map(label="Pants on Fire!").rating == "false"


def test_only_the_callers_map():
    ratings = RatingMap({"Falso": "false"}, include_defaults=False)
    assert ratings.map(label="Falso").rating == "false"
    assert ratings.map(label="Mostly false").rating == UNMAPPED


def test_a_rating_the_callers_scale_lacks_is_unmapped():
    ratings = RatingMap(slugs=["true", "false"])
    assert ratings.map(label="False").rating == "false"
    mapped = ratings.map(label="Misleading")
    assert (mapped.rating, mapped.note) == (UNMAPPED, "“missing-context” is not a rating of this scale")


def test_bands_of_the_callers_own():
    ratings = RatingMap(bands=[(0.5, "false"), (1.0, "true")])
    assert ratings.map(value=2, best=5, worst=1).rating == "false"
    assert ratings.map(value=3, best=5, worst=1).rating == "true"
