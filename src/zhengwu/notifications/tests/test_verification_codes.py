"""Verification codes: 6 digits, 5 minutes, 5 wrong tries, single use, per-mobile limits."""

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings

from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import ValidationFailed
from zhengwu.notifications.errors import SmsRateLimited, VerificationCodeInvalid
from zhengwu.notifications.models import SmsMessage, SmsMobileCounter, VerificationCode
from zhengwu.notifications.services import verification_code_check, verification_code_send

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
REG = VerificationCode.Purpose.REGISTRATION


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send a code as a view would (SMS delivered after commit) and return the clear code."""

    def run(mobile=MOBILE, purpose=REG):
        with django_capture_on_commit_callbacks(execute=True):
            row = verification_code_send(mobile=mobile, purpose=purpose)
        return re.search(r"验证码(\d{6})", row.message.text).group(1)

    return run


def _check(code, mobile=MOBILE, purpose=REG):
    return verification_code_check(mobile=mobile, purpose=purpose, code=code)


def _wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_is_sent_and_accepted_once(send, delivered):
    """The SMS carries a 6-digit code; the code is accepted once, then refused as used."""
    code = send()
    assert delivered() == [
        f"【政务服务网】您正在注册政务服务网账号，验证码{code}，5分钟内有效。请勿将验证码告诉他人。"
    ]
    row = _check(code)
    assert row.state == VerificationCode.State.USED and row.used_at
    with pytest.raises(VerificationCodeInvalid) as exc:
        _check(code)
    assert exc.value.code == "sms_code.used" and exc.value.field == "sms_code"
    assert AuditEvent.objects.filter(event_type="verification_code.verified").count() == 1


def test_code_is_bound_to_mobile_and_purpose(send, frozen):
    """A code for registration does not work for password reset, nor for another mobile."""
    code = send()
    with pytest.raises(VerificationCodeInvalid) as exc:
        _check(code, purpose=VerificationCode.Purpose.PASSWORD_RESET)
    assert exc.value.code == "sms_code.missing"
    with pytest.raises(VerificationCodeInvalid):
        _check(code, mobile="13912345678")
    assert _check(code, mobile="+86 13812345678")


def test_wrong_code_counts_and_says_how_many_tries_are_left(send):
    """Each wrong entry is counted (even though the check raises) and the message counts down."""
    code = send()
    for left in (4, 3):
        with pytest.raises(VerificationCodeInvalid) as exc:
            _check(_wrong(code))
        assert exc.value.code == "sms_code.wrong"
        assert exc.value.message == f"短信验证码错误，还可尝试{left}次"
    assert VerificationCode.objects.get().failed_attempts == 2
    failed = AuditEvent.objects.filter(event_type="verification_code.check_failed")
    assert failed.count() == 2 and failed.first().after["mobile"] == "138****5678"
    assert _check(code)


def test_five_wrong_entries_kill_the_code(send):
    """The 5th wrong entry locks the code: even the right code is refused afterwards."""
    code = send()
    for _ in range(4):
        with pytest.raises(VerificationCodeInvalid):
            _check("000000" if code != "000000" else "111111")
    with pytest.raises(VerificationCodeInvalid) as exc:
        _check(_wrong(code))
    assert exc.value.code == "sms_code.locked"
    assert exc.value.message == "短信验证码错误次数过多，已失效，请重新获取"
    with pytest.raises(VerificationCodeInvalid) as exc:
        _check(code)
    assert exc.value.code == "sms_code.locked"
    assert AuditEvent.objects.filter(event_type="verification_code.locked").count() == 1


def test_code_expires_after_five_minutes(send, frozen):
    """Valid at 4:59, expired at 5:00."""
    code = send()
    frozen.shift(timedelta(minutes=4, seconds=59))
    with pytest.raises(VerificationCodeInvalid) as exc:
        _check(_wrong(code))  # still alive: a wrong code, not an expired one
    assert exc.value.code == "sms_code.wrong"
    frozen.shift(timedelta(seconds=1))
    with pytest.raises(VerificationCodeInvalid) as exc:
        _check(code)
    assert (exc.value.code, exc.value.message) == (
        "sms_code.expired",
        "短信验证码已过期，请重新获取",
    )


def test_newest_code_replaces_older_ones(send, frozen):
    """After a second code for the same mobile and purpose, only the newest works."""
    first = send()
    frozen.shift(timedelta(minutes=1))
    second = send()
    if first != second:
        with pytest.raises(VerificationCodeInvalid):
            _check(first)
    assert _check(second)
    states = sorted(VerificationCode.objects.values_list("state", flat=True))
    assert states == ["superseded", "used"]


def test_no_code_sent():
    """Checking before any code was sent says to request one first."""
    with pytest.raises(VerificationCodeInvalid) as exc:
        _check("123456")
    assert (exc.value.code, exc.value.message) == ("sms_code.missing", "请先获取短信验证码")


def test_full_width_code_is_accepted(send):
    """Digits typed on a Chinese keyboard (full width) and spaces are normalised."""
    code = send()
    assert _check(" " + code.translate(str.maketrans("0123456789", "０１２３４５６７８９")))


def test_invalid_mobile_and_purpose_are_refused():
    """The mobile is validated (field mobile), the purpose must be a known one."""
    with pytest.raises(ValidationFailed) as exc:
        verification_code_send(mobile="12345", purpose=REG)
    assert exc.value.field == "mobile"
    with pytest.raises(ValidationFailed) as exc:
        verification_code_send(mobile=MOBILE, purpose="lottery")
    assert exc.value.code == "sms_code.purpose"


def test_one_code_per_minute(send, frozen):
    """A second request within a minute is refused saying how many seconds to wait."""
    send()
    frozen.shift(timedelta(seconds=20))
    with pytest.raises(SmsRateLimited) as exc:
        send()
    assert exc.value.code == "sms.rate_limited" and exc.value.field == "mobile"
    assert exc.value.message == "获取短信验证码过于频繁，请40秒后再试"
    assert exc.value.retry_after_seconds == 40
    event = AuditEvent.objects.get(event_type="verification_code.rate_limited")
    assert event.outcome == "failure" and event.after["mobile"] == "138****5678"
    frozen.shift(timedelta(seconds=40))
    send()
    assert VerificationCode.objects.count() == 2


def test_limit_is_per_mobile_across_purposes(send, frozen):
    """The limits count every code sent to the mobile, whatever the purpose; others are free."""
    send()
    with pytest.raises(SmsRateLimited):
        send(purpose=VerificationCode.Purpose.PASSWORD_RESET)
    send(mobile="13912345678")


def test_five_codes_per_hour(send, frozen):
    """The 6th code within an hour is refused, telling the time it becomes possible."""
    frozen.move_to("2026-03-02 09:00:00+08:00", tick=False)
    for _ in range(5):
        send()
        frozen.shift(timedelta(minutes=2))
    with pytest.raises(SmsRateLimited) as exc:
        send()
    assert exc.value.message == "该手机号1小时内获取短信验证码已达5次，请于10:00后再试"
    frozen.move_to("2026-03-02 10:00:00+08:00", tick=False)
    send()


def test_ten_codes_per_day(send, frozen):
    """The 11th code within 24 hours is refused, telling the date and time."""
    frozen.move_to("2026-03-02 08:00:00+08:00", tick=False)
    for _ in range(2):
        for _ in range(5):
            send()
            frozen.shift(timedelta(minutes=1))
        frozen.shift(timedelta(hours=1))
    with pytest.raises(SmsRateLimited) as exc:
        send()
    assert exc.value.message == "该手机号24小时内获取短信验证码已达10次，请于3月3日08:00后再试"
    frozen.move_to("2026-03-03 08:00:00+08:00", tick=False)
    send()


@override_settings(ZHENGWU_SMS_LIMIT_PER_MINUTE=2)
def test_limits_follow_the_settings(send):
    """ZHENGWU_SMS_LIMIT_* change the limits."""
    send()
    send()
    with pytest.raises(SmsRateLimited):
        send()


def test_refused_request_sends_nothing(send, frozen):
    """A rate-limited request writes no code and queues no SMS."""
    send()
    with pytest.raises(SmsRateLimited):
        send()
    assert VerificationCode.objects.count() == 1 and SmsMessage.objects.count() == 1
    assert SmsMobileCounter.objects.get().codes_sent == 1


def test_code_is_not_stored_in_clear(send):
    """Raw SQL finds the code neither in the code table nor in the outbox (keyed hash only)."""
    code = send()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notifications_verificationcode")
        codes = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM notifications_smsmessage")
        messages = repr(cursor.fetchall())
    assert code not in codes and code not in messages and MOBILE not in messages


def test_check_refuses_to_run_inside_a_transaction(send):
    """A wrong entry must count even if the caller's work rolls back: the check owns its
    transaction (durable) and refuses to be nested."""
    code = send()
    with pytest.raises(RuntimeError), transaction.atomic():
        _check(code)
