"""Private uploads (REG-9): one row per stored, re-encoded, encrypted JPEG.

The file lives in the default storage (``VAR_DIR/private``, outside the web root) under a
random name; it is read only through ``selectors`` and served only by the audited view.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import CONTENT_TYPE


class UploadKind(models.TextChoices):
    """What the file shows; the label names the material in error messages."""

    LICENCE_PAGE = "licence_page", _("营业执照/证照页")
    ID_DOCUMENT = "id_document", _("证件页")
    STAMPED_PROOF = "stamped_proof", _("加盖公章的证明材料")
    OTHER = "other", _("其他材料")


class PrivateUpload(models.Model):
    """One uploaded image: who uploaded it, what it is, where its bytes are.

    ``id`` is random (UUID4) and is the only handle given out. The owner is the uploader's
    account or, for wizard steps before an account exists, the holder of an owner token
    (kept in the session); only a keyed hash of the token is stored. ``size``, ``sha256``,
    ``width`` and ``height`` describe the re-encoded JPEG that is served, not the file the
    browser sent; ``original_name`` is a sanitised display name that is never used in a path.

    ``upload_store`` requires an owner (account or token); deleting the account later keeps
    the row (``uploaded_by`` becomes empty) so that reviewers still see the case material.
    """

    Kind = UploadKind

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("材料类型"), max_length=32, choices=UploadKind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="private_uploads",
        verbose_name=_("上传人"),
    )
    owner_token_hash = models.CharField(
        _("上传凭据索引"), max_length=64, blank=True, db_index=True, editable=False
    )
    storage_name = models.CharField(_("存储路径"), max_length=255, unique=True, editable=False)
    key_id = models.CharField(_("加密密钥编号"), max_length=32, editable=False)
    original_name = models.CharField(_("原文件名"), max_length=120, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=64, default=CONTENT_TYPE)
    size = models.PositiveIntegerField(_("文件大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽（像素）"))
    height = models.PositiveIntegerField(_("高（像素）"))
    subject_type = models.CharField(_("业务对象类型"), max_length=64, blank=True)
    subject_id = models.CharField(_("业务对象ID"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("上传材料")
        verbose_name_plural = _("上传材料")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="uploads_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=UploadKind.values), name="uploads_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(size__gt=0, width__gt=0, height__gt=0), name="uploads_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
