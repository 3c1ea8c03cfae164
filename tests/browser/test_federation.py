"""Other sign-in methods (ACC-6) in Chromium, as a person would: 国家政务服务平台账号登录
through the sandbox identity provider (the portal's relying party fetching discovery, JWKS and
tokens over real HTTP), and 电子营业执照扫码登录 with the QR decoded and opened on a second
"phone" context."""

import base64
import io
import re

import pytest
import zxingcpp
from django.contrib.sessions.models import Session
from PIL import Image

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import UserFactory, make_personas
from zhengwu.audit.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    """Issuer URL and QR payloads point at the live server."""
    settings.ZHENGWU_SITE_URL = live_server.url


def _signed_in_user_ids():
    return {
        Session.objects.get(pk=s.pk).get_decoded().get("_auth_user_id")
        for s in Session.objects.all()
    }


def test_national_account_sign_in(page):
    """Click 国家政务服务平台账号登录 on /login/, pick the test identity on the sandbox
    provider, consent, land signed in."""
    person = UserFactory(kind=User.Kind.NATURAL_PERSON, real_name="王测试")
    page.goto(page.base_url + "/login/")
    page.get_by_role("link", name="国家政务服务平台账号登录").click()
    page.wait_for_url("**/sandbox/federation/idp/authorize?**")
    page.get_by_label(re.compile(re.escape(person.masked_id_number))).check()
    page.get_by_role("button", name="同意授权并登录").click()
    page.wait_for_load_state()
    assert "/federation/national/callback/" not in page.url
    assert "登录失败" not in page.content()
    assert str(person.pk) in _signed_in_user_ids()
    event = AuditEvent.objects.filter(event_type="federation.sign_in").latest("pk")
    assert event.after == {"method": "national_account", "result": "success"}


def test_licence_scan_sign_in(page, browser):
    """The QR on /login/ decodes to the session URL; the "phone" opens it, picks the
    enterprise and confirms as legal representative; the login page signs in by itself."""
    personas = make_personas()
    page.goto(page.base_url + "/login/")
    page.get_by_role("link", name="电子营业执照扫码登录").click()
    image = page.get_by_test_id("licence-qr")
    image.wait_for()
    src = image.get_attribute("src")
    png = base64.b64decode(src.split(",", 1)[1])
    url = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text
    assert url.startswith(page.base_url + "/sandbox/federation/licence-app/")

    phone_context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    phone = phone_context.new_page()
    phone.goto(url)
    phone.get_by_label("选择企业").select_option(value=str(personas.organisation.pk))
    phone.get_by_role("button", name="确认登录").click()
    phone.get_by_text("已确认").wait_for()
    phone_context.close()

    page.wait_for_url(lambda u: "/login/" not in u, timeout=15_000)
    assert str(personas.legal_representative.pk) in _signed_in_user_ids()


def test_certificate_sign_in(page, settings, tmp_path):
    """法人数字证书登录 with the sandbox USB key: sign the page's challenge with the test
    certificate issued by the command, submit, land signed in as the legal representative."""
    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    personas = make_personas()
    call_command("federation_issue_test_cert", personas.organisation.uscc)
    page.goto(page.base_url + "/login/")
    page.get_by_role("link", name="法人数字证书登录").click()
    page.wait_for_url("**/federation/certificate/")
    page.get_by_role("link", name=re.compile("模拟 USB Key")).click()
    page.get_by_label("证书", exact=True).select_option(personas.organisation.uscc)
    page.get_by_label("证书口令（PIN）").fill("123456")
    page.get_by_role("button", name="签名").click()
    page.get_by_role("button", name="提交到法人数字证书登录").click()
    page.wait_for_load_state()
    assert "/federation/certificate/" not in page.url and "登录失败" not in page.content()
    assert str(personas.legal_representative.pk) in _signed_in_user_ids()
