"""Reasons in words: names, numbers and dates are recognised however they are written."""

import datetime

from claims.coverage.reasons import explain, find_dates, find_names, find_numbers


def test_numbers_are_normalised():
    values = find_numbers("It cost $1,000, then 1000 again, 4.5% more, 120 million and 2.5bn")
    assert (1000.0, "") in values and (4.5, "%") in values
    assert (120e6, "") in values and (2.5e9, "") in values
    assert (4.5, "") not in values  # a percentage is not the bare number


def test_dates_in_several_spellings():
    found = [d for d, _ in find_dates("On 2020-03-03, March 3, 2020 and 3rd of March 2020 and Mar. 4 2020")]
    assert found == [datetime.date(2020, 3, 3)] * 3 + [datetime.date(2020, 3, 4)]


def test_names_keep_multi_word_names_whole():
    assert find_names("The Hamas official Moussa Abu Marzouk went to Moscow.") == [
        "Hamas",
        "Moussa Abu Marzouk",
        "Moscow",
    ]


def test_explain_only_reports_what_both_sides_share():
    reasons = explain(
        "Joe Biden said 1,000 troops leave Kabul on 31 August 2021",
        "Biden: 1000 troops left Kabul (August 31, 2021), Joe Biden confirmed.",
        semantic=0.82,
    )
    assert reasons[0] == "Same names: Joe Biden, Kabul"
    assert "Same numbers: 1,000" in reasons
    assert "Same date: 31 August 2021" in reasons
    assert reasons[-1] == "Close in meaning (0.82)"
    assert explain("Cats are great", "Dogs bark loudly", semantic=0.1) == ()
