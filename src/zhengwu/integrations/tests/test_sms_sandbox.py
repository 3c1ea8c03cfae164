"""The sandbox SMS gateway: records every request, fails on the documented inputs."""

import pytest
from django.db import connection

from zhengwu.core.crypto import blind_index
from zhengwu.integrations.models import SandboxSms
from zhengwu.integrations.sms import SmsError, SmsRequest
from zhengwu.integrations.sms.sandbox import SandboxSmsGateway

pytestmark = pytest.mark.django_db

gateway = SandboxSmsGateway()


def _request(mobile="13812345678", text="【政务服务网】您好", reference="sms-1"):
    return SmsRequest(mobile=mobile, text=text, reference=reference, template_code="t.x")


def test_delivered_message_is_recorded_for_the_sandbox_phone():
    """A normal number is delivered: one ``delivered`` row, findable by the mobile's index."""
    receipt = gateway.send(_request())
    row = SandboxSms.objects.get()
    assert row.status == SandboxSms.Status.DELIVERED
    assert (row.mobile, row.text, row.template_code) == ("13812345678", "【政务服务网】您好", "t.x")
    assert receipt.provider_message_id == row.provider_message_id
    assert row.provider_message_id.startswith("sbx-")
    assert row.mobile_hash == blind_index("13812345678", purpose="mobile")


def test_number_ending_0000_is_a_permanent_failure():
    """…0000 is an empty number (空号): permanent, recorded as failed."""
    with pytest.raises(SmsError) as exc:
        gateway.send(_request(mobile="13800000000"))
    assert exc.value.permanent is True
    assert exc.value.provider_code == "EMPTY_NUMBER"
    row = SandboxSms.objects.get()
    assert (row.status, row.is_permanent, row.error) == ("failed", True, "空号")


def test_number_ending_0001_fails_once_then_succeeds():
    """…0001 fails transiently on the first attempt of a reference, then is delivered."""
    with pytest.raises(SmsError) as exc:
        gateway.send(_request(mobile="13800000001"))
    assert exc.value.permanent is False
    gateway.send(_request(mobile="13800000001"))
    assert list(SandboxSms.objects.order_by("id").values_list("status", flat=True)) == [
        "failed",
        "delivered",
    ]


def test_number_ending_0002_always_fails_transiently():
    """…0002 is a gateway that stays busy: every attempt is a transient failure."""
    for _ in range(3):
        with pytest.raises(SmsError) as exc:
            gateway.send(_request(mobile="13800000002"))
        assert exc.value.permanent is False
    assert SandboxSms.objects.filter(status="failed").count() == 3


def test_invalid_number_and_long_text_are_permanent():
    """Like a vendor: a malformed number or a text over 500 characters never succeeds."""
    with pytest.raises(SmsError) as exc:
        gateway.send(_request(mobile="0571-8765432"))
    assert exc.value.permanent and exc.value.provider_code == "INVALID_NUMBER"
    with pytest.raises(SmsError) as exc:
        gateway.send(_request(text="字" * 501))
    assert exc.value.permanent and exc.value.provider_code == "TEXT_TOO_LONG"


def test_same_reference_is_not_delivered_twice():
    """A retry after a lost response returns the first receipt instead of a second SMS."""
    first = gateway.send(_request(reference="sms-7"))
    second = gateway.send(_request(reference="sms-7"))
    assert first == second
    assert SandboxSms.objects.count() == 1


def test_mobile_and_text_are_encrypted_at_rest():
    """Raw SQL sees neither the number nor the text (ACC-7)."""
    gateway.send(_request(text="【政务服务网】验证码654321"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile, text FROM integrations_sandboxsms")
        mobile, text = cursor.fetchone()
    assert "13812345678" not in mobile and "654321" not in text
