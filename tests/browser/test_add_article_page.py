"""The add-article page in a real browser: a refusal is seen first, the tabs switch without losing input."""

import re

import pytest
from playwright.sync_api import expect

from claims.models import Article, Job

pytestmark = pytest.mark.django_db(transaction=True)

BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))


def _assert_refusal_seen_first(page, text: str | re.Pattern) -> None:
    """The refusal box is at the top of the window, holds the keyboard focus and says why."""
    box = page.get_by_role("alert")
    expect(box).to_be_visible()
    expect(box).to_contain_text(text)
    expect(box).to_be_in_viewport(ratio=1)
    expect(box).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "add-errors"
    top = box.bounding_box()["y"]
    # Under the top bar and the page heading, above the tabs and the form.
    assert top < page.get_by_role("navigation", name="Ways to add an article").bounding_box()["y"]
    assert top < 250


@pytest.mark.parametrize("viewport", [{"width": 1400, "height": 900}, {"width": 420, "height": 740}])
def test_a_refused_upload_is_shown_at_the_top_and_focused(sign_in, screenshot, alice, viewport):
    page = sign_in(alice)
    page.set_viewport_size(viewport)
    page.goto("/articles/new/")
    page.get_by_role("link", name="Upload a file").click()
    upload = page.get_by_role("region", name="Upload a file")
    upload.get_by_label("File (.txt, .md or .html)").set_input_files(
        {"name": "photo.txt", "mimeType": "text/plain", "buffer": BINARY}
    )
    upload.get_by_label("Title (optional)").fill("Kept title")
    upload.get_by_role("button", name="Upload and split into claims").click()

    _assert_refusal_seen_first(page, "binary file")
    screenshot(page, f"add-article-refused-upload-{viewport['width']}")
    expect(page.get_by_role("link", name="Upload a file")).to_have_attribute("aria-current", "true")
    expect(upload).to_be_visible()
    expect(page.get_by_role("region", name="Paste text")).to_be_hidden()
    expect(upload.get_by_label("Title (optional)")).to_have_value("Kept title")
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/secret", "inside our own network"),
        # Refused by whichever check comes first, the address's form or what may be fetched.
        ("ftp://example.org/file", re.compile("not a valid http or https address|only fetch web pages")),
    ],
)
def test_a_refused_url_is_shown_at_the_top_and_focused(sign_in, screenshot, alice, url, message):
    page = sign_in(alice)
    page.goto("/articles/new/?method=url")
    region = page.get_by_role("region", name="From a web address")
    region.get_by_label("Web address of the article").fill(url)
    region.get_by_role("button", name="Fetch and split into claims").click()

    _assert_refusal_seen_first(page, message)
    assert page.url.endswith("/articles/new/")
    expect(page.get_by_role("link", name="From a web address")).to_have_attribute("aria-current", "true")
    expect(region.get_by_label("Web address of the article")).to_have_value(url)
    assert Job.objects.count() == 0
    screenshot(page, "add-article-refused-url")


def test_a_refused_paste_is_shown_at_the_top_and_focused(sign_in, alice):
    page = sign_in(alice)
    page.goto("/articles/new/")
    region = page.get_by_role("region", name="Paste text")
    region.get_by_label("Article text").fill("   ")
    region.get_by_label("Title (optional)").fill("Kept title")
    region.get_by_role("button", name="Add and split into claims").click()

    _assert_refusal_seen_first(page, "There is no text to check.")
    expect(region.get_by_label("Title (optional)")).to_have_value("Kept title")


def test_the_tabs_switch_without_losing_what_was_typed(sign_in, alice):
    page = sign_in(alice)
    page.goto("/articles/new/")
    paste = page.get_by_role("region", name="Paste text")
    paste.get_by_label("Article text").fill("Typed before switching.")

    page.get_by_role("link", name="From a web address").click()
    expect(page.get_by_role("region", name="From a web address")).to_be_visible()
    expect(paste).to_be_hidden()
    assert page.url.endswith("?method=url")
    page.get_by_role("link", name="Paste text").click()

    expect(paste.get_by_label("Article text")).to_have_value("Typed before switching.")
    expect(page.get_by_role("link", name="Paste text")).to_have_attribute("aria-current", "true")
