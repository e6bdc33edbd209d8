"""Specification of claims.text.extraction: raw input in, clean article text and metadata out."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.errors import InputRejected
from claims.fetching import FetchResult
from claims.text.extraction import (
    ExtractedArticle,
    decode_bytes,
    extract_from_fetch,
    extract_from_html,
    extract_from_text,
    extract_from_upload,
    normalise_text,
    split_date_line,
)

ARTICLE_PARAGRAPHS = [
    "The city council voted on Tuesday to expand the tram network by twelve kilometres, a decision "
    "that officials say will cut commuting times for thousands of residents in the northern districts.",
    "Mayor Anna Keller told reporters that construction would begin next spring and that the project "
    "would cost roughly 340 million euros, most of it covered by national infrastructure grants.",
    "Opposition members questioned the cost estimate, pointing out that a similar extension in 2015 ran "
    "forty percent over budget and opened two years later than promised.",
]

NEWS_PAGE = f"""<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Council backs tram extension | Daily Example</title>
  <meta property="og:title" content="Council backs tram extension">
  <meta property="og:site_name" content="Daily Example">
  <meta name="author" content="Jane Doe">
  <meta property="article:published_time" content="2024-03-05T09:00:00Z">
  <link rel="canonical" href="/news/tram-extension">
</head>
<body>
  <div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
    <button>Accept all cookies</button></div>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
    <li><a href="/sport">Sport</a></li></ul></nav>
  <main><article>
    <h1>Council backs tram extension</h1>
    {"".join(f"<p>{paragraph}</p>" for paragraph in ARTICLE_PARAGRAPHS)}
  </article></main>
  <aside class="newsletter">Subscribe to our newsletter for the latest headlines!</aside>
  <footer><p>© 2024 Daily Example. All rights reserved. Privacy policy. Terms of use.</p></footer>
</body>
</html>"""

JSON_LD_PAGE = """<html><head><title>Budget talks stall</title>
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Budget talks stall again",
 "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "Max Mustermann"}],
 "datePublished": "2023-11-06", "publisher": {"@type": "Organization", "name": "The Example Times"}}
</script></head>
<body><article><h1>Budget talks stall again</h1>
<p>Negotiators from both parties left the finance ministry late on Monday without an agreement on next
year's budget, the third failed round of talks this month.</p>
<p>The sticking point remains a proposed cut to regional transport subsidies, which opposition leaders
have called unacceptable.</p>
</article></body></html>"""

GERMAN_PAGE = """<html lang="de-DE"><head><title>Stadtrat beschließt Ausbau</title></head><body>
<nav><a href="/">Startseite</a> <a href="/politik">Politik</a></nav>
<article><h1>Stadtrat beschließt Ausbau der Straßenbahn</h1>
<p>Der Stadtrat hat am Dienstag beschlossen, das Straßenbahnnetz um zwölf Kilometer zu verlängern. Die
Fahrzeiten für Tausende Pendler in den nördlichen Stadtteilen sollen sich dadurch deutlich verkürzen.</p>
<p>Oberbürgermeisterin Anna Keller sagte, die Bauarbeiten würden im kommenden Frühjahr beginnen und rund
340 Millionen Euro kosten, die größtenteils aus Fördermitteln des Bundes stammen.</p>
</article><footer>Impressum · Datenschutz</footer></body></html>"""

RUSSIAN_PAGE = """<html lang="ru"><head><meta charset="windows-1251"><title>Делегация в Москве</title></head>
<body><article><h1>Делегация прибыла в Москву для переговоров</h1>
<p>Делегация палестинского движения прибыла в Москву для переговоров с российскими официальными лицами,
сообщили в понедельник в министерстве иностранных дел.</p>
<p>По словам представителей министерства, стороны обсудят возможные пути деэскалации конфликта и
гуманитарную ситуацию в секторе Газа.</p>
</article></body></html>"""

CHINESE_PAGE = """<html><head><meta http-equiv="Content-Language" content="zh-CN"><title>北京举行会议</title>
</head><body><article><h1>北京举行国际气候会议</h1>
<p>来自四十多个国家的代表周二在北京参加了为期三天的国际气候会议，讨论减少温室气体排放的具体措施。会议主办方表示，
各国将就可再生能源投资和碳市场合作交换意见。</p>
<p>一位参会的专家说，今年的会议重点是如何帮助发展中国家获得清洁能源技术，并为受气候变化影响最严重的地区提供资金支持。</p>
</article></body></html>"""

XSS_PAGE = f"""<html><head><title>Harmless looking</title></head><body><article>
<h1>Harmless looking</h1>
<p>{ARTICLE_PARAGRAPHS[0]}</p>
<p>{ARTICLE_PARAGRAPHS[1]} <img src="x" onerror="alert('img')"></p>
<p>Read <a href="javascript:alert('link')">the report</a> or <a href="https://example.org/report"
   onclick="alert('click')" style="color:red">the source</a> or <a href="/local/page">the archive</a>.</p>
<script>alert("script")</script>
<p onmouseover="alert('hover')">{ARTICLE_PARAGRAPHS[2]}<svg onload="alert('svg')"></svg></p>
<iframe src="https://evil.example/"></iframe>
</article></body></html>"""

BINARY_SAMPLES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06",
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Filter/FlateDecode/Length 4>>stream\nx\x9c\x00\x01",
    "zip": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(32)) * 4,
    "control characters": bytes(range(1, 9)) * 64,
}


class TestNormaliseText:
    def test_it_unifies_line_ends_and_trims_trailing_spaces(self):
        assert normalise_text("one  \r\ntwo\t\rthree \u00a0\n") == "one\ntwo\nthree"

    def test_it_drops_invisible_characters_but_keeps_tabs_and_newlines(self):
        dirty = "\ufeffzero\u200bwidth\u200d and\x00 bell\x07\tcolumn\nnext\u00adline"
        assert normalise_text(dirty) == "zerowidth and bell\tcolumn\nnextline"

    def test_it_composes_accents_nfc(self):
        assert normalise_text("cafe\u0301") == "caf\u00e9"

    def test_it_keeps_at_most_one_blank_line_and_strips_the_ends(self):
        assert normalise_text("\n\n  first\n\n\n\n  \n\nsecond\n\n\n") == "first\n\nsecond"

    @given(st.text())
    def test_it_is_idempotent(self, text):
        once = normalise_text(text)
        assert normalise_text(once) == once

    @given(
        st.lists(
            st.sampled_from(["a", "é", "e", "\u0301", " ", "\t", "\n", "\r", "\u200b", "\ufeff", "\x00"])
        ).map("".join)
    )
    def test_it_is_idempotent_on_whitespace_heavy_text(self, text):
        once = normalise_text(text)
        assert normalise_text(once) == once
        assert "\r" not in once and "\n\n\n" not in once


class TestSplitDateLine:
    def test_it_reads_the_seed_file_date_line(self, seed_article_path):
        published, text = split_date_line(seed_article_path.read_text(encoding="utf-8"))
        assert published == datetime.date(2023, 11, 6)
        assert text.startswith("Delegates from")

    def test_it_reads_a_date_on_its_own_line_case_insensitively_after_a_bom(self):
        assert split_date_line("\ufeff  DATE 2024-02-29\nBody text.") == (
            datetime.date(2024, 2, 29),
            "Body text.",
        )

    def test_it_leaves_text_without_a_date_line_alone(self):
        text = "The date 2023-11-06 was mentioned in passing."
        assert split_date_line(text) == (None, text)

    def test_it_refuses_a_date_that_does_not_exist(self):
        with pytest.raises(InputRejected, match="2023-02-30.*does not exist"):
            split_date_line("date 2023-02-30\nText")


class TestDecodeBytes:
    def test_it_decodes_windows_1252_bytes_mislabelled_as_utf_8(self):
        data = "café – “quoted”".encode("cp1252")
        assert decode_bytes(data, declared_charset="utf-8") == "café – “quoted”"

    def test_it_decodes_latin_1_without_any_charset(self):
        data = "Café crème brûlée, naïve façade, déjà vu à Genève.".encode("latin-1")
        assert decode_bytes(data) == "Café crème brûlée, naïve façade, déjà vu à Genève."

    def test_it_removes_a_utf_8_bom(self):
        assert decode_bytes(b"\xef\xbb\xbfna\xc3\xafve") == "naïve"

    def test_it_decodes_utf_16_with_a_bom(self):
        assert decode_bytes("Grüße".encode("utf-16")) == "Grüße"

    def test_valid_utf_8_wins_over_a_wrong_latin_1_label(self):
        assert decode_bytes("naïve “quotes”".encode(), declared_charset="iso-8859-1") == "naïve “quotes”"

    def test_it_uses_a_declared_charset(self):
        text = "Привет, мир! Это проверка кодировки."
        assert decode_bytes(text.encode("koi8-r"), declared_charset="koi8-r") == text

    def test_it_sniffs_the_meta_charset_of_an_html_page(self):
        html = '<html><head><meta charset="windows-1251"></head><body>Привет</body></html>'
        assert decode_bytes(html.encode("cp1251")) == html

    def test_it_ignores_an_unknown_declared_charset(self):
        assert decode_bytes("naïve".encode(), declared_charset="x-no-such-charset") == "naïve"

    @pytest.mark.parametrize(
        "text, encoding",
        [
            ("Ça va.", "latin-1"),
            ("São Paulo", "latin-1"),
            ("It was déjà vu for the council, which met on Tuesday to discuss the new café.", "latin-1"),
            ("It was déjà vu for the council, which met on Tuesday to discuss the new café.", "cp1252"),
            (
                "Prices rose 4% in March, the council said. “It’s déjà vu,” a café owner told reporters.",
                "cp1252",
            ),
        ],
    )
    def test_western_text_without_a_charset_is_not_read_as_another_code_page(self, text, encoding):
        assert decode_bytes(text.encode(encoding)) == text

    @pytest.mark.parametrize(
        "text, encoding",
        [
            ("Zażółć gęślą jaźń, powiedział minister w poniedziałek.", "cp1250"),
            ("Делегация прибыла в Москву для переговоров.", "cp1251"),
            ("Делегация прибыла в Москву для переговоров.", "koi8-r"),
            ("Η κυβέρνηση ενέκρινε τον προϋπολογισμό την Τρίτη.", "cp1253"),
            ("東京で雨が降りました。会議は延期されました。", "shift_jis"),
        ],
    )
    def test_other_languages_without_a_charset_are_still_recognised(self, text, encoding):
        assert decode_bytes(text.encode(encoding)) == text

    @pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
    @pytest.mark.parametrize(
        "text",
        ["Grüße aus München, sagte der Bürgermeister.", "Делегация прибыла в Москву для переговоров."],
    )
    def test_it_decodes_utf_16_without_a_bom(self, text, encoding):
        assert decode_bytes(text.encode(encoding)) == text

    @pytest.mark.parametrize("data", BINARY_SAMPLES.values(), ids=BINARY_SAMPLES.keys())
    def test_it_refuses_binary_data(self, data):
        with pytest.raises(InputRejected, match="looks like a binary file"):
            decode_bytes(data)


class TestExtractFromHtml:
    def test_it_keeps_the_article_and_drops_navigation_cookies_and_footer(self):
        article = extract_from_html(NEWS_PAGE, url="https://daily.example/news/tram-extension?ref=home")
        for paragraph in ARTICLE_PARAGRAPHS:
            assert paragraph in article.text
        for boilerplate in ("cookies", "Politics", "Sport", "newsletter", "All rights reserved"):
            assert boilerplate not in article.text
        assert "\n\n".join(ARTICLE_PARAGRAPHS) in article.text  # paragraphs are separated by a blank line

    def test_it_reads_metadata_from_meta_tags(self):
        article = extract_from_html(NEWS_PAGE, url="https://daily.example/news/tram-extension?ref=home")
        assert article.title == "Council backs tram extension"
        assert article.authors == ("Jane Doe",)
        assert article.published_at == datetime.date(2024, 3, 5)
        assert article.site_name == "Daily Example"
        assert article.language == "en"
        assert article.canonical_url == "https://daily.example/news/tram-extension"

    def test_it_reads_metadata_from_json_ld(self):
        article = extract_from_html(JSON_LD_PAGE)
        assert article.title == "Budget talks stall again"
        assert article.authors == ("Jane Doe", "Max Mustermann")
        assert article.published_at == datetime.date(2023, 11, 6)
        assert article.site_name == "The Example Times"
        assert article.canonical_url == ""

    @pytest.mark.parametrize(
        "page, language, expected",
        [
            (
                GERMAN_PAGE,
                "de",
                "Der Stadtrat hat am Dienstag beschlossen, das Straßenbahnnetz um zwölf Kilometer",
            ),
            (RUSSIAN_PAGE, "ru", "Делегация палестинского движения прибыла в Москву"),
            (CHINESE_PAGE, "zh", "来自四十多个国家的代表周二在北京参加了为期三天的国际气候会议"),
        ],
        ids=["german", "russian", "chinese"],
    )
    def test_it_extracts_non_english_articles_and_their_language(self, page, language, expected):
        article = extract_from_html(page)
        assert expected in article.text
        assert article.language == language
        assert "Startseite" not in article.text and "Impressum" not in article.text

    def test_its_html_keeps_structure_and_drops_every_script(self):
        article = extract_from_html(XSS_PAGE, url="https://daily.example/harmless")
        html = article.html
        assert "<p>" in html and ARTICLE_PARAGRAPHS[0] in html
        for dangerous in (
            "<script",
            "alert",
            "onerror",
            "onclick",
            "onmouseover",
            "onload",
            "javascript:",
            "<iframe",
            "<img",
            "<svg",
            "style=",
        ):
            assert dangerous not in html
        assert (
            '<a href="https://example.org/report" rel="noopener noreferrer nofollow">the source</a>' in html
        )
        assert 'href="https://daily.example/local/page"' in html  # relative links made absolute
        assert "alert" not in article.text

    def test_an_overlong_title_is_cut_at_a_word_to_fit(self):
        title = "Council backs tram extension " * 40  # 1,160 characters of keyword stuffing
        page = f"<html><head><title>{title}</title></head><body><article><p>{ARTICLE_PARAGRAPHS[0]}</p></article></body></html>"
        article = extract_from_html(page)
        assert len(article.title) <= 500 and article.title.endswith(" Council backs tram extension…")
        assert article.text == ARTICLE_PARAGRAPHS[0]
        assert extract_from_html(page, max_title_chars=20).title == "Council backs tram…"

    def test_it_refuses_a_page_without_article_text(self):
        menu_only = "<html><body><nav><a href='/'>Home</a> <a href='/about'>About us</a></nav></body></html>"
        with pytest.raises(InputRejected, match="We could not find any article text on that page."):
            extract_from_html(menu_only)

    def test_it_refuses_an_empty_page(self):
        with pytest.raises(InputRejected, match="We could not find any article text on that page."):
            extract_from_html("   ")


class TestExtractFromText:
    def test_it_reads_the_date_line_and_normalises(self, seed_article_path):
        article = extract_from_text(seed_article_path.read_text(encoding="utf-8"))
        assert article.published_at == datetime.date(2023, 11, 6)
        assert article.text.startswith("Delegates from")
        assert article.text == normalise_text(article.text)
        assert article.html == ""

    def test_it_refuses_empty_text(self):
        with pytest.raises(InputRejected, match="There is no text to check."):
            extract_from_text(" \n\t\u200b ")

    @pytest.mark.parametrize("text", ["x", ".", "Hi", "Yes, no.", "date 2023-11-06\nOK then", "a b c"])
    def test_it_refuses_text_too_short_to_hold_a_claim(self, text):
        with pytest.raises(InputRejected, match="too short to check"):
            extract_from_text(text)

    @pytest.mark.parametrize(
        "text",
        [
            "Prices rose 4%.",
            "The sky is green.",
            "東京で雨。",
            "政府批准了预算。",
            "ارتفعت الأسعار بنسبة ٥٪.",
        ],
    )
    def test_a_single_short_sentence_is_enough(self, text):
        assert extract_from_text(text).text == text

    @pytest.mark.parametrize("broken", ["Caf\ufffd au lait", "\ufffd\ufffd\ufffd"])
    def test_it_refuses_text_with_characters_that_could_not_be_read(self, broken):
        with pytest.raises(InputRejected, match="characters that could not be read.*nothing was stored"):
            extract_from_text(f"The {broken} was sold for 5 euros on Tuesday.")

    def test_it_refuses_text_that_is_only_a_date_line(self):
        with pytest.raises(InputRejected, match="There is no text to check."):
            extract_from_text("date 2023-11-06\n")

    def test_it_refuses_text_longer_than_the_limit(self):
        with pytest.raises(InputRejected, match="at most 100"):
            extract_from_text("x" * 101, max_chars=100)

    def test_its_default_limit_is_half_a_million_characters(self):
        with pytest.raises(InputRejected, match="at most 500,000"):
            extract_from_text("word " * 100_001)


class TestExtractFromUpload:
    def test_a_text_file_is_decoded_dated_and_normalised(self, seed_article_path):
        article = extract_from_upload("article.txt", seed_article_path.read_bytes())
        assert article == extract_from_text(seed_article_path.read_text(encoding="utf-8"))

    def test_a_markdown_file_gets_its_first_heading_as_title(self):
        data = b"date 2024-01-02\n\nIntro line.\n\n## Talks stall again ##\n\nNegotiators left."
        article = extract_from_upload("notes.MD", data)
        assert article.title == "Talks stall again"
        assert article.published_at == datetime.date(2024, 1, 2)
        assert article.text.startswith("Intro line.")

    def test_a_text_file_in_windows_1252_is_read_correctly(self):
        article = extract_from_upload("old.txt", "Le café – “quoted” – est très bon.".encode("cp1252"))
        assert article.text == "Le café – “quoted” – est très bon."

    def test_a_latin_1_file_reads_cafe_as_cafe(self):
        data = "It was déjà vu for the council, which met on Tuesday to discuss the new café.".encode(
            "latin-1"
        )
        assert extract_from_upload("notes.txt", data).text == (
            "It was déjà vu for the council, which met on Tuesday to discuss the new café."
        )

    def test_a_utf_16_file_without_a_bom_is_read_not_refused_as_binary(self):
        data = "Der Stadtrat hat am Dienstag die Straßenbahn verlängert.".encode("utf-16-le")
        assert (
            extract_from_upload("notiz.txt", data).text
            == "Der Stadtrat hat am Dienstag die Straßenbahn verlängert."
        )

    def test_a_file_saved_with_replacement_characters_in_it_is_refused(self):
        data = "The Caf\ufffd Royal was sold for 5 million euros on Tuesday.".encode()
        with pytest.raises(InputRejected, match="could not be read"):
            extract_from_upload("damaged.txt", data)

    def test_a_markdown_heading_longer_than_a_title_may_be_is_cut(self):
        heading = "Bridge " * 100
        article = extract_from_upload("story.md", f"# {heading}\n\nThe vote was 9 to 4.".encode())
        assert len(article.title) <= 500 and article.title.endswith("Bridge…")
        short = extract_from_upload("story.md", b"# Bridge\n\nThe vote was 9 to 4.", max_title_chars=3)
        assert short.title == "Br…"

    def test_a_one_character_file_is_refused(self):
        with pytest.raises(InputRejected, match="too short to check"):
            extract_from_upload("x.txt", b"x")

    def test_an_html_file_is_extracted_like_a_page(self):
        article = extract_from_upload("page.htm", NEWS_PAGE.encode("utf-8"))
        assert article.title == "Council backs tram extension"
        assert ARTICLE_PARAGRAPHS[0] in article.text
        assert article.html.startswith("<")

    @pytest.mark.parametrize(
        "filename", ["report.pdf", "letter.docx", "photo.png", "noextension", "page.html.exe"]
    )
    def test_other_extensions_are_refused(self, filename):
        with pytest.raises(InputRejected, match=r"Only \.txt, \.md and \.html files can be uploaded"):
            extract_from_upload(filename, b"Some text")

    @pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", b"\xef\xbb\xbf\n"])
    def test_an_empty_file_is_refused(self, data):
        with pytest.raises(InputRejected, match="The file is empty."):
            extract_from_upload("empty.txt", data)

    def test_a_binary_file_with_a_text_extension_is_refused(self):
        with pytest.raises(InputRejected, match="looks like a binary file"):
            extract_from_upload("sneaky.txt", BINARY_SAMPLES["png"])

    def test_a_file_over_the_size_limit_is_refused(self):
        with pytest.raises(InputRejected, match="larger than"):
            extract_from_upload("long.txt", b"a" * 1025, max_bytes=1024)

    def test_its_default_size_limit_is_five_megabytes(self):
        with pytest.raises(InputRejected, match="larger than the 5 MB we accept"):
            extract_from_upload("long.txt", b"word " * (1024 * 1024 + 1))


class TestExtractFromFetch:
    def test_an_html_page_with_a_wrong_charset_label_reads_correctly(self):
        page = NEWS_PAGE.replace("Mayor Anna Keller", "Mayor Zoë Müller “Keller”")
        result = FetchResult(
            url="https://daily.example/news/tram-extension?ref=home",
            status=200,
            content_type="text/html",
            charset="utf-8",
            body=page.encode("cp1252"),
        )
        article = extract_from_fetch(result)
        assert "Mayor Zoë Müller “Keller” told reporters" in article.text
        assert article.canonical_url == "https://daily.example/news/tram-extension"

    def test_a_plain_text_response_is_read_like_pasted_text(self):
        result = FetchResult(
            url="https://daily.example/raw.txt",
            status=200,
            content_type="text/plain",
            charset=None,
            body=b"date 2023-11-06\nDelegates from both sides met.\r\n",
        )
        assert extract_from_fetch(result) == ExtractedArticle(
            text="Delegates from both sides met.", published_at=datetime.date(2023, 11, 6)
        )


def test_markdown_headings_lose_their_markers_but_stay_in_the_text():
    from claims.text.extraction import extract_from_upload

    article = extract_from_upload(
        "story.md", b"# Bridge approved\n\nThe vote was 9 to 4.\n\n## Reaction\n\nCritics objected."
    )
    assert article.title == "Bridge approved"
    assert article.text == "Bridge approved\n\nThe vote was 9 to 4.\n\nReaction\n\nCritics objected."
