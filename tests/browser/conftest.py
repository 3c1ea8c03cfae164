"""Playwright driving a Chromium against the live server.

The browser is ``$ZHENGWU_CHROMIUM``, else the one ``scripts/ensure-browser.sh`` (run by
``make test``) found or fetched (``var/chromium-path``), else Debian's ``/usr/bin/chromium``.
Without any, the browser tests skip and say why.
"""

import os
import shutil
from pathlib import Path

import pytest

_FOUND = Path(__file__).resolve().parents[2] / "var" / "chromium-path"


def _chromium() -> str:
    if os.environ.get("ZHENGWU_CHROMIUM"):
        return os.environ["ZHENGWU_CHROMIUM"]
    if _FOUND.is_file() and _FOUND.read_text().strip():
        return _FOUND.read_text().strip()
    return "/usr/bin/chromium"


CHROMIUM = _chromium()


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_in_memory_sqlite():
    """On SQLite the live server's threads share the test's in-memory connection (Django's
    ``connections_override``), and sqlite3 refuses concurrent use of one connection ("bad
    parameter or other API misuse"), e.g. when the browser loads two uploads at once. There
    the live server runs one request at a time (response body included). A request that has
    waited 2 s goes ahead anyway: that is the portal calling itself (the sandbox identity
    provider's token endpoint during an OIDC callback), and the waiting request holds no
    cursor while it waits on HTTP. On PostgreSQL each server thread has its own connection."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class SerialisedWSGIServer(ThreadedWSGIServer):
        def set_app(self, application):
            lock = threading.Lock()

            def serialised(environ, start_response):
                acquired = lock.acquire(timeout=2)
                try:
                    result = application(environ, start_response)
                    try:
                        return list(result)
                    finally:
                        if hasattr(result, "close"):
                            result.close()
                finally:
                    if acquired:
                        lock.release()

            super().set_app(serialised)

    original = LiveServerThread.server_class
    LiveServerThread.server_class = SerialisedWSGIServer
    yield
    LiveServerThread.server_class = original


@pytest.fixture(scope="module")
def browser():
    """One browser per module: Playwright's sync API keeps an event loop running in this
    thread while it is open, which would break later tests that call ``asyncio.run``."""
    if not shutil.which(CHROMIUM):
        pytest.skip(
            f"NO BROWSER: {CHROMIUM} is missing. Run scripts/ensure-browser.sh (make test does)"
            " or apt-get install chromium, or set ZHENGWU_CHROMIUM."
        )
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
    # bypass_csp: these journeys wait with page.wait_for_function("…"), which Playwright
    # evaluates as a string (blocked without 'unsafe-eval'). The CSP itself is exercised by
    # test_workspace.py, whose pages keep it and report every violation.
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()
