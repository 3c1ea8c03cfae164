"""获取短信验证码 shows the real state (sending → sent, or failed with a retry), polled from the
session like the recovery pages, on the registration and organisation-centre pages."""

import pytest
from django.urls import reverse

from zhengwu.notifications.models import SmsMessage
from zhengwu.registrations.common.sms import SESSION_KEY

pytestmark = pytest.mark.django_db

STATE = "/register/sms-code/state"


def test_state_url():
    assert reverse("registrations:sms_state") == STATE


def _send(client, mobile, capture):
    with capture(execute=True):
        return client.post("/register/person/sms-code", {"mobile": mobile})


def test_sending_then_sent(client, django_capture_on_commit_callbacks):
    body = client.post("/register/person/sms-code", {"mobile": "13957166012"}).content.decode()
    assert "正在发送短信验证码" in body and "短信验证码已发送" not in body
    assert f'hx-get="{STATE}"' in body
    # Not delivered yet (the outbox sends after the commit): still sending, still polling.
    assert SmsMessage.objects.get(pk=client.session[SESSION_KEY]).status == "queued"
    body = client.get(STATE).content.decode()
    assert "正在发送短信验证码" in body and f'hx-get="{STATE}"' in body


def test_gateway_failure_reads_failed(client, django_capture_on_commit_callbacks):
    response = _send(client, "13957160000", django_capture_on_commit_callbacks)  # 空号 sandbox
    assert response.status_code == 200
    message = SmsMessage.objects.get(pk=client.session[SESSION_KEY])
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.FAILED
    body = client.get(STATE).content.decode()
    assert "短信发送失败" in body and "短信验证码已发送" not in body


def test_delivered_code_reads_sent(client, django_capture_on_commit_callbacks):
    _send(client, "13957166013", django_capture_on_commit_callbacks)
    message = SmsMessage.objects.get(pk=client.session[SESSION_KEY])
    assert message.status == SmsMessage.Status.SENT
    assert "短信验证码已发送" in client.get(STATE).content.decode()


def test_state_without_a_request_is_not_sent(client):
    assert "短信验证码已发送" not in client.get(STATE).content.decode()
