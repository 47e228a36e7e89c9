"""Real-browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Chromium is found at $SINOVDA_CHROMIUM, else /usr/bin/chromium (`playwright install` is never needed). When it
is missing the tests skip with a reason, unless SINOVDA_REQUIRE_BROWSER=1 (set by .ci/run): then they fail.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM would then refuse to run
# ("You cannot call this from an async context") in the test's own setup code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


def chromium_path() -> str:
    return os.environ.get("SINOVDA_CHROMIUM") or DEFAULT_CHROMIUM


def _no_browser(reason: str):
    if os.environ.get("SINOVDA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (SINOVDA_REQUIRE_BROWSER=1, so this is an error, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        _no_browser(
            f"Chromium not found at {path}: install it (Debian: apt-get install chromium) "
            "or point SINOVDA_CHROMIUM at a Chromium binary"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - a dev dependency, present after `uv sync`
        _no_browser("the playwright package is not installed (uv sync installs the dev group)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        _no_browser(f"Chromium at {path} did not start: {exc}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The live server runs in a thread of this process, so overridden settings apply to it too.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh browser contexts (own cookies), Indonesian, against the live server.

    `new_page()` gives a desktop page, `new_page(PHONE)` a phone-sized one; several may be open at once
    (two people signed in side by side).
    """
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(
            base_url=live_server.url,
            locale="id-ID",
            viewport=viewport,
            extra_http_headers={"Accept-Language": "id"},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def log_in():
    """`log_in(page, username, password)` signs in through the login form, as a person would."""

    def sign_in(page, username, password):
        page.goto("/masuk/")
        page.get_by_label("Nama pengguna", exact=True).fill(username)
        page.get_by_label("Kata sandi", exact=True).fill(password)
        page.get_by_role("main").get_by_role("button", name="Masuk").click()
        page.wait_for_load_state()

    return sign_in
