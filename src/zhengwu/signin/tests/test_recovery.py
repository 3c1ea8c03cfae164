"""ACC-3: forgot password by username → SMS → reset; forgot username by mobile or ID number
+ unit code → SMS → usernames and reset. Never reveals an account to someone without the
SMS; codes single-use; all sessions end after a reset; REG-4 password rules."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from zhengwu.accounts.tests.factories import MembershipFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.notifications.models import SmsMessage
from zhengwu.signin.models import SignInState

from .conftest import CAPTCHA

pytestmark = pytest.mark.django_db

NEW = "Xin#2026pass"


def _start_password(client, login="zhang_ops", tab="legal"):
    return client.post("/recover/password/", {"tab": tab, "login": login, **CAPTCHA})


def _reset(client, flow, account, password=NEW, confirm=None):
    return client.post(
        f"/recover/{flow}/reset/",
        {"account": account, "password": password, "password_confirm": confirm or password},
    )


def _page(response) -> str:
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


def test_forgot_password_by_username(client, operator, sign_in, last_code):
    """确认账号 → 验证方式 → 重置密码, then the new password signs in and the old does not."""
    assert _start_password(client)["Location"] == "/recover/password/verify/"
    code = last_code(operator.mobile, "password_reset")
    assert client.post("/recover/password/verify/", {"sms_code": code})["Location"] == (
        "/recover/password/reset/"
    )
    assert _reset(client, "password", operator.pk)["Location"] == "/login/?reset=1"
    assert sign_in("zhang_ops").status_code == 200
    assert sign_in("zhang_ops", password=NEW).status_code == 302
    types = list(AuditEvent.objects.values_list("event_type", flat=True))
    for event in ["recovery.started", "recovery.verified", "recovery.password_reset"]:
        assert event in types


def test_unknown_username_gets_the_same_pages(client, operator):
    """Step 1 and step 2 answer an unknown username exactly as a real one; no SMS is sent."""
    real, ghost = Client(), Client()
    first_real, first_ghost = _start_password(real), _start_password(ghost, login="nobody_x")
    assert first_real.status_code == first_ghost.status_code == 302
    assert first_real["Location"] == first_ghost["Location"]
    assert _page(real.get(first_real["Location"])) == _page(ghost.get(first_ghost["Location"]))
    assert SmsMessage.objects.count() == 1  # the real account's code only
    for expected_left in [4, 3]:
        wrong_real = real.post("/recover/password/verify/", {"sms_code": "000000"})
        wrong_ghost = ghost.post("/recover/password/verify/", {"sms_code": "000000"})
        assert f"还可尝试{expected_left}次" in wrong_ghost.content.decode()
        assert _page(wrong_real) == _page(wrong_ghost)


def test_reset_is_unreachable_without_the_code(client, operator):
    _start_password(client)
    response = _reset(client, "password", operator.pk)
    assert response.status_code == 302 and response["Location"] == "/recover/password/"
    assert operator.check_password("Zw@2026pass")


def test_code_is_single_use(client, operator, last_code):
    _start_password(client)
    code = last_code(operator.mobile, "password_reset")
    client.post("/recover/password/verify/", {"sms_code": code})
    other = Client()
    cache.clear()
    _start_password(other)
    response = other.post("/recover/password/verify/", {"sms_code": code})
    assert response.status_code == 200 and "短信验证码" in response.content.decode()


def test_code_expires(client, operator, last_code, time_machine):
    from datetime import timedelta

    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    _start_password(client)
    code = last_code(operator.mobile, "password_reset")
    time_machine.move_to(timezone.now() + timedelta(minutes=6), tick=False)
    response = client.post("/recover/password/verify/", {"sms_code": code})
    assert "已过期" in response.content.decode()


def test_one_code_a_minute_for_known_and_unknown_alike(client):
    _start_password(client, login="nobody_x")
    response = _start_password(client, login="nobody_x")
    assert response.status_code == 200 and "秒后再试" in response.content.decode()


def test_new_password_follows_reg4(client, operator, last_code):
    _start_password(client)
    client.post(
        "/recover/password/verify/", {"sms_code": last_code(operator.mobile, "password_reset")}
    )
    for bad, message in [
        ("short1A", "密码长度应为8-20位"),
        ("abcdefgh12", "三种及以上"),
        ("Zhang_ops#1", "不能包含用户名"),
        (f"A#{operator.mobile}", "不能包含手机号"),
    ]:
        response = _reset(client, "password", operator.pk, password=bad)
        assert message in response.content.decode(), bad
    response = _reset(client, "password", operator.pk, password=NEW, confirm=NEW + "x")
    assert "两次输入的密码不一致" in response.content.decode()
    assert operator.check_password("Zw@2026pass")


def test_reset_ends_every_session_and_clears_the_lock(client, operator, sign_in, last_code):
    """A browser signed in before the reset is signed out at its next request."""
    elsewhere = Client()
    elsewhere.force_login(operator)
    assert elsewhere.session.get("_auth_user_id") == str(operator.pk)
    for _ in range(10):
        sign_in("zhang_ops", password="Wrong#2026x")
    assert SignInState.objects.get(user=operator).is_locked
    cache.clear()  # the address counter of the failures above
    _start_password(client)
    client.post(
        "/recover/password/verify/", {"sms_code": last_code(operator.mobile, "password_reset")}
    )
    _reset(client, "password", operator.pk)
    elsewhere.get("/")
    assert elsewhere.session.get("_auth_user_id") is None
    state = SignInState.objects.get(user=operator)
    assert not state.is_locked and state.failed_attempts == 0
    assert sign_in("zhang_ops", password=NEW).status_code == 302


def test_forgot_username_by_mobile_and_uscc(client, operator, organisation, last_code):
    """The usernames appear only after the code; then a reset is offered."""
    response = client.post(
        "/recover/username/",
        {"method": "mobile", "mobile": operator.mobile, "unit_code": organisation.uscc, **CAPTCHA},
    )
    assert response["Location"] == "/recover/username/verify/"
    page = client.get(response["Location"]).content.decode()
    assert "zhang_ops" not in page
    code = last_code(operator.mobile, "username_recovery")
    response = client.post("/recover/username/verify/", {"sms_code": code})
    page = client.get(response["Location"]).content.decode()
    assert "zhang_ops" in page and "重置密码" in page
    assert AuditEvent.objects.filter(event_type="recovery.usernames_shown").exists()
    assert _reset(client, "username", operator.pk)["Location"] == "/login/?reset=1"


def test_forgot_username_by_id_number_and_organisation_code(
    client, operator, organisation, last_code
):
    """A 9-character organisation code (positions 9-17 of the USCC, hyphen allowed) names the
    unit too; the code goes to the account's bound mobile."""
    MembershipFactory(organisation=organisation, operator=True, user__username="li_other")
    orgcode = organisation.uscc[8:16] + "-" + organisation.uscc[16]
    client.post(
        "/recover/username/",
        {"method": "id_number", "id_number": operator.id_number, "unit_code": orgcode, **CAPTCHA},
    )
    code = last_code(operator.mobile, "username_recovery")
    response = client.post("/recover/username/verify/", {"sms_code": code})
    page = client.get(response["Location"]).content.decode()
    assert "zhang_ops" in page and "li_other" not in page


def test_forgot_username_no_match_looks_the_same(client, operator, organisation):
    """A wrong unit code: the same redirect, no SMS, and the code step counts down."""
    response = client.post(
        "/recover/username/",
        {
            "method": "mobile",
            "mobile": operator.mobile,
            "unit_code": "91330106MA2XXXXX0X",
            **CAPTCHA,
        },
    )
    assert response["Location"] == "/recover/username/verify/"
    assert not SmsMessage.objects.exists()
    wrong = client.post("/recover/username/verify/", {"sms_code": "123456"})
    assert "还可尝试4次" in wrong.content.decode()


def test_forgot_username_needs_the_chosen_identifier(client):
    response = client.post("/recover/username/", {"method": "mobile", "unit_code": "x", **CAPTCHA})
    assert "请填写手机号" in response.content.decode()
