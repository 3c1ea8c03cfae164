"""Benchmark: the audit log back office (ACC-8) on a 1,000,000-event table.

    .venv/bin/python bench/audit_log.py [--rows N] [--repeat R] [--keep]

Creates its own database (``zhengwu_bench_audit`` on the server of ``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/test``), migrates it and fills ``audit_auditevent`` in SQL
with N events (default 1,000,000) over one year: 40 event types, 20,000 actors, 5,000
organisations, ``after`` payloads of realistic size. Then measures, interleaved ``--repeat``
times, the pages the back office serves (``audit.selectors.audit_page``):

* subjects: a page filtered by organisation, by actor + date range, by event type 100 pages
  deep (keyset cursor), and the unfiltered list 100 pages deep;
* baseline: the cheapest page there is — the newest 51 rows, no filter, through the ORM
  (``AuditEvent.objects.order_by("-created_at", "-id")[:51]``).

For information it also times the unfiltered page 100 deep with OFFSET (what keyset paging
avoids). Prints the medians and the worst subject/baseline ratio, then as the last line one
JSON object; exits 1 if the ratio is above the target (4.0). Drops the database unless --keep.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import time
from collections.abc import Callable

import _harness as h

TARGET = 4.0
BENCH_DB = "zhengwu_bench_audit"
DEPTH = 100  # pages


def _fill(cursor, rows: int) -> None:  # type: ignore[no-untyped-def]
    cursor.execute(
        """
        INSERT INTO audit_auditevent (
            event_type, outcome, actor_id, actor_label, subject_type, subject_id,
            organisation_id, before, after, ip, request_id, created_at
        )
        SELECT
            'bench.event_' || mod(g, 40),
            CASE WHEN mod(g, 17) = 0 THEN 'failure' ELSE 'success' END,
            mod(g, 20000),
            'user_' || mod(g, 20000),
            'accounts.membership',
            mod(g, 50000)::text,
            mod(g, 5000),
            NULL,
            jsonb_build_object('mobile', '139****' || lpad(mod(g, 10000)::text, 4, '0'),
                               'role', 'operator', 'n', g),
            '10.0.0.1',
            md5(g::text),
            now() - (g * (interval '365 days' / %s))
        FROM generate_series(1, %s) AS g
        """,
        [rows, rows],
    )


def main() -> int:
    parser = h.parser(__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    db = h.open_database(BENCH_DB, "zhengwu.settings.base", defaults=h.PORTAL_DEFAULTS)
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from zhengwu.audit.models import AuditEvent
    from zhengwu.audit.selectors import PAGE_SIZE, AuditFilter, audit_page

    try:
        print(f"migrated in {h.migrate():.1f} s; {os.cpu_count()} CPUs (shared)")
        t = time.perf_counter()
        with connection.cursor() as cursor:
            _fill(cursor, args.rows)
        # The actor filter resolves a username to ``actor_id``: give actor 777 its account.
        get_user_model().objects.create(pk=777, username="user_777")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE audit_auditevent")
        print(f"filled {args.rows} events in {time.perf_counter() - t:.1f} s")

        def deep_cursor(filters: AuditFilter) -> str:
            """The cursor of page DEPTH, found once (what 下一页 would have carried)."""
            row = (
                AuditEvent.objects.all()
                if not filters.event_type
                else AuditEvent.objects.filter(event_type=filters.event_type)
            ).order_by("-created_at", "-id")[DEPTH * PAGE_SIZE - 1]
            return f"{row.created_at.isoformat()}_{row.pk}"

        today = timezone.localdate()
        by_type = AuditFilter(event_type="bench.event_7")
        subjects = {
            "organisation": (AuditFilter(organisation="1234"), ""),
            "actor_dates": (
                AuditFilter(
                    actor="user_777",
                    date_from=today - datetime.timedelta(days=90),
                    date_to=today - datetime.timedelta(days=30),
                ),
                "",
            ),
            "event_type_deep": (by_type, deep_cursor(by_type)),
            "unfiltered_deep": (AuditFilter(), deep_cursor(AuditFilter())),
        }

        def baseline() -> None:
            list(AuditEvent.objects.order_by("-created_at", "-id")[:51])

        def offset_page() -> None:
            list(AuditEvent.objects.order_by("-created_at", "-id")[DEPTH * PAGE_SIZE :][:51])

        for filters, after in subjects.values():  # warm-up and sanity
            page, _next = audit_page(filters, after=after)
            if not page:
                print(f"ERROR: empty page for {filters}")
                return 1
        baseline()
        calls: dict[str, Callable[[], object]] = {
            kind: functools.partial(audit_page, filters, after=after)
            for kind, (filters, after) in subjects.items()
        }
        times = h.timed_rounds(args.repeat, {**calls, "baseline": baseline, "offset": offset_page})
        medians = {k: statistics.median(v) for k, v in times.items()}
        base = medians["baseline"]
        ratios = {k: medians[k] / base for k in subjects}
        worst = max(ratios.values())
        for kind in [*subjects, "offset"]:
            print(f"{kind}: {medians[kind] * 1000:.2f} ms ({medians[kind] / base:.2f}× baseline)")
        print(f"baseline (newest page, no filter): {base * 1000:.2f} ms; worst ratio {worst:.2f}")
        result = {
            "benchmark": "audit_log",
            "rows": args.rows,
            "baseline_ms": round(base * 1000, 2),
            "subjects_ms": {k: round(medians[k] * 1000, 2) for k in subjects},
            "offset_deep_ms": round(medians["offset"] * 1000, 2),
            "ratio": round(worst, 3),
            "target": TARGET,
            "ok": worst <= TARGET,
        }
        return h.report(result, worst <= TARGET)
    finally:
        db.finish(args.keep)


if __name__ == "__main__":
    sys.exit(main())
