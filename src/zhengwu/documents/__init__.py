"""Generated documents: A4 PDFs with embedded Chinese text and QR codes (plain Python, no Django).

``pdf.PdfDocument`` / ``pdf.build_pdf`` build the unsigned PDF; ``integrations.esign`` signs it.
The font and its licence live in ``fonts/``.
"""

from .fonts import missing_glyphs
from .pdf import PdfDocument, build_pdf, qr_png

__all__ = ["PdfDocument", "build_pdf", "missing_glyphs", "qr_png"]
