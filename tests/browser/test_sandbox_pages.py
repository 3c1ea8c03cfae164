"""The sandbox "phone": face checks decided with a click, SMS read from the outbox."""

import pytest

from zhengwu.integrations.identity.base import FaceCheckRequest, FaceCheckStatus
from zhengwu.integrations.loading import get_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pending_face_check_is_passed_from_the_sandbox_page(page):
    """A check started by the portal appears on /sandbox/identity/; 通过 decides it."""
    provider = get_provider("ZHENGWU_IDENTITY_BACKEND")
    session = provider.start_check(
        FaceCheckRequest(
            name="王建国",
            id_type="resident_id",
            id_number="11010519491231002X",
            purpose="registration",
            subject="browser-test",
        )
    )
    page.goto(page.base_url + "/sandbox/identity/")
    row = page.locator("tr", has_text="王**")
    assert "110***********002X" in row.inner_text()
    assert "11010519491231002X" not in page.content()
    row.get_by_role("button", name="通过", exact=True).click()
    page.wait_for_function(
        "() => !document.querySelector('tr button[value=pass]') || "
        "document.body.innerText.includes('已通过')"
    )
    assert provider.get_result(session.token).status == FaceCheckStatus.PASSED


def test_sms_outbox_shows_sent_messages(page):
    from zhengwu.notifications.services.outbox import sms_send

    sms_send(
        mobile="13812345678",
        template="verification_code.registration",
        params={"code": "123456", "minutes": "5"},
    )
    page.goto(page.base_url + "/sandbox/sms/")
    assert page.get_by_text("123456").first.is_visible()
