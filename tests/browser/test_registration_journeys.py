"""Journeys 1 and 2 of issue 3 end to end in Chromium, on a phone-sized screen: SMS codes are
read on /sandbox/sms/ and face checks passed on /sandbox/identity/, as a person would."""

import re

import pytest
from django.contrib.auth.hashers import make_password

from tests.browser.phone import pass_face_check
from zhengwu.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from zhengwu.registrations.tests.factories import MarketEntityFactory, OperatorApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Qy#2026login"


def _read_sms_code(page, mobile):
    sms = page.context.new_page()
    sms.goto(f"{page.base_url}/sandbox/sms/?mobile={mobile}")
    text = sms.get_by_text(re.compile(r"验证码\d{6}")).first.inner_text()
    sms.close()
    return re.search(r"验证码(\d{6})", text).group(1)


def _pass_face_check(page, masked_name):
    pass_face_check(page, masked_name)


def _step_1(page, entity):
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="法人注册").click()
    page.wait_for_url("**/register/legal/")  # REG-10: the role choice first
    page.get_by_role("link", name="我是法定代表人").click()
    page.wait_for_url("**/register/")
    page.get_by_label("法人类型").select_option("enterprise")
    page.get_by_label("单位名称").fill(entity.name)
    page.get_by_label("统一社会信用代码").fill(entity.uscc.lower())  # normalised by the server
    page.locator("#id_legal_rep_name").fill(entity.legal_rep_name)
    page.get_by_label("法定代表人证件号码").fill(entity.legal_rep_id_number)
    page.get_by_label(re.compile("我已阅读并同意")).check()
    page.get_by_role("button", name="信息认证").click()
    page.wait_for_url("**/register/user/")


def _step_2(page, *, username, name, id_number, mobile):
    page.get_by_label("用户名").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_label("经办人姓名").fill(name)
    page.get_by_label("经办人证件号码").fill(id_number)
    page.locator("#id_mobile").fill(mobile)
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_text("短信验证码已发送").wait_for()
    page.get_by_label("短信验证码").fill(_read_sms_code(page, mobile))
    page.get_by_role("button", name="立即注册").click()
    page.wait_for_url("**/register/face/")
    assert page.locator(".qr svg").is_visible()


def _sign_in(page, username):
    page.goto(page.base_url + "/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#id_captcha_1").fill("PASSED")  # image captcha, test mode (ACC-1)
    page.get_by_role("button", name="登录").click()


@pytest.mark.desktop_too
def test_journey_1_legal_representative_registers_and_signs_in(page):
    """信息认证 → 创建用户 → 实名认证 → 注册成功; the account works at once (REG-7)."""
    entity = MarketEntityFactory(legal_rep_name="王建国", registered_phone="13957101234")
    _step_1(page, entity)
    _step_2(
        page,
        username="wjg_company",
        name="王建国",
        id_number=entity.legal_rep_id_number,
        mobile="13957101234",
    )
    _pass_face_check(page, "王**")
    page.wait_for_url("**/register/done/")
    assert page.get_by_role("heading", name="注册成功").is_visible()
    _sign_in(page, "wjg_company")
    page.wait_for_url("**/me/")  # 用户空间
    assert page.locator("main").get_by_text(entity.name).first.is_visible()
    page.goto(page.base_url + "/register/applications/")
    assert page.get_by_text("暂无待审核的经办人申请").is_visible()


def test_journey_1_errors_appear_beside_the_fields(page):
    """REG-3: the failed field is named, and the manual channel offered."""
    entity = MarketEntityFactory(legal_rep_name="王建国")
    page.goto(page.base_url + "/register/")
    page.get_by_label("法人类型").select_option("enterprise")
    page.get_by_label("单位名称").fill(entity.name)
    page.get_by_label("统一社会信用代码").fill(entity.uscc)
    page.locator("#id_legal_rep_name").fill("王建军")
    page.get_by_label("法定代表人证件号码").fill(entity.legal_rep_id_number)
    page.get_by_label(re.compile("我已阅读并同意")).check()
    page.get_by_role("button", name="信息认证").click()
    assert page.get_by_role("alert").filter(has_text="法定代表人信息实名认证失败").is_visible()
    assert page.get_by_role("link", name=re.compile("人工认证渠道")).is_visible()


@pytest.mark.desktop_too
def test_journey_2_employee_applies_and_the_legal_representative_approves(page):
    """The application waits; the legal representative approves with his own face check; the
    applicant gets an SMS and signs in (REG-7)."""
    org = OrganisationFactory(legal_rep_name="陈大明")
    rep = UserFactory(
        username="chen_rep",
        real_name="陈大明",
        id_number=org.legal_rep_id_number,
        password=make_password(PASSWORD),
    )
    MembershipFactory(organisation=org, user=rep, legal_representative=True)
    entity = MarketEntityFactory(
        uscc=org.uscc,
        name=org.name,
        legal_rep_name="陈大明",
        legal_rep_id_number=org.legal_rep_id_number,
    )
    _step_1(page, entity)
    _step_2(
        page,
        username="li_operator",
        name="李小华",
        id_number="330106198501011231",
        mobile="13957105678",
    )
    _pass_face_check(page, "李**")
    page.wait_for_url("**/register/done/")
    assert page.get_by_role("heading", name="申请已提交").is_visible()
    # The legal representative got the SMS and signs in to 经办人申请.
    sms = page.context.new_page()
    sms.goto(f"{page.base_url}/sandbox/sms/?mobile={rep.mobile}")
    assert sms.get_by_text(re.compile("李小华申请成为")).first.is_visible()
    sms.close()
    page.context.clear_cookies()
    _sign_in(page, "chen_rep")
    page.wait_for_url("**/me/")  # 用户空间: the pending application is linked there
    page.get_by_role("link", name=re.compile("经办人申请待审核")).click()
    page.wait_for_url("**/register/applications/")
    page.get_by_role("button", name="同意").click()
    page.locator(".qr svg").wait_for()
    _pass_face_check(page, "陈**")
    page.get_by_text("已同意").wait_for()
    # The applicant is told and can sign in.
    sms = page.context.new_page()
    sms.goto(f"{page.base_url}/sandbox/sms/?mobile=13957105678")
    assert sms.get_by_text(re.compile("经办人的申请已通过")).first.is_visible()
    sms.close()
    page.context.clear_cookies()
    _sign_in(page, "li_operator")
    page.wait_for_url("**/me/")


def test_journey_2_rejection_with_a_reason(page):
    org = OrganisationFactory()
    rep = UserFactory(username="rep_two", password=make_password(PASSWORD))
    MembershipFactory(organisation=org, user=rep, administrator=True)
    application = OperatorApplicationFactory(organisation=org, real_name="周八")
    _sign_in(page, "rep_two")
    page.wait_for_url("**/me/")
    page.get_by_role("link", name=re.compile("经办人申请待审核")).click()
    page.wait_for_url("**/register/applications/")
    page.get_by_label("拒绝原因").fill("非本单位员工")
    page.get_by_role("button", name="拒绝").click()
    page.get_by_text("已拒绝").wait_for()
    sms = page.context.new_page()
    sms.goto(f"{page.base_url}/sandbox/sms/?mobile={application.mobile}")
    assert sms.get_by_text(re.compile("原因：非本单位员工")).first.is_visible()
