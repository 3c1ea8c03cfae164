"""The licence as a signed A4 PDF (LIC-3): Chinese text with the embedded font, the licence
fields, a verification QR, and the issuing authority's PAdES signature."""

from __future__ import annotations

from zhengwu.documents.pdf import PdfDocument

from .models import Licence
from .signing import sign_licence_pdf
from .verification import verification_url


def _date(value: object) -> str:
    return f"{value:%Y年%m月%d日}" if value else "长期"


def licence_fields(licence: Licence) -> list[tuple[str, str]]:
    """The rows printed on the licence: metadata (GB/T 36903) then the particulars (照面信息)."""
    rows = [
        ("证照名称", licence.get_licence_type_display()),
        ("证照编号", licence.number),
        ("持证主体", licence.holder_name),
        ("统一社会信用代码", licence.holder_uscc),
    ]
    rows += [(str(k), str(v)) for k, v in licence.particulars.items()]
    rows += [
        ("颁发机构", licence.issuer.name),
        ("颁发日期", _date(licence.issued_on)),
        ("有效期", f"{_date(licence.valid_from)} 至 {_date(licence.valid_until)}"),
        ("证照标识", licence.identifier),
    ]
    return rows


def licence_pdf_unsigned(licence: Licence) -> bytes:
    doc = PdfDocument(
        licence.get_licence_type_display(),
        footer=f"电子证照 · {licence.identifier}",
        author=licence.issuer.name,
        subject=licence.identifier,
    )
    doc.paragraph(
        "本电子证照由颁发机构签发并加盖电子签名，与纸质证照具有同等法律效力。", indent=False
    )
    doc.fields(licence_fields(licence))
    doc.qr(verification_url(licence), caption="扫码核验证照状态")
    return doc.build()


def licence_pdf(licence: Licence) -> bytes:
    """The signed PDF (A4, CJK font, fields, QR to the verification page)."""
    return sign_licence_pdf(licence_pdf_unsigned(licence), location=licence.issuer.name)
