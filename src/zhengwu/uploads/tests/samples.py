"""Files for the upload tests: real JPEGs, and everything that must not pass for one."""

from __future__ import annotations

import io
import random
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MODEL = 0x0110


def noisy_image(width: int = 400, height: int = 300, mode: str = "RGB") -> Image.Image:
    """An image whose JPEG is large enough for truncation to hit the pixel data."""
    bands = len(mode) if mode != "L" else 1
    data = random.Random(width * 7919 + height).randbytes(width * height * bands)
    return Image.frombytes(mode, (width, height), data)


def jpeg(
    width: int = 400,
    height: int = 300,
    *,
    mode: str = "RGB",
    exif: Image.Exif | None = None,
    comment: bytes | None = None,
    progressive: bool = False,
) -> bytes:
    buffer = io.BytesIO()
    params: dict = {"quality": 85, "progressive": progressive}
    if exif is not None:
        params["exif"] = exif.tobytes()
    if comment is not None:
        params["comment"] = comment
    noisy_image(width, height, mode).save(buffer, "JPEG", **params)
    return buffer.getvalue()


def mpo() -> bytes:
    """A multi-picture JPEG (MPO), as phones and stereo cameras write: two pictures."""
    buffer = io.BytesIO()
    first, second = noisy_image(400, 300), noisy_image(300, 300)
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def gps_exif(*, orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: position (West Lake, Hangzhou), camera model, orientation."""
    exif = Image.Exif()
    exif[MODEL] = "ZW-Phone 15"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (30.0, 14.0, 45.0), 3: "E", 4: (120.0, 8.0, 30.0)}
    return exif


def png(width: int = 400, height: int = 300) -> bytes:
    buffer = io.BytesIO()
    noisy_image(width, height).save(buffer, "PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">'
    b"<script>alert(1)</script></svg>"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
# JPEG magic bytes followed by something else entirely.
FAKE_MAGIC = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"


def zip_payload() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "<script>alert('polyglot')</script>")
    return buffer.getvalue()


def with_dimensions(data: bytes, width: int, height: int) -> bytes:
    """The JPEG ``data`` with the dimensions of its frame header (SOF) rewritten: the
    header claims a size the file's few bytes do not hold (a decompression bomb)."""
    position = 2
    while position < len(data):
        marker, length = (
            data[position + 1],
            struct.unpack(">H", data[position + 2 : position + 4])[0],
        )
        if marker in (0xC0, 0xC1, 0xC2):
            header = bytearray(data)
            header[position + 5 : position + 9] = struct.pack(">HH", height, width)
            return bytes(header)
        position += 2 + length
    raise ValueError("no SOF marker")


def uploaded(content: bytes, name: str = "营业执照.jpg", content_type: str = "image/jpeg"):
    """A file as the browser sends it (name and declared type are the attacker's choice)."""
    return SimpleUploadedFile(name, content, content_type=content_type)
