"""Journey 5 of issue 3 end to end in Chromium on a phone-sized screen: 个人注册 with the
region selects, the SMS code read on /sandbox/sms/ and the face check passed on
/sandbox/identity/, as a person would (REG-11)."""

import re

import pytest

from tests.browser.phone import pass_face_check
from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Gr#2026login"
MOBILE = "13957144444"


def _read_sms_code(page, mobile):
    sms = page.context.new_page()
    sms.goto(f"{page.base_url}/sandbox/sms/?mobile={mobile}")
    text = sms.get_by_text(re.compile(r"验证码\d{6}")).first.inner_text()
    sms.close()
    return re.search(r"验证码(\d{6})", text).group(1)


@pytest.mark.desktop_too
def test_journey_5_natural_person_registers(page):
    """个人注册 → 实名认证 → 注册成功: an active natural-person account with the mobile."""
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="个人注册").click()
    page.wait_for_url("**/register/person/")
    page.get_by_label("证件类型").select_option("resident_id")
    page.get_by_label("姓名").fill("孙丽华")
    page.get_by_label("证件号码").fill(resident_id(4242))
    page.get_by_label("证件有效期开始日期").fill("2020-01-01")
    page.get_by_label("长期有效").check()
    page.locator("#id_province").select_option("33")
    page.locator("#id_city option[value='3301']").wait_for(state="attached")
    page.locator("#id_city").select_option("3301")
    page.locator("#id_region option[value='330106']").wait_for(state="attached")
    page.locator("#id_region").select_option("330106")
    page.locator("#id_mobile").fill(MOBILE)
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_text("短信验证码已发送").wait_for()
    page.get_by_label("短信验证码").fill(_read_sms_code(page, MOBILE))
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_label("我已阅读并同意《政务服务网用户注册协议》").check()  # seed 003
    page.get_by_role("button", name="立即注册").click()
    page.wait_for_url("**/register/person/face/")
    assert page.locator(".qr svg").is_visible()
    pass_face_check(page, "孙**")
    page.wait_for_url("**/register/person/result/")
    assert page.get_by_role("heading", name="注册成功").is_visible()
    user = User.objects.get(username=MOBILE)
    assert user.kind == "natural_person" and user.is_active
