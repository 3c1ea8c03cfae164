"""A large register for the benchmarks, generated in the database (not a benchmark:
``scripts/bench.sh`` skips ``bench/_*.py``).

``load(url, rows)`` fills the empty ``registry_marketentity`` of the database at ``url`` with
``rows`` fictitious entities, every one valid (USCC check characters, category and type
agreeing, the constraints of the table) and decryptable, so step 1 of the registration matches
any active entity of the table:

1. a pool of ``POOL`` rows (``min(POOL, rows)``) of ``registry.services.demo.generate_rows`` — the
   realistic names, people, counties and phones, ≈80 µs of Python per row — goes through the
   import's own ``RowPreparer`` (validation, AES-GCM encryption of the ID number and phone,
   blind indexes, row hash) and ``COPY`` into an unlogged work table;
2. ``INSERT … SELECT`` over ``generate_series`` in two sessions at once builds every entity from
   pool row ``n % POOL``: its USCC keeps the template's authority, category and region
   (positions 1-8), takes ``n + 1`` as the GB 11714 body (9-16), both check characters computed in
   SQL; from the second use of a template on, the entity's name carries the round number
   (``杭州某某科技12有限公司``); the row hash is an MD5 of the template's hash, USCC and name
   (not the import's keyed digest: a ``registry_import`` of the same data
   would count every row as changed).

So a legal representative stands for ``rows / POOL`` entities (100 at 10,000,000) and the
entities of one template share the ciphertext of the ID number and phone — nothing the portal
notices: it never searches the register by person. The primary key is dropped for the load and
built once at the end (as the import's first load does), then ``VACUUM ANALYZE``. The work is
in the database (≈1 µs of Python per pool row ÷ 100), so 10,000,000 entities take minutes,
where preparing every row in Python (``--generator import``) takes an hour on a loaded 2-core
machine.
"""

from __future__ import annotations

import argparse
import datetime
import threading
import time
from collections.abc import Callable
from typing import Any

POOL = 100_000
SEED = 2026
TABLE = "registry_marketentity"
WORK = "bench_register_pool"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100
# GB 32100 weights of positions 9-17, GB 11714 weights of the 8-character body.
W32_BODY = (20, 29, 25, 13, 8, 24, 10, 30)
W32_CHECK = 28
W11714 = (3, 7, 9, 10, 5, 8, 4, 2)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\") if "\\" in text else text


def _cells(record: tuple[Any, ...]) -> list[str]:
    return ["t" if v is True else "f" if v is False else _escape(str(v)) for v in record]


def _pool(rows: int, seed: int) -> list[str]:
    """COPY lines of the work table: ``j``, the weighted GB 32100 sum of the template USCC's
    first 8 characters, then the prepared record (``PREPARED_COLUMNS``)."""
    from django.conf import settings

    from zhengwu.core.crypto import keyring
    from zhengwu.identifiers._checks import GB32100_VALUES, GB32100_WEIGHTS
    from zhengwu.registry.constants import HEADERS
    from zhengwu.registry.services.demo import generate_rows
    from zhengwu.registry.services.rows import PreparerConfig, RowPreparer

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
    lines = []
    for j, values in enumerate(generate_rows(min(POOL, rows), seed)):
        record = preparer.prepare(values, j + 2)
        if isinstance(record, list):
            raise SystemExit(f"ERROR: a generated row does not validate: {record}")
        # output="copy": the preparer hands the record's COPY line itself (USCC first).
        body = record if isinstance(record, str) else "\t".join(_cells(record)) + "\n"
        head = body[:8]
        head_sum = sum(GB32100_VALUES[c] * w for c, w in zip(head, GB32100_WEIGHTS, strict=False))
        lines.append(f"{j}\t{head_sum}\t{body}")
    return lines


def _insert_sql(columns: tuple[str, ...], pool: int) -> str:
    """One range of entities ``%(start)s`` … ``%(end)s - 1`` from the work table."""
    digits = [f"((n + 1) / {10 ** (7 - i)} %% 10)" for i in range(8)]
    sum11714 = " + ".join(f"{w} * {d}" for w, d in zip(W11714, digits, strict=True))
    sum32 = " + ".join(f"{w} * {d}" for w, d in zip(W32_BODY, digits, strict=True))
    rest = [c for c in columns if c not in ("uscc", "name", "row_hash")]
    # c9: 11 - s % 11; 10 is written X (GB 32100 value 29), 11 is written 0.
    return f"""
        INSERT INTO {TABLE} (uscc, name, row_hash, {", ".join(rest)})
        SELECT u.code, u.name, md5(p.row_hash || u.code || u.name),
            {", ".join("p." + c for c in rest)}
        FROM generate_series(%(start)s::bigint, %(end)s::bigint - 1) AS n
        JOIN {WORK} p ON p.j = n %% {pool}
        CROSS JOIN LATERAL (SELECT 11 - ({sum11714}) %% 11 AS c9) c
        CROSS JOIN LATERAL (
            SELECT CASE c.c9 WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE c.c9::text END AS c9t,
                CASE c.c9 WHEN 10 THEN 29 WHEN 11 THEN 0 ELSE c.c9 END AS c9v
        ) v
        CROSS JOIN LATERAL (
            SELECT substr(p.uscc, 1, 8) || lpad((n + 1)::text, 8, '0') || v.c9t
                || substr('{ALPHABET}', (1 + (31 - (p.head_sum + {sum32}
                          + {W32_CHECK} * v.c9v) %% 31) %% 31)::int, 1)
                AS code,
                CASE WHEN n < {pool} THEN p.name
                     ELSE left(p.name, -4) || (n / {pool})::text || right(p.name, 4) END AS name
        ) u
    """


def load(
    url: str, rows: int, *, seed: int = SEED, sessions: int = 2, say: Callable[[str], None] = print
) -> float:
    """Fill the empty register of the database at ``url`` (Django set up on it, for the keys)
    with ``rows`` entities; returns the seconds it took."""
    import psycopg
    from django.db import connections

    from zhengwu.registry.services.rows import PREPARED_COLUMNS

    connections.close_all()
    t = time.perf_counter()
    columns = tuple(PREPARED_COLUMNS)
    pool = min(POOL, rows)
    lines = _pool(rows, seed)
    pooled = time.perf_counter() - t
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE})").fetchone()[0]:  # type: ignore[index]
            raise SystemExit(f"ERROR: {TABLE} is not empty")
        row = conn.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            (TABLE,),
        ).fetchone()
        key = row[0] if row else f"{TABLE}_pkey"
        if row:
            conn.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{key}"')
        conn.execute(f"DROP TABLE IF EXISTS {WORK}")
        conn.execute(
            f"CREATE UNLOGGED TABLE {WORK} AS SELECT 0 AS j, 0 AS head_sum, "
            f"{', '.join(columns)} FROM {TABLE} WITH NO DATA"
        )
        with conn.cursor().copy(
            f"COPY {WORK} (j, head_sum, {', '.join(columns)}) FROM STDIN"
        ) as copy:
            copy.write("".join(lines).encode())
        conn.execute(f"ALTER TABLE {WORK} ADD PRIMARY KEY (j)")
        conn.execute(f"ANALYZE {WORK}")
    sql = _insert_sql(columns, pool)
    bounds = [rows * n // sessions for n in range(sessions + 1)]
    errors: list[BaseException] = []

    def insert(start: int, end: int) -> None:
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(sql, {"start": start, "end": end})  # type: ignore[arg-type]
        except BaseException as exc:  # reported below
            errors.append(exc)

    t_insert = time.perf_counter()
    threads = [
        threading.Thread(target=insert, args=(bounds[n], bounds[n + 1])) for n in range(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    inserted = time.perf_counter() - t_insert
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {WORK}")
        t_key = time.perf_counter()
        conn.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{key}" PRIMARY KEY (uscc)')
        keyed = time.perf_counter() - t_key
        conn.execute(f"VACUUM ANALYZE {TABLE}")
        count = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]  # type: ignore[index]
    if count != rows:
        raise SystemExit(f"ERROR: {count:,} entities generated, expected {rows:,}")
    total = time.perf_counter() - t
    say(
        f"register generated: {rows:,} entities in {total:.1f} s (pool of {pool:,} prepared "
        f"rows {pooled:.1f} s, INSERT … SELECT in {sessions} sessions {inserted:.1f} s, "
        f"primary key {keyed:.1f} s, then VACUUM ANALYZE)"
    )
    return total


__all__ = ["POOL", "load"]


def main() -> int:
    """Generate (or keep) a register database for ``bench/_scaling.py`` and the benchmarks'
    ``--reuse``: ``ZHENGWU_BENCH_DB`` (default ``zhengwu_bench_registration``), ``--rows``."""
    import sys

    import _harness as h

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--rows", type=int, default=h.default_rows())
    args = parser.parse_args()
    db = h.Database(h.bench_db("zhengwu_bench_registration"))
    if db.reusable(TABLE, args.rows):
        print(f"{db.name} already holds {args.rows:,} entities")
        return 0
    db.create()
    sys.path.insert(0, str(h.BENCH_DIR))
    h.setup_django(db.url, "registration_site.settings")
    print(f"{db.name} migrated in {h.migrate():.1f} s")
    load(db.url, args.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
