"""Security rules around sign-in: CSRF on every state-changing form, cookie flags and the
password hasher in production settings, the idle timeout enforced by the server."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from zhengwu.audit.models import AuditEvent
from zhengwu.settings import base

from .conftest import CAPTCHA

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, data",
    [
        ("/login/", {"tab": "legal", "login": "zhang_ops", "password": "Zw@2026pass", **CAPTCHA}),
        ("/logout/", {}),
        ("/session/ping/", {}),
        ("/recover/password/", {"tab": "legal", "login": "zhang_ops", **CAPTCHA}),
        ("/recover/unlock/", {"tab": "legal", "login": "zhang_ops", **CAPTCHA}),
        ("/recover/username/", {"method": "mobile", "mobile": "13957100001", "unit_code": "x"}),
        ("/recover/password/verify/", {"sms_code": "123456"}),
        ("/recover/password/reset/", {"account": "1", "password": "x", "password_confirm": "x"}),
        ("/signin/staff/locked/1/unlock/", {}),
    ],
)
def test_state_changing_forms_need_the_csrf_token(operator, url, data):
    """Without the token every POST is refused (403) and nothing happens."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, data)
    assert response.status_code == 403
    assert client.session.get("_auth_user_id") is None


def test_login_form_carries_the_token_and_works_with_it(operator):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/login/",
        {"tab": "legal", "login": "zhang_ops", "password": "Zw@2026pass", **CAPTCHA},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302


def test_argon2_is_the_first_password_hasher():
    """The embedded and production settings hash new passwords with Argon2."""
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_cookies_are_secure():
    """Production settings, read in a separate interpreter (importing them here would mutate
    the shared dictionaries of ``base`` that the test settings use)."""
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "ZHENGWU_FIELD_KEYS": "k1:" + "A" * 43 + "=",
        "ZHENGWU_HASH_KEY": "B" * 44,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DEBUG": "0",
        "ZHENGWU_SANDBOX": "0",
    }
    code = (
        "import json; from zhengwu.settings import production as p; print(json.dumps({n: "
        "getattr(p, n) for n in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_HTTPONLY', 'PASSWORD_HASHERS', "
        "'SESSION_COOKIE_AGE']}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    production = json.loads(out.stdout.strip().splitlines()[-1])
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"] and production["CSRF_COOKIE_HTTPONLY"]
    assert production["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert production["SESSION_COOKIE_AGE"] <= 30 * 60


def test_idle_timeout_signs_out_and_is_audited(client, operator, sign_in, time_machine):
    """After SESSION_COOKIE_AGE without a request the server ends the session; a request
    before that keeps it."""
    time_machine.move_to(timezone.now(), tick=False)
    sign_in("zhang_ops")
    idle = settings.SESSION_COOKIE_AGE
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=idle - 30), tick=False)
    assert client.get("/").status_code == 200
    assert client.session.get("_auth_user_id") == str(operator.pk)
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=idle + 1), tick=False)
    response = client.get("/register/applications/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?timeout=1")
    assert client.session.get("_auth_user_id") is None
    assert AuditEvent.objects.filter(event_type="signin.timed_out", actor_id=operator.pk).exists()
    assert "长时间未操作" in client.get(response["Location"]).content.decode()


def test_ping_extends_the_session(client, operator, sign_in, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    sign_in("zhang_ops")
    idle = settings.SESSION_COOKIE_AGE
    for _ in range(3):
        time_machine.move_to(timezone.now() + datetime.timedelta(seconds=idle - 60), tick=False)
        response = client.post("/session/ping/")
        assert response.status_code == 200 and response.json()["remaining"] == idle
    assert client.session.get("_auth_user_id") == str(operator.pk)


def test_ping_after_the_timeout_is_refused(client, operator, sign_in, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    sign_in("zhang_ops")
    time_machine.move_to(
        timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 5), tick=False
    )
    response = client.post("/session/ping/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 401 and response.json()["code"] == "session.timed_out"


def test_signed_in_pages_carry_the_warning_script(client, operator, sign_in):
    assert "session-timeout.js" not in client.get("/").content.decode()
    sign_in("zhang_ops")
    page = client.get("/").content.decode()
    assert "session-timeout.js" in page and f'data-idle="{settings.SESSION_COOKIE_AGE}"' in page
