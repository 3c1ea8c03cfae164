"""Sign-in journeys (ACC-1 … ACC-3) in Chromium on a phone-sized screen: sign in by USCC,
lock after 10 wrong passwords and unlock with the SMS code read on /sandbox/sms/, and
recover a forgotten username by mobile + USCC."""

import re

import pytest

from zhengwu.accounts.tests.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Xin#2026pass"


def _read_sms_code(page, mobile):
    sms = page.context.new_page()
    sms.goto(f"{page.base_url}/sandbox/sms/?mobile={mobile}")
    text = sms.get_by_text(re.compile(r"验证码\d{6}")).first.inner_text()
    sms.close()
    return re.search(r"验证码(\d{6})", text).group(1)


def _sign_in(page, principal, password):
    page.get_by_label("用户名/统一社会信用代码").fill(principal)
    page.get_by_label("密码").fill(password)
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="登录", exact=True).click()


def _account():
    return MembershipFactory(legal_representative=True, user__username="hz_trade").user


def test_sign_in_by_uscc(page):
    """法人登录 with the unit's USCC, typed in lower case; the header then shows the account."""
    user = _account()
    uscc = user.memberships.get().organisation.uscc
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="登录").click()
    page.wait_for_url("**/login/")
    assert page.get_by_role("link", name="个人登录").is_visible()
    _sign_in(page, uscc.lower(), PASSWORD)
    page.wait_for_url("**/me/")  # 用户空间
    assert page.locator(".site-header").get_by_text("hz_trade").is_visible()


def test_lock_after_ten_failures_and_unlock_by_sms(page):
    user = _account()
    page.goto(page.base_url + "/login/")
    for attempt in range(1, 11):
        _sign_in(page, "hz_trade", f"Wrong#{attempt:04d}x")
        page.get_by_role("alert").first.wait_for()
        if attempt < 10:
            assert "账号或密码错误" in page.get_by_role("alert").first.inner_text()
    assert "密码输入次数过多，您的账号已被锁定" in page.get_by_role("alert").first.inner_text()
    # The right password does not open a locked account.
    _sign_in(page, "hz_trade", PASSWORD)
    assert "您的账号已被锁定" in page.get_by_role("alert").first.inner_text()

    page.get_by_role("link", name="通过短信验证码自助解锁").click()
    page.wait_for_url("**/recover/unlock/**")
    page.get_by_label("用户名/统一社会信用代码").fill("hz_trade")
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url("**/recover/unlock/verify/")
    page.get_by_label("短信验证码").fill(_read_sms_code(page, user.mobile))
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url("**/login/?unlocked=1")
    assert page.get_by_text("账号已解锁").is_visible()
    _sign_in(page, "hz_trade", PASSWORD)
    page.wait_for_url("**/me/")  # 用户空间


def test_forgot_username_by_mobile_and_uscc(page):
    """找回用户名: mobile + USCC → the code → the username, then a new password."""
    user = _account()
    uscc = user.memberships.get().organisation.uscc
    page.goto(page.base_url + "/login/")
    page.get_by_role("link", name="忘记用户名").click()
    page.wait_for_url("**/recover/username/")
    page.get_by_label("找回方式").select_option("id_number")
    assert (
        page.get_by_label("身份证号").is_visible() and not page.get_by_label("手机号").is_visible()
    )
    page.get_by_label("找回方式").select_option("mobile")
    assert not page.get_by_label("身份证号").is_visible()
    page.get_by_label("手机号").fill(user.mobile)
    page.get_by_label("单位编号").fill(uscc)
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url("**/recover/username/verify/")
    assert "hz_trade" not in page.content()
    page.get_by_label("短信验证码").fill(_read_sms_code(page, user.mobile))
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url("**/recover/username/reset/")
    assert page.locator("li.username").inner_text() == "hz_trade"
    page.locator("#id_password").fill(NEW_PASSWORD)
    page.get_by_label("确认新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="重置密码").click()
    page.wait_for_url("**/login/?reset=1")
    _sign_in(page, "hz_trade", NEW_PASSWORD)
    page.wait_for_url("**/me/")  # 用户空间


def test_idle_warning_offers_to_continue(page, settings):
    """Signed-in pages warn before the idle sign-out; 继续使用 extends the session."""
    settings.SESSION_COOKIE_AGE = 64
    settings.ZHENGWU_SESSION_WARNING_SECONDS = 60
    _account()
    page.goto(page.base_url + "/login/")
    _sign_in(page, "hz_trade", PASSWORD)
    page.wait_for_url("**/me/")  # 用户空间
    warning = page.get_by_role("alertdialog")
    warning.wait_for(timeout=15_000)
    assert "将在" in warning.inner_text() and "自动退出登录" in warning.inner_text()
    with page.expect_response("**/session/ping/") as ping:
        page.get_by_role("button", name="继续使用").click()
    assert ping.value.status == 200
    warning.wait_for(state="detached")
