"""Benchmark: the public verification pages (LIC-3 licence, EC-3 enterprise code) through
gunicorn + PostgreSQL, each against a bare Django view doing one primary-key lookup on the
same table, measured in the same run.

    .venv/bin/python bench/verification.py [--licences N] [--codes N] [--workers N]
        [--threads N] [--clients N] [--seconds S] [--rounds R] [--keep]

Creates its own database (``ZHENGWU_BENCH_DB``, default ``zhengwu_bench_verify``, on the server
of ``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/test``), migrates it, issues ``--licences`` licences
(default 200,000, bulk insert with real GB/T 36904 identifiers) and, when
``zhengwu.enterprise`` provides ``services.claim_code``, claims ``--codes`` enterprise codes
through that service (default 5,000). Writes a throw-away settings/URLconf package under /tmp
(portal settings + fixed bench keys + the baseline views; rate limits raised so that the limit
is *checked* on every request but never trips), serves it with gunicorn (gthread workers,
persistent connections) and measures, interleaved in ``--rounds`` alternating slices:

* ``licence``: ``GET /licences/verify/<identifier>/?t=<token>`` (the URL in the QR: identifier
  check character, rate-limit check, one query, full page render), random licences;
* ``licence_baseline``: ``GET /bench/licence/<pk>``: one PK lookup on ``licences_licence``;
* ``code`` / ``code_baseline``: ``EnterpriseCode.verification_path()`` and a PK lookup on the
  enterprise-code table.

Prints requests/s, ratios and p50/p99, then one JSON line; exits 1 if a request failed or a
ratio is below its target (the licence page 0.7, issue 15; the code page 0.5, EC-3).
Drops the database at the end unless ``--keep``.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _harness as h

TARGET = 0.7  # the licence page: issue 15 (was 0.5)
# Per page: issue 15 raised the licence page's goal only; the code page keeps EC-3's 0.5.
TARGETS = {"licence": TARGET, "code": 0.5}
BENCH_DB = h.bench_db("zhengwu_bench_verify")  # ZHENGWU_BENCH_DB overrides
SAMPLE = 5000

SETTINGS_PY = """
import os
os.environ.setdefault("ZHENGWU_VAR_DIR", "/tmp/zhengwu-bench-verify-var")
# The cache as in production (Redis, required there): the rate limit and the public facts'
# cache are then shared by the workers, as on a deployment (until stop 11 each worker had
# its own local-memory cache).
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
from zhengwu.settings.base import *  # noqa: F403
DEBUG = False
SECRET_KEY = "bench-secret-key-not-for-production-verify-0123456789"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "verify_site.urls"
ZHENGWU_FIELD_KEYS = "b1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
ZHENGWU_HASH_KEY = "YmVuY2gtaGFzaC1rZXktMDEyMzQ1Njc4OWFiY2RlZjA="
CAPTCHA_TEST_MODE = False
ZHENGWU_LICENCE_VERIFY_RATE = 10**9
ZHENGWU_CODE_VERIFY_LIMIT_PER_MINUTE = 10**9
ZHENGWU_LICENCE_SIGNING_KEY = os.environ["BENCH_LICENCE_KEY"]
ZHENGWU_LICENCE_CA_CERT = os.environ["BENCH_LICENCE_CA"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
"""

URLS_PY = """
from django.http import JsonResponse
from django.urls import include, path


def licence_baseline(request, pk):
    from zhengwu.licences.models import Licence

    name = Licence.objects.filter(pk=pk).values_list("holder_name", flat=True).first()
    return JsonResponse({"found": name is not None}, status=200 if name else 404)


def code_baseline(request, pk):
    from zhengwu.enterprise.models import EnterpriseCode

    status = EnterpriseCode.objects.filter(pk=pk).values_list("status", flat=True).first()
    return JsonResponse({"found": status is not None}, status=200 if status else 404)


urlpatterns = [
    path("bench/licence/<int:pk>", licence_baseline),
    path("bench/code/<int:pk>", code_baseline),
    path("", include("zhengwu.urls")),
]
"""


# --- load generation ------------------------------------------------------------------------


def _get(path: str, _state: object) -> h.Request:
    return "GET", path, None, {}


GET = h.Load(_get, expected=200)


# --- set-up -----------------------------------------------------------------------------------


def _issue_licences(count: int) -> list[str]:
    """Bulk-insert ``count`` licences with valid identifiers; return sample verify paths and
    baseline paths (same licences)."""
    from zhengwu.accounts.tests.factories import uscc
    from zhengwu.identifiers import licence_id
    from zhengwu.licences.constants import TYPE_CODES, LicenceType, Source
    from zhengwu.licences.models import Issuer, Licence

    issuer = Issuer.objects.create(uscc=uscc(1, prefix="11"), name="基准测试市场监督管理局")
    batch: list[Licence] = []
    for n in range(count):
        holder = uscc(10_000 + n)
        batch.append(
            Licence(
                identifier=licence_id.build(
                    type_code=TYPE_CODES[LicenceType.BUSINESS_LICENCE],
                    issuer_uscc=issuer.uscc,
                    serial=f"2026{n:010d}",
                ),
                licence_type=LicenceType.BUSINESS_LICENCE,
                number=f"B{n:012d}",
                holder_uscc=holder,
                holder_name=f"基准测试科技有限公司{n}",
                issuer=issuer,
                issued_on="2025-01-01",
                valid_from="2025-01-01",
                valid_until=None if n % 5 else "2025-06-30",
                particulars={"名称": f"基准测试科技有限公司{n}"},
                status="revoked" if n % 50 == 0 else "valid",
                source=Source.DEMO,
            )
        )
        if len(batch) == 5000:
            Licence.objects.bulk_create(batch)
            batch = []
    Licence.objects.bulk_create(batch)
    return []


def _licence_paths() -> tuple[list[str], list[str]]:
    from zhengwu.licences.models import Licence
    from zhengwu.licences.verification import verification_token

    rows = list(Licence.objects.order_by("?").values_list("pk", "identifier")[:SAMPLE])
    subject = [f"/licences/verify/{i}/?t={verification_token(i)}" for _, i in rows]
    baseline = [f"/bench/licence/{pk}" for pk, _ in rows]
    return subject, baseline


def _claim_codes(count: int) -> tuple[list[str], list[str]] | None:
    """Claim ``count`` enterprise codes through ``claim_code``; ``None`` if the enterprise app
    does not provide it."""
    try:
        from zhengwu.enterprise.models import EnterpriseCode
        from zhengwu.enterprise.services import claim_code
    except ImportError:
        return None
    from zhengwu.accounts.constants import IdType, LegalPersonType, Location, Role
    from zhengwu.accounts.models import Membership, Organisation, User
    from zhengwu.accounts.tests.factories import uscc

    user = User.objects.create(
        username="bench_lr", kind=User.Kind.LEGAL_PERSON, real_name="基准测试"
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                uscc=uscc(500_000 + n),
                name=f"基准测试企业{n}",
                legal_person_type=LegalPersonType.ENTERPRISE,
                location=Location.IN_PROVINCE,
                legal_rep_name="基准测试",
                legal_rep_id_type=IdType.RESIDENT_ID,
                legal_rep_id_number="110101199003077777",
                legal_rep_id_number_hash=f"{n:064d}",
            )
            for n in range(count)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(organisation=o, user=user, role=Role.LEGAL_REPRESENTATIVE) for o in orgs]
    )
    codes = [claim_code(organisation=o, actor=user) for o in orgs]
    sample = random.Random(7).sample(codes, min(SAMPLE, len(codes)))
    subject = [c.verification_path() for c in sample]
    baseline = [f"/bench/code/{c.pk}" for c in sample]
    assert EnterpriseCode.objects.count() == count
    return subject, baseline


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = h.parser(__doc__)
    parser.add_argument("--licences", type=int, default=200_000)
    parser.add_argument("--codes", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    site = Path(tempfile.mkdtemp(prefix="zhengwu-bench-verify-"))
    (site / "verify_site").mkdir()
    (site / "verify_site" / "__init__.py").write_text("")
    (site / "verify_site" / "settings.py").write_text(SETTINGS_PY)
    (site / "verify_site" / "urls.py").write_text(URLS_PY)
    sys.path.insert(0, str(site))

    from zhengwu.licences.keys import create_keys

    create_keys(signer_path=site / "signer.pem", ca_path=site / "ca.pem")
    env = {"BENCH_LICENCE_KEY": str(site / "signer.pem"), "BENCH_LICENCE_CA": str(site / "ca.pem")}
    db = h.open_database(BENCH_DB, "verify_site.settings", env)
    from django.db import connections

    server: subprocess.Popen[bytes] | None = None
    try:
        print(f"migrated in {h.migrate():.1f} s; {os.cpu_count()} CPUs (shared)")
        t = time.perf_counter()
        _issue_licences(args.licences)
        print(f"{args.licences:,} licences inserted in {time.perf_counter() - t:.1f} s")
        pairs: dict[str, tuple[list[str], list[str]]] = {"licence": _licence_paths()}
        t = time.perf_counter()
        codes = _claim_codes(args.codes) if args.codes else None
        if codes is not None:
            pairs["code"] = codes
            print(f"{args.codes:,} enterprise codes claimed in {time.perf_counter() - t:.1f} s")
        else:
            print("zhengwu.enterprise.services.claim_code not available: code page skipped")
        connections.close_all()

        port = h.free_port()
        server = h.start_gunicorn(
            "zhengwu.wsgi:application",
            port,
            workers=args.workers,
            threads=args.threads,
            env={**os.environ, "PYTHONPATH": f"{h.SRC}:{site}"},
            pythonpath=(h.SRC, site),
        )
        print(
            f"gunicorn: {args.workers} gthread workers x {args.threads} threads; "
            f"{args.clients} keep-alive client connections"
        )
        kinds = [k for name in pairs for k in (f"{name}_baseline", name)]
        paths = {}
        for name, (subject, baseline) in pairs.items():
            paths[name], paths[f"{name}_baseline"] = subject, baseline

        def measure(kind: str, seconds: float) -> h.Slice:
            return h.measure(GET, port, paths[kind], args.clients, seconds)

        if not h.warm_up(lambda kind: measure(kind, 2.0), kinds):
            return 1
        lat_all: dict[str, list[float]] = {k: [] for k in kinds}
        windows: dict[str, float] = dict.fromkeys(kinds, 0.0)
        failed = 0
        for r, kind in h.interleaved(args.rounds, kinds):
            result = measure(kind, args.seconds)
            failed += result.failed
            lat_all[kind].extend(result.latencies)
            windows[kind] += result.window
            h.print_slice(r, kind, result, 17)
        summary = {
            kind: {
                "rps": round(len(lat_all[kind]) / windows[kind], 1),
                "p50_ms": round(h.percentile(lat_all[kind], 0.5) * 1000, 1),
                "p99_ms": round(h.percentile(lat_all[kind], 0.99) * 1000, 1),
            }
            for kind in kinds
        }
        ratios = {
            name: round(summary[name]["rps"] / summary[f"{name}_baseline"]["rps"], 3)
            for name in pairs
        }
        for kind in kinds:
            s = summary[kind]
            print(f"{kind:17}: {s['rps']:8,.1f} req/s  p50 {s['p50_ms']} ms  p99 {s['p99_ms']} ms")
        for name, ratio in ratios.items():
            print(f"ratio {name}: {ratio:.3f} (target {TARGETS[name]})")
        print(f"failed requests: {failed}")
        ok = failed == 0 and all(r >= TARGETS[name] for name, r in ratios.items())
        result_line = {
            "benchmark": "verification",
            "value": summary["licence"]["rps"],
            "unit": "requests/s",
            "baseline": summary["licence_baseline"]["rps"],
            "ratio": ratios["licence"],
            "target": TARGET,
            "p99_ms": summary["licence"]["p99_ms"],
            "ratios": ratios,
            "summary": summary,
            "failed": failed,
            "licences": args.licences,
            "codes": args.codes if "code" in pairs else 0,
            "ok": ok,
        }
        return h.report(result_line, ok, ensure_ascii=False)
    finally:
        if server is not None:
            h.stop_gunicorn(server)
        db.finish(args.keep)


if __name__ == "__main__":
    raise SystemExit(main())
