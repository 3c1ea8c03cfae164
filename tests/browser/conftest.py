"""Playwright driving Debian's chromium (/usr/bin/chromium) against the live server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("ZHENGWU_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """One browser per module: Playwright's sync API keeps an event loop running in this
    thread while it is open, which would break later tests that call ``asyncio.run``."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (see README)")
    # Playwright's sync API runs an event loop in this thread; the test code's own ORM
    # calls are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()
