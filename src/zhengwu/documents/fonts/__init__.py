"""The CJK font embedded in every generated PDF: WenQuanYi Micro Hei (Apache-2.0, ``LICENSE``).

PDFs handed to citizens, companies and courts must look the same everywhere, so the glyphs
travel inside the file: reportlab subsets this TrueType font and embeds the subset
(``/FontFile2``) with a ``/ToUnicode`` map, so the text can be searched and copied. A CID font
(``STSong-Light``) would rely on the reader's own fonts, and the CFF-based Noto CJK / Source Han
cannot be embedded by reportlab at all. See ``docs/decisions/0007-pdf-font-and-signatures.md``.

Coverage: the whole CJK Unified Ideographs block (U+4E00–U+9FA5, hence all of GB 2312 and the
Han characters of GBK), Latin, full-width forms and CJK punctuation. Rare characters of
Extension A/B (some personal names) have no glyph: ``missing_glyphs`` finds them.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "WenQuanYiMicroHei"
FONT_PATH = Path(__file__).with_name("wqy-microhei.ttc")
# The collection holds "Micro Hei" (0) and "Micro Hei Mono" (1).
_SUBFONT_INDEX = 0

_lock = threading.Lock()


def register_cjk_font() -> str:
    """Register the font with reportlab once per process and return its name."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=_SUBFONT_INDEX))
    return FONT_NAME


def missing_glyphs(text: str) -> set[str]:
    """The characters of ``text`` that the font cannot draw (whitespace aside)."""
    register_cjk_font()
    font = pdfmetrics.getFont(FONT_NAME)
    char_to_glyph = font.face.charToGlyph  # type: ignore[attr-defined]
    return {ch for ch in text if not ch.isspace() and ord(ch) not in char_to_glyph}
