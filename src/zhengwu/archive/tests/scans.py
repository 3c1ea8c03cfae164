"""Generated "scans" for the tests: Chinese text rendered with the portal's CJK font into a
slightly rotated, blurred greyscale JPEG, or that image as an image-only PDF page."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFilter, ImageFont


def _font(size: int) -> ImageFont.FreeTypeFont:
    from pathlib import Path

    import zhengwu.documents.fonts as fonts

    return ImageFont.truetype(str(Path(fonts.__file__).parent / "wqy-microhei.ttc"), size)


def scan_jpeg(lines: list[str], *, quality: int = 70) -> bytes:
    image = Image.new("L", (1240, 140 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = _font(36)
    for i, line in enumerate(lines):
        draw.text((60, 60 + i * 90), line, font=font, fill=0)
    image = image.rotate(0.6, fillcolor=255).filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def scan_pdf(lines: list[str]) -> bytes:
    """An image-only PDF page (no text layer), as a scanner makes it."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    jpeg = scan_jpeg(lines)
    with Image.open(io.BytesIO(jpeg)) as image:
        width, height = image.size
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width * 0.5, height * 0.5))
    canvas.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width * 0.5, height * 0.5)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
