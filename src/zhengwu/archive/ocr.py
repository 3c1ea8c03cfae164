"""OCR of scanned archive pages, offline, in the task worker (decision 0023).

The engine is Debian's tesseract 5 with its simplified-Chinese model (``tesseract-ocr``,
``tesseract-ocr-chi-sim``), run as a subprocess per page image: no network, no Python
binding to build. A PDF page that already has a text layer gives its text directly; a
scanned page gives its embedded images, which are recognised one by one.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile

from django.conf import settings

from .constants import PDF
from .errors import OcrFailed

ENGINE = "tesseract chi_sim+eng"


def command() -> str:
    return str(getattr(settings, "ZHENGWU_ARCHIVE_OCR_COMMAND", "tesseract"))


def available() -> bool:
    return shutil.which(command()) is not None


def recognise_image(image: bytes) -> str:
    """Text of one page image (any format Pillow reads), via tesseract."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image)) as picture:
            buffer = io.BytesIO()
            picture.convert("L").save(buffer, "PNG")
    except (UnidentifiedImageError, OSError) as exc:
        raise OcrFailed("页面图像无法读取") from exc
    with tempfile.NamedTemporaryFile(suffix=".png") as handle:
        handle.write(buffer.getvalue())
        handle.flush()
        try:
            done = subprocess.run(
                [command(), handle.name, "-", "-l", "chi_sim+eng", "--psm", "6"],
                capture_output=True,
                text=True,
                timeout=int(getattr(settings, "ZHENGWU_ARCHIVE_OCR_TIMEOUT", 120)),
                check=False,
            )
        except FileNotFoundError as exc:
            raise OcrFailed("文字识别引擎（tesseract）未安装") from exc
        except subprocess.TimeoutExpired as exc:
            raise OcrFailed("文字识别超时") from exc
    if done.returncode != 0:
        raise OcrFailed(f"文字识别引擎出错：{done.stderr.strip()[:200]}")
    return done.stdout


def recognise(content: bytes, content_type: str) -> str:
    """Text of a whole archive file. ``OcrFailed`` with the reason on any failure."""
    if content_type != PDF:
        return recognise_image(content)
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    texts: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(content))
        for page in reader.pages:
            layer = (page.extract_text() or "").strip()
            if layer:
                texts.append(layer)
                continue
            for image in page.images:
                texts.append(recognise_image(image.data))
    except PdfReadError as exc:
        raise OcrFailed("PDF 页面无法读取") from exc
    return "\n".join(texts)
