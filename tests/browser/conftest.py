"""Browser tests: Debian's headless Chromium driven by Playwright against a live server on PostgreSQL."""

import os
from pathlib import Path

import pytest

from tests.conftest import REPO_DIR
from tests.factories import PASSWORD

# Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO_DIR / "docs" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package (as root).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def sign_in(browser, live_server):
    """sign_in(user) -> a Playwright page in a fresh browser context, signed in through the form."""
    contexts = []

    def _sign_in(user):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("User name").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield _sign_in
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(tmp_path_factory):
    """screenshot(page, "name") takes name.png.

    `make screenshots` (UPDATE_SCREENSHOTS=1) saves them in docs/screenshots, the pictures the README shows;
    an ordinary run takes them in a temporary folder, so a test run leaves the working tree as it was.
    """
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)

    def _screenshot(page, name: str, **options):
        page.screenshot(path=str(folder / f"{name}.png"), **options)

    return _screenshot
