"""EC-1 / EC-3 in a real browser on a phone-sized screen: a legal-person user claims the
enterprise code, downloads the PNG; the QR decodes (zxing-cpp) to a URL that an anonymous
visitor opens and that shows the unit's name and 存续."""

from __future__ import annotations

import pytest
import zxingcpp
from django.conf import settings as django_settings
from django.test import Client
from PIL import Image

from zhengwu.accounts.tests.factories import make_personas
from zhengwu.enterprise.models import EnterpriseCode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(context, user, base_url: str) -> None:
    """Sign-in is another issue's page (ACC-1): the session is made with ``force_login`` and
    handed to the browser as its cookie."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )


def test_claim_download_scan_and_verify(browser, live_server, settings, tmp_path):
    settings.ZHENGWU_SITE_URL = live_server.url
    personas = make_personas()
    org = personas.organisation
    context = browser.new_context(
        locale="en-US", viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    _sign_in(context, personas.operator, live_server.url)

    # The portal's 企业码 entry → the claim page of the user's unit.
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="办事入口").get_by_role("link", name="企业码").click()
    page.wait_for_url(f"**/code/u/{org.pk}/")
    assert page.get_by_text(org.name).is_visible()
    page.get_by_role("button", name="领码").click()
    page.wait_for_load_state()
    assert page.locator("#code-card svg").is_visible()
    assert EnterpriseCode.objects.filter(organisation=org).count() == 1

    # Later visits open the code page directly, no second claim.
    page.goto(live_server.url + "/code/")
    page.wait_for_url(f"**/code/u/{org.pk}/")
    assert page.get_by_role("button", name="领码").count() == 0
    assert page.get_by_role("heading", name="待办事项").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载PNG图片").click()
    png = tmp_path / "code.png"
    download_info.value.save_as(png)
    [result] = zxingcpp.read_barcodes(Image.open(png))
    url = result.text
    assert url.startswith(live_server.url + "/code/v/")
    assert org.uscc not in url

    # A stranger's phone: a second browser context without the session.
    stranger = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    scan = stranger.new_page()
    scan.set_default_timeout(10_000)
    response = scan.goto(url)
    assert response is not None and response.status == 200
    assert scan.locator(".unit-name").inner_text() == org.name
    assert scan.locator(".registry-status").inner_text() == "存续"
    assert scan.get_by_text("该企业码真实有效").is_visible()
    assert org.legal_rep_name not in scan.content()
    # Nothing overflows the phone's width.
    assert scan.evaluate("document.documentElement.scrollWidth") <= 390
    stranger.close()
    context.close()
