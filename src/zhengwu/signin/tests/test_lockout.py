"""ACC-2: lock after exactly N consecutive wrong passwords, the seed's message and hotline,
the counter survives the lock, a success resets it, support and SMS unlock, per-address
throttling, and the look-alike lock of unknown principals."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.notifications.models import SmsMessage
from zhengwu.signin.models import SignInState

from .conftest import CAPTCHA

pytestmark = pytest.mark.django_db

WRONG = "Wrong#2026x"
LOCKED = "密码输入次数过多，您的账号已被锁定"


def _state(user):
    return SignInState.objects.get(user=user)


def _fail(sign_in, times, login="zhang_ops"):
    response = None
    for _ in range(times):
        response = sign_in(login, password=WRONG)
    return response


@override_settings(ZHENGWU_ACCOUNT_HOTLINE="400-888-4636")
def test_locks_after_exactly_ten_wrong_passwords(client, operator, sign_in):
    """Nine failures leave the account open; the tenth locks it with the seed's message and
    the hotline, audits the lock once and sends the account.locked SMS."""
    response = _fail(sign_in, 9)
    assert LOCKED not in response.content.decode()
    assert _state(operator).failed_attempts == 9 and not _state(operator).is_locked
    response = _fail(sign_in, 1)
    page = response.content.decode()
    assert LOCKED in page and "400-888-4636" in page and "自助解锁" in page
    assert _state(operator).is_locked and _state(operator).failed_attempts == 10
    assert (
        AuditEvent.objects.filter(event_type="signin.locked", subject_id=str(operator.pk)).count()
        == 1
    )
    assert SmsMessage.objects.filter(template_code="account.locked").count() == 1


@override_settings(ZHENGWU_SIGNIN_MAX_FAILURES=3)
def test_the_limit_is_a_setting(client, operator, sign_in):
    _fail(sign_in, 2)
    assert not _state(operator).is_locked
    _fail(sign_in, 1)
    assert _state(operator).is_locked


def test_locked_account_refuses_the_right_password(client, operator, sign_in):
    _fail(sign_in, 10)
    response = sign_in("zhang_ops")
    assert LOCKED in response.content.decode()
    assert client.session.get("_auth_user_id") is None
    assert AuditEvent.objects.filter(event_type="signin.failed", after__reason="locked").exists()


def test_waiting_does_not_unlock(client, operator, sign_in, time_machine):
    """The counter survives the lock: a day later the account is still locked."""
    _fail(sign_in, 10)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1))
    assert LOCKED in sign_in("zhang_ops").content.decode()
    assert _state(operator).failed_attempts == 10


def test_success_resets_the_counter(client, operator, sign_in):
    _fail(sign_in, 9)
    assert sign_in("zhang_ops").status_code == 302
    assert _state(operator).failed_attempts == 0
    client.logout()
    _fail(sign_in, 9)
    assert not _state(operator).is_locked


def test_failures_by_uscc_count_on_the_account(client, operator, organisation, sign_in):
    _fail(sign_in, 4, login=organisation.uscc)
    _fail(sign_in, 6, login="zhang_ops")
    assert _state(operator).is_locked


def test_unknown_principal_locks_alike(client, sign_in):
    """No enumeration through the lock: a name matching no account shows the lock message
    after the same number of failures."""
    response = _fail(sign_in, 9, login="nobody_here")
    assert LOCKED not in response.content.decode()
    assert LOCKED in _fail(sign_in, 1, login="nobody_here").content.decode()


@override_settings(ZHENGWU_SIGNIN_IP_MAX_FAILURES=5, ZHENGWU_SIGNIN_MAX_FAILURES=100)
def test_one_address_guessing_across_accounts_is_slowed(client, operator, sign_in):
    """Failures across many accounts from one address: after 5 the address is refused
    without checking any password, even the right one; another address is unaffected."""
    for n in range(5):
        sign_in(f"guess_{n:03d}", password=WRONG)
    response = sign_in("zhang_ops")
    assert "该网络地址登录失败次数过多" in response.content.decode()
    assert client.session.get("_auth_user_id") is None
    assert AuditEvent.objects.filter(event_type="signin.throttled").exists()
    other = Client(REMOTE_ADDR="10.0.0.9")
    response = other.post(
        "/login/", {"tab": "legal", "login": "zhang_ops", "password": "Zw@2026pass", **CAPTCHA}
    )
    assert response.status_code == 302


@override_settings(ZHENGWU_SIGNIN_IP_MAX_FAILURES=5)
def test_successes_do_not_count_against_the_address(client, operator, sign_in):
    for _ in range(8):
        assert sign_in("zhang_ops").status_code == 302
        client.logout()


def test_support_unlocks_from_the_back_office(client, operator, support, sign_in):
    _fail(sign_in, 10)
    client.force_login(support)
    page = client.get("/signin/staff/locked/").content.decode()
    assert "zhang_ops" in page and operator.mobile not in page
    response = client.post(f"/signin/staff/locked/{operator.pk}/unlock/")
    assert response.status_code == 302
    state = _state(operator)
    assert not state.is_locked and state.failed_attempts == 0
    event = AuditEvent.objects.get(event_type="signin.unlocked")
    assert event.actor_id == support.pk and event.after == {"via": "support"}
    client.logout()
    assert sign_in("zhang_ops").status_code == 302


def test_only_support_may_unlock(client, operator, sign_in):
    """Negative twin: a signed-in user without signin.unlock_account gets 403; anonymous is
    sent to sign in."""
    _fail(sign_in, 10)
    assert client.get("/signin/staff/locked/").status_code == 302
    client.force_login(UserFactory(staff=True, username="reviewer_zhao"))
    assert client.get("/signin/staff/locked/").status_code == 403
    assert client.post(f"/signin/staff/locked/{operator.pk}/unlock/").status_code == 403
    assert _state(operator).is_locked


def test_self_service_unlock_by_sms(client, operator, sign_in, last_code):
    """The owner unlocks with a code sent to the bound mobile, then signs in."""
    _fail(sign_in, 10)
    response = client.post("/recover/unlock/", {"tab": "legal", "login": "zhang_ops", **CAPTCHA})
    assert response.status_code == 302
    code = last_code(operator.mobile, "unlock")
    response = client.post("/recover/unlock/verify/", {"sms_code": code})
    assert response["Location"] == "/login/?unlocked=1"
    assert not _state(operator).is_locked
    event = AuditEvent.objects.get(event_type="signin.unlocked")
    assert event.actor_id == operator.pk and event.after == {"via": "sms"}
    assert sign_in("zhang_ops").status_code == 302


def test_self_unlock_code_is_single_use(client, operator, sign_in, last_code):
    """A used unlock code does not unlock the account a second time."""
    _fail(sign_in, 10)
    client.post("/recover/unlock/", {"tab": "legal", "login": "zhang_ops", **CAPTCHA})
    code = last_code(operator.mobile, "unlock")
    client.post("/recover/unlock/verify/", {"sms_code": code})
    _fail(sign_in, 10)
    cache.clear()  # the once-a-minute limit of step 1 and the address counter
    client.post("/recover/unlock/", {"tab": "legal", "login": "zhang_ops", **CAPTCHA})
    response = client.post("/recover/unlock/verify/", {"sms_code": code})
    assert response.status_code == 200 and _state(operator).is_locked
    assert "短信验证码" in response.content.decode()


def test_unlock_of_an_open_account_sends_nothing_but_looks_the_same(client, operator, last_code):
    """Step 1 answers the same for an account that is not locked (or does not exist)."""
    first = client.post("/recover/unlock/", {"tab": "legal", "login": "zhang_ops", **CAPTCHA})
    other = Client().post("/recover/unlock/", {"tab": "legal", "login": "nobody", **CAPTCHA})
    assert first.status_code == other.status_code == 302
    assert first["Location"] == other["Location"]
    assert not SmsMessage.objects.exists()
