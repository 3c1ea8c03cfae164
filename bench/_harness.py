"""Machinery shared by the benchmarks in ``bench/`` (not a benchmark: ``scripts/bench.sh`` skips
``bench/_*.py``): the bench PostgreSQL database, Django set-up, gunicorn, keep-alive HTTP load
in client processes of threads, percentiles, the interleaved rounds and the JSON report line.

Every script imports it as ``_harness`` (``bench/`` is the script's own directory, first on
``sys.path``); importing it also puts ``src/`` on ``sys.path``.
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
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
BENCH_DIR = ROOT / "bench"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/test"
DATA_DIR = Path("/tmp/zhengwu-bench")
# For the portal's own settings (``zhengwu.settings.base``) where the caller sets nothing else.
PORTAL_DEFAULTS = {"ZHENGWU_VAR_DIR": "/tmp/zhengwu-bench-var", "LOG_LEVEL": "ERROR"}


def parser(doc: str | None) -> argparse.ArgumentParser:
    """The options of a database benchmark: the docstring's first paragraph as description,
    and ``--keep``."""
    result = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    result.add_argument("--keep", action="store_true", help="keep the bench database")
    return result


def default_rows(default: int = 1_000_000) -> int:
    """The size of a benchmark's register when ``--rows`` is not given: ``ZHENGWU_BENCH_ROWS``
    (``10_000_000`` or ``10000000``), else ``default``."""
    return int(os.environ.get("ZHENGWU_BENCH_ROWS", "").replace("_", "") or default)


def bench_db(default: str) -> str:
    """The bench database's name: ``ZHENGWU_BENCH_DB`` if set (several runs side by side, e.g.
    a kept 10,000,000-entity database beside the 1,000,000 one), else ``default``."""
    return os.environ.get("ZHENGWU_BENCH_DB") or default


def add_size_options(p: argparse.ArgumentParser, default: int = 1_000_000) -> None:
    """``--rows`` (default ``ZHENGWU_BENCH_ROWS``, else ``default``) and ``--reuse``."""
    p.add_argument(
        "--rows",
        type=int,
        default=default_rows(default),
        help=f"register size (default $ZHENGWU_BENCH_ROWS, else {default:,})",
    )
    p.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a database kept by an earlier --keep run with the same --rows "
        "(generated again if it has another size); implies --keep",
    )


# --- the bench database -------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


class Database:
    """The bench database ``name`` on the server of ``DATABASE_URL`` (default
    ``postgres://postgres@127.0.0.1:5432/test``); the test data is never touched."""

    def __init__(self, name: str) -> None:
        server_url = os.environ.get("DATABASE_URL", DEFAULT_SERVER_URL)
        self.name = name
        self.admin_url = with_database(server_url, "postgres")
        self.url = with_database(server_url, name)

    def create(self) -> None:
        """Drop the database if it exists (closing its connections), then create it empty."""
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {self.name}")

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def reusable(self, table: str, rows: int) -> bool:
        """Whether a kept database already holds ``rows`` rows in ``table`` (its first
        migration's size check; a kept database is migrated again by the run)."""
        return self.count(table) == rows

    def count(self, table: str) -> int | None:
        """Rows of ``table`` in a kept database; ``None`` if there is no such database/table."""
        import psycopg

        try:
            with psycopg.connect(self.url) as conn:
                row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        except psycopg.Error:
            return None
        return int(row[0]) if row else None

    def finish(self, keep: bool) -> None:
        """End of the run: close Django's connections and drop the database unless ``keep``."""
        from django.db import connections

        connections.close_all()
        if not keep:
            self.drop()


def setup_django(
    database_url: str,
    settings: str,
    env: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
) -> None:
    """Point Django at the bench database and set it up with ``env`` (and ``defaults`` where
    the environment has no value); quiet about RuntimeWarnings (the captcha's test-mode
    notice)."""
    import warnings

    os.environ.update(env or {})
    for key, value in (defaults or {}).items():
        os.environ.setdefault(key, value)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    import django

    django.setup()


def open_database(
    name: str,
    settings: str,
    env: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
) -> Database:
    """Create the bench database ``name`` (dropping an earlier one) and set Django up on it."""
    db = Database(name)
    db.create()
    setup_django(db.url, settings, env, defaults)
    return db


def migrate() -> float:
    """Migrate the bench database; returns the seconds it took."""
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    return time.perf_counter() - t


def register_csv(rows: int, seed: int) -> Path:
    """The CSV export of ``rows`` fictitious register entities (``registry.services.demo``),
    generated once and cached under /tmp. The cache key includes a fingerprint of the
    generator's output, so a changed generator never reuses a stale file."""
    from zhengwu.registry.services.demo import generate_rows, write_csv

    DATA_DIR.mkdir(exist_ok=True)
    fingerprint = hashlib.sha256(repr(list(generate_rows(50, seed))).encode()).hexdigest()
    path = DATA_DIR / f"registry-{rows}-{seed}-{fingerprint[:8]}.csv"
    if not path.exists():
        t = time.perf_counter()
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        write_csv(tmp, generate_rows(rows, seed))
        tmp.rename(path)
        print(f"generated {rows:,} rows in {time.perf_counter() - t:.1f} s: {path}")
    return path


# --- gunicorn -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(
    app: str,
    port: int,
    *,
    workers: int,
    threads: int,
    env: dict[str, str],
    pythonpath: Sequence[Path] = (SRC,),
    options: Sequence[str] = ("--keep-alive", "30"),
    probe: str = "/healthz",
    probe_timeout: float = 2,
) -> subprocess.Popen[bytes]:
    """gunicorn (gthread workers) in a session of its own; returns once ``probe`` answers."""
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        app,
        "--pythonpath",
        ",".join(str(p) for p in pythonpath),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        *options,
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"ERROR: gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=probe_timeout)
            conn.request("GET", probe)
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(server)
    raise SystemExit("ERROR: gunicorn did not start")


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # our own session: gunicorn and its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- HTTP load ----------------------------------------------------------------------------------

# (method, path, body, headers) of one request.
Request = tuple[str, str, bytes | None, dict[str, str]]


@dataclass
class Load:
    """What the clients send: ``build(item, state)`` makes the request for one item, where
    ``state`` is what ``prepare(connection)`` returned once per connection (``None`` without
    ``prepare``); any other status than ``expected`` counts as a failed request."""

    build: Callable[[Any, Any], Request]
    expected: int = 200
    prepare: Callable[[http.client.HTTPConnection], Any] | None = None
    timeout: float = 30
    start_delay: float = 0.5  # after the fork (and ``prepare``), all connections start together
    # ``False`` for items that can be sent once only (a draft submitted): a connection that has
    # sent its whole share stops instead of sending its first items again.
    reuse: bool = True


@dataclass
class Slice:
    """One slice of load: latencies of the requests completed inside the window, sample errors,
    the number of failed requests and the window's length in seconds."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: int = 0
    window: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.window


def _client_process(
    load: Load,
    port: int,
    items: Sequence[Any],
    threads: int,
    start_at: float,
    end_at: float,
    out: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    """``threads`` keep-alive connections, each sending requests back to back from
    ``start_at`` to ``end_at``; puts (latencies of requests completed in the window, sample
    errors, error count)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=load.timeout)
        state = load.prepare(conn) if load.prepare else None
        mine: list[float] = []
        bad: list[str] = []
        i = offset
        while time.time() < start_at:
            time.sleep(0.001)
        while True:
            if not load.reuse and i >= len(items):
                bad.append("share of items used up: raise the number of items")
                break
            method, path, body, headers = load.build(items[i % len(items)], state)
            i += threads
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=load.timeout)
                continue
            elapsed = time.perf_counter() - t0
            if time.time() > end_at:
                break
            if response.status != load.expected:
                text = payload[:200].decode(errors="replace")
                bad.append(f"{response.status} {method} {path}: {text}")
                continue  # a failed request is not a served one
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


def measure(load: Load, port: int, items: Sequence[Any], clients: int, seconds: float) -> Slice:
    """One slice: ``clients`` keep-alive connections split over two client processes (one if
    a single client), each process with its own share of ``items``."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    processes = 2 if clients >= 2 else 1
    start_at = time.time() + load.start_delay
    end_at = start_at + seconds
    per = [clients // processes + (1 if n < clients % processes else 0) for n in range(processes)]
    chunk = len(items) // processes
    procs = [
        ctx.Process(
            target=_client_process,
            args=(load, port, items[n * chunk : (n + 1) * chunk], per[n], start_at, end_at, out),
        )
        for n in range(processes)
    ]
    for p in procs:
        p.start()
    result = Slice(window=end_at - start_at)
    for _ in procs:
        lat, errs, count = out.get()
        result.latencies.extend(lat)
        result.errors.extend(errs)
        result.failed += count
    for p in procs:
        p.join()
    return result


# --- rounds, figures, report --------------------------------------------------------------------


def interleaved(rounds: int, kinds: Sequence[str]) -> Iterator[tuple[int, str]]:
    """(round, kind) of every slice: the kinds in order in even rounds, reversed in odd ones,
    so that no kind always runs first (the machine's load drifts)."""
    for r in range(rounds):
        for kind in kinds if r % 2 == 0 else kinds[::-1]:
            yield r, kind


def timed_rounds(rounds: int, calls: dict[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Wall time of each call, ``rounds`` times, interleaved; seconds per kind."""
    times: dict[str, list[float]] = {kind: [] for kind in calls}
    for _r, kind in interleaved(rounds, list(calls)):
        t = time.perf_counter()
        calls[kind]()
        times[kind].append(time.perf_counter() - t)
    return times


def warm_up(slice_of: Callable[[str], Slice], kinds: Sequence[str]) -> bool:
    """A short slice of every kind (``slice_of(kind)``: each worker connects to the database
    and fills its caches); False, after printing why, if a request failed."""
    for kind in kinds:
        result = slice_of(kind)
        if result.failed:
            errors = result.errors[:3]
            print(f"ERROR during warm-up ({kind}): {result.failed} failed, e.g. {errors}")
            return False
    return True


def print_slice(r: int, kind: str, result: Slice, width: int) -> None:
    if result.failed:
        print(f"  {kind}: {result.failed} failed requests, e.g. {result.errors[:3]}")
    p50, p99 = percentile(result.latencies, 0.5) * 1000, percentile(result.latencies, 0.99) * 1000
    rate = f"{result.rps:7,.0f} req/s"
    print(f"  round {r + 1} {kind:{width}}: {rate} p50 {p50:.1f} ms p99 {p99:.1f} ms")


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(result: dict[str, Any], ok: bool, **dumps: Any) -> int:
    """Print the result as the last line, one JSON object; the exit status (0 if ``ok``)."""
    print(json.dumps(result, **dumps))
    return 0 if ok else 1
