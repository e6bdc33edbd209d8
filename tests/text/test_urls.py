"""Canonical article addresses."""

import pytest

from claims.errors import InputRejected
from claims.text.urls import canonicalise_url


@pytest.mark.parametrize(
    "url, canonical",
    [
        (
            "HTTPS://News.Example:443/a?id=3&utm_medium=social&fbclid=x#comments",
            "https://news.example/a?id=3",
        ),
        ("http://example.org:80/story", "http://example.org/story"),
        ("https://example.org:8443/story", "https://example.org:8443/story"),
        ("  https://example.org/story?utm_source=x#top \n", "https://example.org/story"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/list?b=2&a=1&gclid=z", "https://example.org/list?a=1&b=2"),
        ("http://127.0.0.1:8000/tram", "http://127.0.0.1:8000/tram"),
        ("http://[::1]/", "http://[::1]/"),
        ("http://localhost:8000/a", "http://localhost:8000/a"),
    ],
)
def test_it_gives_one_spelling_per_page(url, canonical):
    assert canonicalise_url(url) == canonical


def test_the_same_page_given_twice_with_other_tracking_has_the_same_address():
    assert canonicalise_url("https://example.org/a?x=1&utm_campaign=spring") == canonicalise_url(
        "https://EXAMPLE.org/a?x=1&fbclid=abc#section-2"
    )


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "ftp://example.org/file",
        "javascript:alert(1)",
        "mailto:someone@example.org",
        "http://",
        "https:///path-only",
        "http://example.org:99999/",
        "http://exa mple.org/",
        "http://-bad-.example/",
        "http://example/",
    ],
)
def test_what_is_not_an_http_address_of_a_host_is_refused_with_a_message(url):
    with pytest.raises(InputRejected) as refused:
        canonicalise_url(url)
    assert refused.value.message == f"“{url.strip()}” is not a valid http or https address."


def test_a_very_long_address_is_quoted_only_in_part():
    with pytest.raises(InputRejected) as refused:
        canonicalise_url("ftp://" + "a" * 500)
    assert len(refused.value.message) < 260
