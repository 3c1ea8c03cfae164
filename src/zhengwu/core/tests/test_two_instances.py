"""Two app instances, one portal (issue 15 "several hosts", decision 0025).

Two gunicorn processes with production settings and their own ``ZHENGWU_VAR_DIR`` (so their
own disks) share only what a province's hosts share: PostgreSQL (this run's test database),
Redis, the S3-compatible object store (moto's server, started by the run) and the keys in
the environment. A client that knows nothing of them sends consecutive requests to A, B, A,
B … — as a proxy without sticky sessions would — and drives a registration (captcha, SMS
code, rate limit, draft token, face check), a sign-in with lockout, an upload read back
through the other host, and a licence download after a face check. Everything a request
needs must therefore be in the shared stores, never in one process or on one disk.

PostgreSQL only (the processes need a server database); Redis at ``ZHENGWU_TEST_REDIS_URL``
(default ``redis://127.0.0.1:6379/5``), or a private ``redis-server`` when one is on PATH.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

HOST = "portal.test"
ORIGIN = f"https://{HOST}"
MAX_FAILURES = 5
PASSWORD = "Zhengwu@Test2026"
REPO = Path(__file__).resolve().parents[4]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two hosts need PostgreSQL"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    instance: str

    def json(self):  # type: ignore[no-untyped-def]
        import json

        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Browser:
    """One browser behind a proxy that sends each request to the next instance in turn.
    Cookies are kept by hand: production marks them Secure, and the proxy (here: this
    client) speaks plain HTTP to the instances with ``X-Forwarded-Proto: https``."""

    ports: dict[str, int]
    cookies: dict[str, str] = field(default_factory=dict)
    # a new client address and mobile each run: Redis keeps throttles between runs
    address: str = field(default_factory=lambda: f"203.0.113.{random.randrange(1, 255)}")
    served: list[str] = field(default_factory=list)

    def request(
        self, method: str, path: str, *, body: bytes = b"", content_type: str = ""
    ) -> Response:
        names = list(self.ports)
        instance = names[len(self.served) % len(names)]
        self.served.append(instance)
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Origin": ORIGIN,
            "Referer": f"{ORIGIN}/",
            "Accept-Language": "zh-hans",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if content_type:
            headers["Content-Type"] = content_type
        conn = http.client.HTTPConnection("127.0.0.1", self.ports[instance], timeout=60)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            raw = conn.getresponse()
            data = raw.read()
        finally:
            conn.close()
        for header in raw.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(raw.status, raw.headers, data, instance)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_json(self, path: str, data: dict) -> Response:  # type: ignore[type-arg]
        import json

        return self.request(
            "POST", path, body=json.dumps(data).encode(), content_type="application/json"
        )

    def post_form(
        self, path: str, data: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
    ) -> Response:
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        if not files:
            return self.request(
                "POST",
                path,
                body=urlencode(data).encode(),
                content_type="application/x-www-form-urlencoded",
            )
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in data.items():
            disposition = f'Content-Disposition: form-data; name="{name}"'
            parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            body=b"".join(parts),
            content_type=f"multipart/form-data; boundary={boundary}",
        )


@pytest.fixture
def instances(s3_bucket, redis_url, tmp_path):  # type: ignore[no-untyped-def]
    """Two gunicorn processes (A and B) on this run's PostgreSQL test database."""
    from zhengwu.licences.keys import create_keys

    _client, _bucket, s3_environment = s3_bucket
    keys = tmp_path / "licence-keys"
    create_keys(signer_path=keys / "signer.pem", ca_path=keys / "ca.pem")
    db = settings.DATABASES["default"]
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    shared = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": "zhengwu.settings.production",
        "SECRET_KEY": settings.SECRET_KEY,
        "ZHENGWU_FIELD_KEYS": settings.ZHENGWU_FIELD_KEYS,
        "ZHENGWU_HASH_KEY": settings.ZHENGWU_HASH_KEY,
        "ZHENGWU_LICENCE_SIGNING_KEY": str(keys / "signer.pem"),
        "ZHENGWU_LICENCE_CA_CERT": str(keys / "ca.pem"),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": HOST,
        "ZHENGWU_SITE_URL": ORIGIN,
        "SECURE_SSL_REDIRECT": "0",
        "ZHENGWU_SANDBOX": "1",  # the sandbox providers (SMS, face check), state in the database
        "ZHENGWU_CAPTCHA_TEST_MODE": "0",  # but the real captcha: its answer must be shared
        "ZHENGWU_TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "ZHENGWU_SIGNIN_MAX_FAILURES": str(MAX_FAILURES),
        "ZHENGWU_SIGNIN_WARN_FROM": "1",
        "LOG_LEVEL": "WARNING",
        **s3_environment,
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    ports: dict[str, int] = {}
    logs: dict[str, Path] = {}
    static: Path | None = None
    try:
        for name in ("A", "B"):
            var = tmp_path / f"var-{name}"
            var.mkdir()
            env = {**shared, "ZHENGWU_VAR_DIR": str(var)}
            # Static files are code, deployed to every host; collected once and copied.
            if static is None:
                subprocess.run(
                    [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                    cwd=REPO,
                    env=env,
                    check=True,
                )
                static = var / "static"
            else:
                shutil.copytree(static, var / "static")
            ports[name] = _free_port()
            logs[name] = tmp_path / f"gunicorn-{name}.log"
            processes[name] = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "zhengwu.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{ports[name]}",
                    "--workers",
                    "1",
                    "--timeout",
                    "120",
                ],
                cwd=REPO,
                env=env,
                stdout=logs[name].open("wb"),
                stderr=subprocess.STDOUT,
            )
        for name, port in ports.items():
            deadline = time.monotonic() + 60
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/healthz", headers={"Host": HOST})
                    if conn.getresponse().status < 500:
                        break
                except OSError:
                    pass
                if processes[name].poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        f"instance {name} did not start:\n{logs[name].read_text()}"
                    )
                time.sleep(0.2)
        yield ports
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        for name, log in logs.items():
            text = log.read_text(errors="replace") if log.exists() else ""
            if "Traceback" in text:
                print(f"--- instance {name} log ---\n{text}")


def _captcha(browser: Browser, path: str) -> dict[str, str]:
    """A captcha made by one instance, answered (read from the shared database) on the next."""
    from captcha.models import CaptchaStore

    key = browser.get(path).json()["captcha_key"]
    return {"captcha_key": key, "captcha": CaptchaStore.objects.get(hashkey=key).response}


def test_a_registration_a_lockout_an_upload_and_a_licence_across_two_instances(
    instances, s3_bucket, settings, tmp_path
):
    from zhengwu.accounts.models import User
    from zhengwu.accounts.tests.factories import make_personas, resident_id
    from zhengwu.licences.tests.factories import LicenceFactory
    from zhengwu.notifications.models import SmsMessage
    from zhengwu.onlineservices import services as online
    from zhengwu.onlineservices.demo import catalogue_demo_load
    from zhengwu.onlineservices.models import ApplicationMaterial, ServiceItem
    from zhengwu.uploads.tests.samples import jpeg

    browser = Browser(instances)

    # --- 个人注册 (REG-11) through the JSON API --------------------------------------------
    mobile = f"1395716{random.randrange(10000):04d}"
    base = "/api/v1/registrations/natural"
    assert browser.post_json(f"{base}/sms-code", {"mobile": mobile}).status == 204  # A
    # the per-mobile limit (1 a minute) counts on the other instance too
    again = browser.post_json(f"{base}/sms-code", {"mobile": mobile})  # B
    assert again.status == 429, again.text
    text = SmsMessage.objects.filter(template_code="verification_code.registration").get().text
    code = re.search(r"验证码(\d{6})", text).group(1)  # type: ignore[union-attr]
    form = {
        "id_type": "resident_id",
        "real_name": "钱测试通过",
        "id_number": resident_id(71),
        "valid_from": "2020-01-01",
        "long_term": True,
        "region": "330106",
        "mobile": mobile,
        "sms_code": code,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "agreement_accepted": True,
    }
    # the real captcha is on: the sandbox word is refused ...
    wrong = browser.post_json(f"{base}/", {**form, "captcha_key": "x", "captcha": "PASSED"})
    assert wrong.status == 400 and wrong.json()["field"] == "captcha", wrong.text
    # ... and a captcha made by one instance is answered on the other
    created = browser.post_json(f"{base}/", {**form, **_captcha(browser, "/api/v1/signin/captcha")})
    assert created.status == 201, created.text
    draft_id = created.json()["draft_id"]
    assert browser.request("POST", f"{base}/{draft_id}/face-check").status == 200
    status = browser.get(f"{base}/{draft_id}/face-check").json()
    assert (status["status"], status["outcome"]) == ("passed", "active"), status
    assert User.objects.get(username=mobile).kind == "natural_person"

    # --- a sign-in with lockout (ACC-2): failures counted across instances ---------------
    signin = "/api/v1/signin/session"
    codes = []
    for _attempt in range(MAX_FAILURES):
        answer = browser.post_json(
            signin,
            {
                "tab": "personal",
                "login": mobile,
                "password": "wrong-password-1",
                **_captcha(browser, "/api/v1/signin/captcha"),
            },
        )
        codes.append(answer.status)
    assert codes[:-1] == [401] * (MAX_FAILURES - 1) and codes[-1] == 423, codes
    locked = browser.post_json(
        signin,
        {
            "tab": "personal",
            "login": mobile,
            "password": PASSWORD,
            **_captcha(browser, "/api/v1/signin/captcha"),
        },
    )
    assert locked.status == 423, locked.text

    # --- the legal representative signs in; the session works on both instances -----------
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    personas = make_personas()
    legal_rep = personas.legal_representative
    legal_rep.set_password(PASSWORD)
    legal_rep.save()
    catalogue_demo_load()
    item = ServiceItem.objects.filter(materials__isnull=False).first()
    application = online.application_start(
        actor=legal_rep, item=item, organisation=personas.organisation
    )
    material = item.materials.first()
    licence = LicenceFactory(
        holder_uscc=personas.organisation.uscc, holder_name=personas.organisation.name
    )
    session = browser.post_json(
        signin,
        {
            "tab": "legal",
            "login": legal_rep.username,
            "password": PASSWORD,
            **_captcha(browser, "/api/v1/signin/captcha"),
        },
    )
    assert session.status == 200, session.text

    # --- an upload on one instance, read back through the other ---------------------------
    page = browser.get(f"/services/case/{application.pk}/")
    assert page.status == 200, page.text[:300]
    content = jpeg(640, 480)
    sent = browser.post_form(
        f"/services/case/{application.pk}/material/{material.pk}",
        {},
        files={"file": ("营业执照.jpg", content)},
    )
    assert sent.status == 302, sent.text[:500]
    upload = ApplicationMaterial.objects.get(application=application, material=material).upload
    served = browser.get(f"/uploads/{upload.pk}/")
    assert served.status == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert hashlib.sha256(served.body).hexdigest() == upload.sha256
    s3, bucket, _env = s3_bucket
    raw = s3.get_object(Bucket=bucket, Key=upload.storage_name)["Body"].read()
    assert raw.startswith(b"ZWU1") and served.body[-256:] not in raw

    # --- a licence download (LIC-2): face check on one, poll and download on the other ----
    started = browser.post_form(f"/licences/org/{personas.organisation.pk}/face/", {})
    assert started.status == 200, started.text[:500]
    token = re.search(r"/licences/face/([^/\"]+)/status/", started.text).group(1)  # type: ignore[union-attr]
    polled = browser.get(f"/licences/face/{token}/status/")
    assert "人脸识别通过" in polled.text, polled.text[:500]
    pdf = browser.get(f"/licences/{licence.pk}/download/")
    assert pdf.status == 200 and pdf.headers["Content-Type"] == "application/pdf", pdf.text[:300]
    assert pdf.body.startswith(b"%PDF-")

    # neither host kept a file of its own: uploads went to the store only
    for name in ("A", "B"):
        assert not (tmp_path / f"var-{name}" / "private").exists()

    # the requests really alternated
    assert browser.served[:4] == ["A", "B", "A", "B"]
    assert browser.served.count("A") - browser.served.count("B") in (0, 1)
