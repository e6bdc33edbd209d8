"""Reading ClaimReview files: every input shape, the irregular markup real publishers write, identity."""

import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.outside.claimreview import ParseResult, parse_claimreviews

DATA = Path(__file__).parent / "data"
# The properties the reader looks at, for generated markup.
KEYS = [
    "@id", "@type", "url", "claimReviewed", "itemReviewed", "author", "publisher", "name", "text", "datePublished",
    "dateCreated", "reviewRating", "ratingValue", "bestRating", "worstRating", "alternateName", "appearance",
    "firstAppearance", "sameAs", "inLanguage", "site", "@value",
]  # fmt: skip


def review(**overrides) -> dict:
    """A tidy ClaimReview, as the schema.org examples write one; tests make it untidy."""
    node = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example/2020/03/moon-cheese",
        "claimReviewed": "The moon is made of cheese.",
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Jo Bloggs"},
            "datePublished": "2020-03-01",
            "appearance": [{"@type": "CreativeWork", "url": "https://social.example/jo/1"}],
        },
        "author": {"@type": "Organization", "name": "Example Checks", "url": "https://checks.example/"},
        "datePublished": "2020-03-05",
        "name": "No, the moon is not made of cheese",
        "inLanguage": "en",
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "False",
        },
    }
    node.update(overrides)
    return {key: value for key, value in node.items() if value is not None}


def parse(document, name="reviews.json", **kwargs) -> ParseResult:
    text = document if isinstance(document, str | bytes) else json.dumps(document)
    return parse_claimreviews(text, name, **kwargs)


def only(result: ParseResult):
    assert result.errors == [] and len(result.records) == 1, result.messages()
    return result.records[0]


# --- input shapes --------------------------------------------------------------------------------


def test_a_single_object_gives_every_field():
    record = only(parse(review()))
    assert record.claim_text == "The moon is made of cheese."
    assert record.claimant == "Jo Bloggs"
    assert record.claim_date == datetime.date(2020, 3, 1)
    assert record.appearance_urls == ("https://social.example/jo/1",)
    assert record.review_url == "https://checks.example/2020/03/moon-cheese"
    assert (record.publisher_name, record.publisher_site) == ("Example Checks", "checks.example")
    assert record.author_names == ("Example Checks",)
    assert record.review_date == datetime.date(2020, 3, 5)
    assert record.title == "No, the moon is not made of cheese"
    assert (record.rating_label, record.rating_value, record.best_rating, record.worst_rating) == (
        "False",
        1.0,
        5.0,
        1.0,
    )
    assert (record.rating, record.rating_basis) == ("false", "number")
    assert record.language == "en" and record.identity_basis == "url" and len(record.identity_key) == 64
    assert record.warnings == ()


def test_an_array_of_reviews_with_one_broken():
    result = parse(
        [
            review(),
            review(url="https://checks.example/2", claimReviewed=""),
            "not a review",
            review(url="https://checks.example/3"),
        ]
    )
    assert result.reviews_found == 3
    assert [r.index for r in result.records] == [1, 3]
    assert result.errors == [
        {
            "record": 2,
            "reason": "no claim text (claimReviewed is empty, and itemReviewed has no name or text)",
        }
    ]
    assert result.messages() == [
        "record 2: no claim text (claimReviewed is empty, and itemReviewed has no name or text)"
    ]


def test_a_graph_with_references_by_id():
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Organization",
                "@id": "https://checks.example/#org",
                "name": "Example Checks",
                "url": "https://checks.example/",
            },
            {
                "@type": "WebPage",
                "@id": "https://checks.example/2020/03/moon-cheese",
                "mainEntity": {"@id": "https://checks.example/2020/03/moon-cheese#review"},
            },
            review(
                **{
                    "@id": "https://checks.example/2020/03/moon-cheese#review",
                    "url": None,
                    "author": {"@id": "https://checks.example/#org"},
                }
            ),
        ],
    }
    record = only(parse(document))
    assert record.publisher_name == "Example Checks"
    assert record.review_url == "https://checks.example/2020/03/moon-cheese"


def test_a_data_feed_with_items_as_lists_and_objects():
    result = parse_claimreviews((DATA / "datafeed.json").read_bytes(), "datafeed.json")
    assert result.format == "json" and result.reviews_found == 3
    first, third = result.records
    assert first.claim_text == "Ferry tickets doubled in price this winter." and first.rating == "half-true"
    # claimReviewed missing: the claim is itemReviewed's name.
    assert third.claim_text == "The fish quota was cut by 90%." and third.rating == "missing-context"
    assert third.review_date == datetime.date(2023, 1, 13)
    assert result.errors == [
        {
            "record": 2,
            "reason": "no claim text (claimReviewed is empty, and itemReviewed has no name or text)",
        }
    ]


def test_json_lines_with_a_broken_line_and_a_line_without_a_review():
    result = parse_claimreviews((DATA / "export.jsonl").read_bytes(), "export.jsonl")
    assert result.format == "json-lines" and result.reviews_found == 3
    assert [r.review_url for r in result.records] == ["https://lines.example/a", "https://lines.example/d"]
    assert result.records[0].publisher_name == "Lines Checkers"
    assert result.records[0].review_date == datetime.date(2020, 3, 5)
    reasons = result.messages()
    assert reasons[0].startswith("Line 3 is not valid JSON (Expecting ',' delimiter")
    assert reasons[1:] == [
        "Line 5 holds no ClaimReview.",
        "record 2: no claim text (claimReviewed is empty, and itemReviewed has no name or text)",
    ]


def test_json_lines_are_recognised_without_the_file_name_saying_so():
    text = json.dumps(review()) + "\n" + json.dumps(review(url="https://checks.example/2")) + "\n"
    result = parse(text, "export.txt")
    assert result.format == "json-lines" and len(result.records) == 2


def test_a_google_fact_check_tools_response():
    result = parse_claimreviews((DATA / "google_api.json").read_bytes(), "google_api.json")
    assert result.reviews_found == 3
    english, spanish = result.records
    assert english.claim_text == "Drinking hot water every 15 minutes kills the virus."
    assert english.claimant == "Viral WhatsApp message" and english.claim_date == datetime.date(2020, 3, 12)
    assert (english.publisher_name, english.publisher_site) == (
        "Example Fact Check",
        "examplefactcheck.example",
    )
    assert english.title == "No, hot water does not kill the virus"
    assert english.review_date == datetime.date(2020, 3, 14)
    assert (english.rating_label, english.rating, english.language) == ("False", "false", "en")
    assert english.origin == "google-api"
    # Not an English label: kept, not mapped, until the settings' map says what "Falso" is.
    assert (spanish.rating_label, spanish.rating, spanish.language) == ("Falso", "unmapped", "es")
    assert result.messages() == [
        "Claim 2 of the API response (“A claim nobody has reviewed yet.”) has no claimReview.",
        "record 3: no claim text (the claim's text is empty)",
    ]
    mapped = parse_claimreviews((DATA / "google_api.json").read_bytes(), "g.json", ratings={"Falso": "false"})
    assert mapped.records[1].rating == "false"


def test_an_html_page_with_two_json_ld_blocks_and_a_broken_one():
    result = parse_claimreviews((DATA / "two_blocks_one_broken.html").read_bytes(), "page.html")
    assert result.format == "html" and result.reviews_found == 2
    bicycles, fines = result.records
    assert bicycles.claim_text == "The mayor has banned bicycles from the city centre on Sundays."
    # Relative addresses resolve against the page's canonical address; the fragment goes.
    assert bicycles.review_url == "https://www.riverside-truth.example/checks/2021/mayor-bicycle-ban/"
    assert bicycles.claimant == "Facebook users" and bicycles.appearance_urls == (
        "https://social.example/posts/8812",
    )
    assert bicycles.review_date == datetime.date(2021, 6, 3) and bicycles.language == "en-US"
    assert (bicycles.rating, bicycles.rating_basis) == ("false", "label")
    assert (
        fines.claim_text == "Cyclists were fined €200 last Sunday." and fines.claimant == "A local radio host"
    )
    assert (fines.rating, fines.rating_basis) == ("mostly-false", "number")
    # Two reviews under one address: each is the address and its claim.
    assert {bicycles.identity_basis, fines.identity_basis} == {"url+claim"}
    assert bicycles.identity_key != fines.identity_key
    [problem] = result.messages()
    assert problem.startswith("JSON-LD block 3 of the page is not valid JSON")
    assert problem.endswith("any reviews in it were skipped.")


def test_microdata_when_the_page_has_no_json_ld():
    result = parse_claimreviews((DATA / "microdata.html").read_bytes(), "verif.html")
    record = only(result)
    assert record.origin == "microdata"
    assert record.claim_text == "Les éoliennes tuent plus d'oiseaux que les chats domestiques."
    assert record.claimant == "Un député"
    assert record.appearance_urls == ("https://verif.example/sources/video-42",)
    assert record.review_url == "https://verif.example/fr/eoliennes-oiseaux"
    assert record.publisher_name == "Vérif Exemple" and record.language == "fr"
    assert record.review_date == datetime.date(2022, 2, 14)
    assert (record.rating_label, record.rating, record.rating_basis) == ("Faux", "false", "number")


def test_a_page_given_its_address_by_the_caller():
    page = f'<html><script type="application/ld+json">{json.dumps(review(url="/fc/42"))}</script></html>'
    record = only(parse(page, "saved.htm", url="https://other.example/news/page"))
    assert record.review_url == "https://other.example/fc/42"


def test_a_json_files_address_is_not_each_reviews_address():
    # The feed's address resolves relative links, but a review that names no address has none.
    result = parse([review(url=None), review(url="/fc/2")], url="https://checks.example/exports/feed.json")
    assert [r.review_url for r in result.records] == ["", "https://checks.example/fc/2"]
    assert [r.identity_basis for r in result.records] == ["claim", "url"]


def test_a_page_address_is_the_address_of_a_review_that_names_none():
    page = f'<html><script type="application/ld+json">{json.dumps(review(url=None))}</script></html>'
    record = only(parse(page, "saved.html", url="https://checks.example/fc/7?utm_campaign=x"))
    assert record.review_url == "https://checks.example/fc/7" and record.identity_basis == "url"


def test_an_html_page_without_claimreview_is_one_error():
    result = parse("<html><head><title>Hello</title></head><body><p>Hi</p></body></html>", "x.html")
    assert result.records == [] and result.messages() == ["No ClaimReview was found in the file."]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256)),
        b"%PDF-1.7\n\x00\x01\x02\x03\x04\x05\x06\x07binary",
    ],
)
def test_a_binary_file_is_one_error(data):
    result = parse_claimreviews(data, "upload.json")
    assert result.records == [] and result.reviews_found == 0
    assert result.errors == [
        {
            "record": None,
            "reason": "This file looks like a binary file (an image, PDF or document), not text we can read.",
        }
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("just some words, not markup", "This file is neither JSON nor an HTML page."),
        ("", "The file is empty."),
        (
            '{"@type": "ClaimReview", "claimReviewed": ',
            "The file is not valid JSON (Expecting value at line 1, column 43).",
        ),
        ('{"hello": "world"}', "No ClaimReview was found in the file."),
    ],
)
def test_a_file_that_cannot_be_read_is_one_error(data, reason):
    result = parse_claimreviews(data, "upload.json")
    assert result.records == [] and result.messages() == [reason]


def test_text_in_another_encoding_with_a_byte_order_mark():
    data = "\ufeff".encode("utf-16-le") + json.dumps(
        review(claimReviewed="Ça coûte 5 €."), ensure_ascii=False
    ).encode("utf-16-le")
    assert only(parse(data)).claim_text == "Ça coûte 5 €."


# --- irregular markup ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        "claimreview",
        "http://schema.org/ClaimReview",
        "https://schema.org/ClaimReview",
        "schema:ClaimReview",
        ["CreativeWork", "ClaimReview"],
    ],
)
def test_type_spellings(kind):
    assert only(parse(review(**{"@type": kind}))).claim_text == "The moon is made of cheese."


def test_authors_and_item_reviewed_as_lists_and_strings():
    record = only(
        parse(
            review(
                author=[{"@type": "Person", "name": "Ann Writer"}, "Ben Editor"],
                publisher={
                    "@type": "Organization",
                    "name": "Example Checks",
                    "url": "https://www.checks.example",
                },
                itemReviewed=[
                    {"@type": "Claim", "author": "Jo Bloggs", "datePublished": "2020-03-01"},
                    {"@type": "Claim"},
                ],
            )
        )
    )
    assert record.author_names == ("Ann Writer", "Ben Editor")
    assert (record.publisher_name, record.publisher_site) == ("Example Checks", "checks.example")
    assert record.claimant == "Jo Bloggs"


def test_the_claim_from_item_reviewed_when_claim_reviewed_is_missing():
    record = only(
        parse(review(claimReviewed=None, itemReviewed={"@type": "Claim", "text": "Bananas are berries."}))
    )
    assert record.claim_text == "Bananas are berries."
    result = parse(review(claimReviewed=None, itemReviewed={"@type": "Claim"}))
    assert result.messages() == [
        "record 1: no claim text (claimReviewed is missing, and itemReviewed has no name or text)"
    ]


def test_html_entities_tags_and_quotes_in_text():
    record = only(
        parse(
            review(
                claimReviewed="  “Crime rose by 50&amp;nbsp;% &lt;b&gt;in&lt;/b&gt; 2019”\n ",
                name="Fact check: &#8216;Crime&#8217; &amp;amp; punishment",
            )
        )
    )
    assert record.claim_text == "Crime rose by 50 % in 2019"
    assert record.title == "Fact check: ‘Crime’ & punishment"


def test_numbers_written_as_strings_and_a_label_without_a_number():
    by_number = only(
        parse(review(reviewRating={"ratingValue": "4", "bestRating": "5.0", "worstRating": "1"}))
    )
    assert (by_number.rating_value, by_number.rating, by_number.rating_basis) == (
        4.0,
        "mostly-true",
        "number",
    )
    by_label = only(parse(review(reviewRating={"@type": "Rating", "alternateName": "Mostly False"})))
    assert (by_label.rating_value, by_label.rating, by_label.rating_basis) == (None, "mostly-false", "label")
    as_name = only(parse(review(reviewRating={"@type": "Rating", "name": "Half-True"})))
    assert as_name.rating == "half-true"
    as_string = only(parse(review(reviewRating="Pants on Fire!")))
    assert as_string.rating == "false"


def test_a_number_outside_its_range_falls_back_to_the_label():
    record = only(
        parse(
            review(
                reviewRating={
                    "ratingValue": "-1",
                    "bestRating": "5",
                    "worstRating": "1",
                    "alternateName": "Misleading",
                }
            )
        )
    )
    assert (record.rating, record.rating_basis) == ("missing-context", "label")
    assert record.warnings == ("ratingValue -1 is outside its range 1 to 5",)


def test_no_rating_at_all_is_kept_unmapped_with_a_warning():
    record = only(parse(review(reviewRating=None)))
    assert (record.rating, record.rating_label) == ("unmapped", "")
    assert record.warnings == ("the review gives no rating",)


def test_relative_and_doubly_encoded_addresses():
    record = only(
        parse(
            review(
                url="/2020/03/moon-cheese?utm_source=feed",
                **{"@id": "https://checks.example/2020/03/moon-cheese#claimreview"},
                itemReviewed={
                    "@type": "Claim",
                    "appearance": [
                        "https%3A%2F%2Fsocial.example%2Fjo%2F1%3Fa%3D1%26b%3D2",
                        {"url": "//video.example/v/7"},
                    ],
                    "firstAppearance": {"@type": "CreativeWork", "url": "/quoted/from/here"},
                },
            )
        )
    )
    assert record.review_url == "https://checks.example/2020/03/moon-cheese"
    assert record.appearance_urls == (
        "https://social.example/jo/1?a=1&b=2",
        "https://video.example/v/7",
        "https://checks.example/quoted/from/here",
    )


def test_relative_addresses_resolve_against_the_publisher_when_nothing_else_is_known():
    record = only(
        parse(
            review(
                url="/fc/9",
                author={"@type": "Organization", "name": "Example Checks", "url": "https://checks.example"},
            )
        )
    )
    assert record.review_url == "https://checks.example/fc/9"


def test_an_address_that_is_not_one_is_left_out_with_a_warning():
    record = only(parse(review(url="javascript:void(0)")))
    assert record.review_url == "" and record.identity_basis == "claim"
    assert record.warnings == ("review url “javascript:void(0)” is not a web address; not used",)


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("2020-03-05", datetime.date(2020, 3, 5)),
        ("2020-03-05T23:30:00Z", datetime.date(2020, 3, 5)),
        ("2020-03-05T23:30:00-05:00", datetime.date(2020, 3, 5)),
        ("2020-03-05T10:00:00.000+0000", datetime.date(2020, 3, 5)),
        ("2020-03-05 10:00:00", datetime.date(2020, 3, 5)),
        ("March 5, 2020", datetime.date(2020, 3, 5)),
        ("5 March 2020", datetime.date(2020, 3, 5)),
        ("Thu, 05 Mar 2020 10:00:00 GMT", datetime.date(2020, 3, 5)),
        ("25/03/2020", datetime.date(2020, 3, 25)),
        ("03/25/2020", datetime.date(2020, 3, 25)),
        ("05.03.2020", datetime.date(2020, 3, 5)),
        ({"@value": "2020-03-05", "@type": "Date"}, datetime.date(2020, 3, 5)),
        (1583366400, datetime.date(2020, 3, 5)),
    ],
)
def test_date_formats(written, date):
    assert only(parse(review(datePublished=written))).review_date == date


@pytest.mark.parametrize(
    ("written", "warning"),
    [
        ("05/03/2020", "review date “05/03/2020” could be 5 March or 3 May; left empty"),
        ("March 2020", "review date “March 2020” is not a date we can read"),
        ("yesterday-ish", "review date “yesterday-ish” is not a date we can read"),
        ("31/02/2020", "review date “31/02/2020” is not a date"),
    ],
)
def test_dates_that_cannot_be_read_safely_are_left_empty(written, warning):
    record = only(parse(review(datePublished=written)))
    assert record.review_date is None and record.warnings == (warning,)


def test_language_as_an_object_or_a_name():
    assert (
        only(
            parse(review(inLanguage={"@type": "Language", "name": "Portuguese", "alternateName": "pt_br"}))
        ).language
        == "pt-BR"
    )
    assert only(parse(review(inLanguage="English"))).language == "en"


def test_several_reviews_of_one_page_in_a_graph_and_a_duplicate():
    page = "https://checks.example/debate-night"
    document = {
        "@graph": [
            review(url=page, claimReviewed="Unemployment is at a record low."),
            review(url=page, claimReviewed="Taxes went up for everyone."),
            review(url=page + "#again", claimReviewed="Unemployment is at a record LOW"),
        ]
    }
    result = parse(document)
    assert [r.claim_text for r in result.records] == [
        "Unemployment is at a record low.",
        "Taxes went up for everyone.",
    ]
    assert result.messages() == ["record 3: the same review as record 1"]


def test_a_record_that_trips_the_reader_is_reported_not_raised(monkeypatch):
    from claims.outside import claimreview

    real = claimreview.language_tag

    def fragile(value):
        if value == "xx":
            raise TypeError("unexpected")
        return real(value)

    monkeypatch.setattr(claimreview, "language_tag", fragile)
    result = parse([review(inLanguage="xx"), review(url="https://checks.example/ok")])
    assert [r.index for r in result.records] == [2]
    assert result.errors == [{"record": 1, "reason": "could not be read (TypeError)"}]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS), children, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(KEYS), JSON_VALUES, max_size=8), max_size=3))
def test_no_markup_makes_it_raise(nodes):
    for node in nodes:
        node["@type"] = "ClaimReview"
    result = parse(nodes)
    assert result.reviews_found == len(nodes)
    assert len(result.records) + sum(1 for error in result.errors if error["record"]) == len(nodes)


def test_json_ld_blocks_with_comments_trailing_commas_and_raw_line_breaks():
    block = '<!--\n{"@type": "ClaimReview", "url": "https://checks.example/x", "claimReviewed": "Line one\nline two", "reviewRating": {"alternateName": "True",},}\n-->'
    record = only(
        parse(f'<html><script type="application/ld+json; charset=utf-8">{block}</script></html>', "x.html")
    )
    assert record.claim_text == "Line one line two" and record.rating == "true"


def test_results_are_json_ready():
    result = parse(review())
    data = json.loads(json.dumps(result.to_dict()))
    assert data["records"][0]["review_date"] == "2020-03-05"
    assert data["records"][0]["appearance_urls"] == ["https://social.example/jo/1"]
    assert data["errors"] == [] and data["reviews_found"] == 1


# --- identity ------------------------------------------------------------------------------------


def test_identity_is_stable_across_parses():
    data = (DATA / "two_blocks_one_broken.html").read_bytes()
    keys = [r.identity_key for r in parse_claimreviews(data, "a.html").records]
    assert keys == [r.identity_key for r in parse_claimreviews(data, "b.html").records]


@pytest.mark.parametrize(
    "spelling",
    [
        "http://checks.example/2020/03/moon-cheese",
        "https://www.checks.example/2020/03/moon-cheese/",
        "HTTPS://Checks.Example/2020/03/moon-cheese#verdict",
        "https://checks.example/2020/03/moon-cheese?utm_source=twitter&utm_medium=social",
        "https%3A%2F%2Fchecks.example%2F2020%2F03%2Fmoon-cheese",
        "/2020/03/moon-cheese",
    ],
)
def test_identity_is_the_same_for_every_spelling_of_the_address(spelling):
    original = only(parse(review()))
    variant = only(parse(review(url=spelling, claimReviewed="Moon: cheese!", datePublished="2021-01-01")))
    assert variant.identity_key == original.identity_key and variant.identity_basis == "url"


def test_identity_without_an_address_is_claim_publisher_and_date():
    bare = review(url=None)
    original = only(parse(bare))
    assert original.identity_basis == "claim"
    respaced = only(parse({**bare, "claimReviewed": "  the MOON is made of   “cheese”. "}))
    assert respaced.identity_key == original.identity_key
    other_date = only(parse({**bare, "datePublished": "2020-03-06"}))
    other_publisher = only(parse({**bare, "author": {"@type": "Organization", "name": "Other Checks"}}))
    assert len({original.identity_key, other_date.identity_key, other_publisher.identity_key}) == 3


def test_different_addresses_are_different_reviews():
    one = only(parse(review()))
    two = only(parse(review(url="https://checks.example/2020/03/moon-cheese-2")))
    assert one.identity_key != two.identity_key


def test_a_saved_xhtml_page_and_a_windows_1252_page():
    block = json.dumps(review(claimReviewed="Stimmt nicht", inLanguage=None))
    xhtml = f'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" xml:lang="de"><head><script type="application/ld+json">{block}</script></head></html>'
    assert only(parse(xhtml, "saved.xhtml")).language == "de"
    legacy = f'<html><head><meta charset="windows-1252"><script type="application/ld+json">{json.dumps(review(claimReviewed="x"))}</script>'
    data = legacy.replace('"x"', '"\x93Caf\xe9 prices\x94 doubled"').encode("latin-1")
    assert only(parse(data, "legacy.html")).claim_text == "“Café prices” doubled"
