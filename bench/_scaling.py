"""What grows with what (docs/scaling.md): measures a kept bench database of any size.

    ZHENGWU_BENCH_DB=<db> REDIS_URL=redis://127.0.0.1:6379/<n> \\
        .venv/bin/python bench/_scaling.py [--lookups N] [--journey]

Not a benchmark (``scripts/bench.sh`` skips ``bench/_*.py``): run it on a database kept by
``bench/registration.py --keep`` (or ``--reuse``), with the bench settings of
``bench/registration_site``. Prints, as Markdown-ready lines and then one JSON object:

* sizes: rows, heap, indexes, TOAST and total bytes of the register and of the tables that grow
  per request (``pg_relation_size``, ``pg_indexes_size``, ``pg_total_relation_size``), each index
  of the register, bytes per entity;
* step 1's register lookup: the SQL that ``POST /api/v1/registrations/`` runs (captured in
  process), its ``EXPLAIN (ANALYZE, BUFFERS)`` — an index scan of the primary key whose pages
  read grow with the B-tree's depth (log of the size), not with the size — the B-tree's levels,
  and the time of ``--lookups`` lookups of random entities run alone (median, p99);
* ``--journey``: the rows and Redis keys each request of journey 1 adds (step 1, captcha, SMS
  code, step 2, face check, sign-in, sign-out) — audit events, SMS outbox rows and attempts,
  verification codes, sessions, captcha rows, Redis keys (by pattern) and their memory. Uses
  the Redis database of ``REDIS_URL``, which it empties first: give it one of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from typing import Any

import _harness as h

SETTINGS = "registration_site.settings"
GROWING = (
    "registry_marketentity",
    "audit_auditevent",
    "notifications_smsmessage",
    "notifications_smsattempt",
    "notifications_verificationcode",
    "django_session",
    "captcha_captchastore",
    "accounts_user",
    "accounts_organisation",
    "registrations_registrationdraft",
    "accounts_membership",
)


def _sizes(cursor: Any) -> dict[str, dict[str, int]]:
    out = {}
    for table in GROWING:
        cursor.execute("SELECT to_regclass(%s)", [table])
        if cursor.fetchone()[0] is None:
            continue
        cursor.execute(f"SELECT count(*) FROM {table}")
        rows = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_relation_size(c.oid), pg_indexes_size(c.oid), "
            "coalesce(pg_total_relation_size(c.reltoastrelid), 0), pg_total_relation_size(c.oid) "
            "FROM pg_class c WHERE c.oid = %s::regclass",
            [table],
        )
        heap, indexes, toast, total = cursor.fetchone()
        out[table] = {
            "rows": rows,
            "heap": heap,
            "indexes": indexes,
            "toast": toast,
            "total": total,
        }
    cursor.execute(
        "SELECT i.relname, pg_relation_size(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass",
        ["registry_marketentity"],
    )
    out["registry_marketentity"]["index_list"] = dict(cursor.fetchall())  # type: ignore[assignment]
    return out


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def _btree_levels(cursor: Any) -> int | None:
    """Levels of the register's primary-key B-tree (pageinspect's metapage), if available."""
    try:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute("SELECT level FROM bt_metap('registry_marketentity_pkey')")
        return int(cursor.fetchone()[0]) + 1
    except Exception:
        return None


def _step1(entity: Any) -> dict[str, Any]:
    return {
        "location": "in_province",
        "legal_person_type": entity.legal_person_type,
        "organisation_name": entity.name,
        "uscc": entity.uscc,
        "legal_rep_name": entity.legal_rep_name,
        "legal_rep_id_type": "resident_id",
        "legal_rep_id_number": entity.legal_rep_id_number,
        "agreement_accepted": True,
    }


def _entities(count: int) -> list[Any]:
    """``count`` active enterprises with a resident ID and a mobile, spread over the table
    (a TABLESAMPLE of pages, not a sort of the whole register)."""
    from zhengwu.registry.models import MarketEntity

    total = MarketEntity.objects.count()
    percent = min(100.0, max(0.01, 100.0 * count * 20 / max(total, 1)))
    rows = list(
        MarketEntity.objects.raw(
            f"SELECT * FROM registry_marketentity TABLESAMPLE SYSTEM ({percent:.4f}) "
            "WHERE status = 'active' AND legal_person_type = 'enterprise' "
            "AND legal_rep_id_type = 'resident_id' AND NOT is_id_number_legacy "
            "AND NOT is_phone_landline AND registered_phone <> '' LIMIT %s",
            [count],
        )
    )
    random.Random(7).shuffle(rows)
    return rows


def _lookup(entities: list[Any], lookups: int) -> dict[str, Any]:
    """Step 1's SQL captured from one request, its plan, and the lookup alone timed."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.post("/api/v1/registrations/", _step1(entities[0]), content_type="application/json")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            "/api/v1/registrations/", _step1(entities[1]), content_type="application/json"
        )
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in ctx.captured_queries]
    select = next(s for s in statements if "registry_marketentity" in s)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + select)
        plan = [row[0] for row in cursor.fetchall()]
        levels = _btree_levels(cursor)
    param = re.search(r"'([0-9A-Z]{18})'", select)
    assert param, select
    sql = select.replace(param.group(0), "%s")
    times = []
    codes = [e.uscc for e in entities]
    with connection.cursor() as cursor:
        for n in range(lookups):
            t = time.perf_counter()
            cursor.execute(sql, [codes[n % len(codes)]])
            cursor.fetchall()
            times.append(time.perf_counter() - t)
    return {
        "queries_per_step1": len(statements),
        "statements": [s[:160] for s in statements],
        "plan": plan,
        "btree_levels": levels,
        "lookup_median_ms": round(statistics.median(times) * 1000, 3),
        "lookup_p99_ms": round(h.percentile(times, 0.99) * 1000, 3),
        "lookups": lookups,
    }


def _counts(redis: Any) -> dict[str, Any]:
    from django.db import connection

    out: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in GROWING[1:]:
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is not None:
                cursor.execute(f"SELECT count(*) FROM {table}")
                out[table] = cursor.fetchone()[0]
    keys = {}
    for key in redis.scan_iter(count=1000):
        keys[key.decode()] = redis.memory_usage(key) or 0
    out["redis"] = keys
    return out


def _pattern(key: str) -> str:
    return re.sub(r"[0-9a-f]{16,}|[0-9A-Za-z_-]{20,}|\d{4,}", "…", key)


def _journey(entity: Any) -> list[dict[str, Any]]:
    """Journey 1 through the API, request by request: what each one adds."""
    import redis as redis_lib
    from captcha.models import CaptchaStore
    from django.db import connection
    from django.test import Client

    from zhengwu.notifications.models import SmsMessage
    from zhengwu.registry.models import MarketEntity

    # The sandbox face check passes at once for a name with 测试通过 (one row of the bench DB).
    if "测试通过" not in entity.legal_rep_name:
        entity.legal_rep_name = entity.legal_rep_name[:1] + "测试通过"
        MarketEntity.objects.filter(uscc=entity.uscc).update(legal_rep_name=entity.legal_rep_name)
    redis = redis_lib.Redis.from_url(os.environ["REDIS_URL"])
    redis.flushdb()
    client = Client(HTTP_HOST="127.0.0.1")
    base = "/api/v1/registrations"
    steps: list[dict[str, Any]] = []
    state: dict[str, Any] = {}

    def post(path: str, data: dict[str, Any]) -> Any:
        return client.post(path, json.dumps(data), content_type="application/json")

    def record(label: str, call: Any) -> Any:
        before = _counts(redis)
        response = call()
        connection.close()  # run the on-commit work of autocommit requests; fresh counts
        after = _counts(redis)
        delta = {
            k: after[k] - before[k] for k in after if k != "redis" and after[k] != before.get(k)
        }
        new_keys = sorted(set(after["redis"]) - set(before["redis"]))
        steps.append(
            {
                "request": label,
                "status": response.status_code,
                "error": response.content[:200].decode() if response.status_code >= 400 else "",
                "rows": delta,
                "redis_new_keys": sorted({_pattern(k) for k in new_keys}),
                "redis_new_key_count": len(new_keys),
                "redis_new_bytes": sum(after["redis"][k] for k in new_keys),
                "redis_new_ttls": sorted({redis.ttl(k) for k in new_keys}),
                "redis_keys_total": len(after["redis"]),
            }
        )
        return response

    r = record("POST registrations/ (step 1)", lambda: post(f"{base}/", _step1(entity)))
    state.update(r.json())
    r = record("GET registrations/captcha", lambda: client.get(f"{base}/captcha"))
    captcha_key = r.json()["captcha_key"]
    record(
        "POST registrations/<id>/sms-code",
        lambda: post(
            f"{base}/{state['draft_id']}/sms-code",
            {"mobile": entity.registered_phone, "draft_token": state["draft_token"]},
        ),
    )
    message = (
        SmsMessage.objects.filter(template_code="verification_code.registration")
        .order_by("-pk")
        .first()
    )
    code = re.search(r"验证码(\d{6})", message.text).group(1) if message else "000000"
    password = "Bench-Passw0rd!2026"
    step2 = {
        "username": "scale_" + entity.uscc[-8:].lower(),
        "password": password,
        "password_confirm": password,
        "operator_name": entity.legal_rep_name,
        "operator_id_type": "resident_id",
        "operator_id_number": entity.legal_rep_id_number,
        "landline": "",
        "mobile": entity.registered_phone,
        "captcha_key": captcha_key,
        "captcha": CaptchaStore.objects.get(hashkey=captcha_key).response,
        "sms_code": code,
        "draft_token": state["draft_token"],
    }
    record(
        "POST registrations/<id>/user (step 2)",
        lambda: post(f"{base}/{state['draft_id']}/user", step2),
    )
    record(
        "POST registrations/<id>/face-check",
        lambda: post(f"{base}/{state['draft_id']}/face-check", {}),
    )
    record(
        "GET registrations/<id>/face-check",
        lambda: client.get(f"{base}/{state['draft_id']}/face-check"),
    )
    key = client.get("/api/v1/signin/captcha").json()["captcha_key"]
    answer = CaptchaStore.objects.get(hashkey=key).response
    record(
        "POST signin/session (wrong password)",
        lambda: post(
            "/api/v1/signin/session",
            {
                "login": step2["username"],
                "password": "wrong",
                "captcha_key": key,
                "captcha": answer,
            },
        ),
    )
    r = record("GET signin/captcha", lambda: client.get("/api/v1/signin/captcha"))
    key = r.json()["captcha_key"]
    answer = CaptchaStore.objects.get(hashkey=key).response
    record(
        "POST signin/session (sign-in)",
        lambda: post(
            "/api/v1/signin/session",
            {
                "login": step2["username"],
                "password": password,
                "captcha_key": key,
                "captcha": answer,
            },
        ),
    )
    record("DELETE signin/session (sign-out)", lambda: client.delete("/api/v1/signin/session"))
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--journey", action="store_true")
    args = parser.parse_args()
    db = h.Database(h.bench_db("zhengwu_bench_registration"))
    sys.path.insert(0, str(h.BENCH_DIR))
    h.setup_django(db.url, SETTINGS)
    from django.db import connection

    result: dict[str, Any] = {"database": db.name}
    with connection.cursor() as cursor:
        sizes = _sizes(cursor)
    result["sizes"] = sizes
    n = sizes["registry_marketentity"]["rows"]
    print(f"## {db.name}: {n:,} entities")
    for table, s in sizes.items():
        per = f"; {s['total'] / s['rows']:.0f} B/row" if s["rows"] else ""
        print(
            f"- {table}: {s['rows']:,} rows, heap {_mb(s['heap'])}, indexes {_mb(s['indexes'])}, "
            f"TOAST {_mb(s['toast'])}, total {_mb(s['total'])}{per}"
        )
    for index, size in sizes["registry_marketentity"]["index_list"].items():  # type: ignore[union-attr]
        print(f"  - index {index}: {_mb(size)}")
    entities = _entities(max(200, min(args.lookups, 5000)))
    lookup = _lookup(entities, args.lookups)
    result["step1"] = lookup
    print(f"- step 1 runs {lookup['queries_per_step1']} statements: {lookup['statements']}")
    print("- plan of the register lookup:")
    for line in lookup["plan"]:
        print(f"      {line}")
    print(
        f"- primary-key B-tree levels: {lookup['btree_levels']}; {args.lookups} lookups alone: "
        f"median {lookup['lookup_median_ms']} ms, p99 {lookup['lookup_p99_ms']} ms"
    )
    if args.journey:
        steps = _journey(entities[-1])
        result["journey"] = steps
        print("- journey 1, what each request adds:")
        for s in steps:
            print(
                f"  - {s['request']} → {s['status']}: rows {s['rows']}; Redis +"
                f"{s['redis_new_key_count']} keys ({s['redis_new_bytes']} B) "
                f"{s['redis_new_keys']} TTL {s['redis_new_ttls']} s, {s['redis_keys_total']} in all"
            )
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
