"""A4 PDF documents with Chinese text: authorisation letters (REG-10), licences (LIC-3) and
forms (AG-7).

A document is built block by block and rendered to bytes::

    doc = PdfDocument("授权委托书", footer="政务服务网", subject="REG-10")
    doc.paragraph("兹委托……")
    doc.fields([("单位名称", "某某有限公司"), ("统一社会信用代码", "91330100MA2XXXXX0X")])
    doc.qr("https://zw.example.gov.cn/v/abc", caption="扫码核验")
    pdf_bytes = doc.build()

or in one call with ``build_pdf(title=..., paragraphs=..., fields=..., qr_payload=...)``.

Contract:

* Text is plain text, never markup: ``<``, ``>`` and ``&`` are escaped, a newline is a line
  break. Chinese text wraps between any two characters (reportlab ``wordWrap="CJK"``), with
  the line-breaking rules for CJK punctuation.
* Every glyph comes from the embedded WenQuanYi Micro Hei subset (``documents.fonts``); the
  file needs no font on the reader's machine.
* Each page carries a footer: the ``footer`` text on the left, 第 n 页 / 共 m 页 on the right.
* The result is an unsigned PDF 1.4; sign it with ``integrations.esign`` (the signature is an
  incremental update, so the bytes returned here stay a prefix of the signed file).

The module is plain Python (reportlab and segno), without Django.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .fonts import register_cjk_font

#: Chinese punctuation that may not start a line (GB/T 15834 and the W3C "Requirements for
#: Chinese Text Layout", 行首禁则): full-width comma, stops, colon, semicolon, question and
#: exclamation marks, closing quotes and brackets, the ellipsis and the dash. Reportlab's own
#: list (``textsplit.ALL_CANNOT_START``) is Japanese-first and lacks most of them, so
#: "…的，请勿使用" broke before the comma (issue 11).
CHINESE_CANNOT_START = "，。、；：？！”’）》〉」』】〕］｝…—·％"


def _install_chinese_line_breaking() -> None:
    """Teach reportlab's CJK wrap the Chinese rules: such a character is hung at the end of
    the line instead of starting the next. Both wrapping paths read a module global named
    ``ALL_CANNOT_START``: ``textsplit.wordSplit`` (a paragraph of one run of text) and
    ``paragraph.cjkFragSplit`` (several runs). Idempotent."""
    from reportlab.lib import textsplit as rl_textsplit
    from reportlab.platypus import paragraph as rl_paragraph

    for module in (rl_textsplit, rl_paragraph):
        current = module.ALL_CANNOT_START
        missing = "".join(ch for ch in CHINESE_CANNOT_START if ch not in current)
        if missing:
            module.ALL_CANNOT_START = current + missing


_install_chinese_line_breaking()

PAGE_SIZE = A4  # 595.28 × 841.89 pt
MARGIN_X = 20 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 22 * mm
FOOTER_Y = 12 * mm
LABEL_COLUMN_WIDTH = 45 * mm
QR_SIZE_MM = 30.0

_LABEL_BACKGROUND = colors.Color(0.94, 0.95, 0.97)
_GRID = colors.Color(0.55, 0.58, 0.62)
_FOOTER_GREY = colors.Color(0.35, 0.35, 0.35)


def qr_png(payload: str, *, scale: int = 8) -> bytes:
    """PNG bytes of a QR code for ``payload`` (error correction M, quiet zone 2 modules).

    This is the image ``PdfDocument.qr`` embeds; callers may also serve it on a page.
    """
    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def _text(value: str) -> str:
    """Plain text → reportlab paragraph markup."""
    return escape(value).replace("\r\n", "\n").replace("\n", "<br/>")


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    font = register_cjk_font()
    base = {"fontName": font, "bulletFontName": font, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle(
            "zw-title", fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=8 * mm, **base
        ),
        "heading": ParagraphStyle(
            "zw-heading", fontSize=13, leading=20, spaceBefore=4 * mm, spaceAfter=2 * mm, **base
        ),
        # 首行缩进两字符: the first line of a Chinese paragraph is indented by two characters.
        "body": ParagraphStyle(
            "zw-body",
            fontSize=11,
            leading=19,
            firstLineIndent=22,
            alignment=TA_JUSTIFY,
            spaceAfter=2 * mm,
            **base,
        ),
        "label": ParagraphStyle("zw-label", fontSize=10.5, leading=15, **base),
        "value": ParagraphStyle("zw-value", fontSize=10.5, leading=15, **base),
        "caption": ParagraphStyle(
            "zw-caption", fontSize=9, leading=12, alignment=TA_CENTER, **base
        ),
    }


class _NumberedCanvas(Canvas):
    """Defers every page until the end so that the footer can say how many pages there are."""

    def __init__(self, *args: Any, footer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _ = PAGE_SIZE
        self.saveState()
        self.setFont(register_cjk_font(), 9)
        self.setFillColor(_FOOTER_GREY)
        self.setStrokeColor(_GRID)
        self.setLineWidth(0.4)
        self.line(MARGIN_X, FOOTER_Y + 11, width - MARGIN_X, FOOTER_Y + 11)
        if self._footer:
            self.drawString(MARGIN_X, FOOTER_Y, self._footer)
        self.drawRightString(
            width - MARGIN_X, FOOTER_Y, f"第 {self._pageNumber} 页 / 共 {total} 页"
        )
        self.restoreState()


class PdfDocument:
    """An A4 document assembled from blocks in order; ``build()`` renders it to PDF bytes.

    ``title`` is drawn at the top of the first page and is the PDF's title; ``author`` and
    ``subject`` go to the document information; ``footer`` is printed on every page.
    """

    def __init__(
        self, title: str, *, footer: str = "", author: str = "", subject: str = ""
    ) -> None:
        self.title = title
        self.footer = footer
        self.author = author
        self.subject = subject
        self._styles = _styles()
        self._flowables: list[Flowable] = [Paragraph(_text(title), self._styles["title"])]

    @property
    def frame_width(self) -> float:
        """Usable width of a page, in points."""
        return PAGE_SIZE[0] - 2 * MARGIN_X

    def heading(self, text: str) -> PdfDocument:
        """A section heading."""
        self._flowables.append(Paragraph(_text(text), self._styles["heading"]))
        return self

    def paragraph(self, text: str, *, indent: bool = True) -> PdfDocument:
        """A paragraph of running text; ``indent=False`` drops the two-character indent."""
        style = self._styles["body"]
        if not indent:
            style = ParagraphStyle("zw-body-flush", parent=style, firstLineIndent=0)
        self._flowables.append(Paragraph(_text(text), style))
        return self

    def fields(self, rows: Iterable[tuple[str, str]]) -> PdfDocument:
        """A two-column table of label / value rows; long values wrap, long tables split
        across pages between rows."""
        data = [
            [
                Paragraph(_text(label), self._styles["label"]),
                Paragraph(_text(value), self._styles["value"]),
            ]
            for label, value in rows
        ]
        if not data:
            return self
        table = Table(
            data,
            colWidths=[LABEL_COLUMN_WIDTH, self.frame_width - LABEL_COLUMN_WIDTH],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, _GRID),
                    ("BACKGROUND", (0, 0), (0, -1), _LABEL_BACKGROUND),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        self._flowables += [table, Spacer(1, 4 * mm)]
        return self

    def qr(self, payload: str, *, caption: str = "", size_mm: float = QR_SIZE_MM) -> PdfDocument:
        """A QR code for ``payload`` (a verification URL), right-aligned, with a caption."""
        size = size_mm * mm
        cells: list[list[Flowable]] = [[Image(io.BytesIO(qr_png(payload)), size, size)]]
        if caption:
            cells.append([Paragraph(_text(caption), self._styles["caption"])])
        block = Table(cells, colWidths=[max(size, 40 * mm)], hAlign="RIGHT")
        block.setStyle(
            TableStyle(
                [
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        self._flowables.append(block)
        return self

    def spacer(self, height_mm: float) -> PdfDocument:
        """Vertical space."""
        self._flowables.append(Spacer(1, height_mm * mm))
        return self

    def build(self) -> bytes:
        """Render the document: PDF bytes."""
        buffer = io.BytesIO()
        template = SimpleDocTemplate(
            buffer,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=self.title,
            author=self.author,
            subject=self.subject,
            creator="Zhengwu",
            lang="zh-CN",
            initialFontName=register_cjk_font(),
        )
        template.build(
            list(self._flowables),
            canvasmaker=functools.partial(_NumberedCanvas, footer=self.footer),
        )
        return buffer.getvalue()


def build_pdf(
    *,
    title: str,
    paragraphs: Sequence[str] = (),
    fields: Sequence[tuple[str, str]] = (),
    qr_payload: str | None = None,
    qr_caption: str = "",
    footer: str = "",
    author: str = "",
    subject: str = "",
) -> bytes:
    """The common layout in one call: title, paragraphs, field table, QR code, footer."""
    doc = PdfDocument(title, footer=footer, author=author, subject=subject)
    for text in paragraphs:
        doc.paragraph(text)
    doc.fields(fields)
    if qr_payload:
        doc.qr(qr_payload, caption=qr_caption)
    return doc.build()
