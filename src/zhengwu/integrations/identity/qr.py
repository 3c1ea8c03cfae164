"""Rendering a face-check QR payload (or any short URL) as an image, with segno.

``qr_svg`` gives inline SVG for templates (no extra request, scales on phones), ``qr_png`` the
bytes of a PNG for a download or an ``<img>`` endpoint, ``qr_data_uri`` a PNG data URI.
Error correction M (15 %) survives a phone camera at an angle.
"""

from __future__ import annotations

import io

import segno


def _make(payload: str) -> segno.QRCode:
    return segno.make(payload, error="m", micro=False)


def qr_svg(payload: str, *, scale: int = 4, title: str | None = None) -> str:
    """An inline ``<svg>`` element (no XML declaration) encoding ``payload``.

    It keeps its natural size and gains a ``viewBox`` of the same size, so a stylesheet that
    sizes the element (``.qr svg``: 220 px) scales the code and keeps it centred in its frame
    instead of leaving it small in the top-left corner.
    """
    qr = _make(payload)
    width, height = qr.symbol_size(scale=scale, border=2)
    svg = qr.svg_inline(scale=scale, title=title, border=2)
    return svg.replace("<svg ", f'<svg viewBox="0 0 {width} {height}" ', 1)


def qr_png(payload: str, *, scale: int = 6) -> bytes:
    """PNG bytes encoding ``payload``."""
    buffer = io.BytesIO()
    _make(payload).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def qr_data_uri(payload: str, *, scale: int = 4) -> str:
    """``data:image/png;base64,...`` encoding ``payload``."""
    return _make(payload).png_data_uri(scale=scale, border=2)
