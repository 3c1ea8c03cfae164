"""Attachments of applications (AG-6): JPEG or PDF, checked by content, sealed at rest.

JPEGs go through ``uploads.images.prepare_jpeg`` (decoded, re-encoded, metadata dropped); a
PDF must parse with pypdf, have a page and no encryption. The bytes are sealed with the same
AES-GCM envelope as ``uploads`` (``uploads.sealing``, bound to the attachment's id). File
first, row second, in one transaction (as ``upload_store``).
"""

from __future__ import annotations

import hashlib
import io
from typing import Any, Final

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from zhengwu.audit.services import record_event
from zhengwu.core.errors import IllegalTransition, ValidationFailed
from zhengwu.uploads.errors import UploadRejected
from zhengwu.uploads.images import Readable, prepare_jpeg
from zhengwu.uploads.sealing import seal, unseal

from ..models import Application, Attachment

MAX_BYTES: Final = 10 * 1024 * 1024
PREFIX: Final = "agency/attachments/"


class AttachmentRejected(ValidationFailed):
    code = "agency.attachment.type"
    message = "附件只能是 JPEG 图片或 PDF 文件"
    field = "file"


def _check_pdf(data: bytes) -> None:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AttachmentRejected("PDF 附件不能加密，请上传未加密的 PDF 文件")
        if len(reader.pages) < 1:
            raise AttachmentRejected("PDF 附件没有页面")
    except AttachmentRejected:
        raise
    except Exception:  # pypdf raises many kinds on damaged files
        raise AttachmentRejected("PDF 文件已损坏，无法打开") from None


def prepare(data: bytes) -> tuple[bytes, str]:
    """The bytes to store and their content type, or ``AttachmentRejected``."""
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return data, "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        try:
            prepared = prepare_jpeg(data, label="附件", field="file")
        except UploadRejected as exc:
            raise AttachmentRejected(exc.message) from None
        return prepared.content, "image/jpeg"
    raise AttachmentRejected()


def attach(
    application: Application, *, material: str, file: Readable, actor: Any = "unit"
) -> Attachment:
    from .applications import MATERIALS

    if material not in MATERIALS[application.item]:
        raise ValidationFailed(
            "请选择材料名称：" + "、".join(MATERIALS[application.item]),
            code="agency.attachment.material",
            field="material",
        )
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AttachmentRejected("附件不能超过 10 MB", code="agency.attachment.too_large")
    content, content_type = prepare(data)
    attachment = Attachment(
        application=application,
        material=material,
        original_name=(getattr(file, "name", "") or "")[-120:],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    blob, attachment.key_id = seal(content, upload_id=attachment.id)
    stored = ""
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if not locked.is_editable:
                raise IllegalTransition(
                    f"申请已提交（当前状态：{locked.get_status_display()}），不能再上传附件",
                    code="agency.application.locked",
                )
            stored = default_storage.save(f"{PREFIX}{attachment.id}.bin", ContentFile(blob))
            attachment.storage_name = stored
            attachment.save(force_insert=True)
            record_event(
                "agency.attachment.added",
                actor=actor,
                subject=application,
                after={"material": material, "type": content_type, "size": attachment.size},
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return attachment


def content_of(attachment: Attachment) -> bytes:
    with default_storage.open(attachment.storage_name, "rb") as fh:
        return unseal(fh.read(), upload_id=attachment.id)


def delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
