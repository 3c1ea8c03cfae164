"""Issue 11: htmx errors are shown where the user looks and every 获取短信验证码 button counts
down (portal/static/portal/htmx-feedback.js, no inline script)."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MOBILE = "13957144445"


def _sms_button(page):
    return page.locator("button[hx-post]", has_text=re.compile("获取短信验证码|秒后重新获取"))


def test_sms_button_counts_down_and_a_429_is_shown(page):
    page.goto(page.base_url + "/register/person/")
    page.locator("#id_mobile").fill(MOBILE)
    button = _sms_button(page)
    button.click()
    page.get_by_text("短信验证码已发送").wait_for()
    assert button.is_disabled()
    assert re.fullmatch(r"\d+秒后重新获取", button.inner_text().strip())

    # A new page forgets the countdown; the server refuses and says when: that is shown.
    page.goto(page.base_url + "/register/person/")
    page.locator("#id_mobile").fill(MOBILE)
    button = _sms_button(page)
    button.click()
    alert = page.locator("#sms-sent [role=alert]")
    alert.wait_for()
    assert "频繁" in alert.inner_text()
    assert button.is_disabled()
    assert re.fullmatch(r"\d+秒后重新获取", button.inner_text().strip())


def test_recovery_page_shows_the_sms_state(page):
    page.goto(page.base_url + "/recover/password/")
    page.get_by_label("用户名/统一社会信用代码").fill("nobody_here")
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url("**/recover/password/verify/")
    page.locator("#sms-state[data-state=sent]").wait_for()
    assert "短信验证码已发送" in page.locator("#sms-state").inner_text()
