"""Fault drill: the database lost under load on registration step 1 (OPS-2, issue 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<server> \\
        .venv/bin/python scripts/drill_db_loss.py [--database NAME] [--workers 4] \\
        [--clients 8] [--seconds 6] [--restart-cmd "sudo systemctl restart postgresql"]

Creates the database NAME (default ``zhengwu_drill``; dropped at the end unless ``--keep``)
on the server of ``DATABASE_URL``, migrates it, loads a small demo register, serves the portal
(``zhengwu.wsgi``, persistent connections) with gunicorn and sends step-1 API requests
(``POST /api/v1/registrations/``) from ``--clients`` keep-alive connections. Half-way it
breaks the database under the workers: by default, for ``--outage`` seconds (0.5), NAME
refuses new connections (``ALTER DATABASE ... ALLOW_CONNECTIONS false``) and every backend of
NAME is terminated with ``pg_terminate_backend`` every 50 ms — what a restart does to the
workers' persistent connections and to requests arriving meanwhile, touching no other
database; or it runs ``--restart-cmd`` (a real restart, for a server of its own). Prints
one line per fact it checks, and exits non-zero when one does not hold:

* ``no 500``: every request that met the lost database answered 503 (or 201), none 500;
* ``503 in the contract``: each 503 is ``{"code": "service.unavailable", ...}`` with
  ``Retry-After``;
* ``recovered in < 1 s``: from the database being back to the last non-201 answer;
* ``cause logged``: gunicorn's log has one ``database unavailable`` line per 503, with the
  exception class, and no traceback.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import _harness as h  # noqa: E402


def _load(port: int, items: list[dict], stop: threading.Event, out: list, offset: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = offset
    while not stop.is_set():
        body = json.dumps(items[i % len(items)], ensure_ascii=False).encode()
        i += 1
        headers = {"Content-Type": "application/json"}
        try:
            conn.request("POST", "/api/v1/registrations/", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as exc:
            out.append((time.monotonic(), 0, f"{type(exc).__name__}", ""))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        out.append(
            (
                time.monotonic(),
                response.status,
                payload[:300].decode(errors="replace"),
                response.getheader("Retry-After") or "",
            )
        )
    conn.close()


def main() -> int:
    parser = h.parser(__doc__)
    parser.add_argument("--database", default="zhengwu_drill")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--entities", type=int, default=300)
    parser.add_argument("--outage", type=float, default=0.5, help="seconds the database is gone")
    parser.add_argument("--restart-cmd", default="", help="restart PostgreSQL instead")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="zhengwu-drill-")
    env = {"ZHENGWU_VAR_DIR": var_dir, "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "600"}
    db = h.open_database(args.database, "zhengwu.settings.base", env)
    server = None
    log_path = Path(var_dir) / "gunicorn.log"
    try:
        h.migrate()
        from django.core.management import call_command
        from django.db import connections

        call_command("demo_data", count=args.entities, verbosity=0)
        from registration import _sample  # bench/registration.py: matching step-1 data

        items = [item["step1"] for item in _sample(100)]
        connections.close_all()
        print(f"database {args.database}: {len(items)} matching entities")

        port = h.free_port()
        server_env = {**os.environ, "DATABASE_URL": db.url, **env}
        server_env["DJANGO_SETTINGS_MODULE"] = "zhengwu.settings.base"
        with open(log_path, "wb") as log:
            server = subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/gunicorn"),
                    "zhengwu.wsgi:application",
                    "--pythonpath",
                    str(h.SRC),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                ],
                env=server_env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            deadline = time.time() + 60
            while True:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    c.request("GET", "/healthz")
                    c.getresponse().read()
                    break
                except OSError as exc:
                    if time.time() > deadline or server.poll() is not None:
                        raise SystemExit(f"ERROR: gunicorn did not start ({log_path})") from exc
                    time.sleep(0.3)

            results: list[tuple[float, int, str, str]] = []
            stop = threading.Event()
            clients = [
                threading.Thread(target=_load, args=(port, items, stop, results, n * 7))
                for n in range(args.clients)
            ]
            for t in clients:
                t.start()
            time.sleep(args.seconds / 2)
            fault_at = time.monotonic()
            if args.restart_cmd:
                subprocess.run(args.restart_cmd, shell=True, check=True)
                print(f"fault: {args.restart_cmd!r}")
            else:
                import psycopg

                admin_url = h.with_database(db.url, "postgres")
                with psycopg.connect(admin_url, autocommit=True) as c:
                    c.execute(f"ALTER DATABASE {args.database} ALLOW_CONNECTIONS false")
                    killed = 0
                    while time.monotonic() - fault_at < args.outage:
                        row = c.execute(
                            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                            " FROM pg_stat_activity WHERE datname = %s",
                            [args.database],
                        ).fetchone()
                        killed += row[0] if row else 0
                        time.sleep(0.05)
                    c.execute(f"ALTER DATABASE {args.database} ALLOW_CONNECTIONS true")
                print(
                    f"fault: {args.database} refused connections for {args.outage} s, "
                    f"{killed} backend(s) terminated"
                )
            back_at = time.monotonic()
            time.sleep(args.seconds / 2)
            stop.set()
            for t in clients:
                t.join()
    finally:
        if server is not None:
            h.stop_gunicorn(server)
        db.finish(args.keep)

    statuses: dict[int, int] = {}
    for _at, status, _body, _retry in results:
        statuses[status] = statuses.get(status, 0) + 1
    bad = [r for r in results if r[1] != 201]
    unavailable = [r for r in results if r[1] == 503]
    last_bad = max((r[0] for r in bad), default=back_at)
    log_lines = log_path.read_text(errors="replace").splitlines()
    cause_lines = [line for line in log_lines if "database unavailable" in line]
    checks = {
        "no 500 (and no dropped connection)": not [r for r in bad if r[1] != 503],
        "503 in the contract, with Retry-After": all(
            '"code": "service.unavailable"' in r[2] and r[3] for r in unavailable
        ),
        f"recovered in < 1 s after the database is back ({max(0, last_bad - back_at):.3f} s)": (
            last_bad - back_at < 1.0
        ),
        f"cause logged ({len(cause_lines)} line(s) for {len(unavailable)} 503)": (
            len(cause_lines) >= len(unavailable)
            and all("Error" in line for line in cause_lines)
            and not any(line.startswith("Traceback") for line in log_lines)
        ),
    }
    counts = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
    print(f"{len(results)} requests: {counts}")
    for line in cause_lines[:2] + [line for line in cause_lines if "Error" not in line][:2]:
        print("  log:", line[line.find("database unavailable") :][:240])
    for name, ok in checks.items():
        print(("ok    " if ok else "FAIL  ") + name)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
