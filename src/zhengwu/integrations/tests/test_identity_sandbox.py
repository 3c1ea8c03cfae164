"""The sandbox identity provider (REG-6): checks, documented inputs, expiry, QR codes."""

import io
from datetime import timedelta

import pytest
import zxingcpp
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from zhengwu.core.errors import IllegalTransition, NotFound
from zhengwu.integrations.identity import (
    FaceCheckRequest,
    FaceCheckStatus,
    IdentityError,
)
from zhengwu.integrations.identity.qr import qr_png, qr_svg
from zhengwu.integrations.identity.sandbox import (
    SandboxIdentityProvider,
    sandbox_face_check_decide,
)
from zhengwu.integrations.models import SandboxFaceCheck

pytestmark = pytest.mark.django_db

provider = SandboxIdentityProvider()
ID_NUMBER = "330102199001011234"


def _start(name="张三", **kwargs):
    return provider.start_check(
        FaceCheckRequest(
            name=name,
            id_type="resident_id",
            id_number=ID_NUMBER,
            purpose="registration",
            subject="registrations.application:1",
            **kwargs,
        )
    )


def test_start_check_returns_token_qr_url_and_ten_minute_expiry(time_machine):
    """A new check is pending; its QR payload is the absolute URL of its sandbox phone page."""
    time_machine.move_to(timezone.now(), tick=False)
    session = _start()
    assert session.qr_payload == f"http://127.0.0.1:8000/sandbox/identity/{session.token}/"
    assert session.expires_at - timezone.now() == timedelta(minutes=10)
    assert provider.get_result(session.token).status == FaceCheckStatus.PENDING


@override_settings(ZHENGWU_SITE_URL="https://zw.example.cn/")
def test_qr_payload_uses_the_site_url():
    """The phone opens the portal's public origin, not the server's local address."""
    assert _start().qr_payload.startswith("https://zw.example.cn/sandbox/identity/")


def test_decision_is_reflected_by_get_result():
    """Deciding a pending check passes or fails it; get_result reports it with the reason."""
    passed, failed = _start(), _start()
    sandbox_face_check_decide(token=passed.token, passed=True)
    sandbox_face_check_decide(token=failed.token, passed=False, reason="非本人")
    assert provider.get_result(passed.token).is_passed
    result = provider.get_result(failed.token)
    assert (result.status, result.reason, result.is_final) == ("failed", "非本人", True)


def test_failure_without_reason_gets_the_default_reason():
    """不通过 without a reason is reported as “人脸比对不一致”."""
    session = _start()
    sandbox_face_check_decide(token=session.token, passed=False)
    assert provider.get_result(session.token).reason == "人脸比对不一致"


def test_check_cannot_be_decided_twice():
    """A decided check refuses a second decision, naming its current state."""
    session = _start()
    sandbox_face_check_decide(token=session.token, passed=True)
    with pytest.raises(IllegalTransition) as exc:
        sandbox_face_check_decide(token=session.token, passed=False)
    assert "通过" in exc.value.message
    assert provider.get_result(session.token).is_passed


def test_check_expires_after_ten_minutes(time_machine):
    """Undecided for 10 minutes, the check is expired and can no longer be decided."""
    time_machine.move_to(timezone.now(), tick=False)
    session = _start()
    time_machine.shift(timedelta(minutes=9, seconds=59))
    assert provider.get_result(session.token).status == FaceCheckStatus.PENDING
    time_machine.shift(timedelta(seconds=1))
    assert provider.get_result(session.token).status == FaceCheckStatus.EXPIRED
    with pytest.raises(IllegalTransition) as exc:
        sandbox_face_check_decide(token=session.token, passed=True)
    assert "已过期" in exc.value.message


def test_expired_check_cannot_be_passed_even_before_anyone_polled(time_machine):
    """A click after expiry is refused although nobody asked for the result in between."""
    time_machine.move_to(timezone.now(), tick=False)
    session = _start()
    time_machine.shift(timedelta(minutes=11))
    with pytest.raises(IllegalTransition):
        sandbox_face_check_decide(token=session.token, passed=True)
    assert SandboxFaceCheck.objects.get(token=session.token).status == "expired"


@override_settings(ZHENGWU_IDENTITY_CHECK_TTL_SECONDS=60)
def test_expiry_is_configurable():
    """ZHENGWU_IDENTITY_CHECK_TTL_SECONDS sets the lifetime of a check."""
    session = _start()
    assert session.expires_at - timezone.now() <= timedelta(seconds=60)


def test_documented_inputs_decide_at_once():
    """Names containing 测试通过 / 测试不通过 are decided without anyone pressing a button."""
    assert provider.get_result(_start(name="王测试通过").token).is_passed
    result = provider.get_result(_start(name="李测试不通过").token)
    assert (result.status, result.reason) == ("failed", "人脸比对不一致")


def test_documented_input_makes_the_provider_unavailable():
    """A name containing 测试异常 makes start_check fail transiently (vendor down)."""
    with pytest.raises(IdentityError) as exc:
        _start(name="赵测试异常")
    assert exc.value.permanent is False
    assert not SandboxFaceCheck.objects.exists()


def test_unknown_token():
    """An unknown token is a permanent provider error; deciding it is NotFound."""
    with pytest.raises(IdentityError) as exc:
        provider.get_result("no-such-token")
    assert exc.value.permanent and exc.value.code == "identity.unknown_check"
    with pytest.raises(NotFound):
        sandbox_face_check_decide(token="no-such-token", passed=True)


def test_name_and_id_number_are_encrypted_at_rest():
    """Raw SQL sees neither the ID number nor the name (ACC-7)."""
    _start()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number FROM integrations_sandboxfacecheck")
        name, id_number = cursor.fetchone()
    assert ID_NUMBER not in id_number and "张三" not in name


def test_qr_code_encodes_the_payload():
    """The PNG and SVG renderings carry the payload; the PNG decodes back to it."""
    payload = _start().qr_payload
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(payload))))
    assert [barcode.text for barcode in decoded] == [payload]
    assert qr_svg(payload).startswith("<svg")
