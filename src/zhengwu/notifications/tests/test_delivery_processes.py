"""Exactly-once SMS delivery with real processes (issue 15: "two task workers and two
``sms_retry`` loops on different instances … including when a worker is killed mid-send").

``test_delivery_faults.py`` holds the rule with threads and a worker that "dies" by raising.
Here the parts are what a deployment runs: two ``manage.py db_worker`` processes (production
settings, the HTTP adapter of the unified SMS platform; each relays the outbox, decision 0034)
and two loops of ``manage.py sms_retry``, each its own process as on separate hosts, on this
run's PostgreSQL database. The platform is a recording HTTP server in the test: it logs every
request, delivers each idempotency key once and answers a repeated key with the first result.
It holds the request of one message until the test has killed (SIGKILL) the worker that sent
it — a worker killed mid-send. Every message ends ``sent``, each delivered exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[4]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="processes need PostgreSQL"),
]

STALE_SECONDS = 4
MESSAGES = 8


class Platform:
    """The recording SMS platform: every request, one delivery per key, one held request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[str] = []
        self.delivered: dict[str, list[str]] = {}  # key -> the mobiles it was delivered to
        self.hold: set[str] = set()
        self.held = threading.Event()
        self.release = threading.Event()

    def handle(self, key: str, mobile: str) -> dict[str, str]:
        with self.lock:
            self.requests.append(key)
            hold = key in self.hold
            self.hold.discard(key)
        if hold:  # the worker is killed while it waits for this answer
            self.held.set()
            self.release.wait(60)
            return {"code": "SYSTEM_BUSY", "message": "held"}
        with self.lock:
            if key not in self.delivered:
                self.delivered[key] = [mobile]
        return {"code": "OK", "message": "ok", "message_id": f"m-{key}"}


@pytest.fixture
def platform():  # type: ignore[no-untyped-def]
    recorder = Platform()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert self.headers["Idempotency-Key"] == body["idempotency_key"]
            answer = json.dumps(recorder.handle(body["idempotency_key"], body["mobile"]))
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer.encode())
            except OSError:
                pass  # the worker is gone

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}/send"  # type: ignore[attr-defined]
    yield recorder
    recorder.release.set()
    server.shutdown()


def _environment(platform: Platform, redis: str, var: Path) -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(var)),
        "DJANGO_SETTINGS_MODULE": "zhengwu.settings.production",
        "SECRET_KEY": settings.SECRET_KEY,
        "ZHENGWU_FIELD_KEYS": settings.ZHENGWU_FIELD_KEYS,
        "ZHENGWU_HASH_KEY": settings.ZHENGWU_HASH_KEY,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": redis,
        "ZHENGWU_VAR_DIR": str(var),
        "ZHENGWU_SMS_BACKEND": "zhengwu.integrations.sms.http.HttpSmsGateway",
        "ZHENGWU_SMS_HTTP_URL": platform.url,  # type: ignore[attr-defined]
        "ZHENGWU_SMS_HTTP_TOKEN": "test-token",
        "ZHENGWU_SMS_HTTP_TIMEOUT": "30",
        "ZHENGWU_SMS_STALE_CLAIM_SECONDS": str(STALE_SECONDS),
        "ZHENGWU_SMS_RETRY_BASE_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }


RETRY_LOOP = """
import time, django
django.setup()
from django.core.management import call_command
end = time.monotonic() + float(__import__("sys").argv[1])
while time.monotonic() < end:
    call_command("sms_retry", verbosity=0)
    time.sleep(0.5)
"""


def test_two_workers_and_two_retry_loops_in_processes_deliver_each_sms_once(
    platform, redis_url, tmp_path, settings
):
    from django_tasks_db.models import DBTaskResult

    from zhengwu.notifications.models import SmsMessage
    from zhengwu.notifications.services import sms_send

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    messages = [
        sms_send(
            mobile=f"1381234{n:04d}", template="account.locked", params={"username": "zhangsan"}
        )
        for n in range(MESSAGES)
    ]
    keys = [f"sms-{m.pk}" for m in messages]
    platform.hold.add(keys[0])
    # the outbox rows are the queue: no task row (decision 0034)
    assert SmsMessage.objects.filter(status=SmsMessage.Status.QUEUED).count() == MESSAGES
    assert not DBTaskResult.objects.exists()

    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, *command: str) -> subprocess.Popen[bytes]:
        var = tmp_path / name
        var.mkdir()
        process = subprocess.Popen(
            [sys.executable, *command],
            cwd=REPO,
            env=_environment(platform, redis_url, var),
            stdout=(tmp_path / f"{name}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    try:
        workers = {
            name: start(
                name,
                "manage.py",
                "db_worker",
                "--worker-id",
                name,
                "--interval",
                "0.2",
                "--no-startup-delay",
            )
            for name in ("worker-a", "worker-b")
        }
        assert platform.held.wait(90), "no worker sent the held message"
        # the worker that claimed the held message (its id starts the claim) is killed while
        # it waits
        victim = SmsMessage.objects.get(pk=messages[0].pk).claim_token.split(":")[0]
        workers[victim].send_signal(signal.SIGKILL)
        workers[victim].wait(10)
        platform.release.set()
        held = SmsMessage.objects.get(pk=messages[0].pk)
        assert held.status == SmsMessage.Status.SENDING  # the dead worker's claim

        loops = [start(f"retry-{n}", "-c", RETRY_LOOP, "40") for n in (1, 2)]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            statuses = set(SmsMessage.objects.values_list("status", flat=True))
            if statuses == {SmsMessage.Status.SENT}:
                break
            time.sleep(0.5)
        for loop in loops:  # stop the loops early, as their hosts' cron would end them
            loop.send_signal(signal.SIGTERM)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()

    statuses = dict(SmsMessage.objects.values_list("pk", "status"))
    assert set(statuses.values()) == {SmsMessage.Status.SENT}, statuses
    # each message delivered exactly once; the killed one was asked again under its key (a
    # live worker stalled past the short stale-claim time may be asked twice too: still once)
    assert sorted(platform.delivered) == sorted(keys)
    assert all(len(mobiles) == 1 for mobiles in platform.delivered.values())
    assert platform.requests.count(keys[0]) >= 2
    assert set(platform.requests) == set(keys)
    assert victim in ("worker-a", "worker-b")
    # the dead worker's attempt counts; no task row was ever written
    assert SmsMessage.objects.get(pk=messages[0].pk).attempts >= 2
    assert not DBTaskResult.objects.exists()
