"""The sign-in API for the mobile app: the page's rules, the error contract."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from zhengwu.accounts.tests.factories import PASSWORD
from zhengwu.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/api/v1/signin/session"


def _post(client, **overrides):
    data = {"tab": "legal", "login": "zhang_ops", "password": PASSWORD, "captcha_key": "k"}
    data |= {"captcha": "PASSED", **overrides}
    return client.post(URL, data, content_type="application/json")


def test_sign_in_by_uscc_opens_a_session(client, operator, organisation):
    response = _post(client, login=organisation.uscc)
    assert response.status_code == 200
    assert response.json()["username"] == "zhang_ops"
    assert client.session.get("_auth_user_id") == str(operator.pk)
    assert AuditEvent.objects.filter(event_type="signin.succeeded").exists()


def test_wrong_password_and_unknown_account_answer_alike(client, operator):
    wrong = _post(client, password="Wrong#2026x")
    unknown = _post(client, login="nobody_here", password="Wrong#2026x")
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "code": "signin.failed",
            "message": "账号或密码错误",
            "field": None,
        }
    )


@override_settings(ZHENGWU_SIGNIN_MAX_FAILURES=2)
def test_the_lock_applies(client, operator):
    _post(client, password="Wrong#2026x")
    locked = _post(client, password="Wrong#2026x")
    assert locked.status_code == 423 and locked.json()["code"] == "signin.locked"
    assert "密码输入次数过多，您的账号已被锁定" in locked.json()["message"]
    assert _post(client).status_code == 423


def test_captcha_is_checked(client, operator):
    response = _post(client, captcha="WRONG")
    assert response.status_code == 400
    assert response.json() == {"code": "captcha.wrong", "message": "验证码错误", "field": "captcha"}
    assert client.session.get("_auth_user_id") is None


def test_only_json_is_accepted(client, operator):
    """A cross-site form cannot post JSON: a form-encoded sign-in is refused (login CSRF)."""
    body = json.dumps(
        {"login": "zhang_ops", "password": PASSWORD, "captcha_key": "k", "captcha": "PASSED"}
    )
    response = client.post(URL, body, content_type="text/plain")
    assert response.status_code == 415
    assert client.session.get("_auth_user_id") is None


def test_sign_out(client, operator):
    _post(client)
    assert client.delete(URL).status_code == 204
    assert client.session.get("_auth_user_id") is None
    assert AuditEvent.objects.filter(event_type="signin.signed_out").exists()


def test_captcha_endpoint(client):
    body = client.get("/api/v1/signin/captcha").json()
    assert body["captcha_key"] and "/captcha/image/" in body["image_url"]
