"""Benchmark: step 1 of the legal-person registration (信息认证, REG-3) through the full HTTP
stack, against a bare Django view doing one primary-key lookup on the same register table.

    .venv/bin/python bench/registration.py [--rows N] [--workers N] [--threads N]
        [--clients N] [--seconds S] [--rounds R] [--keep] [--reuse] [--proposal]

Creates its own database (``zhengwu_bench_registration`` on the server of ``DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432/test``), migrates it and loads a register of N
fictitious entities (default 1,000,000; the CSV of ``bench/registry_import.py``, cached under
/tmp, loaded by ``registry_import`` with ``COPY``). Then serves the portal with gunicorn
(``--workers`` gthread workers, persistent database connections, the bench settings in
``bench/registration_site/``) and measures, in the same run, interleaved in ``--rounds``
alternating slices of ``--seconds`` each:

* subject: ``POST /api/v1/registrations/`` (the step-1 endpoint: validation, the registry
  provider's lookup and verification, a new draft, an audit event), each request with another
  active entity of the register whose data match (sampled across the whole table);
* baseline: ``GET /bench/baseline/<uscc>``, a bare view doing one primary-key lookup on the same
  table, for entities sampled the same way (each slice of either kind has its own window of
  entities not asked before).

Load: ``--clients`` keep-alive connections (``http.client``) in two processes of threads.
Prints requests/s of both (median of the slices), the ratio (median of the rounds' ratios: the
two slices of a round run back to back), p50/p99 latencies over all slices, then as the last
line one JSON object;
exits 1 if subject/baseline is below the target (0.5) or a request failed. Drops the database
at the end unless ``--keep``. ``--proposal`` adds a third kind of slice, interleaved with the
others: step 1 on a second gunicorn whose workers apply the changes proposed in
docs/performance.md (``bench/registration_site/wsgi.py``), a what-if reported beside the result.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT / "src"), str(BENCH_DIR)]

TARGET = 0.5
BENCH_DB = "zhengwu_bench_registration"
SETTINGS = "registration_site.settings"
SEED = 2026
SAMPLE = 100_000
WINDOW = 8_000  # entities per slice: more than a slice sends at this machine's rates
STEP1 = "/api/v1/registrations/"
BASELINE = "/bench/baseline/"
# REG-1 types that take the automatic wizard (``other`` goes to the manual channel).
WIZARD_TYPES = (
    "enterprise",
    "individual_business",
    "cooperative",
    "social_organisation",
    "agency",
    "public_institution",
)


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- load generation ------------------------------------------------------------------------


def _request(kind: str, item: dict[str, str]) -> tuple[str, str, bytes | None, dict[str, str]]:
    if kind == "baseline":
        return "GET", BASELINE + item["uscc"], None, {}
    body = json.dumps(item["step1"], ensure_ascii=False).encode()
    return "POST", STEP1, body, {"Content-Type": "application/json"}


def _client_process(
    port: int,
    kind: str,
    items: list[dict[str, str]],
    threads: int,
    start_at: float,
    end_at: float,
    out: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    """``threads`` keep-alive connections, each sending requests back to back from
    ``start_at`` to ``end_at``; puts (latencies of requests completed in the window, errors)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    expected = 200 if kind == "baseline" else 201

    def run(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad: list[str] = []
        i = offset
        while time.time() < start_at:
            time.sleep(0.001)
        while True:
            method, path, body, headers = _request(kind, items[i % len(items)])
            i += threads
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - t0
            if time.time() > end_at:
                break
            if response.status != expected:
                bad.append(f"{response.status}: {payload[:200].decode(errors='replace')}")
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
    out.put((latencies, errors[:20], len(errors)))


def _measure(
    port: int, kind: str, items: list[dict[str, str]], clients: int, seconds: float
) -> tuple[list[float], list[str], int, float]:
    """One slice: ``clients`` connections split over two processes; returns latencies, sample
    errors, error count and the window length."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    processes = 2 if clients >= 2 else 1
    start_at = time.time() + 0.5  # all connections start together, after the fork
    end_at = start_at + seconds
    per = [clients // processes + (1 if n < clients % processes else 0) for n in range(processes)]
    chunk = len(items) // processes
    procs = [
        ctx.Process(
            target=_client_process,
            args=(port, kind, items[n * chunk : (n + 1) * chunk], per[n], start_at, end_at, out),
        )
        for n in range(processes)
    ]
    for p in procs:
        p.start()
    latencies: list[float] = []
    errors: list[str] = []
    error_count = 0
    for _ in procs:
        lat, errs, count = out.get()
        latencies.extend(lat)
        errors.extend(errs)
        error_count += count
    for p in procs:
        p.join()
    return latencies, errors, error_count, end_at - start_at


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- set-up -----------------------------------------------------------------------------------


def _load_register(rows: int) -> Path:
    """Generate (or reuse) the CSV of ``bench/registry_import.py`` and load it."""
    from zhengwu.registry.services.demo import generate_rows, write_csv
    from zhengwu.registry.services.importing import registry_import

    data_dir = Path("/tmp/zhengwu-bench")
    data_dir.mkdir(exist_ok=True)
    fingerprint = hashlib.sha256(repr(list(generate_rows(50, SEED))).encode()).hexdigest()
    path = data_dir / f"registry-{rows}-{SEED}-{fingerprint[:8]}.csv"
    if not path.exists():
        t = time.perf_counter()
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        write_csv(tmp, generate_rows(rows, SEED))
        tmp.rename(path)
        print(f"generated {rows:,} rows in {time.perf_counter() - t:.1f} s: {path}")
    t = time.perf_counter()
    result = registry_import(path, report_path=data_dir / "report-registration.csv")
    print(
        f"register loaded: {result.inserted:,} entities in {time.perf_counter() - t:.1f} s "
        f"[{result.method}]"
    )
    if result.inserted != rows:
        raise SystemExit(f"ERROR: {result.inserted:,} rows loaded, expected {rows:,}")
    return path


def _sample(count: int) -> list[dict[str, str]]:
    """``count`` active entities spread over the whole table (random order) whose legal
    representative holds a current resident ID: the step-1 data that match the register."""
    from zhengwu.registry.models import MarketEntity

    rows = (
        MarketEntity.objects.filter(
            status="active",
            legal_person_type__in=WIZARD_TYPES,
            legal_rep_id_type="resident_id",
            is_id_number_legacy=False,
        )
        .order_by("?")
        .only("uscc", "name", "legal_person_type", "legal_rep_name", "legal_rep_id_number")[:count]
    )
    return [
        {
            "uscc": row.uscc,
            "step1": {  # type: ignore[dict-item]
                "location": "in_province",
                "legal_person_type": row.legal_person_type,
                "organisation_name": row.name,
                "uscc": row.uscc,
                "legal_rep_name": row.legal_rep_name,
                "legal_rep_id_type": "resident_id",
                "legal_rep_id_number": row.legal_rep_id_number,
                "agreement_accepted": True,
            },
        }
        for row in rows
    ]


def _start_server(port: int, workers: int, threads: int, env: dict[str, str]) -> subprocess.Popen:  # type: ignore[type-arg]
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "registration_site.wsgi:application",
        "--pythonpath",
        f"{ROOT / 'src'},{BENCH_DIR}",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--backlog",
        "512",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"ERROR: gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", BASELINE + "000000000000000000")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.3)
    _stop_server(server)
    raise SystemExit("ERROR: gunicorn did not start")


def _stop_server(server: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # our own session: gunicorn and its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--clients", type=int, default=12, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one slice")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/subject slice pairs")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a kept bench database holding --rows entities"
    )
    parser.add_argument(
        "--proposal",
        action="store_true",
        help="also measure, interleaved, the step-1 changes proposed in docs/performance.md "
        "(a second gunicorn with bench/registration_site/wsgi.py's what-if patches)",
    )
    args = parser.parse_args()

    import psycopg

    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    admin_url = _with_database(server_url, "postgres")
    bench_url = _with_database(server_url, BENCH_DB)
    reuse = False
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if args.reuse:
            try:
                with psycopg.connect(bench_url) as conn:
                    count = conn.execute("SELECT count(*) FROM registry_marketentity").fetchone()
                    reuse = bool(count) and count[0] == args.rows
            except psycopg.Error:
                reuse = False
        if not reuse:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {BENCH_DB}")

    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import warnings

    warnings.filterwarnings("ignore", category=RuntimeWarning)  # captcha test-mode notice
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    servers: list[subprocess.Popen] = []  # type: ignore[type-arg]
    try:
        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - t:.1f} s; {os.cpu_count()} CPUs (shared)")
        if reuse:
            print(f"register kept from an earlier --keep run: {args.rows:,} entities")
        else:
            _load_register(args.rows)
        t = time.perf_counter()
        items = _sample(SAMPLE)
        print(f"sampled {len(items):,} matching entities in {time.perf_counter() - t:.1f} s")
        connections.close_all()

        env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{BENCH_DIR}"}
        ports = {"baseline": _free_port()}
        ports["subject"] = ports["baseline"]
        servers.append(_start_server(ports["baseline"], args.workers, args.threads, env))
        kinds = ["baseline", "subject"]
        if args.proposal:
            # A second gunicorn with the what-if patches, idle while the others run.
            ports["proposal"] = _free_port()
            proposal_env = {**env, "ZHENGWU_BENCH_STEP1_PROPOSAL": "1"}
            servers.append(
                _start_server(ports["proposal"], args.workers, args.threads, proposal_env)
            )
            kinds.append("proposal")
            print("what-if 'proposal': step 1 with the changes of bench/registration_site/wsgi.py")
        print(
            f"gunicorn: {args.workers} gthread workers x {args.threads} threads per server; "
            f"{args.clients} keep-alive client connections"
        )
        # Warm-up: every worker connects to the database and fills its caches.
        for kind in kinds:
            _lat, errs, count, _w = _measure(ports[kind], kind, items[-WINDOW:], args.clients, 2.0)
            if count:
                print(f"ERROR during warm-up ({kind}): {count} failed, e.g. {errs[:3]}")
                return 1
        results: dict[str, dict[str, list[float]]] = {
            k: {"latencies": [], "windows": [], "rps": []} for k in kinds
        }
        offset = 0
        failed = 0
        for r in range(args.rounds):
            order = kinds if r % 2 == 0 else kinds[::-1]
            for kind in order:
                # Every slice, baseline included, gets its own window of entities never asked
                # before: same cache conditions for both, a new draft per step-1 request.
                part = items[offset : offset + WINDOW]
                offset = (offset + WINDOW) % max(1, len(items) - WINDOW)
                lat, errs, count, window = _measure(
                    ports[kind], kind, part, args.clients, args.seconds
                )
                failed += count
                if count:
                    print(f"  {kind}: {count} failed requests, e.g. {errs[:3]}")
                rps = len(lat) / window
                results[kind]["latencies"].extend(lat)
                results[kind]["windows"].append(window)
                results[kind]["rps"].append(rps)
                p50, p99 = _percentile(lat, 0.5) * 1000, _percentile(lat, 0.99) * 1000
                print(
                    f"  round {r + 1} {kind:8}: {rps:7,.0f} req/s p50 {p50:.1f} ms p99 {p99:.1f} ms"
                )
        # The slices of a round ran back to back: their ratio is the fair comparison on a
        # machine whose load drifts; the result is the median over the rounds.
        round_ratios = {
            kind: [
                s / b for s, b in zip(results[kind]["rps"], results["baseline"]["rps"], strict=True)
            ]
            for kind in kinds[1:]
        }
        summary = {}
        for kind, data in results.items():
            summary[kind] = {
                "rps": statistics.median(data["rps"]),
                "p50_ms": _percentile(data["latencies"], 0.5) * 1000,
                "p99_ms": _percentile(data["latencies"], 0.99) * 1000,
            }
        ratio = statistics.median(round_ratios["subject"])
        labels = {
            "baseline": "baseline (PK lookup view)",
            "subject": "step 1 API",
            "proposal": "step 1 API, what-if",
        }
        for kind in kinds:
            s = summary[kind]
            line = f"{labels[kind]:26}: {s['rps']:8,.0f} req/s  p50 {s['p50_ms']:.1f} ms  "
            line += f"p99 {s['p99_ms']:.1f} ms"
            if kind != "baseline":
                rounds = ", ".join(f"{x:.2f}" for x in round_ratios[kind])
                line += f"  ratio {statistics.median(round_ratios[kind]):.3f} ({rounds})"
            print(line)
        print(f"ratio {ratio:.3f} (target {TARGET}); failed requests: {failed}")
        report = {
            "benchmark": "registration",
            "value": round(summary["subject"]["rps"], 1),
            "unit": "requests/s",
            "baseline": round(summary["baseline"]["rps"], 1),
            "ratio": round(ratio, 3),
            "target": TARGET,
            "p50_ms": round(summary["subject"]["p50_ms"], 1),
            "p99_ms": round(summary["subject"]["p99_ms"], 1),
            "baseline_p50_ms": round(summary["baseline"]["p50_ms"], 1),
            "baseline_p99_ms": round(summary["baseline"]["p99_ms"], 1),
            "rows": args.rows,
            "round_ratios": [round(x, 3) for x in round_ratios["subject"]],
            "failed": failed,
        }
        if args.proposal:
            report["proposal_value"] = round(summary["proposal"]["rps"], 1)
            report["proposal_ratio"] = round(statistics.median(round_ratios["proposal"]), 3)
            report["proposal_p50_ms"] = round(summary["proposal"]["p50_ms"], 1)
            report["proposal_p99_ms"] = round(summary["proposal"]["p99_ms"], 1)
        print(json.dumps(report))
        return 0 if ratio >= TARGET and not failed else 1
    finally:
        for server in servers:
            _stop_server(server)
        connections.close_all()
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
