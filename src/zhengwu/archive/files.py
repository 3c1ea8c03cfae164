"""Archive file bytes: checked by content, sealed at rest, watermarked on the way out."""

from __future__ import annotations

import datetime
import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from zhengwu.uploads.sealing import seal, unseal

from .constants import JPEG, PDF, STORAGE_PREFIX, STORAGE_SUFFIX
from .errors import ScanRejected
from .models import ArchiveFile

MAX_BYTES = 50 * 1024 * 1024


def inspect(content: bytes, *, label: str = "档案文件") -> tuple[str, int]:
    """(content type, page count) of a scan, decided by its content, not its name.
    ``ScanRejected`` naming the file when it is empty, too large, not a PDF or JPEG, or broken."""
    if not content:
        raise ScanRejected(f"{label}是空文件")
    if len(content) > MAX_BYTES:
        raise ScanRejected(f"{label}超过 {MAX_BYTES // (1024 * 1024)} MB")
    if content.startswith(b"%PDF-"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            pages = len(PdfReader(io.BytesIO(content)).pages)
        except (PdfReadError, ValueError, KeyError, OSError) as exc:
            raise ScanRejected(f"{label}不是完整的 PDF 文件，无法读取") from exc
        if pages < 1:
            raise ScanRejected(f"{label}没有页面")
        return PDF, pages
    if content.startswith(b"\xff\xd8\xff"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.format != "JPEG":
                    raise ScanRejected(f"{label}不是 JPEG 图像")
                image.load()
        except (UnidentifiedImageError, OSError) as exc:
            raise ScanRejected(f"{label}不是完整的 JPEG 图像，无法读取") from exc
        return JPEG, 1
    raise ScanRejected(f"{label}不是 PDF 或 JPEG 扫描件（按文件内容判断）")


def storage_name(file_id: uuid.UUID, at: datetime.datetime) -> str:
    local = timezone.localtime(at)
    return f"{STORAGE_PREFIX}/{local:%Y}/{local:%m}/{file_id.hex}{STORAGE_SUFFIX}"


def write(file_id: uuid.UUID, at: datetime.datetime, content: bytes) -> tuple[str, str]:
    """Seal and store; returns (storage name, key id)."""
    blob, key_id = seal(content, upload_id=file_id)
    name = default_storage.save(storage_name(file_id, at), ContentFile(blob))
    return name, key_id


def read(archive: ArchiveFile) -> bytes:
    with default_storage.open(archive.storage_name, "rb") as handle:
        return unseal(handle.read(), upload_id=archive.id)


def watermarked_pdf(archive: ArchiveFile, *, viewer: str, at: datetime.datetime) -> bytes:
    """The file as a PDF with a visible watermark on every page: the viewer and the time.
    A JPEG page is placed on an A4-proportioned page first."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.colors import Color
    from reportlab.pdfgen.canvas import Canvas

    from zhengwu.documents.fonts import register_cjk_font

    content = read(archive)
    if archive.content_type == JPEG:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(width * 0.75, height * 0.75))
        from reportlab.lib.utils import ImageReader

        canvas.drawImage(ImageReader(io.BytesIO(content)), 0, 0, width * 0.75, height * 0.75)
        canvas.showPage()
        canvas.save()
        content = buffer.getvalue()
    font = register_cjk_font()
    text = f"容e查 仅供查阅 {viewer} {timezone.localtime(at):%Y-%m-%d %H:%M:%S}"
    writer = PdfWriter(clone_from=io.BytesIO(content))
    for page in writer.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        layer = io.BytesIO()
        canvas = Canvas(layer, pagesize=(w, h))
        canvas.setFillColor(Color(0.75, 0.1, 0.1, alpha=0.35))
        size = max(min(w, h) / 28, 9)
        canvas.setFont(font, size)
        canvas.saveState()
        canvas.translate(w / 2, h / 2)
        canvas.rotate(35)
        for offset in (-h / 3, 0, h / 3):
            canvas.drawCentredString(0, offset, text)
        canvas.restoreState()
        canvas.setFont(font, max(size * 0.6, 7))
        canvas.drawString(10, 10, text)
        canvas.save()
        page.merge_page(PdfReader(io.BytesIO(layer.getvalue())).pages[0])
    writer.add_metadata({"/Title": archive.title, "/Subject": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
