"""Content check and re-encoding of uploaded JPEGs (REG-9). No database, no storage.

A file is accepted only if its bytes are a JPEG that Pillow decodes completely, whatever its
name or the browser's declared type. The accepted image is re-encoded from its pixels: the
stored file carries no EXIF (GPS, camera serial), no comment, no ICC/XMP segment and nothing
after the image (a JPEG+ZIP or JPEG+HTML polyglot loses its payload).
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from typing import Protocol

from PIL import Image, ImageOps

from . import conf
from .constants import JPEG_QUALITY
from .errors import (
    UploadCorrupt,
    UploadEmpty,
    UploadNotJpeg,
    UploadTooBigDimensions,
    UploadTooLarge,
    UploadTooSmall,
)

logger = logging.getLogger(__name__)

JPEG_MAGIC = b"\xff\xd8\xff"  # SOI followed by the first marker
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Pillow calls a JPEG with a multi-picture (MPF) segment "MPO"; many phones and cameras write
# them. Its first picture is an ordinary JPEG: that one is decoded and re-encoded, the others
# are dropped with the rest of the file.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO"})


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class PreparedJpeg:
    """The re-encoded image that will be stored and served."""

    content: bytes
    width: int
    height: int
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def read_limited(file: Readable, *, label: str, field: str | None = None) -> bytes:
    """Read the whole file, refusing it as soon as it exceeds ``ZHENGWU_UPLOAD_MAX_BYTES``.

    The declared ``size`` of an uploaded file is checked first, then at most one byte more
    than the limit is read, so an oversized stream is never read into memory.
    """
    limit = conf.max_bytes()
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise UploadTooLarge(label=label, limit=limit, field=field)
    seek = getattr(file, "seek", None)
    if callable(seek):
        seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(label=label, limit=limit, field=field)
    if not data:
        raise UploadEmpty(label=label, field=field)
    return bytes(data)


def prepare_jpeg(
    data: bytes, *, label: str, field: str | None = None, allow_png: bool = False
) -> PreparedJpeg:
    """Check that ``data`` is a complete JPEG (or, with ``allow_png``, PNG) of acceptable
    dimensions and re-encode it as a JPEG (what is stored and served is always a JPEG).

    Raises ``UploadEmpty``, ``UploadNotJpeg`` (wrong magic bytes or not decodable as JPEG),
    ``UploadTooSmall``, ``UploadTooBigDimensions`` (including Pillow's decompression-bomb
    guard) or ``UploadCorrupt`` (truncated or undecodable data).
    """
    if not data:
        raise UploadEmpty(label=label, field=field)
    if allow_png and data.startswith(PNG_MAGIC):
        formats, accepted = ["PNG"], frozenset({"PNG"})
    elif data.startswith(JPEG_MAGIC):
        formats, accepted = ["JPEG"], ACCEPTED_FORMATS
    else:
        raise UploadNotJpeg(label=label, field=field, png=allow_png)

    # Header only: format and dimensions, before any pixel is decoded.
    try:
        with Image.open(io.BytesIO(data), formats=formats) as probe:
            image_format, (width, height) = probe.format, probe.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # The warning is an exception only where warnings are errors (the test suite);
        # elsewhere it is logged by Pillow and the pixel limit below refuses the image.
        raise UploadTooBigDimensions(label=label, maximum=conf.max_side(), field=field) from exc
    except Image.UnidentifiedImageError as exc:
        raise UploadNotJpeg(label=label, field=field, png=allow_png) from exc
    except Exception as exc:  # any parser error on untrusted input means "not an image"
        logger.info("upload refused: header not readable (%s)", type(exc).__name__)
        raise UploadCorrupt(label=label, field=field) from exc
    if image_format not in accepted:
        raise UploadNotJpeg(label=label, field=field, png=allow_png)
    _check_dimensions(width, height, label=label, field=field)

    try:
        with Image.open(io.BytesIO(data), formats=formats) as checked:
            checked.verify()
        # verify() leaves the image unusable: reopen and decode every pixel, which fails on
        # truncated or damaged data.
        with Image.open(io.BytesIO(data), formats=formats) as image:
            image.load()
            content, (width, height) = _reencode(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadTooBigDimensions(label=label, maximum=conf.max_side(), field=field) from exc
    except Exception as exc:  # Pillow raises many types on malformed input
        logger.info("upload refused: image not decodable (%s)", type(exc).__name__)
        raise UploadCorrupt(label=label, field=field) from exc

    return PreparedJpeg(
        content=content,
        width=width,
        height=height,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _check_dimensions(width: int, height: int, *, label: str, field: str | None) -> None:
    minimum, maximum = conf.min_side(), conf.max_side()
    if width < minimum or height < minimum:
        raise UploadTooSmall(label=label, minimum=minimum, field=field)
    if width > maximum or height > maximum or width * height > conf.max_pixels():
        raise UploadTooBigDimensions(label=label, maximum=maximum, field=field)


def _reencode(image: Image.Image) -> tuple[bytes, tuple[int, int]]:
    """New JPEG from the decoded pixels: EXIF orientation applied, then no metadata at all.

    Returns the bytes and the (width, height) of the result (swapped by a 90° orientation).
    """
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:  # unreadable EXIF: keep the pixels as they are rather than refuse
        logger.info("upload: EXIF orientation not readable, image kept as stored")
        upright = image.copy()
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        # A PNG with transparency: on white, as it would look printed.
        rgba = upright.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        upright = background
    elif upright.mode not in ("L", "RGB"):
        upright = upright.convert("RGB")  # CMYK/YCCK scans, palette or 16-bit PNGs
    # Pillow copies the JPEG comment from ``info`` when saving; nothing else must survive.
    upright.info = {}
    buffer = io.BytesIO()
    upright.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue(), upright.size
