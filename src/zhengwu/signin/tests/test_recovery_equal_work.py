"""Issue 11 on recovery: the same work in the request for an existing and an unknown account
(forgot password, forgot username, self-unlock: query counts and statements compared, one
task enqueued either way); the SMS state polled by an opaque ticket (sending → sent / failed)
without telling an unknown account apart; 忘记密码 by 手机号和单位编号 (seed 000 FAQ 7)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.tasks import default_task_backend
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from zhengwu.accounts.tests.factories import MembershipFactory
from zhengwu.notifications.models import SmsMessage
from zhengwu.notifications.services.outbox import sms_deliver
from zhengwu.signin.models import SignInState

from .conftest import CAPTCHA

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
NEW = "Xin#2026pass"


def _shape(sql: str) -> str:
    """A statement without its values: what was done, not with which data."""
    sql = re.sub(r'"s\d+_x\d+"', "SAVEPOINT_NAME", sql)
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"IN \([?, ]+\)", "IN (...)", sql)


def _request_work(path: str, data: dict) -> tuple[list[str], list[str]]:
    """The statements run and the tasks enqueued by one POST from a fresh browser."""
    client = Client()
    client.get(path)  # the session exists before, as in a browser
    default_task_backend.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:500]
    tasks = [result.task.name for result in default_task_backend.results]
    return [_shape(q["sql"]) for q in queries.captured_queries], tasks


@pytest.fixture
def unit(db):
    membership = MembershipFactory(legal_representative=True, user__username="zhang_ops")
    SignInState.objects.create(user=membership.user, failed_attempts=10)
    SignInState.objects.filter(user=membership.user).update(locked_at="2026-01-01T00:00:00Z")
    return membership


@override_settings(TASKS=DUMMY_TASKS)
@pytest.mark.parametrize(
    ("path", "known", "unknown"),
    [
        (
            "/recover/password/",
            {"tab": "legal", "login": "zhang_ops"},
            {"tab": "legal", "login": "nobody_x"},
        ),
        (
            "/recover/unlock/",
            {"tab": "legal", "login": "zhang_ops"},
            {"tab": "legal", "login": "nobody_x"},
        ),
        ("/recover/username/", "mobile", "other-mobile"),
        ("/recover/password/?by=unit", "mobile", "other-mobile"),
    ],
)
def test_known_and_unknown_accounts_do_the_same_work_in_the_request(unit, path, known, unknown):
    if known == "mobile":
        base = {"method": "mobile", "unit_code": unit.organisation.uscc, "by": "unit"}
        known = {**base, "mobile": unit.user.mobile}
        unknown = {**base, "mobile": "13800138000"}
    known_sql, known_tasks = _request_work(path, {**known, **CAPTCHA})
    unknown_sql, unknown_tasks = _request_work(path, {**unknown, **CAPTCHA})
    assert len(known_sql) == len(unknown_sql)
    assert known_sql == unknown_sql
    assert known_tasks == unknown_tasks == ["send_recovery_code"]
    assert not SmsMessage.objects.exists()  # nothing was sent in the request


def _state(client: Client, flow: str = "password") -> str:
    html = client.get(f"/recover/{flow}/sms/").content.decode()
    return re.search(r'data-state="(\w+)"', html).group(1)


def test_the_page_polls_the_sms_state_and_an_unknown_account_reads_sent(db):
    MembershipFactory(user__username="zhang_ops")
    real, ghost = Client(), Client()
    real.post("/recover/password/", {"tab": "legal", "login": "zhang_ops", **CAPTCHA})
    ghost.post("/recover/password/", {"tab": "legal", "login": "nobody_x", **CAPTCHA})
    page = real.get("/recover/password/verify/").content.decode()
    assert 'hx-get="/recover/password/sms/"' in page and 'data-state="sending"' in page
    assert "短信验证码已发送" not in page
    assert _state(ghost) == "sent"
    assert _state(real) == "sending"  # queued, not yet delivered
    sms_deliver(message_id=SmsMessage.objects.get().pk)
    assert _state(real) == "sent"
    sent = real.get("/recover/password/sms/").content.decode()
    assert "短信验证码已发送" in sent and "hx-get" not in sent


def test_a_gateway_failure_reads_failed_with_a_retry(db):
    MembershipFactory(user__username="zhang_ops", user__mobile="13957100000")  # 空号 in sandbox
    client = Client()
    client.post("/recover/password/", {"tab": "legal", "login": "zhang_ops", **CAPTCHA})
    sms_deliver(message_id=SmsMessage.objects.get().pk)
    assert SmsMessage.objects.get().status == SmsMessage.Status.FAILED
    html = client.get("/recover/password/sms/").content.decode()
    assert 'data-state="failed"' in html and "短信发送失败" in html
    assert 'href="/recover/password/"' in html


def test_no_ticket_no_state(client, db):
    assert _state(client) == "expired"


def test_forgot_password_by_mobile_and_unit_code(db, last_code):
    """Seed 000 FAQ 7: 忘记密码 → 手机号和单位编号找回; the code proves the unit's accounts
    bound to that mobile, and the person picks the one to reset."""
    membership = MembershipFactory(user__username="zhang_ops")
    user, organisation = membership.user, membership.organisation
    client = Client()
    page = client.get("/recover/password/").content.decode()
    assert "通过手机号和单位编号找回" in page and 'href="?by=unit"' in page
    form = client.get("/recover/password/?by=unit").content.decode()
    assert 'name="unit_code"' in form and 'name="mobile"' in form
    response = client.post(
        "/recover/password/?by=unit",
        {
            "by": "unit",
            "method": "mobile",
            "mobile": user.mobile,
            "unit_code": organisation.uscc,
            **CAPTCHA,
        },
    )
    assert response["Location"] == "/recover/password/verify/"
    code = last_code(user.mobile, "password_reset")
    response = client.post("/recover/password/verify/", {"sms_code": code})
    assert response["Location"] == "/recover/password/reset/"
    response = client.post(
        "/recover/password/reset/",
        {"account": user.pk, "password": NEW, "password_confirm": NEW},
    )
    assert response["Location"] == "/login/?reset=1"
    user.refresh_from_db()
    assert user.check_password(NEW)
