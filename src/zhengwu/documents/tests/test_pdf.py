"""The PDF builder: Chinese text that a reader can extract, an embedded font, A4 pages, page
numbers, and a QR code that decodes."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
import zxingcpp
from PIL import Image

from zhengwu.documents import PdfDocument, build_pdf, missing_glyphs, qr_png
from zhengwu.documents.fonts import FONT_NAME

VERIFY_URL = "https://zw.example.gov.cn/licences/verify/7Hq2xK9p"

LETTER = dict(
    title="授权委托书",
    paragraphs=[
        "兹委托张三（身份证号码：330***********1234）作为我单位的经办人，代表我单位在政务服务网"
        "办理法人用户注册相关事宜。委托期限自签署之日起至办结之日止。",
    ],
    fields=[
        ("单位名称", "杭州市西湖区某某科技有限公司"),
        ("统一社会信用代码", "91330106MA2H3XXXXU"),
        ("法定代表人", "李四"),
    ],
    qr_payload=VERIFY_URL,
    qr_caption="扫码核验",
    footer="政务服务网",
)


def _reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    """All text of the document with line breaks and spaces removed (wrapping splits lines)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in _reader(pdf).pages))


def test_chinese_text_of_every_block_can_be_extracted():
    """Title, paragraph, labels, values, caption and footer come out of the PDF as text."""
    text = _text(build_pdf(**LETTER))

    for expected in (
        "授权委托书",
        "兹委托张三（身份证号码：330***********1234）作为我单位的经办人",
        "委托期限自签署之日起至办结之日止。",
        "统一社会信用代码91330106MA2H3XXXXU",
        "单位名称杭州市西湖区某某科技有限公司",
        "扫码核验",
        "政务服务网",
    ):
        assert expected in text


def test_text_is_plain_text_not_markup():
    """``<``, ``>`` and ``&`` in user data are printed as such; a newline breaks the line."""
    doc = PdfDocument("测试")
    doc.paragraph("甲方：A&B <有限> 公司\n乙方：丙")
    doc.fields([("名称", "<b>不加粗</b>")])

    pages = _reader(doc.build()).pages
    raw = pages[0].extract_text()
    assert "A&B <有限> 公司" in raw
    assert "<b>不加粗</b>" in raw
    assert re.search(r"公司\s*\n\s*乙方：丙", raw)


def test_cjk_font_is_embedded_as_a_truetype_subset():
    """The Chinese glyphs travel in the file: a TrueType subset with a /FontFile2 stream and a
    /ToUnicode map, not a CID font that depends on the reader's fonts."""
    reader = _reader(build_pdf(**LETTER))
    fonts = {
        font["/BaseFont"]: font
        for page in reader.pages
        for font in (ref.get_object() for ref in page["/Resources"]["/Font"].values())
    }

    cjk = [font for name, font in fonts.items() if FONT_NAME in name]
    assert cjk, fonts.keys()
    for font in cjk:
        assert font["/Subtype"] == "/TrueType"
        assert re.fullmatch(rf"/[A-Z]{{6}}\+{FONT_NAME}-\d+", font["/BaseFont"])  # a subset
        font_file = font["/FontDescriptor"]["/FontFile2"].get_object()
        assert len(font_file.get_data()) > 1000
        assert "/ToUnicode" in font
    assert not any("STSong" in name or font["/Subtype"] == "/Type0" for name, font in fonts.items())


def test_pages_are_a4_portrait():
    reader = _reader(build_pdf(**LETTER))
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.1)


def test_every_page_is_numbered_with_the_total():
    """A long table splits across pages between rows; each page says 第 n 页 / 共 m 页."""
    note = "较长的说明文字会在单元格内自动换行。"
    rows = [(f"事项{i}", f"第{i}项的内容，{note}{note}") for i in range(60)]
    pdf = build_pdf(title="申请表", fields=rows, footer="政务服务网")

    pages = _reader(pdf).pages
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共 {len(pages)} 页" in page.extract_text()
    text = _text(pdf)
    assert "事项0第0项的内容" in text
    assert "事项59第59项的内容" in text


def test_long_chinese_text_wraps_inside_the_page():
    """A paragraph without spaces breaks between characters (CJK line breaking) onto several
    lines, none lost."""
    sentence = "统一社会信用代码是每一个法人和其他组织在全国范围内唯一的终身不变的法定身份识别码。"
    doc = PdfDocument("说明")
    doc.paragraph(sentence * 4)

    raw = _reader(doc.build()).pages[0].extract_text()
    lines = [line for line in raw.splitlines() if "说明" not in line and line.strip()]
    body_lines = [line for line in lines if "页" not in line]
    assert len(body_lines) >= 4
    assert all(len(line.strip()) <= 48 for line in body_lines)  # 170 mm at 11 pt ≈ 44 characters
    assert re.sub(r"\s+", "", "".join(body_lines)) == sentence * 4


def test_qr_code_drawn_in_the_pdf_decodes_to_the_payload():
    """The image in the PDF, read back out of the file, is a QR code for the payload."""
    page = _reader(build_pdf(**LETTER)).pages[-1]
    images = page.images
    assert len(images) == 1

    results = zxingcpp.read_barcodes(images[0].image)
    assert [r.text for r in results] == [VERIFY_URL]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode


def test_qr_png_decodes():
    """The PNG that ``PdfDocument.qr`` embeds decodes with zxing-cpp."""
    image = Image.open(io.BytesIO(qr_png(VERIFY_URL)))
    assert image.format == "PNG"
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [VERIFY_URL]


def test_document_metadata():
    pdf = build_pdf(title="营业执照", author="政务服务网", subject="LIC-3", fields=[("名称", "甲")])
    info = _reader(pdf).metadata
    assert info is not None
    assert info.title == "营业执照"
    assert info.author == "政务服务网"
    assert info.subject == "LIC-3"


def test_missing_glyphs_finds_characters_the_font_cannot_draw():
    """Common Chinese, Latin and punctuation are covered; a rare Extension B character of a
    personal name is not, and callers can find out before printing a box."""
    assert missing_glyphs("张三 ABC abc 0123 ，。：（）《》“”——·") == set()
    assert missing_glyphs("吉\U00020bb7") == {"\U00020bb7"}  # 𠮷


@pytest.mark.parametrize("punctuation", list("，。；：？！”）》、"))
def test_chinese_punctuation_never_starts_a_line(punctuation):
    """A paragraph sized so that the punctuation falls first on the second line: it hangs at
    the end of the first instead (one run of text and several runs take different paths)."""
    import io

    import pypdf

    from zhengwu.documents import PdfDocument
    from zhengwu.documents.pdf import CHINESE_CANNOT_START

    for prefix in ("", "<"):  # "<" makes an escaped entity: the several-runs path
        doc = PdfDocument("测试")
        for n in range(38, 48):
            doc.paragraph(prefix + "汉" * n + punctuation + "后续文字" * 5, indent=False)
        text = pypdf.PdfReader(io.BytesIO(doc.build())).pages[0].extract_text()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert not [line for line in lines if line[0] in CHINESE_CANNOT_START], lines
