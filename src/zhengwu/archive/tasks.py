"""Background task of the archive (``django.tasks``; ``manage.py db_worker`` runs it): OCR."""

from __future__ import annotations

from django.tasks import task

from .services import run_ocr


@task
def recognise_archive_file(file_id: str) -> str | None:
    archive = run_ocr(file_id)
    return archive.ocr_status if archive is not None else None
