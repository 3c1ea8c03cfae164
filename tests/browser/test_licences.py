"""LIC-2/LIC-3 in Chromium on a phone-sized screen: the legal representative opens 我的证照,
passes the face check on /sandbox/identity/ like a person, downloads the signed PDF, and checks
the licence on the public verification page by its identifier."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.phone import pass_face_check
from zhengwu.accounts.identity import id_number_hash
from zhengwu.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from zhengwu.licences.keys import create_keys
from zhengwu.licences.signing import verify_licence_pdf
from zhengwu.licences.tests.factories import LicenceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _keys(tmp_path, settings):  # type: ignore[no-untyped-def]
    create_keys(signer_path=tmp_path / "signer.pem", ca_path=tmp_path / "ca.pem")
    settings.ZHENGWU_LICENCE_SIGNING_KEY = str(tmp_path / "signer.pem")
    settings.ZHENGWU_LICENCE_CA_CERT = str(tmp_path / "ca.pem")


def _sign_in(page, user) -> None:  # type: ignore[no-untyped-def]
    """A session made by Django's test client, handed to the browser (sign-in has its own
    journeys)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.base_url}])


def test_legal_representative_downloads_and_verifies_a_licence(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    org = OrganisationFactory(name="杭州青禾科技有限公司", legal_rep_name="林海峰")
    lr = UserFactory(
        real_name="林海峰",
        id_number=org.legal_rep_id_number,
        id_number_hash=id_number_hash(org.legal_rep_id_number),
    )
    MembershipFactory(organisation=org, user=lr, legal_representative=True)
    licence = LicenceFactory(holder_uscc=org.uscc, holder_name=org.name)
    _sign_in(page, lr)

    page.goto(page.base_url + "/")
    page.get_by_role("navigation", name="办事入口").get_by_role("link", name="我的证照").click()
    page.wait_for_url("**/licences/")
    row = page.locator(f"#licence-{licence.pk}")
    assert "营业执照" in row.inner_text() and "有效" in row.inner_text()
    page.get_by_role("button", name="人脸识别后查看证照").click()
    assert page.locator(".qr svg").is_visible()

    pass_face_check(page, "林**")

    page.locator("#face-passed").wait_for()
    page.locator("#face-passed").get_by_role("link", name="返回我的证照").click()
    page.locator("#access-open").wait_for()
    with page.expect_download() as info:
        page.locator(f"#licence-{licence.pk}").get_by_role("link", name="下载").click()
    path = tmp_path / "licence.pdf"
    info.value.save_as(path)
    pdf = path.read_bytes()
    # pyHanko's synchronous API runs its own event loop: not in Playwright's thread.
    with ThreadPoolExecutor(1) as pool:
        assert pdf.startswith(b"%PDF") and pool.submit(verify_licence_pdf, pdf).result().valid

    page.goto(page.base_url + "/licences/verify/")
    page.get_by_label("证照标识").fill(licence.identifier)
    page.get_by_role("button", name="核验").click()
    page.locator("#verify-status").wait_for()
    assert page.locator("#verify-status").inner_text() == "有效"
    assert org.name in page.locator("#verify-result").inner_text()

    # The QR's URL (what a phone opens after scanning the PDF) says the same, and that the QR
    # was printed by the portal.
    from urllib.parse import urlsplit

    from zhengwu.licences.verification import verification_url

    qr = urlsplit(verification_url(licence))
    page.goto(f"{page.base_url}{qr.path}?{qr.query}")
    assert page.locator("#verify-status").inner_text() == "有效"
    assert page.get_by_text("二维码由本平台签发").is_visible()

    wrong = licence.identifier[:-1] + ("0" if licence.identifier[-1] != "0" else "1")
    page.get_by_label("证照标识").fill(wrong)
    page.get_by_role("button", name="核验").click()
    assert "校验位" in page.locator("#identifier-error").inner_text()
