"""Writes of the archive: storing a scan, the scanning room's batch import, OCR."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.audit.services import record_event
from zhengwu.registry.models import MarketEntity

from . import files, ocr, search
from .constants import EVENT_IMPORTED, ArchiveType, OcrStatus
from .errors import ManifestInvalid, OcrFailed, ScanRejected
from .models import ArchiveFile

logger = logging.getLogger(__name__)

#: Manifest headers (Chinese as the scanning room writes them; English accepted).
MANIFEST_COLUMNS = {
    "uscc": ("统一社会信用代码", "uscc"),
    "type": ("档案类型", "type"),
    "date": ("日期", "档案日期", "date"),
    "title": ("标题", "title"),
    "file": ("文件名", "file"),
}
_TYPE_BY_LABEL = {str(label): value for value, label in ArchiveType.choices} | {
    value: value for value in ArchiveType.values
}


def _enqueue_ocr(file_id: uuid.UUID) -> None:
    from .tasks import recognise_archive_file

    transaction.on_commit(lambda: recognise_archive_file.enqueue(str(file_id)))


def archive_store(
    *,
    entity: MarketEntity,
    content: bytes,
    archive_type: str,
    date: datetime.date,
    title: str,
    uploaded_by: Any = None,
    original_name: str = "",
) -> ArchiveFile:
    """Check the scan by content, seal it, record it; OCR is queued after commit.
    ``ScanRejected`` leaves nothing behind."""
    if archive_type not in ArchiveType.values:
        raise ScanRejected("档案类型须为设立、变更、注销、年报、许可或其他", field="archive_type")
    title = " ".join((title or "").split())[:200]
    if not title:
        raise ScanRejected("档案标题不能为空", field="title")
    content_type, pages = files.inspect(content, label=f"文件“{original_name or title}”")
    file_id = uuid.uuid4()
    now = timezone.now()
    name, key_id = files.write(file_id, now, content)
    try:
        with transaction.atomic():
            archive = ArchiveFile.objects.create(
                id=file_id,
                uscc=entity.uscc,
                entity_name=entity.name,
                archive_type=archive_type,
                date=date,
                title=title,
                page_count=pages,
                content_type=content_type,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                original_name=original_name[:200],
                storage_name=name,
                key_id=key_id,
                uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
                uploaded_at=now,
                search_tokens=search.file_tokens(date, title),
            )
            record_event(
                EVENT_IMPORTED,
                actor=uploaded_by,
                subject=archive,
                after={"uscc": entity.uscc, "type": archive_type, "pages": pages},
            )
            _enqueue_ocr(archive.id)
    except Exception:
        default_storage.delete(name)
        raise
    return archive


def run_ocr(file_id: str | uuid.UUID) -> ArchiveFile | None:
    """Recognise the text of one file and index it. A failure is recorded on the file (shown
    to staff); the file stays searchable by its metadata."""
    archive = ArchiveFile.objects.filter(pk=file_id).first()
    if archive is None:
        return None
    try:
        text = ocr.recognise(files.read(archive), archive.content_type)
    except OcrFailed as error:
        ArchiveFile.objects.filter(pk=archive.pk).update(
            ocr_status=OcrStatus.FAILED, ocr_error=error.message[:300], ocr_engine=ocr.ENGINE
        )
    except Exception as exc:  # the worker must record any failure, not crash the queue
        logger.exception("OCR of archive file %s failed", archive.pk)
        ArchiveFile.objects.filter(pk=archive.pk).update(
            ocr_status=OcrStatus.FAILED,
            ocr_error=f"文字识别失败：{type(exc).__name__}"[:300],
            ocr_engine=ocr.ENGINE,
        )
    else:
        ArchiveFile.objects.filter(pk=archive.pk).update(
            ocr_status=OcrStatus.DONE,
            ocr_text=text,
            ocr_error="",
            ocr_engine=ocr.ENGINE,
            search_tokens=search.file_tokens(archive.date, archive.title, text),
        )
    archive.refresh_from_db()
    return archive


# --- batch import -----------------------------------------------------------------------------


@dataclass
class ImportReport:
    imported: list[ArchiveFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    found: dict[str, int] = {}
    for key, spellings in MANIFEST_COLUMNS.items():
        for spelling in spellings:
            if spelling.lower() in names:
                found[key] = names.index(spelling.lower())
                break
    missing = [MANIFEST_COLUMNS[k][0] for k in MANIFEST_COLUMNS if k not in found]
    if missing:
        raise ManifestInvalid(f"清单文件缺少列：{'、'.join(missing)}")
    return found


def import_batch(folder: Path, manifest: bytes, *, actor: Any = None) -> ImportReport:
    """Import the files of ``folder`` listed in ``manifest`` (CSV, UTF-8 or GBK). Rows whose
    entity, file, type, date or content is wrong are reported and skipped; a file already in
    (same SHA-256) is skipped; every other row is imported, each on its own."""
    try:
        text = manifest.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = manifest.decode("gbk")
        except UnicodeDecodeError as exc:
            raise ManifestInvalid("清单文件编码无法识别（请使用 UTF-8 或 GBK）") from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ManifestInvalid("清单文件是空的")
    columns = _columns(rows[0])
    report = ImportReport()
    root = folder.resolve()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {k: (row[i].strip() if i < len(row) else "") for k, i in columns.items()}
        where = f"第 {number} 行"
        uscc = cells["uscc"].upper()
        entity = MarketEntity.objects.filter(uscc=uscc).first() if uscc else None
        if entity is None:
            report.problems.append(f"{where}：统一社会信用代码 {uscc or '（空）'} 在登记库中不存在")
            continue
        archive_type = _TYPE_BY_LABEL.get(cells["type"])
        if archive_type is None:
            report.problems.append(
                f"{where}：档案类型“{cells['type']}”无效，须为设立、变更、注销、年报、许可或其他"
            )
            continue
        try:
            date = datetime.date.fromisoformat(cells["date"].replace("/", "-"))
        except ValueError:
            report.problems.append(f"{where}：日期“{cells['date']}”无效，须为 YYYY-MM-DD")
            continue
        name = cells["file"]
        path = (root / name).resolve()
        if not name or not path.is_relative_to(root) or not path.is_file():
            report.problems.append(f"{where}：文件“{name}”在文件夹中不存在")
            continue
        content = path.read_bytes()
        if ArchiveFile.objects.filter(sha256=hashlib.sha256(content).hexdigest()).exists():
            report.skipped.append(f"{where}：文件“{name}”已导入，跳过")
            continue
        try:
            report.imported.append(
                archive_store(
                    entity=entity,
                    content=content,
                    archive_type=archive_type,
                    date=date,
                    title=cells["title"],
                    uploaded_by=actor,
                    original_name=name,
                )
            )
        except ScanRejected as error:
            report.problems.append(f"{where}：{error.message}")
        except IntegrityError:
            report.skipped.append(f"{where}：文件“{name}”已导入，跳过")
    return report


def display_name(name: str) -> str:
    """A scan's file name as the manifest names it: the last path component, no control
    characters."""
    from zhengwu.uploads.services import display_name as safe

    return safe(name)
