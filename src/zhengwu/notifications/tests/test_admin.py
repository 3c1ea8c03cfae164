"""The read-only back-office view of the SMS outbox."""

import re

import pytest

from zhengwu.notifications.models import SmsAttempt, SmsMessage
from zhengwu.notifications.services import sms_send, verification_code_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sms_send(
            mobile="13812345678",
            template="operator_application.rejected",
            params={"organisation": "甲公司", "reason": "材料不全"},
        )
        verification_code_send(mobile="13912345678", purpose="sign_in")
    return list(SmsMessage.objects.order_by("id"))


def test_list_shows_masked_mobiles_status_and_attempts(admin_client, messages):
    """The outbox list masks every mobile and shows status and attempts."""
    body = admin_client.get("/admin/notifications/smsmessage/").content.decode()
    assert "138****5678" in body and "139****5678" in body
    assert "13812345678" not in body and "13912345678" not in body
    assert "已发送" in body


def test_detail_hides_code_texts_but_shows_other_texts(admin_client, messages):
    """Staff read ordinary texts, never a verification code; attempts are listed inline."""
    notice, code = messages
    body = admin_client.get(f"/admin/notifications/smsmessage/{notice.pk}/change/").content
    assert "材料不全" in body.decode()
    body = admin_client.get(f"/admin/notifications/smsmessage/{code.pk}/change/").content.decode()
    assert "验证码短信不显示内容" in body
    digits = re.search(r"验证码(\d{6})", code.text).group(1)
    assert f"验证码{digits}" not in body and code.text not in body


def test_outbox_and_attempts_cannot_be_changed(admin_client, messages):
    """No add, change or delete: the outbox is written by the services only."""
    message = messages[0]
    assert admin_client.get("/admin/notifications/smsmessage/add/").status_code == 403
    response = admin_client.post(
        f"/admin/notifications/smsmessage/{message.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    attempt = SmsAttempt.objects.first()
    assert (
        admin_client.get(f"/admin/notifications/smsattempt/{attempt.pk}/change/").status_code == 200
    )
    assert admin_client.get("/admin/notifications/smsattempt/add/").status_code == 403
