"""Vocabulary of the enterprise archive 容e查 (SVC-3)."""

from __future__ import annotations

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArchiveType(models.TextChoices):
    ESTABLISHMENT = "establishment", _("设立")
    CHANGE = "change", _("变更")
    DEREGISTRATION = "deregistration", _("注销")
    ANNUAL_REPORT = "annual_report", _("年报")
    PERMIT = "permit", _("许可")
    OTHER = "other", _("其他")


class OcrStatus(models.TextChoices):
    PENDING = "pending", _("待识别")
    DONE = "done", _("已识别")
    FAILED = "failed", _("识别失败")


PDF: Final = "application/pdf"
JPEG: Final = "image/jpeg"

VIEW_PERMISSION: Final = "archive.view_all_archives"
IMPORT_PERMISSION: Final = "archive.import_archives"
ARCHIVE_GROUP: Final = "档案管理员"

STORAGE_PREFIX: Final = "archive"
STORAGE_SUFFIX: Final = ".enc"

EVENT_IMPORTED: Final = "archive.imported"
EVENT_VIEWED: Final = "archive.viewed"
EVENT_DOWNLOADED: Final = "archive.downloaded"
EVENT_SEARCHED: Final = "archive.searched"
