"""The checks every browser test gets from conftest.py: the browser asks for English and the
portal answers in Chinese; axe-core runs on each page a test loads and records serious and
critical violations (which fail the test at teardown)."""

import pytest

from .a11y import page_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROBE = (
    "<!doctype html><html lang='zh-hans'><head><title>axe probe</title></head><body><main>"
    "<h1>探针</h1><button type='button'><img src='data:,'></button></main></body></html>"
)


def test_every_context_asks_for_english_and_gets_chinese(page, browser):
    page.goto(page.base_url + "/")
    assert page.evaluate("navigator.language") == "en-US"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    other = browser.new_context(locale="zh-CN")  # a test's own context asks for English too
    assert other.new_page().evaluate("navigator.language") == "en-US"
    other.close()


def test_a_violation_on_a_loaded_page_is_recorded(page, axe_watch):
    page.route("**/axe-probe/", lambda route: route.fulfill(content_type="text/html", body=PROBE))
    page.goto(page.base_url + "/axe-probe/")
    key = page_key(page.url, 390, "axe probe")
    for _ in range(200):  # the page runs axe after load and reports back
        if key in axe_watch.seen:
            break
        page.wait_for_timeout(100)
    found = [v for v in axe_watch.violations if "/axe-probe/" in v.url]
    rules = {v.rule: v for v in found}
    assert set(rules) == {"button-name", "image-alt"}, axe_watch.report()
    assert rules["button-name"].impact == "critical" and rules["button-name"].nodes == ["button"]
    axe_watch.violations.clear()  # recorded as it should be: do not fail this test


def test_page_key_ignores_ids_and_tokens():
    assert page_key("http://h/review/agent/12/?x=1", 390, "t") == (390, "/review/agent/*/", "t")
    token = "AbCdEfGhIjKlMnOpQrStUvWx"
    assert page_key(f"http://h/register/agent/sign/{token}/", 1280, "t")[1] == (
        "/register/agent/sign/*/"
    )
    assert page_key("http://h/me/messages/", 390, "t")[1] == "/me/messages/"
