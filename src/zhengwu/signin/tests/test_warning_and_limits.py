"""ACC-1/ACC-2 (issue 11): the warning before the lock, the same for unknown names; the
address limit split from the per-account-and-address limit (a hall behind one NAT), each
saying which applies, the lock message never hidden by them; a pending operator told whom
they wait for, only after the password was verified."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from zhengwu.accounts.tests.factories import PASSWORD, MembershipFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.registrations.tests.factories import OperatorApplicationFactory

from .conftest import CAPTCHA

pytestmark = pytest.mark.django_db

WRONG = "Wrong#2026x"
LOCKED = "密码输入次数过多，您的账号已被锁定"


def _messages(sign_in, login, times):
    return [sign_in(login, password=WRONG).content.decode() for _ in range(times)]


@pytest.mark.parametrize("login", ["zhang_ops", "nobody_here"])
def test_attempts_left_from_the_seventh_failure_alike_for_unknown_names(operator, sign_in, login):
    pages = _messages(sign_in, login, 10)
    for page in pages[:6]:
        assert "账号或密码错误" in page and "还可尝试" not in page
    assert "还可尝试3次" in pages[6]
    assert "还可尝试2次" in pages[7]
    assert "还可尝试1次" in pages[8]
    assert LOCKED in pages[9] and "还可尝试" not in pages[9]


@override_settings(ZHENGWU_SIGNIN_WARN_FROM=2, ZHENGWU_SIGNIN_MAX_FAILURES=4)
def test_the_warning_threshold_is_a_setting(operator, sign_in):
    pages = _messages(sign_in, "zhang_ops", 2)
    assert "还可尝试" not in pages[0] and "还可尝试2次" in pages[1]


def _hall(n: int) -> Client:
    return Client(REMOTE_ADDR="10.1.2.3")


def _post(client: Client, login: str, password: str = WRONG):
    return client.post("/login/", {"tab": "legal", "login": login, "password": password, **CAPTCHA})


def test_a_service_hall_behind_one_address_is_not_blocked_by_30_failures(operator):
    """30 failures of many people behind one NAT: the others still sign in."""
    desk = _hall(0)
    for n in range(30):
        _post(desk, f"clerk_{n % 6}")
    assert _post(_hall(1), "zhang_ops", PASSWORD).status_code == 302


@override_settings(ZHENGWU_SIGNIN_IP_ACCOUNT_MAX_FAILURES=3, ZHENGWU_SIGNIN_MAX_FAILURES=100)
def test_one_account_from_one_address_is_limited_and_told_so(operator):
    desk = _hall(0)
    for _ in range(3):
        _post(desk, "zhang_ops")
    page = _post(desk, "zhang_ops", PASSWORD).content.decode()
    assert "该账号在此网络地址登录失败次数过多" in page and "最多3次" in page
    event = AuditEvent.objects.filter(event_type="signin.throttled").latest("pk")
    assert event.after["limit"] == "account"
    # someone else at the same address is not affected
    other = MembershipFactory(user__username="wang_ops").user
    assert _post(_hall(1), other.username, PASSWORD).status_code == 302


@override_settings(ZHENGWU_SIGNIN_IP_MAX_FAILURES=5, ZHENGWU_SIGNIN_MAX_FAILURES=100)
def test_the_address_limit_says_it_is_the_address(operator):
    desk = _hall(0)
    for n in range(5):
        _post(desk, f"guess_{n}")
    page = _post(desk, "zhang_ops", PASSWORD).content.decode()
    assert "该网络地址登录失败次数过多" in page and "最多5次" in page
    assert (
        AuditEvent.objects.filter(event_type="signin.throttled").latest("pk").after["limit"]
        == "address"
    )


@override_settings(ZHENGWU_SIGNIN_IP_MAX_FAILURES=12)
def test_the_lock_message_is_not_hidden_by_the_address_limit(operator):
    desk = _hall(0)
    for _ in range(10):
        _post(desk, "zhang_ops")  # locks the account
    for n in range(2):
        _post(desk, f"guess_{n}")  # the address reaches its limit
    page = _post(desk, "zhang_ops", PASSWORD).content.decode()
    assert LOCKED in page and "网络地址" not in page


@pytest.fixture
def application(db):
    organisation = MembershipFactory(
        legal_representative=True, user__real_name="李法人", user__username="li_lr"
    ).organisation
    MembershipFactory(
        organisation=organisation, administrator=True, user__real_name="王管理", user__username="w"
    )
    return OperatorApplicationFactory(organisation=organisation, username="zhao_new")


def test_pending_operator_with_the_right_password_is_told_who_approves(application, sign_in):
    page = sign_in("zhao_new").content.decode()
    assert "经办人申请正在等待审批" in page
    assert "李**" in page and "王**" in page
    assert "李法人" not in page and "王管理" not in page
    assert application.organisation.name in page
    event = AuditEvent.objects.filter(event_type="signin.failed").latest("pk")
    assert event.after["reason"] == "application_pending"


def test_pending_operator_with_a_wrong_password_learns_nothing(application, sign_in):
    page = sign_in("zhao_new", password=WRONG).content.decode()
    assert "账号或密码错误" in page and "等待审批" not in page


def test_pending_operator_over_the_api(application, client):
    response = client.post(
        "/api/v1/signin/session",
        {"login": "zhao_new", "password": PASSWORD, "captcha_key": "k", "captcha": "PASSED"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "signin.pending"


def test_the_personal_tab_offers_only_what_applies_to_persons(client):
    """个人登录: the national account (it signs natural persons in); not the e-licence or the
    legal-person certificate, which the 法人登录 tab keeps."""
    personal = client.get("/login/?tab=personal").content.decode()
    assert "国家政务服务平台账号登录" in personal
    assert "电子营业执照扫码登录" not in personal and "法人数字证书登录" not in personal
    legal = client.get("/login/?tab=legal").content.decode()
    for label in ("国家政务服务平台账号登录", "电子营业执照扫码登录", "法人数字证书登录"):
        assert label in legal
