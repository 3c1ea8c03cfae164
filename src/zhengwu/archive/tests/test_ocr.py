"""OCR in the task worker: a generated scan is recognised and found by a word printed in it.
Skipped, loudly, when tesseract is not installed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from zhengwu.archive import ocr, services
from zhengwu.archive.constants import OcrStatus
from zhengwu.registrations.tests.factories import MarketEntityFactory

from .conftest import needs_tesseract
from .scans import scan_jpeg, scan_pdf

pytestmark = [pytest.mark.django_db, needs_tesseract]

LINES = ["舒城县市场监督管理局", "企业设立登记申请书", "经营范围：茶叶种植、加工、销售"]


@pytest.mark.parametrize("make", [scan_jpeg, scan_pdf])
def test_worker_recognises_the_scan_and_search_finds_a_printed_word(
    make, archivist, client, django_capture_on_commit_callbacks
):
    entity = MarketEntityFactory()
    with django_capture_on_commit_callbacks(execute=True):
        archive = services.archive_store(
            entity=entity,
            content=make(LINES),
            archive_type="establishment",
            date=datetime.date(2015, 6, 1),
            title="扫描件",
        )
    archive.refresh_from_db()
    assert archive.ocr_status == OcrStatus.DONE, archive.ocr_error
    assert archive.ocr_engine == ocr.ENGINE
    client.force_login(archivist)
    hit = client.get(reverse("archive:search"), {"q": "茶叶种植"}).content.decode()
    assert "扫描件" in hit
    miss = client.get(reverse("archive:search"), {"q": "特种设备"}).content.decode()
    assert "扫描件" not in miss
