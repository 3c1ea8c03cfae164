"""Journey 4 of issue 3 (REG-10) end to end in Chromium on a phone-sized screen: an agent
registers the unit (上传证件: a renamed PDF is refused by name, then a JPEG and a PNG scan);
the legal representative opens the link of the SMS (read on /sandbox/sms/) in a second
browser, reads the letter, passes the face check on /sandbox/identity/ and signs; a reviewer
sees the two uploads and approves in /review/; the agent signs in."""

import io
import re

import pytest
from django.contrib.auth.hashers import make_password
from PIL import Image
from playwright.sync_api import expect

from tests.browser.phone import pass_face_check
from zhengwu.accounts.models import Membership, User
from zhengwu.accounts.tests.factories import resident_id
from zhengwu.registrations.models import AgentRegistration
from zhengwu.registrations.tests.factories import MarketEntityFactory
from zhengwu.reviews.tests.factories import make_reviewer
from zhengwu.uploads.tests.samples import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Dl#2026agent"
AGENT_MOBILE = "13957166601"
LEGAL_REP_MOBILE = "13957166602"


@pytest.fixture(autouse=True)
def calendar():
    """The working-day calendar (CAL-1) for the review deadline: a transactional test before
    this one may have flushed the rows the data migration seeded."""
    from zhengwu.workdays.selectors import covered_years
    from zhengwu.workdays.services import calendar_seed

    if not covered_years():
        calendar_seed()


@pytest.fixture(autouse=True)
def esign_keys(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _file(name, content):
    return {"name": name, "mimeType": "image/jpeg", "buffer": content}


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _sms_text(page, mobile, pattern):
    sms = page.context.new_page()
    sms.goto(f"{page.base_url}/sandbox/sms/?mobile={mobile}")
    text = sms.get_by_text(re.compile(pattern)).first.inner_text()
    sms.close()
    return text


def _pass_face_check(page, masked_name):
    pass_face_check(page, masked_name)


def _sign_in(page, username, next_url):
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{next_url}")


@pytest.mark.desktop_too
def test_journey_4_agent_registration_with_e_signature(page, browser):
    entity = MarketEntityFactory(
        name="杭州代理签名科技有限公司",
        legal_rep_name="王建国",
        legal_rep_id_number=resident_id(9101),
    )
    make_reviewer(username="reviewer_li", password=make_password(PASSWORD))

    # The agent chooses 我是代理人 and fills the form.
    page.goto(page.base_url + "/register/legal/")
    page.get_by_role("link", name="我是代理人").click()
    page.wait_for_url("**/register/agent/")
    page.locator("#id_legal_person_type").select_option("enterprise")
    page.locator("#id_organisation_name").fill(entity.name)
    page.locator("#id_uscc").fill(entity.uscc)
    page.locator("#id_legal_rep_name").fill("王建国")
    page.locator("#id_legal_rep_id_type").select_option("resident_id")
    page.locator("#id_legal_rep_id_number").fill(entity.legal_rep_id_number)
    page.locator("#id_legal_rep_mobile").fill(LEGAL_REP_MOBILE)
    page.locator("#id_username").fill("hz_agent_qian")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_confirm").fill(PASSWORD)
    page.locator("#id_agent_name").fill("钱多多")
    page.locator("#id_agent_id_type").select_option("resident_id")
    page.locator("#id_agent_id_number").fill(resident_id(9102))
    page.locator("#id_mobile").fill(AGENT_MOBILE)
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_text("短信验证码已发送").wait_for()
    code = re.search(r"验证码(\d{6})", _sms_text(page, AGENT_MOBILE, r"验证码\d{6}")).group(1)
    page.locator("#id_sms_code").fill(code)
    page.get_by_label(re.compile("我已阅读并同意")).check()
    # 上传证件: a PDF renamed .jpg is refused beside its field, by name; then the real scans
    # (the licence as a PNG: accepted, stored as a JPEG).
    page.get_by_label("代理人身份证件").set_input_files(_file("id.jpg", jpeg(400, 300)))
    page.get_by_label("单位营业执照或其他证照").set_input_files(
        _file("licence.jpg", b"%PDF-1.4\n%%EOF\n")
    )
    page.get_by_role("button", name="下一步").click()
    page.locator(
        "#licence_page-error", has_text="单位营业执照或其他证照须为 JPG 或 PNG 格式的图片"
    ).wait_for()
    assert not AgentRegistration.objects.exists()
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_confirm").fill(PASSWORD)
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_label("代理人身份证件").set_input_files(_file("id.jpg", jpeg(400, 300)))
    page.get_by_label("单位营业执照或其他证照").set_input_files(
        {"name": "licence.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.get_by_role("button", name="下一步").click()

    # The agent's own face check, then the confirmation dialog.
    page.wait_for_url("**/register/agent/face/")
    assert page.locator(".qr svg").is_visible()
    _pass_face_check(page, "钱**")
    page.wait_for_url("**/register/agent/confirm/")
    assert page.get_by_text("请确保手机号码为法定代表人本人号码").is_visible()
    page.get_by_role("button", name="确认提交").click()
    page.wait_for_url("**/register/agent/status/")
    assert page.locator(".status").inner_text() == "签名中"
    shown_link = page.locator("#sign-link").inner_text()
    assert page.locator(".pass-on .qr svg").is_visible()
    qr_box = page.locator(".pass-on .qr svg").bounding_box()
    assert qr_box["width"] >= 200  # scaled to its frame, not a tiny code in the corner
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="复制签名链接").click()
    page.locator(".copy-status", has_text="已复制签名链接").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == shown_link

    # The legal representative reads the SMS and opens the link in another browser.
    text = _sms_text(page, LEGAL_REP_MOBILE, "签署授权委托书")
    path = re.search(r"(/register/agent/sign/[^/\s]+/)", text).group(1)
    assert shown_link.endswith(path)
    assert entity.legal_rep_id_number not in path and LEGAL_REP_MOBILE not in path
    rep_context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    rep = rep_context.new_page()
    rep.set_default_timeout(10_000)
    rep.goto(page.base_url + path)
    assert rep.get_by_role("heading", name="授权委托书签署").is_visible()
    with rep.expect_response(re.compile(r"letter\.pdf$")) as letter:
        rep.evaluate("url => fetch(url)", page.base_url + path + "letter.pdf")
    assert letter.value.headers["content-type"] == "application/pdf"
    rep.get_by_role("link", name="人脸识别后签名").click()
    rep.wait_for_url("**/face/")
    rep.base_url = page.base_url  # type: ignore[attr-defined]
    _pass_face_check(rep, "王**")
    rep.wait_for_url("**/decide/")
    rep.get_by_role("button", name="签署", exact=True).click()
    rep.get_by_role("heading", name="签署完成").wait_for()
    rep_context.close()

    application = AgentRegistration.objects.get()
    assert application.status == "pending" and application.signed_pdf

    # A reviewer approves in the back office.
    page.reload()
    assert page.locator(".status").inner_text() == "待审核"
    _sign_in(page, "reviewer_li", "/review/agent/")
    page.get_by_role("link", name=application.reference).click()
    page.wait_for_url("**/review/agent/*/")
    assert "139****6602" in page.content() and LEGAL_REP_MOBILE not in page.content()
    # The reviewer sees both uploads (served by the audited /uploads/ view).
    images = page.locator(".case-uploads img")
    assert images.count() == 2
    for i in range(2):
        images.nth(i).scroll_into_view_if_needed()
        expect(images.nth(i)).to_have_js_property("complete", True)
        assert images.nth(i).evaluate("img => img.naturalWidth") >= 400
    page.locator("input[name=decision][value=approve]").check()
    page.get_by_role("button", name="提交审核结果").click()
    page.locator("#case-status", has_text="通过").wait_for()

    # The agent signs in.
    _sign_in(page, "hz_agent_qian", "/")
    user = User.objects.get(username="hz_agent_qian")
    assert user.is_active
    assert Membership.objects.filter(user=user, organisation__uscc=entity.uscc).exists()
    assert "已成功注册" in _sms_text(page, AGENT_MOBILE, "已成功注册")
