"""Benchmark: ``registry_import`` against a raw PostgreSQL ``COPY`` of the same file.

    .venv/bin/python bench/registry_import.py [--rows N] [--workers N] [--reimport] [--keep]

Creates its own database (``ZHENGWU_BENCH_DB``, default ``zhengwu_bench``, on the server of
``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/test``; the test data is never
touched), migrates it,
generates a CSV export of N valid fictitious rows (deterministic, seed 2026, cached under
/tmp), then measures in the same run:

* baseline: ``COPY`` of that file into a bare table with the same 11 columns as text and a
  primary key on the USCC;
* value: ``registry_import`` of the same file into the empty ``MarketEntity`` table
  (parsing, validation, encryption, blind indexes, load), wall time including worker start-up.

Prints readable lines, then as the last line one JSON object; exits 1 if value/baseline is below
the target (0.5). ``--reimport`` also times a second import of the same file (all rows
unchanged) and reports it on a line of its own.
"""

from __future__ import annotations

import os
import sys
import time

import _harness as h

TARGET = 0.5  # issue 15 (was 0.33)
BENCH_DB = h.bench_db("zhengwu_bench")  # ZHENGWU_BENCH_DB overrides it
SEED = 2026


def main() -> int:
    parser = h.parser(__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=None, help="default: automatic")
    parser.add_argument("--reimport", action="store_true", help="also time a no-op re-import")
    args = parser.parse_args()

    import psycopg

    db = h.open_database(BENCH_DB, "zhengwu.settings.test")

    from zhengwu.registry.models import MarketEntity
    from zhengwu.registry.services.importing import registry_import

    try:
        h.migrate()
        data_dir = h.DATA_DIR
        path = h.register_csv(args.rows, SEED)
        size_mb = path.stat().st_size / 1e6
        print(f"file: {path} ({size_mb:.0f} MB), {os.cpu_count()} CPUs")

        # Baseline: raw COPY of the same file into an equivalent bare table.
        with psycopg.connect(db.url) as conn:
            conn.execute(
                "CREATE TABLE registry_copy_baseline (uscc text PRIMARY KEY, name text, "
                "entity_type text, status text, region_code text, supervision_unit text, "
                "legal_rep_name text, legal_rep_id_type text, legal_rep_id_number text, "
                "registered_phone text, registered_on text)"
            )
            conn.commit()
            t = time.perf_counter()
            with (
                conn.cursor() as cur,
                cur.copy("COPY registry_copy_baseline FROM STDIN (FORMAT csv, HEADER true)") as cp,
                path.open("rb") as f,
            ):
                while block := f.read(1 << 20):
                    cp.write(block)
            conn.commit()
            baseline_s = time.perf_counter() - t
            copied = conn.execute("SELECT count(*) FROM registry_copy_baseline").fetchone()[0]
        baseline = copied / baseline_s
        print(f"baseline COPY: {copied:,} rows in {baseline_s:.2f} s = {baseline:,.0f} rows/s")

        t = time.perf_counter()
        result = registry_import(path, report_path=data_dir / "report.csv", workers=args.workers)
        import_s = time.perf_counter() - t
        stored = MarketEntity.objects.count()
        value = result.inserted / import_s
        print(
            f"registry_import: {result.inserted:,} inserted ({result.rejected} rejected) in "
            f"{import_s:.2f} s = {value:,.0f} rows/s [{result.method}, {result.workers} workers; "
            f"phases {result.phases}]"
        )
        if stored != args.rows or result.rejected:
            print(
                f"ERROR: {stored:,} rows stored, {result.rejected} rejected "
                f"(expected {args.rows:,})"
            )
            return 1
        if args.reimport:
            t = time.perf_counter()
            again = registry_import(path, report_path=data_dir / "report.csv", workers=args.workers)
            again_s = time.perf_counter() - t
            print(
                f"re-import (no-op): {again.unchanged:,} unchanged, {again.updated} updated, "
                f"{again.inserted} inserted in {again_s:.2f} s = {args.rows / again_s:,.0f} rows/s "
                f"[{again.method}]"
            )
        ratio = value / baseline
        print(f"ratio {ratio:.3f} (target {TARGET})")
        summary = {
            "benchmark": "registry_import",
            "value": round(value, 1),
            "unit": "rows/s",
            "baseline": round(baseline, 1),
            "ratio": round(ratio, 3),
            "target": TARGET,
            "rows": args.rows,
        }
        return h.report(summary, ratio >= TARGET)
    finally:
        db.finish(args.keep)


if __name__ == "__main__":
    sys.exit(main())
