"""Benchmark: 提交 of a food business licence application through the full HTTP stack against a
bare view inserting one row; and the department queue's worst filtered page against its newest
page on a large table of cases.

    .venv/bin/python bench/applications.py [--drafts N] [--cases N] [--workers N]
        [--threads N] [--clients N] [--seconds S] [--rounds R] [--keep]

Creates its own database (``zhengwu_bench_applications`` on the server of ``DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432/test``), migrates it and loads the demo catalogue,
one unit with its operator, and ``--drafts`` food-licence drafts with their materials attached
(three shared uploads and the unit's 营业执照 from 我的证照, bulk-inserted). Then:

1. **Submit** (target ratio ≥ 0.4): gunicorn (``--workers`` gthread workers, persistent
   connections, ``bench/applications_site/``) serves, interleaved in ``--rounds`` slices of
   ``--seconds``, ``POST /api/v1/services/applications/<id>/submit`` (form validation, materials,
   the workflow transition, audit, the SMS outbox; each request a draft not submitted before;
   every connection signed in as the operator, with its CSRF token) and the baseline
   ``POST /bench/applications/baseline`` (one INSERT). Ratio = median of the rounds'
   subject/baseline requests per second.
2. **Queue** (target ≤ 4): ``--cases`` cases (default 1,000,000) over four departments with
   realistic states and deadlines are bulk-inserted; then the department queue
   (``onlineservices.selectors.queue``) is timed in-process: its newest page, and the filtered
   pages (each state, overdue only, and a deep keyset page). Ratio = slowest filtered page /
   newest page (medians of ``--rounds`` runs).

Prints both, then as the last line one JSON object; exits 1 if a target is missed or a
request failed. Drops the database unless ``--keep``. Check it at a tiny size with e.g.
``--drafts 300 --cases 2000 --seconds 1 --rounds 2``.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time

import _harness as h

SUBMIT_TARGET = 0.4
QUEUE_TARGET = 4.0
# The bench database (dropped and re-created): ZHENGWU_BENCH_DB overrides its name.
BENCH_DB = os.environ.get("ZHENGWU_BENCH_DB", "zhengwu_bench_applications")
SETTINGS = "applications_site.settings"
SESSION = "/bench/applications/session"
BASELINE = "/bench/applications/baseline"
FOOD_LICENCE = "340000-SCJG-XK-002"
FORM = {
    "contact_mobile": "13957100001",
    "premises": "舒城县城关镇梅河路 18 号",
    "business_form": "销售",
    "business_scope": "预包装食品销售（含冷藏冷冻食品）",
    "online_sales": "否",
    "safety_officer": "李明",
    "safety_officer_id": "110101199003074258",
}


# --- load generation ------------------------------------------------------------------------


def _signed_in(conn: object) -> dict[str, str]:
    """Sign this connection in as the bench operator; its cookie and CSRF headers."""
    conn.request("GET", SESSION)  # type: ignore[attr-defined]
    response = conn.getresponse()  # type: ignore[attr-defined]
    body = json.loads(response.read())
    cookies = response.getheader("Set-Cookie") or ""
    session = re.search(r"sessionid=([^;]+)", cookies)
    csrf = re.search(r"csrftoken=([^;]+)", cookies)
    if not (session and csrf):
        raise SystemExit("ERROR: the bench session view set no cookies")
    return {
        "Cookie": f"sessionid={session.group(1)}; csrftoken={csrf.group(1)}",
        "X-CSRFToken": body["csrf"],
        "Content-Type": "application/json",
        "Referer": f"http://127.0.0.1:{conn.port}/",  # type: ignore[attr-defined]
    }


BODY = json.dumps({"data": FORM}, ensure_ascii=False).encode()


def _submit_request(draft_id: int, headers: dict[str, str]) -> h.Request:
    return "POST", f"/api/v1/services/applications/{draft_id}/submit", BODY, headers


def _baseline_request(_item: int, _state: object) -> h.Request:
    return "POST", BASELINE, b"", {}


LOADS = {
    "baseline": h.Load(_baseline_request, expected=200),
    "subject": h.Load(
        _submit_request, expected=200, prepare=_signed_in, start_delay=1.0, reuse=False
    ),
}


# --- set-up -----------------------------------------------------------------------------------


def _setup_unit() -> tuple[object, object]:
    """The demo catalogue, one unit with its operator and its 营业执照; the bench uploads."""
    import io

    from django.contrib.auth.hashers import make_password
    from PIL import Image

    from zhengwu.accounts.constants import IdType, LegalPersonType, Location, Role
    from zhengwu.accounts.identity import id_number_hash, mobile_hash
    from zhengwu.accounts.models import Membership, Organisation, User
    from zhengwu.identifiers import generate
    from zhengwu.licences.services import licence_issue
    from zhengwu.onlineservices.demo import catalogue_demo_load
    from zhengwu.onlineservices.models import Department
    from zhengwu.uploads.services import upload_store

    catalogue_demo_load()
    rng = random.Random(2026)
    uscc = generate.uscc(rng, prefix="91", region="341523")
    org = Organisation.objects.create(
        uscc=uscc,
        name="舒城县梅河食品有限公司",
        legal_person_type=LegalPersonType.ENTERPRISE,
        location=Location.IN_PROVINCE,
        legal_rep_name="王建国",
        legal_rep_id_type=IdType.RESIDENT_ID,
        legal_rep_id_number="330106198203154517",
        legal_rep_id_number_hash=id_number_hash("330106198203154517"),
    )
    user = User.objects.create(
        username="bench_operator",
        password=make_password("Bench#2026pass"),
        kind=User.Kind.LEGAL_PERSON,
        real_name="李明",
        id_type=IdType.RESIDENT_ID,
        id_number="110101199003074258",
        id_number_hash=id_number_hash("110101199003074258"),
        mobile="13957100001",
        mobile_hash=mobile_hash("13957100001"),
    )
    Membership.objects.create(organisation=org, user=user, role=Role.OPERATOR)
    issuer = Department.objects.get(code="shucheng-amr").issuer
    licence = licence_issue(
        issuer=issuer,
        licence_type="business_licence",
        holder_uscc=uscc,
        holder_name=org.name,
        issued_on=datetime.date(2020, 1, 1),
        source="staff",
        actor=None,
    )
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 210, 220)).save(buffer, "JPEG")
    uploads = []
    for index in range(3):
        buffer.seek(0)
        buffer.name = f"material-{index}.jpg"  # type: ignore[attr-defined]
        uploads.append(upload_store(file=buffer, kind="other", actor=user))
    return (org, user), (licence, uploads)


def _create_drafts(count: int, unit: tuple[object, object], held: tuple[object, list]) -> list[int]:
    """``count`` drafts of the food licence with every material attached (bulk inserts)."""
    from zhengwu.onlineservices.models import Application, ApplicationMaterial, ServiceItem

    org, user = unit
    licence, uploads = held
    item = ServiceItem.objects.get(code=FOOD_LICENCE)
    materials = list(item.materials.order_by("order"))
    ids: list[int] = []
    for start in range(0, count, 5000):
        batch = Application.objects.bulk_create(
            [
                Application(
                    item=item,
                    department=item.department,
                    applicant=user,
                    organisation=org,
                    applicant_name=org.name,  # type: ignore[attr-defined]
                    applicant_uscc=org.uscc,  # type: ignore[attr-defined]
                )
                for _ in range(min(5000, count - start))
            ]
        )
        rows = []
        for draft in batch:
            files = iter(uploads)
            for material in materials:
                if material.licence_type:
                    rows.append(
                        ApplicationMaterial(application=draft, material=material, licence=licence)
                    )
                else:
                    rows.append(
                        ApplicationMaterial(
                            application=draft, material=material, upload=next(files)
                        )
                    )
        ApplicationMaterial.objects.bulk_create(rows)
        ids.extend(draft.pk for draft in batch)
    return ids


def _load_cases(count: int, user: object) -> list[object]:
    """``count`` cases over four departments: mostly completed, the rest open with deadlines.

    One template case goes through the ORM (every column as the model writes it); the rest are
    copies made by one ``INSERT … SELECT generate_series`` on PostgreSQL with the department
    (uniform), an item of it (uniform), the state (the weights below) and the deadline (± 30
    days) drawn per row: a million cases in about a minute, where ``bulk_create`` took tens
    of minutes on these shared cores. Other databases keep ``bulk_create``."""
    from django.db import connection

    from zhengwu.onlineservices.models import Application, Department, ServiceItem

    rng = random.Random(7)
    departments = list(Department.objects.all())
    items = {d.pk: list(ServiceItem.objects.filter(department=d)) for d in departments}
    states = ["completed"] * 70 + ["submitted"] * 8 + ["accepted"] * 15 + ["correction"] * 4
    states += ["approved"] * 2 + ["denied"] * 1
    today = datetime.date(2026, 6, 1)
    if connection.vendor == "postgresql":
        template = Application.objects.create(
            item=items[departments[0].pk][0],
            department=departments[0],
            applicant=user,
            applicant_name="单位0",
            number="B-template",
            status="completed",
            due_on=today,
        )
        per = 60  # items per department slot: each department equally likely, then its items
        dept_ids, item_ids = [], []
        for d in departments:
            for i in range(per):
                dept_ids.append(d.pk)
                item_ids.append(items[d.pk][i % len(items[d.pk])].pk)
        overrides = {
            "department_id": "(%(deps)s::bigint[])[r.p]",
            "item_id": "(%(items)s::bigint[])[r.p]",
            "applicant_name": "'单位' || r.g",
            "number": "'B' || lpad(r.g::text, 15, '0')",
            "status": "(%(states)s::text[])[r.s]",
            "due_on": (
                "CASE WHEN (%(states)s::text[])[r.s] = 'submitted' THEN NULL"
                " ELSE %(today)s::date + r.d END"
            ),
        }
        fields = [f for f in Application._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        values = ", ".join(
            overrides.get(f.column, f"t.{connection.ops.quote_name(f.column)}") for f in fields
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.7)")
            cursor.execute(
                f"INSERT INTO {Application._meta.db_table} ({columns}) SELECT {values}"
                f" FROM {Application._meta.db_table} t, (SELECT g,"
                " floor(random() * %(np)s)::int + 1 AS p, floor(random() * 100)::int + 1 AS s,"
                " floor(random() * 61)::int - 30 AS d FROM generate_series(1, %(n)s) g) r"
                " WHERE t.id = %(template)s",
                {
                    "deps": dept_ids,
                    "items": item_ids,
                    "states": states,
                    "today": today,
                    "np": len(dept_ids),
                    "n": count,
                    "template": template.pk,
                },
            )
            cursor.execute(f"ANALYZE {Application._meta.db_table}")
        Application.objects.filter(pk=template.pk).delete()
        return departments
    created = 0
    while created < count:
        rows = []
        for _ in range(min(20_000, count - created)):
            department = rng.choice(departments)
            item = rng.choice(items[department.pk])
            status = rng.choice(states)
            due = today + datetime.timedelta(days=rng.randint(-30, 30))
            created += 1
            rows.append(
                Application(
                    item=item,
                    department=department,
                    applicant=user,
                    applicant_name=f"单位{created}",
                    number=f"B{created:015d}",
                    status=status,
                    due_on=due if status != "submitted" else None,
                )
            )
        Application.objects.bulk_create(rows, batch_size=5000)
    return departments


def _queue_timings(departments: list, rounds: int) -> dict[str, float]:
    from zhengwu.onlineservices.models import Application
    from zhengwu.onlineservices.selectors import queue

    department = departments[0]
    today = datetime.date(2026, 6, 1)
    deep = (
        Application.objects.filter(department=department)
        .order_by("id")
        .values_list("id", flat=True)
    )
    deep_id = deep[max(0, deep.count() // 20)]  # a keyset page 95 % down the table
    calls = {"newest": lambda: queue(department=department, today=today)}
    for status in ("submitted", "accepted", "correction", "approved", "denied"):
        calls[status] = lambda s=status: queue(department=department, status=s, today=today)
    calls["overdue"] = lambda: queue(department=department, overdue_only=True, today=today)
    calls["deep_page"] = lambda: queue(department=department, before_id=deep_id, today=today)
    times = h.timed_rounds(rounds, calls)
    return {kind: statistics.median(values) for kind, values in times.items()}


def _start_server(
    port: int, workers: int, threads: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    return h.start_gunicorn(
        "registration_site.wsgi:application",
        port,
        workers=workers,
        threads=threads,
        env=env,
        pythonpath=(h.SRC, h.BENCH_DIR),
        options=("--keep-alive", "30", "--backlog", "512"),
        probe="/healthz",
    )


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = h.parser(__doc__)
    parser.add_argument("--drafts", type=int, default=120_000, help="drafts to submit")
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases for the queue")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--clients", type=int, default=12, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one slice")
    parser.add_argument("--rounds", type=int, default=7, help="baseline/subject slice pairs")
    args = parser.parse_args()

    db = h.Database(BENCH_DB)
    db.create()
    h.setup_django(db.url, SETTINGS, defaults=h.PORTAL_DEFAULTS)
    from django.db import connections

    server = None
    try:
        print(f"migrated in {h.migrate():.1f} s; {os.cpu_count()} CPUs (shared)")
        unit, held = _setup_unit()
        t = time.perf_counter()
        drafts = _create_drafts(args.drafts, unit, held)
        print(f"{len(drafts):,} drafts with materials in {time.perf_counter() - t:.1f} s")
        connections.close_all()

        env = {
            **os.environ,
            "PYTHONPATH": f"{h.SRC}:{h.BENCH_DIR}",
            "DJANGO_SETTINGS_MODULE": SETTINGS,
        }
        port = h.free_port()
        server = _start_server(port, args.workers, args.threads, env)
        kinds = ["baseline", "subject"]
        window = max(1, len(drafts) // (2 * args.rounds + 2))
        offset = 0

        def next_part() -> list[int]:
            nonlocal offset
            part = drafts[offset : offset + window]
            offset += window
            if not part:
                raise SystemExit("ERROR: out of drafts: raise --drafts")
            return part

        if not h.warm_up(
            lambda kind: h.measure(LOADS[kind], port, next_part(), args.clients, 1.0), kinds
        ):
            return 1
        rps: dict[str, list[float]] = {k: [] for k in kinds}
        latencies: dict[str, list[float]] = {k: [] for k in kinds}
        failed = 0
        for r, kind in h.interleaved(args.rounds, kinds):
            result = h.measure(LOADS[kind], port, next_part(), args.clients, args.seconds)
            failed += result.failed
            rps[kind].append(result.rps)
            latencies[kind].extend(result.latencies)
            h.print_slice(r, kind, result, 8)
        ratios = [s / b for s, b in zip(rps["subject"], rps["baseline"], strict=True)]
        submit_ratio = statistics.median(ratios)
        print(
            f"submit {statistics.median(rps['subject']):,.0f} req/s vs baseline "
            f"{statistics.median(rps['baseline']):,.0f} req/s: ratio {submit_ratio:.3f} "
            f"(target ≥ {SUBMIT_TARGET}); failed requests: {failed}"
        )
        h.stop_gunicorn(server)
        server = None

        from zhengwu.accounts.models import User

        t = time.perf_counter()
        departments = _load_cases(args.cases, User.objects.get(username="bench_operator"))
        print(f"{args.cases:,} cases loaded in {time.perf_counter() - t:.1f} s")
        with connections["default"].cursor() as cursor:
            cursor.execute("ANALYZE onlineservices_application")
        timings = _queue_timings(departments, args.rounds)
        worst_kind = max((k for k in timings if k != "newest"), key=lambda k: timings[k])
        queue_ratio = timings[worst_kind] / timings["newest"]
        for kind, seconds in timings.items():
            print(f"  queue {kind:10}: {seconds * 1000:8.2f} ms")
        print(f"queue worst/newest {queue_ratio:.2f} ({worst_kind}; target ≤ {QUEUE_TARGET})")
        report = {
            "benchmark": "applications",
            "value": round(statistics.median(rps["subject"]), 1),
            "unit": "requests/s",
            "baseline": round(statistics.median(rps["baseline"]), 1),
            "ratio": round(submit_ratio, 3),
            "target": SUBMIT_TARGET,
            "p50_ms": round(h.percentile(latencies["subject"], 0.5) * 1000, 1),
            "p99_ms": round(h.percentile(latencies["subject"], 0.99) * 1000, 1),
            "queue_newest_ms": round(timings["newest"] * 1000, 2),
            "queue_worst_ms": round(timings[worst_kind] * 1000, 2),
            "queue_worst": worst_kind,
            "queue_ratio": round(queue_ratio, 2),
            "queue_target": QUEUE_TARGET,
            "cases": args.cases,
            "failed": failed,
        }
        ok = submit_ratio >= SUBMIT_TARGET and queue_ratio <= QUEUE_TARGET and not failed
        return h.report(report, ok)
    finally:
        if server is not None:
            h.stop_gunicorn(server)
        db.finish(args.keep)


if __name__ == "__main__":
    sys.exit(main())
