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

import argparse
import http.client
import json
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

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


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- subject: sign-ins over HTTP ----------------------------------------------------------------


def _csrf_cookie(conn: http.client.HTTPConnection) -> str:
    conn.request("GET", "/login/")
    response = conn.getresponse()
    response.read()
    match = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    if not match:
        raise SystemExit("ERROR: /login/ set no CSRF cookie")
    return match.group(1)


def _client_process(port, usernames, threads, start_at, end_at, out):  # type: ignore[no-untyped-def]
    """``threads`` keep-alive connections signing in back to back between the two instants."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        token = _csrf_cookie(conn)
        mine: list[float] = []
        bad: list[str] = []
        i = offset
        while time.time() < start_at:
            time.sleep(0.001)
        while True:
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "tab": "legal",
                    "login": usernames[i % len(usernames)],
                    "password": PASSWORD,
                    "captcha_0": "bench",
                    "captcha_1": "PASSED",
                }
            )
            i += threads
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={token}",
                "Referer": f"http://127.0.0.1:{port}/login/",
            }
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/login/", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            elapsed = time.perf_counter() - t0
            if time.time() > end_at:
                break
            if response.status != 302:
                bad.append(f"{response.status}: {payload[:300].decode(errors='replace')}")
            mine.append(elapsed)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    out.put((latencies, errors[:5], len(errors)))


def _measure_signins(port: int, usernames: list[str], clients: int, seconds: float):  # type: ignore[no-untyped-def]
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    processes = 2 if clients >= 2 else 1
    start_at = time.time() + 1.0
    end_at = start_at + seconds
    per = [clients // processes + (1 if n < clients % processes else 0) for n in range(processes)]
    chunk = len(usernames) // processes
    procs = [
        ctx.Process(
            target=_client_process,
            args=(port, usernames[n * chunk : (n + 1) * chunk], per[n], start_at, end_at, out),
        )
        for n in range(processes)
    ]
    for p in procs:
        p.start()
    latencies: list[float] = []
    errors: list[str] = []
    count = 0
    for _ in procs:
        lat, errs, n = out.get()
        latencies.extend(lat)
        errors.extend(errs)
        count += n
    for p in procs:
        p.join()
    return latencies, errors, count, end_at - start_at


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


def _start_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:  # type: ignore[type-arg]
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "zhengwu.wsgi:application",
        "--pythonpath",
        str(ROOT / "src"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "1",
        "--keep-alive",
        "60",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"ERROR: gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.3)
    raise SystemExit("ERROR: gunicorn did not start")


def _stop_server(server: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # our own session: gunicorn and its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers = hash processes")
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one slice")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/subject slice pairs")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    import psycopg

    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    admin_url = _with_database(server_url, "postgres")
    bench_url = _with_database(server_url, BENCH_DB)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")

    os.environ.update(ENV)
    os.environ["DATABASE_URL"] = bench_url
    import warnings

    warnings.filterwarnings("ignore", category=RuntimeWarning)  # captcha test-mode notice
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.core.management import call_command
    from django.db import connections

    server = None
    try:
        t = time.perf_counter()
        call_command("migrate", verbosity=0)
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
        port = _free_port()
        server = _start_server(port, args.workers, {**os.environ})
        print(
            f"gunicorn: {args.workers} workers x 1 thread on port {port}; "
            f"{args.clients} keep-alive connections; baseline: {args.workers} hash processes"
        )
        lat, errs, count, _w = _measure_signins(port, usernames[-200:], args.clients, 3.0)
        if count:
            print(f"ERROR during warm-up: {count} failed, e.g. {errs[:2]}")
            return 1
        subject_lat: list[float] = []
        subject_time = 0.0
        baseline_rates: list[float] = []
        failed = 0
        offset = 0
        for r in range(args.rounds):
            order = ("baseline", "subject") if r % 2 == 0 else ("subject", "baseline")
            for kind in order:
                if kind == "baseline":
                    rate = _measure_hash(encoded, args.workers, args.seconds)
                    baseline_rates.append(rate)
                    print(f"  round {r + 1} argon2  : {rate:7.2f} verifies/s")
                    continue
                part = usernames[offset : offset + 1000] or usernames
                offset = (offset + 1000) % max(1, len(usernames) - 1000)
                lat, errs, count, window = _measure_signins(port, part, args.clients, args.seconds)
                failed += count
                if count:
                    print(f"  sign-in: {count} failed requests, e.g. {errs[:2]}")
                subject_lat.extend(lat)
                subject_time += window
                print(
                    f"  round {r + 1} sign-in : {len(lat) / window:7.2f} sign-ins/s "
                    f"p50 {_percentile(lat, 0.5) * 1000:.0f} ms"
                )
        value = len(subject_lat) / subject_time
        baseline = sum(baseline_rates) / len(baseline_rates)
        ratio = value / baseline
        per_core = value / cpus
        print(
            f"sign-in over HTTP: {value:.2f}/s (p50 {_percentile(subject_lat, 0.5) * 1000:.0f} ms, "
            f"p99 {_percentile(subject_lat, 0.99) * 1000:.0f} ms); {per_core:.2f}/s per core"
        )
        print(f"Argon2 verify alone ({args.workers} processes): {baseline:.2f}/s")
        print(f"ratio {ratio:.3f} (target {TARGET}); failed requests: {failed}")
        print(
            json.dumps(
                {
                    "benchmark": "signin",
                    "value": round(value, 2),
                    "unit": "sign-ins/s",
                    "baseline": round(baseline, 2),
                    "ratio": round(ratio, 3),
                    "target": TARGET,
                    "per_core": round(per_core, 2),
                    "cpus": cpus,
                    "argon2": params,
                    "p50_ms": round(_percentile(subject_lat, 0.5) * 1000, 1),
                    "failed": failed,
                }
            )
        )
        return 0 if ratio >= TARGET and not failed else 1
    finally:
        if server is not None:
            _stop_server(server)
        connections.close_all()
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
