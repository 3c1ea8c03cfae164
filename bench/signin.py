"""Benchmark: sign-ins per second through the full HTTP stack against the Argon2 password hash
alone, measured in the same run.

    .venv/bin/python bench/signin.py [--users N] [--workers N] [--clients N] [--seconds S]
        [--rounds R] [--keep]

Creates its own database (``zhengwu_bench_signin`` on the server of ``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/test``), migrates it, creates N legal-person accounts
(one Argon2 hash with the portal's parameters shared by all: creating N hashes would take
minutes and changes nothing per request), and serves the portal with gunicorn (``--workers``
processes, one thread each, persistent database connections, ``zhengwu.settings.base`` with
the sandbox on, so the image captcha accepts the test word PASSED). Then it measures, in
``--rounds`` alternating slices of ``--seconds`` each:

* subject: ``POST /login/`` (CSRF, captcha, principal lookup, lockout row, the Argon2 check,
  session creation with key rotation, audit event, redirect) with ``--clients`` keep-alive
  connections, each sign-in with the next account;
* baseline: Argon2 ``verify`` of the same hash in ``--workers`` processes, back to back: the
  ceiling of any password sign-in on the same cores.

Prints both rates, the ratio and the per-core figure, then as the last line one JSON object;
exits 1 if subject/baseline is below the target (0.8) or a request failed. Drops the database
at the end unless ``--keep``.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import subprocess
import sys
import time
from urllib.parse import urlencode

import _harness as h

TARGET = 0.8
BENCH_DB = "zhengwu_bench_signin"
PASSWORD = "Bench#2026pass"
ENV = {
    "DJANGO_SETTINGS_MODULE": "zhengwu.settings.base",
    "ZHENGWU_VAR_DIR": "/tmp/zhengwu-bench-signin-var",
    "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
    "ZHENGWU_FIELD_KEYS": "b1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "ZHENGWU_HASH_KEY": "YmVuY2gtaGFzaC1rZXktMDEyMzQ1Njc4OWFiY2RlZjA=",
    "ZHENGWU_SANDBOX": "1",
    "DEBUG": "0",
    "LOG_LEVEL": "ERROR",
    "PYTHONWARNINGS": "ignore::RuntimeWarning",
}


# --- subject: sign-ins over HTTP ----------------------------------------------------------------


def _csrf_cookie(conn: http.client.HTTPConnection) -> tuple[str, str]:
    """The CSRF cookie of a new connection, and the Referer of its sign-ins."""
    conn.request("GET", "/login/")
    response = conn.getresponse()
    response.read()
    match = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    if not match:
        raise SystemExit("ERROR: /login/ set no CSRF cookie")
    return match.group(1), f"http://127.0.0.1:{conn.port}/login/"


def _signin_request(username: str, state: tuple[str, str]) -> h.Request:
    token, referer = state
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "tab": "legal",
            "login": username,
            "password": PASSWORD,
            "captcha_0": "bench",
            "captcha_1": "PASSED",
        }
    ).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={token}",
        "Referer": referer,
    }
    return "POST", "/login/", body, headers


# Each connection first fetches its CSRF cookie, then signs in back to back, with the next
# account each time.
SIGNIN = h.Load(_signin_request, expected=302, prepare=_csrf_cookie, timeout=60, start_delay=1.0)


# --- baseline: the hash alone -------------------------------------------------------------------


def _verify_process(encoded: str, start_at: float, end_at: float, out) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    done = 0
    while time.time() < start_at:
        time.sleep(0.001)
    while True:
        ok = hasher.verify(PASSWORD, encoded)
        if time.time() > end_at:
            break
        assert ok
        done += 1
    out.put(done)


def _measure_hash(encoded: str, processes: int, seconds: float) -> float:
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 0.5
    end_at = start_at + seconds
    procs = [
        ctx.Process(target=_verify_process, args=(encoded, start_at, end_at, out))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    done = sum(out.get() for _ in procs)
    for p in procs:
        p.join()
    return done / seconds


# --- set-up -------------------------------------------------------------------------------------


def _create_users(count: int) -> tuple[list[str], str]:
    from django.contrib.auth.hashers import make_password

    from zhengwu.accounts.models import User

    encoded = make_password(PASSWORD)
    users = [
        User(username=f"bench_{n:06d}", password=encoded, kind=User.Kind.LEGAL_PERSON)
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    return [u.username for u in users], encoded


def _start_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return h.start_gunicorn(
        "zhengwu.wsgi:application",
        port,
        workers=workers,
        threads=1,
        env=env,
        options=("--keep-alive", "60", "--timeout", "120"),
        probe_timeout=5,
    )


def main() -> int:
    parser = h.parser(__doc__)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers = hash processes")
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one slice")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/subject slice pairs")
    args = parser.parse_args()

    db = h.open_database(BENCH_DB, ENV["DJANGO_SETTINGS_MODULE"], ENV)
    from django.conf import settings
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.db import connections

    server = None
    try:
        t = time.perf_counter()
        h.migrate()
        usernames, encoded = _create_users(args.users)
        connections.close_all()
        hasher = Argon2PasswordHasher()
        params = {
            "time_cost": hasher.time_cost,
            "memory_cost_kib": hasher.memory_cost,
            "parallelism": hasher.parallelism,
        }
        assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
        cpus = os.cpu_count() or 1
        print(
            f"migrated and created {len(usernames):,} accounts in {time.perf_counter() - t:.1f} s; "
            f"{cpus} CPUs (shared); Argon2id {params}"
        )
        port = h.free_port()
        server = _start_server(port, args.workers, {**os.environ})
        print(
            f"gunicorn: {args.workers} workers x 1 thread on port {port}; "
            f"{args.clients} keep-alive connections; baseline: {args.workers} hash processes"
        )
        warm = h.measure(SIGNIN, port, usernames[-200:], args.clients, 3.0)
        if warm.failed:
            print(f"ERROR during warm-up: {warm.failed} failed, e.g. {warm.errors[:2]}")
            return 1
        subject_lat: list[float] = []
        subject_time = 0.0
        baseline_rates: list[float] = []
        failed = 0
        offset = 0
        for r, kind in h.interleaved(args.rounds, ("baseline", "subject")):
            if kind == "baseline":
                rate = _measure_hash(encoded, args.workers, args.seconds)
                baseline_rates.append(rate)
                print(f"  round {r + 1} argon2  : {rate:7.2f} verifies/s")
                continue
            part = usernames[offset : offset + 1000] or usernames
            offset = (offset + 1000) % max(1, len(usernames) - 1000)
            result = h.measure(SIGNIN, port, part, args.clients, args.seconds)
            failed += result.failed
            if result.failed:
                print(f"  sign-in: {result.failed} failed requests, e.g. {result.errors[:2]}")
            subject_lat.extend(result.latencies)
            subject_time += result.window
            print(
                f"  round {r + 1} sign-in : {result.rps:7.2f} sign-ins/s "
                f"p50 {h.percentile(result.latencies, 0.5) * 1000:.0f} ms"
            )
        value = len(subject_lat) / subject_time
        baseline = sum(baseline_rates) / len(baseline_rates)
        ratio = value / baseline
        per_core = value / cpus
        p50, p99 = h.percentile(subject_lat, 0.5) * 1000, h.percentile(subject_lat, 0.99) * 1000
        print(
            f"sign-in over HTTP: {value:.2f}/s (p50 {p50:.0f} ms, p99 {p99:.0f} ms); "
            f"{per_core:.2f}/s per core"
        )
        print(f"Argon2 verify alone ({args.workers} processes): {baseline:.2f}/s")
        print(f"ratio {ratio:.3f} (target {TARGET}); failed requests: {failed}")
        result_line = {
            "benchmark": "signin",
            "value": round(value, 2),
            "unit": "sign-ins/s",
            "baseline": round(baseline, 2),
            "ratio": round(ratio, 3),
            "target": TARGET,
            "per_core": round(per_core, 2),
            "cpus": cpus,
            "argon2": params,
            "p50_ms": round(p50, 1),
            "failed": failed,
        }
        return h.report(result_line, ratio >= TARGET and not failed)
    finally:
        if server is not None:
            h.stop_gunicorn(server)
        db.finish(args.keep)


if __name__ == "__main__":
    sys.exit(main())
