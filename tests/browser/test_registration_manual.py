"""Journey 3 (REG-9) and journey 6 end to end in Chromium on a phone-sized screen: an
out-of-province unit submits the manual channel with real JPEG scans, signs in and sees
待审核; a reviewer rejects with a reason; the applicant resubmits; the reviewer approves; the
SMS outbox shows every message."""

import re

import pytest
from django.contrib.auth.hashers import make_password
from PIL import Image

from zhengwu.reviews.tests.factories import make_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Sh#2026manual"
MOBILE = "13857106688"


@pytest.fixture(autouse=True)
def private_storage(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture(autouse=True)
def calendar():
    """The working-day calendar (CAL-1) that the deadline needs: a transactional test before
    this one may have flushed the rows the data migration seeded."""
    from zhengwu.workdays.selectors import covered_years
    from zhengwu.workdays.services import calendar_seed

    if not covered_years():
        calendar_seed()


@pytest.fixture
def scans(tmp_path):
    """Real JPEG files written by Pillow, as a phone camera would produce them."""
    paths = {}
    for name, colour in (
        ("licence", (200, 180, 160)),
        ("id", (90, 120, 200)),
        ("new", (20, 200, 90)),
    ):
        path = tmp_path / f"{name}.jpg"
        Image.new("RGB", (640, 480), colour).save(path, "JPEG", quality=85)
        paths[name] = str(path)
    return paths


def _read_sms_code(page, mobile):
    sms = page.context.new_page()
    sms.goto(f"{page.base_url}/sandbox/sms/?mobile={mobile}")
    text = sms.get_by_text(re.compile(r"验证码\d{6}")).first.inner_text()
    sms.close()
    return re.search(r"验证码(\d{6})", text).group(1)


def _sign_in(page, username, next_url):
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#id_captcha_1").fill("PASSED")  # image captcha, test mode (ACC-1)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{next_url}")


def _open_case(page):
    _sign_in(page, "reviewer_wang", "/review/manual/")
    page.get_by_role("link", name=re.compile(r"^RG\d+")).first.click()
    page.wait_for_url("**/review/manual/*/")
    # The scans are shown beside the data, served by the audited /uploads/<uuid>/ view.
    image = page.get_by_role("img", name="营业执照/证照页")
    image.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert page.evaluate("img => img.naturalWidth", image.element_handle()) == 640
    assert "138****6688" in page.content() and MOBILE not in page.content()


@pytest.mark.desktop_too
def test_journey_3_manual_channel_rejection_resubmission_approval(page, scans):
    make_reviewer(username="reviewer_wang", password=make_password(PASSWORD))
    page.goto(page.base_url + "/register/manual/")
    page.get_by_label("省外单位（自动认证未通过）").check()
    page.locator("#id_location").select_option("out_of_province")
    page.locator("#id_legal_person_type").select_option("enterprise")
    page.locator("#id_organisation_name").fill("上海浦江贸易有限公司")
    page.get_by_label("能提供", exact=True).check()
    page.locator("#id_unit_code").fill("913100009141777692")
    page.locator("#id_operator_name").fill("赵一鸣")
    page.locator("#id_operator_id_number").fill("310101199003071230")
    page.locator("#id_email").fill("zhao@example.com")
    page.locator("#id_licence_page").set_input_files(scans["licence"])
    page.locator("#id_id_document").set_input_files(scans["id"])
    page.locator("#id_mobile").fill(MOBILE)
    page.locator("#id_username").fill("pujiang_trade")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_confirm").fill(PASSWORD)
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_text("短信验证码已发送").wait_for()
    page.locator("#id_sms_code").fill(_read_sms_code(page, MOBILE))
    page.get_by_label(re.compile("我已阅读并同意")).check()
    page.get_by_role("button", name="提交人工认证").click()
    page.wait_for_url("**/register/manual/submitted/")
    assert page.get_by_role("heading", name="您的信息已提交！").is_visible()

    # The applicant signs in at once and sees 待审核.
    page.get_by_role("link", name="登录查看比对结果").click()
    page.get_by_label("用户名").fill("pujiang_trade")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#id_captcha_1").fill("PASSED")  # image captcha, test mode (ACC-1)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/register/manual/status/")
    assert page.locator("#case-status").inner_text() == "待审核"

    # The reviewer rejects with a template reason and a note.
    _open_case(page)
    page.locator("input[name=decision][value=reject]").check()
    page.get_by_label("不通过原因").select_option(label="证照照片不清晰")
    page.get_by_label("补充说明").fill("四角未拍全")
    page.get_by_role("button", name="提交审核结果").click()
    page.locator("#case-status", has_text="不通过").wait_for()

    # The applicant sees the reason and resubmits with a new licence page only.
    _sign_in(page, "pujiang_trade", "/register/manual/status/")
    assert page.locator("#case-reason").inner_text() == "证照照片不清晰：四角未拍全"
    page.get_by_role("link", name="修改后重新提交").click()
    page.wait_for_url("**/register/manual/resubmit/")
    assert page.locator("#id_organisation_name").input_value() == "上海浦江贸易有限公司"
    page.locator("#id_licence_page").set_input_files(scans["new"])
    page.get_by_role("button", name="重新提交").click()
    page.wait_for_url("**/register/manual/status/")
    assert page.locator("#case-status").inner_text() == "待审核"

    # The reviewer approves.
    _open_case(page)
    page.locator("input[name=decision][value=approve]").check()
    page.get_by_role("button", name="提交审核结果").click()
    page.locator("#case-status", has_text="通过").wait_for()

    # The SMS outbox holds the applicant's messages.
    page.goto(f"{page.base_url}/sandbox/sms/?mobile={MOBILE}")
    assert page.get_by_text(re.compile("人工认证申请已提交")).count() == 2
    assert page.get_by_text(re.compile("未通过，原因：证照照片不清晰：四角未拍全")).is_visible()
    assert page.get_by_text(re.compile("已审核通过")).is_visible()
