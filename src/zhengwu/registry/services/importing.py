"""``registry_import``: load a market-supervision export into ``MarketEntity``.

Pipeline (one transaction; a file that cannot be read imports nothing)::

    main process: read the file in chunks of whole records ──► worker processes: parse,
    validate with zhengwu.identifiers, encrypt, hash, format ──► main process: drop duplicate
    USCCs, write the report, stream good records to the database

* PostgreSQL, empty table (first load): ``COPY`` straight into the table; for a large load the
  primary key is dropped before and built after it (a sorted build is several times cheaper
  than a million random insertions).
* PostgreSQL, table with data: ``COPY`` into a temporary staging table, then one ``UPDATE …
  FROM`` of the rows whose ``row_hash`` differs and one ``INSERT … WHERE NOT EXISTS`` of the new
  ones, under a ``SHARE ROW EXCLUSIVE`` lock (readers go on; a second import waits). Measured
  faster than ``INSERT … ON CONFLICT DO UPDATE`` (no speculative insertion), and the counts of
  inserted and updated rows come out exact.
* SQLite: ``executemany`` of ``INSERT … ON CONFLICT (uscc) DO UPDATE … WHERE row_hash IS NOT
  excluded.row_hash`` in the same transaction.

Unchanged rows are never written (their ``updated_at`` stays). A USCC seen again later in the
same file is rejected and reported; the first valid occurrence is imported.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from hashlib import sha256
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zhengwu.audit.services import record_event
from zhengwu.core.crypto import keyring

from .. import conf
from ..models import ImportCheckpoint, MarketEntity
from .reading import RegistryImportError, Source, open_source
from .rows import (
    PREPARED_COLUMNS,
    PreparerConfig,
    RowError,
    RowPreparer,
    init_worker,
    run_task,
    work,
)

logger = logging.getLogger(__name__)

#: Chunks in flight per worker process (bounds memory: ~1 MiB in, ~2.5 MiB out each).
IN_FLIGHT = 4
#: Prepare chunks in this process while the worker processes start (~0.4 s each).
PREPARE_WHILE_WARMING = True
REPORT_HEADER = ("行号", "字段", "原因")
# The timestamps are left to the database default (one time for the whole import).
COLUMNS = PREPARED_COLUMNS

__all__ = ["ImportResult", "RegistryImportError", "registry_import"]


@dataclass
class ImportResult:
    """What an import did. ``rejected`` counts rows not imported (``duplicates`` included)."""

    file_name: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0
    report_path: str = ""
    method: str = ""
    workers: int = 1
    seconds: float = 0.0
    #: Wall seconds per phase (``stream``: read, prepare and load; ``finish``: merge, index).
    phases: dict[str, float] = field(default_factory=dict)
    #: A resumed batched import: the physical line it started at (0: from the start).
    resumed_at_line: int = 0

    def counts(self) -> dict[str, int]:
        skip = ("workers", "resumed_at_line")
        return {k: v for k, v in asdict(self).items() if isinstance(v, int) and k not in skip}


def registry_import(
    path: str | Path,
    *,
    report_path: str | Path | None = None,
    workers: int | None = None,
    actor: Any = "registry_import",
    progress: IO[str] | None = None,
    batch_rows: int = 0,
) -> ImportResult:
    """Import the export at ``path`` (CSV or XLSX) into ``MarketEntity``.

    Good rows are inserted or updated (by USCC), unchanged rows are left alone, and every
    problem of every rejected row goes to the report at ``report_path`` (default: beside the
    file, ``<name>.report.csv``; UTF-8 with BOM so that Excel shows the Chinese). ``workers``
    is the number of worker processes (``None``: chosen from the file size and the CPUs; 0 or
    1: in this process). ``progress``: a stream for the progress line (rows done of the
    estimated total, rows/s, time left; ``None``: none).

    ``batch_rows`` (CSV only; 0: one transaction for the whole file): commit after about this
    many rows and record an :class:`~zhengwu.registry.models.ImportCheckpoint`, so that an
    interrupted import keeps what it loaded and a re-run of the same file resumes after the
    last committed batch (the report is appended to).

    Raises :class:`RegistryImportError` when the file cannot be imported at all (nothing is
    imported then). Records the audit event ``registry.import`` with the counts.
    """
    started = time.perf_counter()
    path = Path(path)
    source = open_source(path)
    try:
        return _import(source, started, report_path, workers, actor, progress, batch_rows)
    finally:
        source.close()


def _import(
    source: Source,
    started: float,
    report_path: str | Path | None,
    workers: int | None,
    actor: Any,
    progress: IO[str] | None,
    batch_rows: int = 0,
) -> ImportResult:
    path = source.path
    report = Path(report_path) if report_path else path.with_name(path.name + ".report.csv")
    workers = _choose_workers(source, workers)
    result = ImportResult(file_name=path.name, report_path=str(report), workers=max(workers, 1))
    batched = batch_rows > 0 and source.format == "csv"
    checkpoint = _checkpoint(source) if batched else None
    if checkpoint is not None and not checkpoint.finished and checkpoint.next_offset:
        result.resumed_at_line = int(checkpoint.next_line)
        source = replace(
            source,
            data_offset=int(checkpoint.next_offset),
            first_data_line=int(checkpoint.next_line),
        )
    resuming = bool(result.resumed_at_line) and report.exists()
    now = timezone.now()
    vendor = connection.vendor
    config = PreparerConfig(
        positions=source.positions,
        headers=source.headers,
        width=len(source.header),
        output="copy" if vendor == "postgresql" else "rows",
        today=timezone.localdate(now),
        field_keys=settings.ZHENGWU_FIELD_KEYS,
        hash_key=settings.ZHENGWU_HASH_KEY,
        encoding=source.encoding,
        delimiter=source.delimiter,
    )
    bar = Progress(source, progress) if progress is not None else None
    seen: dict[str, int] = {}
    uscc_label = source.headers["uscc"]
    offset = source.data_offset
    line_at = _Lines(source)
    with report.open(
        "a" if resuming else "w", encoding="utf-8" if resuming else "utf-8-sig", newline=""
    ) as report_file:
        writer = csv.writer(report_file)
        if not resuming:
            writer.writerow(REPORT_HEADER)
        results = _results(source, config, workers)
        exhausted = False
        phase = time.perf_counter()
        while not exhausted:
            exhausted = True
            with transaction.atomic():
                loader = _loader(vendor, source)
                batch = 0
                with loader:
                    result.method = loader.method
                    for payload, keys, lines, errors, units in results:
                        rejected_lines = {e.line for e in errors}
                        result.rows += len(lines) + len(rejected_lines)
                        result.rejected += len(rejected_lines)
                        report_rows = [(e.line, e.field, e.reason) for e in errors]
                        duplicates = []
                        if seen.keys().isdisjoint(keys) and len(set(keys)) == len(keys):
                            seen.update(zip(keys, lines, strict=True))  # the usual case, in C
                            keys = []
                        for i, (key, line) in enumerate(zip(keys, lines, strict=False)):
                            first = seen.setdefault(key, line)
                            if first != line:
                                duplicates.append(i)
                                reason = (
                                    f"与第 {first} 行的统一社会信用代码重复，以第 {first} 行为准"
                                )
                                report_rows.append((line, uscc_label, reason))
                        if duplicates:
                            result.duplicates += len(duplicates)
                            result.rejected += len(duplicates)
                            payload = _without(payload, duplicates)
                            report_rows.sort(key=lambda r: r[0])  # stable: problems keep order
                        writer.writerows(report_rows)
                        loader.write(payload, len(lines) - len(duplicates))
                        offset += units
                        batch += len(lines) + len(rejected_lines)
                        if bar is not None:
                            bar.update(units, len(lines) + len(rejected_lines))
                        if batched and batch >= batch_rows:
                            exhausted = False
                            break
                    mark = time.perf_counter()
                result.phases["finish"] = round(
                    result.phases.get("finish", 0) + time.perf_counter() - mark, 3
                )
                result.inserted += loader.inserted
                result.updated += loader.updated
                if checkpoint is not None:
                    checkpoint.next_offset = offset
                    checkpoint.next_line = line_at.at(offset)
                    checkpoint.rows += batch
                    checkpoint.finished = exhausted
                    checkpoint.save()
                    report_file.flush()  # the report holds what the committed batches rejected
        result.phases["stream"] = round(
            time.perf_counter() - phase - result.phases.get("finish", 0), 3
        )
        result.unchanged = result.rows - result.rejected - result.inserted - result.updated
        result.seconds = round(time.perf_counter() - started, 3)
        record_event(
            "registry.import",
            actor=actor,
            subject=("registry.import", path.name),
            after={**result.counts(), "file": path.name, "method": result.method},
        )
    if bar is not None:
        bar.close()
    logger.debug("registry import of %s: %s", path.name, result.counts())
    return result


def fingerprint(source: Source) -> str:
    """The file's identity for checkpoints: size, first and last 64 KiB (cheap at any size)."""
    digest = sha256(str(source.size).encode())
    with source.path.open("rb") as f:
        digest.update(f.read(1 << 16))
        f.seek(max(source.size - (1 << 16), 0))
        digest.update(f.read(1 << 16))
    return digest.hexdigest()


def _checkpoint(source: Source) -> ImportCheckpoint:
    found, _ = ImportCheckpoint.objects.get_or_create(
        fingerprint=fingerprint(source),
        defaults={
            "file_name": source.path.name[:255],
            "size": source.size,
            "next_offset": 0,
            "next_line": source.first_data_line,
        },
    )
    if found.finished:
        found.next_offset, found.next_line, found.rows = 0, source.first_data_line, 0
    return found


class _Lines:
    """Physical line number at a byte offset (a record boundary), counted forward from the
    last offset asked, so each byte of the file is read once more in all."""

    def __init__(self, source: Source) -> None:
        self.path = source.path
        self.offset = source.data_offset
        self.line = source.first_data_line

    def at(self, offset: int) -> int:
        with self.path.open("rb") as f:
            f.seek(self.offset)
            while self.offset < offset:
                block = f.read(min(offset - self.offset, 1 << 22))
                if not block:
                    break
                self.line += block.count(b"\n")
                self.offset += len(block)
        return self.line


class Progress:
    """A progress line on a stream: rows done of the estimated total, rows/s and time left.

    CSV progress is measured in bytes read (exact), shown as rows (the total is estimated
    from the bytes so far). Redrawn at most twice a second, with a carriage return.
    """

    def __init__(self, source: Source, stream: IO[str], interval: float = 0.5) -> None:
        self.stream = stream
        self.name = source.path.name
        self.total_units = (
            max(source.size - source.data_offset, 1)
            if source.format == "csv"
            else max(source.estimated_rows, 1)
        )
        self.units = 0
        self.rows = 0
        self.started = time.perf_counter()
        self.shown = 0.0
        self.interval = interval

    def update(self, units: int, rows: int) -> None:
        self.units += units
        self.rows += rows
        now = time.perf_counter()
        if now - self.shown >= self.interval:
            self.shown = now
            self.stream.write("\r" + self.line(now))
            self.stream.flush()

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        done = min(self.units / self.total_units, 1.0)
        total = int(self.rows / done) if done else 0
        rate = self.rows / elapsed
        left = elapsed * (1 - done) / done if done else 0
        return (
            f"{self.name}: {self.rows:,}/{total:,} 行 ({done:.0%})，{rate:,.0f} 行/秒，"
            f"剩余 {int(left) // 60}:{int(left) % 60:02d}"
        )

    def close(self) -> None:
        self.stream.write("\r" + self.line(time.perf_counter()) + "\n")
        self.stream.flush()


def _choose_workers(source: Source, workers: int | None) -> int:
    if workers is not None:
        return max(int(workers), 0)
    if source.format != "csv" or source.size < conf.parallel_min_bytes():
        return 0
    return max(min(os.cpu_count() or 1, conf.max_workers()), 0)


def _results(
    source: Source, config: PreparerConfig, workers: int
) -> Iterator[tuple[Any, list[str], list[int], list[RowError], int]]:
    """Results of the tasks, in file order.

    At most ``IN_FLIGHT × workers`` chunks are in flight, so a large file is never held in
    memory. Worker processes take ~0.4 s to start (a fresh interpreter importing the row
    code); meanwhile this process prepares chunks itself rather than wait.
    """
    tasks = source.tasks()
    local: RowPreparer | None = None
    if workers <= 1:
        local = RowPreparer(config, keyring())
        for task in tasks:
            yield run_task(local, task)
        return
    context = _worker_context()
    with context.Pool(workers, initializer=init_worker, initargs=(config,)) as pool:
        pending: deque[Any] = deque()
        submitted = 0
        warm = False
        for task in tasks:
            # Warm once a worker has delivered: from then on everything goes to the pool.
            warm = warm or any(p.ready() for p in pending if isinstance(p, AsyncResult))
            if (
                not warm
                and submitted >= workers
                and len(pending) < IN_FLIGHT * workers
                and PREPARE_WHILE_WARMING
            ):
                local = local or RowPreparer(config, keyring())
                pending.append(_Done(run_task(local, task)))
            else:
                pending.append(pool.apply_async(work, (task,)))
                submitted += 1
            while pending and (len(pending) >= IN_FLIGHT * workers or pending[0].ready()):
                head = pending.popleft()
                warm = warm or isinstance(head, AsyncResult)
                yield head.get()
        while pending:
            yield pending.popleft().get()


#: Module the fork server imports once, before it forks the workers.
WORKER_PRELOAD = "zhengwu.registry.services.rows"


def _worker_context() -> Any:
    """``forkserver`` with the row code preloaded: the workers are forks of a fresh
    interpreter (no Django project, no database connection inherited from this process, no
    fork of a threaded process, as with ``spawn``) that imported the row code once, so each
    worker skips that import (≈0.3 s of CPU with a bytecode cache, ≈0.7 s without, per worker
    and per import). ``spawn`` where there is no fork server (not POSIX)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([WORKER_PRELOAD])  # used when the server starts
    return context


class _Done:
    """A result computed in this process, queued among the workers' ``AsyncResult``s."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def ready(self) -> bool:
        return True

    def get(self) -> Any:
        return self.value


def _without(payload: Any, indexes: list[int]) -> Any:
    drop = set(indexes)
    if isinstance(payload, bytes):
        records = payload.split(b"\n")[:-1]  # COPY text: one record per line
        return b"".join(r + b"\n" for i, r in enumerate(records) if i not in drop)
    return [r for i, r in enumerate(payload) if i not in drop]


# --- database loaders -------------------------------------------------------------------------
def _loader(vendor: str, source: Source) -> _Loader:
    if vendor == "postgresql":
        return _PostgresLoader(source)
    if vendor == "sqlite":
        return _SqliteLoader()
    raise RegistryImportError(f"不支持的数据库：{vendor}")


class _Loader(contextlib.AbstractContextManager["_Loader"]):
    method = ""
    inserted = 0
    updated = 0

    def write(self, payload: Any, count: int) -> None:
        raise NotImplementedError


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


class _SqliteLoader(_Loader):
    """``executemany`` upserts; inserted = growth of the table, updated = the other changes."""

    method = "sqlite-upsert"

    def __enter__(self) -> _SqliteLoader:
        table = _q(MarketEntity._meta.db_table)
        names = ", ".join(_q(c) for c in COLUMNS)
        updates = ", ".join(
            [*(f"{_q(c)} = excluded.{_q(c)}" for c in COLUMNS if c != "uscc"),
             f"{_q('updated_at')} = excluded.{_q('updated_at')}"]
        )  # fmt: skip
        self.sql = (
            f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(COLUMNS))}) "
            f"ON CONFLICT ({_q('uscc')}) DO UPDATE SET {updates} "
            f"WHERE {table}.{_q('row_hash')} IS NOT excluded.{_q('row_hash')}"
        )
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()
        self.before = self._count(table)
        self.table = table
        self.changes = 0
        return self

    def _count(self, table: str) -> int:
        return self.cursor.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def write(self, payload: Any, count: int) -> None:
        if payload:
            self.cursor.executemany(self.sql, payload)
            self.changes += self.cursor.rowcount

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is None:
            self.inserted = self._count(self.table) - self.before
            self.updated = self.changes - self.inserted
        self.cursor.close()


class _PostgresLoader(_Loader):
    """``COPY`` into the empty table, or into a staging table followed by update + insert."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def __enter__(self) -> _PostgresLoader:
        self.stack = contextlib.ExitStack()
        self.table_name = MarketEntity._meta.db_table
        self.table = _q(self.table_name)
        self.names = ", ".join(_q(c) for c in COLUMNS)
        connection.ensure_connection()
        self.raw = connection.connection.cursor()
        # Self-exclusive: one import at a time; readers (registration checks) go on.
        self.raw.execute(f"LOCK TABLE {self.table} IN SHARE ROW EXCLUSIVE MODE")
        self.raw.execute(f"SELECT EXISTS (SELECT 1 FROM {self.table})")
        self.direct = not self.raw.fetchone()[0]
        self.bulk = self.direct and self.source.estimated_rows >= conf.bulk_load_rows()
        self.primary_key = ""
        self.count = 0
        if self.direct:
            self.method = "postgresql-copy"
            if self.bulk:
                self._drop_primary_key()
            target = self.table
        else:
            self.method = "postgresql-staging"
            self.raw.execute(
                "CREATE TEMPORARY TABLE registry_import_staging "
                f"(LIKE {self.table} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            target = "registry_import_staging"
        self.copy = self.stack.enter_context(
            self.raw.copy(f"COPY {target} ({self.names}) FROM STDIN")
        )
        return self

    def _drop_primary_key(self) -> None:
        """First large load: drop the primary key (unless a foreign key depends on it);
        ``_add_primary_key`` builds it after the COPY. PostgreSQL's advice for populating a
        table: a sorted index build is several times cheaper than a million random insertions.
        The table is empty and locked exclusively until commit, so nobody sees it without its
        key; a failure rolls the whole import back."""
        self.raw.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
            "WHERE f.confrelid = %s::regclass AND f.contype = 'f')",
            (self.table, self.table),
        )
        row = self.raw.fetchone()
        if row:
            self.method += "+key-rebuild"
            self.raw.execute(f"LOCK TABLE {self.table} IN ACCESS EXCLUSIVE MODE")
            self.primary_key = row[0]
            self.raw.execute(f"ALTER TABLE {self.table} DROP CONSTRAINT {_q(self.primary_key)}")

    def _add_primary_key(self) -> None:
        # Duplicates were removed before the COPY; if one slipped through, this fails and the
        # import rolls back.
        self.raw.execute(
            f"ALTER TABLE {self.table} ADD CONSTRAINT {_q(self.primary_key)} "
            f"PRIMARY KEY ({_q('uscc')})"
        )

    def write(self, payload: Any, count: int) -> None:
        if payload:
            self.copy.write(payload)
            self.count += count

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            self.stack.__exit__(exc_type, exc, tb)
            if exc_type is not None:
                return
            if self.direct:
                self.inserted = self.count
                if self.primary_key:
                    self._add_primary_key()
                return
            self._merge()
            # ON COMMIT DROP only fires at the outermost commit; a caller's transaction (or a
            # test) may run a second import before that.
            self.raw.execute("DROP TABLE registry_import_staging")
        finally:
            self.raw.close()

    def _merge(self) -> None:
        t, s = self.table, "registry_import_staging"
        sets = ", ".join(
            [*(f"{_q(c)} = s.{_q(c)}" for c in COLUMNS if c != "uscc"),
             f"{_q('updated_at')} = DEFAULT"]
        )  # fmt: skip
        self.raw.execute(
            f"UPDATE {t} AS t SET {sets} FROM {s} AS s "
            f"WHERE t.{_q('uscc')} = s.{_q('uscc')} "
            f"AND t.{_q('row_hash')} IS DISTINCT FROM s.{_q('row_hash')}"
        )
        self.updated = self.raw.rowcount
        self.raw.execute(
            f"INSERT INTO {t} ({self.names}) SELECT {self.names} FROM {s} AS s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {t} AS t WHERE t.{_q('uscc')} = s.{_q('uscc')})"
        )
        self.inserted = self.raw.rowcount
