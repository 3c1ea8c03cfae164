"""Benchmark: agency image sign-ins per second (upload, decode, verify, session) through
gunicorn on PostgreSQL against a bare view that only decodes the same image with zxing-cpp,
measured in the same run.

    .venv/bin/python bench/agency_signin.py [--units N] [--workers N] [--clients N]
        [--seconds S] [--rounds R] [--keep]

Creates its own database (``zhengwu_bench_agency`` on the server of ``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/test``), migrates it, creates N units of the agency
register each with a live login image (the PNG the back office hands over, drawn with the
unit's name), and serves ``bench/agency_site`` with gunicorn (``--workers`` processes, one
thread each). Then, in ``--rounds`` interleaved slices of ``--seconds`` each:

* subject: ``POST /api/v1/agency/session`` (multipart: the image, captcha key and the sandbox
  word PASSED): captcha check, size limit, decode with zxing-cpp, credential hash lookup,
  throttle check, durable audit event, session cycle and save — each request with the next
  unit's image;
* baseline: ``POST /bench/decode`` with the same images: read the upload and decode it with
  zxing-cpp, nothing else, through the same gunicorn.

Prints both rates and the ratio, then as the last line one JSON object; exits 1 if
subject/baseline is below the target (0.6) or a request failed. Drops the database at the end
unless ``--keep``.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
import uuid

import _harness as h

TARGET = 0.6
BENCH_DB = os.environ.get("ZHENGWU_BENCH_AGENCY_DB", "zhengwu_bench_agency")
SETTINGS = "agency_site.settings"
SUBJECT = "/api/v1/agency/session"
BASELINE = "/bench/decode"
BOUNDARY = "zhengwubenchboundary7MA4YWxkTrZu0gW"

sys.path.insert(0, str(h.BENCH_DIR))


def _multipart(png: bytes, fields: dict[str, str]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="login.png"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
        + png
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def _subject_request(png: bytes, _state: object) -> h.Request:
    body = _multipart(png, {"captcha_key": "bench", "captcha": "PASSED"})
    return "POST", SUBJECT, body, HEADERS


def _baseline_request(png: bytes, _state: object) -> h.Request:
    return "POST", BASELINE, _multipart(png, {}), HEADERS


LOADS = {
    "baseline": h.Load(_baseline_request, expected=200),
    "subject": h.Load(_subject_request, expected=200),
}


def _create_units(count: int) -> list[bytes]:
    """``count`` units, each with a live login image; the PNGs, in unit order."""
    import random

    from django.utils import timezone

    from zhengwu.accounts.models import User
    from zhengwu.agency.models import AgencyUnit, LoginImage
    from zhengwu.agency.services import login
    from zhengwu.identifiers import generate
    from zhengwu.uploads.models import PrivateUpload

    rng = random.Random(2026)
    staff = User.objects.create(username="bench_staff", kind=User.Kind.STAFF, is_staff=True)
    scan = PrivateUpload.objects.create(
        id=uuid.uuid4(), kind="stamped_proof", uploaded_by=staff, storage_name="bench/scan",
        key_id="b1", size=1, sha256="0" * 64, width=1, height=1,
    )  # fmt: skip
    units = AgencyUnit.objects.bulk_create(
        AgencyUnit(
            uscc=generate.uscc(rng, prefix="11", region="330106", org_body8=f"MB{n:06d}"),
            name=f"杭州市西湖区测试局{n:05d}",
            kind="agency",
            head="李明",
            address="杭州市文三路 1 号",
            region_code="330106",
            authority="西湖区编办",
            certificate_number=f"B{n:08d}",
        )
        for n in range(count)
    )
    pngs: list[bytes] = []
    images = []
    for unit in units:
        credential = login._new_credential()
        pngs.append(login.render_image(credential, unit.name))
        images.append(
            LoginImage(
                unit=unit,
                reason="never_issued",
                recipient_name="张伟",
                recipient_mobile="13957100001",
                applied_on=datetime.date(2026, 12, 1),
                form_scan=scan,
                delivery="on_site",
                issued_by=staff,
                credential_hash=login.credential_hash(credential),
                downloaded_at=timezone.now(),
            )
        )
    LoginImage.objects.bulk_create(images)
    return pngs


def _start_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return h.start_gunicorn(
        "agency_site.wsgi:application",
        port,
        workers=workers,
        threads=1,
        env=env,
        pythonpath=(h.SRC, h.BENCH_DIR),
        options=("--keep-alive", "30", "--timeout", "120"),
        probe="/agency/",
        probe_timeout=5,
    )


def main() -> int:
    parser = h.parser(__doc__)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one slice")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/subject slice pairs")
    args = parser.parse_args()

    db = h.open_database(BENCH_DB, SETTINGS, defaults=h.PORTAL_DEFAULTS)
    from django.db import connections

    server = None
    try:
        t = time.perf_counter()
        h.migrate()
        pngs = _create_units(args.units)
        connections.close_all()
        cpus = os.cpu_count() or 1
        size = sum(len(p) for p in pngs) // len(pngs)
        print(
            f"migrated, {len(pngs)} units with login images ({size:,} bytes each) in "
            f"{time.perf_counter() - t:.1f} s; {cpus} CPUs (shared)"
        )
        port = h.free_port()
        server = _start_server(port, args.workers, {**os.environ})
        print(f"gunicorn: {args.workers} workers x 1 thread; {args.clients} connections")

        def slice_of(kind: str, seconds: float = args.seconds) -> h.Slice:
            return h.measure(LOADS[kind], port, pngs, args.clients, seconds)

        if not h.warm_up(lambda kind: slice_of(kind, 2.0), ("baseline", "subject")):
            return 1
        latencies: dict[str, list[float]] = {"baseline": [], "subject": []}
        windows = {"baseline": 0.0, "subject": 0.0}
        failed = 0
        for r, kind in h.interleaved(args.rounds, ("baseline", "subject")):
            result = slice_of(kind)
            failed += result.failed
            latencies[kind].extend(result.latencies)
            windows[kind] += result.window
            h.print_slice(r, kind, result, 8)
        rates = {k: len(latencies[k]) / windows[k] for k in latencies}
        ratio = rates["subject"] / rates["baseline"]
        p50 = h.percentile(latencies["subject"], 0.5) * 1000
        print(
            f"image sign-in: {rates['subject']:.1f}/s (p50 {p50:.0f} ms); "
            f"bare decode: {rates['baseline']:.1f}/s; ratio {ratio:.3f} (target {TARGET}); "
            f"failed requests: {failed}"
        )
        return h.report(
            {
                "benchmark": "agency_signin",
                "value": round(rates["subject"], 2),
                "unit": "sign-ins/s",
                "baseline": round(rates["baseline"], 2),
                "ratio": round(ratio, 3),
                "target": TARGET,
                "cpus": cpus,
                "image_bytes": size,
                "p50_ms": round(p50, 1),
                "failed": failed,
            },
            ratio >= TARGET and not failed,
        )
    finally:
        if server is not None:
            h.stop_gunicorn(server)
        db.finish(args.keep)


if __name__ == "__main__":
    sys.exit(main())
