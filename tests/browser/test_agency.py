"""The agency code-assignment platform (issue 12) in Chromium on a phone-sized screen:
(1) a login image by SMS link → image sign-in → commitment → a 变更 with an attachment →
受理, 复核 (another person), 通知, 打印 → the outcome, the form, the certificate and the public
lookup; (2) 不予受理 → the unit edits and resubmits; (3) a reissued image makes the old one
fail and ends its session; (4) 申请初领 answers 需要现场办理; (5) 删除申报材料; and the
sign-in dialog of 机关用户服务 by keyboard, with its errors, on a 390-pixel phone under the
CSP."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client
from playwright.sync_api import expect

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.agency.apps import OFFICE_GROUP
from zhengwu.agency.models import Application, LoginImage
from zhengwu.agency.tests.factories import AgencyUnitFactory
from zhengwu.documents.pdf import build_pdf
from zhengwu.licences.keys import create_keys
from zhengwu.notifications.models import SmsMessage
from zhengwu.uploads.tests.samples import jpeg

from .test_workspace import PHONE, _check, _watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def calendar():
    """The working-day calendar (CAL-1) for the deadlines: a transactional test before this one
    may have flushed the rows the data migration seeded."""
    from zhengwu.workdays.selectors import covered_years
    from zhengwu.workdays.services import calendar_seed

    if not covered_years():
        calendar_seed()


@pytest.fixture(autouse=True)
def _keys(tmp_path, settings):  # type: ignore[no-untyped-def]
    create_keys(signer_path=tmp_path / "signer.pem", ca_path=tmp_path / "ca.pem")
    settings.ZHENGWU_LICENCE_SIGNING_KEY = str(tmp_path / "signer.pem")
    settings.ZHENGWU_LICENCE_CA_CERT = str(tmp_path / "ca.pem")


def _officer(name: str):  # type: ignore[no-untyped-def]
    user = UserFactory(staff=True, username=name)
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    group.permissions.add(Permission.objects.get(codename="handle_agency"))
    user.groups.add(group)
    return user


def _staff_page(page, user):  # type: ignore[no-untyped-def]
    """A second browser context signed in as ``user`` (staff sign-in has its own journeys)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = page.context.browser.new_context(locale="en-US")
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.base_url}])
    staff = context.new_page()
    staff.set_default_timeout(10_000)
    return staff


def _issue_on_site(staff, base, unit, tmp_path, name="image.png"):  # type: ignore[no-untyped-def]
    staff.goto(f"{base}/agency/office/units/{unit.pk}/")
    staff.locator("#id_reason").select_option("lost")
    staff.locator("#id_recipient_name").fill("张伟")
    staff.locator("#id_recipient_mobile").fill("13957100001")
    staff.locator("#id_applied_on").fill("2026-12-01")
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(jpeg())
    staff.locator("#id_form_scan").set_input_files(str(scan))
    staff.locator("#id_delivery").select_option("on_site")
    with staff.expect_download() as download:
        staff.get_by_role("button", name="签发登录二维码图片").click()
    path = tmp_path / name
    download.value.save_as(path)
    return path


def _open_signin_dialog(page, item: str) -> None:  # type: ignore[no-untyped-def]
    """机关用户服务 → the item's button → the sign-in dialog (AG-3)."""
    page.goto(f"{page.base_url}/agency/services/")
    page.locator(f"#btn-{item}").click()
    expect(page.locator("#signin-dialog #agency-signin")).to_be_visible()


def _image_sign_in(page, image_path) -> None:  # type: ignore[no-untyped-def]
    page.locator("#id_image").set_input_files(str(image_path))
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="登录", exact=True).click()


def test_change_from_sms_image_to_certificate_and_public_lookup(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = page.base_url
    unit = AgencyUnitFactory(public_institution=True, name="杭州市西湖区图书馆")
    acceptor, reviewer = _officer("shouli"), _officer("fuhe")
    staff = _staff_page(page, acceptor)

    # The authority records the paper application; the image goes by SMS link.
    staff.goto(f"{base}/agency/office/")
    staff.locator("#q").fill("西湖区图书馆")
    staff.get_by_role("button", name="查询").click()
    staff.get_by_role("link", name="杭州市西湖区图书馆").click()
    staff.locator("#id_reason").select_option("never_issued")
    staff.locator("#id_recipient_name").fill("张伟")
    staff.locator("#id_recipient_mobile").fill("13957100001")
    staff.locator("#id_applied_on").fill("2026-12-01")
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(jpeg())
    staff.locator("#id_form_scan").set_input_files(str(scan))
    staff.locator("#id_delivery").select_option("sms_link")
    staff.get_by_role("button", name="签发登录二维码图片").click()
    assert staff.locator("#sent").is_visible()

    link = re.search(r"https?://\S+/agency/image/[\w-]+/", SmsMessage.objects.get().text)[0]  # type: ignore[index]
    page.goto(link)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载登录二维码图片").click()
    image = tmp_path / "login.png"
    download.value.save_as(image)

    # The unit: 机关用户服务 → 申请变更 → the sign-in dialog → image sign-in → commitment.
    page.goto(f"{base}/agency/")
    page.locator("#agency-services").click()
    page.locator("#btn-change").click()
    expect(page.locator("#signin-dialog")).to_be_visible()
    assert "/agency/services/" in page.url  # a dialog, not the sign-in page
    _image_sign_in(page, image)
    page.get_by_role("button", name="同意", exact=True).click()
    page.wait_for_url("**/agency/workspace/")
    assert page.locator("#item").input_value() == "change"
    page.get_by_role("button", name="开始办理").click()
    page.locator("#change_name").check()
    page.locator("#new_name").fill("杭州市西湖区公共图书馆")
    page.locator("#btn-save").click()
    assert page.locator("#saved").is_visible()
    page.locator("#btn-submit").click()
    assert "提交前请上传附件：变更事项的批准文件" in page.locator("#application-error").inner_text()
    approval = tmp_path / "批准文件.pdf"
    approval.write_bytes(build_pdf(title="关于同意更名的批复"))
    page.locator("#file").set_input_files(str(approval))
    page.locator("#btn-upload").click()
    assert "批准文件.pdf" in page.locator("#attachment-list").inner_text()
    page.locator("#btn-submit").click()
    assert page.locator("#status").inner_text() == "待受理"

    application = Application.objects.get()
    staff.goto(f"{base}/agency/office/applications/{application.pk}/")
    assert staff.locator("#deadline").is_visible()
    staff.locator("#btn-accept").click()
    assert staff.locator("#status").inner_text() == "待复核"
    second = _staff_page(page, reviewer)
    second.goto(f"{base}/agency/office/applications/{application.pk}/")
    second.locator("#btn-approve").click()
    assert second.locator("#status").inner_text() == "待通知"
    staff.reload()
    staff.locator("#btn-notify").click()
    assert staff.locator("#status").inner_text() == "待打印"

    page.reload()
    assert "签字盖章" in page.locator("#latest-reply").inner_text()
    with page.expect_download() as form:
        page.locator("#btn-form").click()
    assert form.value.suggested_filename.endswith("变更申请表.pdf")

    staff.reload()
    staff.locator("#btn-complete").click()
    assert staff.locator("#status").inner_text() == "已办结"

    page.reload()
    assert "申请变更" in page.locator("#history").inner_text()
    with page.expect_download() as certificate:
        page.get_by_role("link", name="下载电子证书").click()
    certificate_path = tmp_path / "cert.pdf"
    certificate.value.save_as(certificate_path)
    assert certificate_path.read_bytes().startswith(b"%PDF")

    page.goto(f"{base}/agency/lookup/")
    page.locator("#id_q").fill(unit.uscc)
    page.locator("#id_captcha_1").fill("PASSED")
    page.get_by_role("button", name="查询").click()
    assert "杭州市西湖区公共图书馆" in page.locator("#lookup-results").inner_text()


def test_reissued_image_makes_the_old_one_fail(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = page.base_url
    unit = AgencyUnitFactory(name="杭州市西湖区民政局")
    staff = _staff_page(page, _officer("fafang"))
    old = _issue_on_site(staff, base, unit, tmp_path, "old.png")
    page.goto(f"{base}/agency/signin/")
    _image_sign_in(page, old)
    page.get_by_role("button", name="同意", exact=True).click()
    assert page.locator("h1").inner_text() == "杭州市西湖区民政局"

    _issue_on_site(staff, base, unit, tmp_path, "new.png")  # the unit reported it lost
    assert LoginImage.objects.filter(unit=unit, revoked_at__isnull=True).count() == 1
    page.reload()  # the tab still signed in with the old image
    assert "登录二维码图片已作废，本次登录已结束" in page.locator("#session-ended").inner_text()
    _image_sign_in(page, old)
    assert "已作废" in page.locator(".error").first.inner_text()


def test_refused_application_is_edited_and_resubmitted(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = page.base_url
    unit = AgencyUnitFactory(long_term=True, name="杭州市西湖区档案馆")
    acceptor = _officer("butongguo")
    staff = _staff_page(page, acceptor)
    image = _issue_on_site(staff, base, unit, tmp_path)
    _open_signin_dialog(page, "change")
    _image_sign_in(page, image)
    page.get_by_role("button", name="同意", exact=True).click()
    page.get_by_role("button", name="开始办理").click()
    page.locator("#change_address").check()
    page.locator("#new_address").fill("文三路")
    page.locator("#btn-submit").click()
    assert page.locator("#status").inner_text() == "待受理"

    application = Application.objects.get()
    staff.goto(f"{base}/agency/office/applications/{application.pk}/")
    staff.locator("#reply-input").fill("住所应填写完整门牌号")
    staff.locator("#btn-refuse").click()
    assert staff.locator("#status").inner_text() == "未通过"

    page.reload()
    assert page.locator("#status").inner_text() == "未通过"
    assert "住所应填写完整门牌号" in page.locator("#latest-reply").inner_text()
    page.locator("#new_address").fill("浙江省杭州市西湖区文三路 100 号")
    page.locator("#btn-submit").click()
    assert page.locator("#status").inner_text() == "待受理"
    application.refresh_from_db()
    assert application.changes == {"address": "浙江省杭州市西湖区文三路 100 号"}


def test_initial_issue_answers_on_site(page) -> None:  # type: ignore[no-untyped-def]
    from zhengwu.agency.services.content import load_demo_content

    load_demo_content()
    page.goto(page.base_url + "/agency/services/")
    page.locator("#btn-initial").click()
    assert page.locator("#on-site").inner_text() == "需要现场办理"
    assert "咨询电话" in page.content()


def test_delete_application_materials(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = page.base_url
    unit = AgencyUnitFactory(long_term=True)
    staff = _staff_page(page, _officer("shanchu"))
    image = _issue_on_site(staff, base, unit, tmp_path)
    _open_signin_dialog(page, "replace")
    _image_sign_in(page, image)
    page.get_by_role("button", name="同意", exact=True).click()
    page.get_by_role("button", name="开始办理").click()
    page.locator("#reason").fill("证书污损")
    page.locator("#btn-save").click()
    page.locator("#confirm-delete").check()
    page.locator("#btn-delete").click()
    assert page.locator("#deleted").is_visible()
    assert not Application.objects.exists()


def test_signin_dialog_by_keyboard_with_errors_on_a_phone(browser, live_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """AG-3: 申请补领 opens the image sign-in as a modal dialog: focus moves into the form,
    Esc closes it and gives focus back to the button; a wrong file's message shows inside
    the dialog; the dialog fits a 390-pixel phone; the CSP is enforced (no inline script)."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    _watch(page, PHONE)
    base = live_server.url
    unit = AgencyUnitFactory(long_term=True, name="杭州市西湖区统计局")
    staff = _staff_page(page, _officer("duihuakuang"))
    image = _issue_on_site(staff, base, unit, tmp_path)

    page.goto(f"{base}/agency/services/")
    dialog = page.locator("#signin-dialog")
    expect(dialog).to_be_hidden()
    page.locator("#btn-reissue").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(page.locator("#id_image")).to_be_focused()
    assert "申请补领" in page.locator("#signin-item").inner_text()
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    _check(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#btn-reissue")).to_be_focused()

    page.locator("#btn-reissue").click()
    junk = tmp_path / "notes.png"
    junk.write_bytes(b"these are not the pixels you are looking for")
    page.locator("#id_image").set_input_files(str(junk))
    page.locator("#id_captcha_1").fill("PASSED")
    page.locator("#agency-signin").get_by_role("button", name="登录", exact=True).click()
    expect(dialog.locator("#image-error")).to_contain_text("上传的文件不是图片")
    expect(dialog).to_be_visible()
    expect(page.locator("#id_image")).to_be_focused()
    assert "/agency/services/" in page.url
    _check(page)

    _image_sign_in(page, image)
    page.get_by_role("button", name="同意", exact=True).click()
    page.wait_for_url("**/agency/workspace/")
    assert page.locator("#item").input_value() == "reissue"
    context.close()


def test_signin_buttons_without_script_go_to_the_page(browser, live_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Progressive enhancement: with JavaScript off the 申请撤销 button is a link to the
    sign-in page, the item preselected."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/agency/services/")
    page.locator("#btn-revoke").click()
    page.wait_for_url("**/agency/signin/?item=revoke")
    assert page.locator("h1").inner_text() == "机关用户登录"
    assert "申请撤销" in page.locator("#signin-item").inner_text()
    context.close()
