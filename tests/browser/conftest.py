"""Browser journeys: Playwright driving Debian's Chromium against a live server.

Screenshots go to ``tests/browser/screenshots/<journey>/`` (see README). Each journey uses
``page`` (a fresh context), ``login(page, user)`` and ``shot(page, name)``.
"""

import os
import re
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("REQUIRE_SERVICES") == "1" or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--lang=zh-CN",  # the browser's own widgets (file picker, date input) in Chinese
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(10000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def login():
    def _login(page, user, password=TEST_PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/workbench/.*"))

    return _login


@pytest.fixture
def logout():
    def _logout(page):
        page.click("header form button[type=submit]")
        page.wait_for_load_state()

    return _logout


def _check_page(page):
    body = page.inner_text("body")
    assert "Traceback" not in body and "Server Error" not in body, "an error page is shown"
    # nothing wider than the viewport (horizontal overflow) outside scrollable tables
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 2, f"page overflows horizontally by {overflow}px"


@pytest.fixture
def shot(request):
    """``shot(page, "01-name")`` checks the page for errors/overflow and saves a full-page screenshot."""
    folder = SCREENSHOTS / request.node.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    folder.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str):
        page.wait_for_load_state("networkidle")
        _check_page(page)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return _shot
