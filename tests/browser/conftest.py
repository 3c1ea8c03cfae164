"""Playwright driving a Chromium against the live server.

The browser is ``$ZHENGWU_CHROMIUM``, else the one ``scripts/ensure-browser.sh`` (run by
``make test``) found or fetched (``$ZHENGWU_BROWSER_PATH_FILE``, default ``var/chromium-path``),
else Debian's ``/usr/bin/chromium``. Without any, the browser tests skip and say why.

Every context a browser test opens (the ``page`` fixture's, and ``browser.new_context()``
called by the tests themselves) asks for English (``locale="en-US"``, as headless Chromium
does by default): the portal must answer in Chinese. axe-core runs after every page load of
every such context (``a11y.AxeWatch``); a serious or critical violation fails the test at
teardown with the page URL, the rule and the nodes. ``page`` is a 390 × 844 phone; tests
marked ``desktop_too`` (the main journeys) run again at 1280 × 800.
"""

import os
import shutil

import pytest

from .a11y import AxeWatch
from .chromium import chromium_path

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LOCALE = "en-US"  # the browser asks for English; the portal answers in Chinese

CHROMIUM = chromium_path()


def pytest_generate_tests(metafunc):  # type: ignore[no-untyped-def]
    """``page`` is a phone; the main journeys (``desktop_too``) run at desktop size too."""
    if "viewport" not in metafunc.fixturenames or "page" not in metafunc.fixturenames:
        return
    if any(
        m.args and m.args[0] == "viewport" for m in metafunc.definition.iter_markers("parametrize")
    ):
        return
    sizes = [PHONE, DESKTOP] if metafunc.definition.get_closest_marker("desktop_too") else [PHONE]
    ids = [f"{s['width']}x{s['height']}" if s is PHONE else "desktop" for s in sizes]
    metafunc.parametrize("viewport", sizes, ids=ids)


_AXE_SEEN: set = set()
_AXE_TOTALS = {"checked": 0, "interrupted": 0}


def pytest_terminal_summary(terminalreporter):  # type: ignore[no-untyped-def]
    if _AXE_SEEN:
        terminalreporter.write_line(
            f"axe-core: {len(_AXE_SEEN)} distinct pages checked (viewport, path, title); "
            f"{_AXE_TOTALS['interrupted']} end-of-test runs cut short"
        )


@pytest.fixture(scope="session")
def _axe_seen() -> set:
    return _AXE_SEEN


@pytest.fixture
def axe_watch(_axe_seen):  # type: ignore[no-untyped-def]
    """The violations axe-core finds in this test's pages (see ``a11y``)."""
    return AxeWatch(seen=_axe_seen)


@pytest.fixture(autouse=True)
def _axe_every_page(request, browser, axe_watch):  # type: ignore[no-untyped-def]
    """Every context opened during the test asks for English and is watched by axe-core;
    at teardown the pages still open are checked once more and any serious or critical
    violation fails the test."""
    browser._axe_watch = axe_watch
    yield
    browser._axe_watch = None
    for context in browser.contexts:
        for open_page in context.pages:
            axe_watch.catch_up(open_page)
    _AXE_TOTALS["interrupted"] += axe_watch.interrupted
    if axe_watch.violations:
        pytest.fail(
            "axe-core: serious or critical violations\n" + axe_watch.report(), pytrace=False
        )


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
        original = browser.new_context

        def new_context(**kwargs):  # type: ignore[no-untyped-def]
            kwargs["locale"] = LOCALE
            context = original(**kwargs)
            watch = getattr(browser, "_axe_watch", None)
            if watch is not None:
                watch.attach(context)
            return context

        browser.new_context = new_context  # type: ignore[method-assign]
        yield browser
        browser.close()


@pytest.fixture
def viewport():  # type: ignore[no-untyped-def]
    """The ``page`` fixture's screen (parametrised by ``pytest_generate_tests``)."""
    return PHONE


@pytest.fixture
def page(browser, live_server, viewport):
    # bypass_csp: these journeys wait with page.wait_for_function("…"), which Playwright
    # evaluates as a string (blocked without 'unsafe-eval'). The CSP itself is exercised by
    # test_workspace.py, whose pages keep it and report every violation.
    context = browser.new_context(locale=LOCALE, viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    watch = getattr(browser, "_axe_watch", None)
    if watch is not None:  # the pages whose load-time run was cut short
        for open_page in context.pages:
            watch.catch_up(open_page)
    context.close()
