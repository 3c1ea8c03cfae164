"""Archive files (档案) attached to market entities (SVC-3, 容e查)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .constants import JPEG, PDF, ArchiveType, OcrStatus


class ArchiveFile(models.Model):
    """One scanned archive file of a market entity: a PDF or a JPEG page, encrypted at rest
    (``zhengwu.uploads.sealing``) under a random storage name.

    The entity is referenced by USCC (the register is a mirror refreshed by bulk imports,
    never pointed at by foreign keys); its name is copied for search. ``sha256`` is of the
    file as scanned: a re-run of a batch import skips files already in. ``search_tokens`` is
    what full-text search matches: the OCR text and the title cut into CJK unigrams and
    bigrams and Latin words (``search.tokens``), indexed with PostgreSQL full-text search.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    entity_name = models.CharField("市场主体名称", max_length=200)
    archive_type = models.CharField("档案类型", max_length=32, choices=ArchiveType.choices)
    date = models.DateField("档案日期")
    title = models.CharField("标题", max_length=200)
    page_count = models.PositiveIntegerField("页数")
    content_type = models.CharField(
        "文件类型", max_length=32, choices=[(PDF, "PDF"), (JPEG, "JPEG")]
    )
    size = models.PositiveIntegerField("文件大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    storage_name = models.CharField("存储路径", max_length=255, unique=True, editable=False)
    key_id = models.CharField("加密密钥编号", max_length=32, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    ocr_status = models.CharField(
        "文字识别", max_length=16, choices=OcrStatus.choices, default=OcrStatus.PENDING
    )
    ocr_text = models.TextField("识别文字", blank=True)
    ocr_error = models.CharField("识别失败原因", max_length=300, blank=True)
    ocr_engine = models.CharField("识别引擎", max_length=64, blank=True)
    search_tokens = models.TextField("检索词", blank=True, editable=False)

    class Meta:
        verbose_name = "企业档案"
        verbose_name_plural = "企业档案"
        ordering = ["-date", "-uploaded_at"]
        permissions = [
            ("view_all_archives", "查询全部企业档案"),
            ("import_archives", "导入扫描档案"),
        ]
        indexes = [
            models.Index(fields=["archive_type", "date"], name="archive_type_date_idx"),
            models.Index(fields=["date"], name="archive_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(archive_type__in=ArchiveType.values), name="archive_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=[PDF, JPEG]), name="archive_content_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(ocr_status__in=OcrStatus.values), name="archive_ocr_status_valid"
            ),
            models.CheckConstraint(condition=Q(page_count__gte=1), name="archive_pages_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_name} {self.title}"
