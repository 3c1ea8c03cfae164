"""A large register for the benchmarks, loaded with ``COPY`` (not a benchmark: ``scripts/bench.sh``
skips ``bench/_*.py``).

``load(rows)`` fills ``registry_marketentity`` of the database Django is set up on with ``rows``
fictitious entities, every one valid and every one as the import would store it: the cells
come from ``registry.services.demo.generate_rows`` and go through the import's own
``RowPreparer`` (validation, AES-GCM encryption of the ID number and phone, blind indexes, row
hash), so step 1 of the registration matches any active entity of the table. Only the generation
is shortened: a pool of ``POOL`` demo rows (the realistic names, people, counties and phones,
≈80 µs of Python per row) is generated once per worker and reused, each entity taking a
template row with

* a USCC of its own: the template's authority, category and region (positions 1-8), the
  entity's number as the GB 11714 body (9-16) and both check characters recomputed;
* from the second use of a template on, the entity's number in its name (``杭州某某科技12有限
  公司``), so names stay distinct.

A legal representative therefore represents ``rows / POOL`` entities (100 at 10,000,000), which
the lookups of the portal never notice (nothing searches the register by person).
``workers`` processes each ``COPY`` a contiguous range of numbers over their own connection
into the table stripped of its primary key, which is built once at the end (as the import's
first load does); then ``VACUUM ANALYZE``. 10,000,000 rows take a few minutes on 2 cores.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from typing import Any

POOL = 100_000
SEED = 2026
TABLE = "registry_marketentity"
BATCH = 20_000  # rows per COPY write


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\") if "\\" in text else text


def _line(r: tuple[Any, ...]) -> str:
    # COPY text format of a prepared record (PREPARED_COLUMNS order).
    cells = [
        "t" if v is True else "f" if v is False else _escape(str(v)) for v in r
    ]  # fmt: skip
    return "\t".join(cells) + "\n"


def _uscc(template: str, number: int) -> str:
    from zhengwu.identifiers._checks import gb11714_check, gb32100_check

    body8 = f"{number:08d}"
    body17 = template[:8] + body8 + gb11714_check(body8)
    return body17 + gb32100_check(body17)


def _name(template: str, k: int) -> str:
    if k == 0:
        return template
    # Before the last four characters (有限公司, 专业合作社's 合作社 …): still reads as a name.
    return f"{template[:-4]}{k}{template[-4:]}"


def _worker(url: str, rows: int, start: int, end: int, seed: int, out: Any) -> None:
    """COPY entities ``start`` … ``end - 1`` over a connection of its own."""
    import datetime

    import psycopg
    from django.conf import settings

    from zhengwu.core.crypto import keyring
    from zhengwu.registry.constants import HEADERS
    from zhengwu.registry.services.demo import generate_rows
    from zhengwu.registry.services.rows import PREPARED_COLUMNS, PreparerConfig, RowPreparer

    keys = list(HEADERS)
    config = PreparerConfig(
        positions={key: n for n, key in enumerate(keys)},
        headers=dict(HEADERS),
        width=len(keys),
        output="copy",
        today=datetime.date.today(),
        field_keys=settings.ZHENGWU_FIELD_KEYS,
        hash_key=settings.ZHENGWU_HASH_KEY,
    )
    preparer = RowPreparer(config, keyring())
    pool = list(generate_rows(min(POOL, rows), seed))
    uscc_at = keys.index("uscc")
    name_at = keys.index("name")
    columns = ", ".join(PREPARED_COLUMNS)
    bad = 0
    with (
        psycopg.connect(url) as conn,
        conn.cursor() as cur,
        cur.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy,
    ):
        lines: list[str] = []
        for number in range(start, end):
            k, j = divmod(number, len(pool))
            values = list(pool[j])
            values[uscc_at] = _uscc(values[uscc_at], number + 1)
            values[name_at] = _name(values[name_at], k)
            record = preparer.prepare(values, number + 2)
            if isinstance(record, list):
                bad += 1
                continue
            lines.append(_line(record))
            if len(lines) >= BATCH:
                copy.write("".join(lines).encode())
                lines = []
        if lines:
            copy.write("".join(lines).encode())
    out.put(bad)


def load(
    url: str, rows: int, *, seed: int = SEED, workers: int = 2, say: Callable[[str], None] = print
) -> float:
    """Fill the empty register of the database at ``url`` (Django set up on it) with ``rows``
    entities; returns the seconds it took."""
    import psycopg
    from django.db import connections

    connections.close_all()  # the workers are forked: no connection may be shared with them
    t = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            (TABLE,),
        ).fetchone()
        if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE})").fetchone()[0]:  # type: ignore[index]
            raise SystemExit(f"ERROR: {TABLE} is not empty")
        key = row[0] if row else f"{TABLE}_pkey"
        if row:
            conn.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{key}"')
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    bounds = [rows * n // workers for n in range(workers + 1)]
    procs = [
        ctx.Process(target=_worker, args=(url, rows, bounds[n], bounds[n + 1], seed, out))
        for n in range(workers)
    ]
    for p in procs:
        p.start()
    bad = sum(out.get() for _ in procs)
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"ERROR: a COPY worker exited with {p.exitcode}")
    if bad:
        raise SystemExit(f"ERROR: {bad} generated rows did not validate")
    copied = time.perf_counter() - t
    with psycopg.connect(url, autocommit=True) as conn:
        t_key = time.perf_counter()
        conn.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{key}" PRIMARY KEY (uscc)')
        keyed = time.perf_counter() - t_key
        conn.execute(f"VACUUM ANALYZE {TABLE}")
    total = time.perf_counter() - t
    say(
        f"register generated: {rows:,} entities in {total:.1f} s "
        f"(COPY {copied:.1f} s in {workers} processes, primary key {keyed:.1f} s, then "
        f"VACUUM ANALYZE)"
    )
    return total


__all__ = ["POOL", "load"]
