"""The enterprise code's images (EC-3): PNG, SVG and the printable A4 poster.

Every image encodes ``EnterpriseCode.verification_url()`` — the public page with the current
signed token — and nothing else.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings

from zhengwu.documents import PdfDocument, qr_png

from .models import EnterpriseCode

POSTER_QR_MM = 100.0


def code_png(code: EnterpriseCode) -> bytes:
    return qr_png(code.verification_url(), scale=10)


def code_svg(code: EnterpriseCode) -> bytes:
    buffer = io.BytesIO()
    segno.make(code.verification_url(), error="m", micro=False).save(
        buffer, kind="svg", scale=10, border=2, title="企业码"
    )
    return buffer.getvalue()


def code_svg_inline(code: EnterpriseCode) -> str:
    """The QR as inline SVG markup for the code page (no extra request, scales on a phone)."""
    return segno.make(code.verification_url(), error="m", micro=False).svg_inline(
        scale=6, border=2, title="企业码", svgclass="code-qr", omitsize=True
    )


POSTER_STEPS = (
    "一、打开手机微信、支付宝或政务服务APP的“扫一扫”，对准上方二维码。",
    "二、手机将打开企业码核验页面，显示单位名称、统一社会信用代码和登记状态。",
    "三、页面显示“该企业码真实有效”即为本单位有效的企业码；显示“已作废”或“已失效”的，"
    "请勿使用并联系本单位。",
    "四、本单位人员登录法人账号后，可通过企业码办理证照、待办事项等各类服务。",
)
#: Step 四 for an agency unit, which signs in with its login QR image, not an account.
AGENCY_LAST_STEP = (
    "四、本单位使用登记管理机关发放的登录二维码图片登录后，可通过企业码查看电子证书、"
    "办理进度等各类服务。"
)


def code_poster_pdf(code: EnterpriseCode) -> bytes:
    """A4 poster to print and put up: unit name, USCC, the QR and short instructions."""
    portal = settings.ZHENGWU_PORTAL_NAME
    doc = PdfDocument("企业码", footer=f"{portal} · 企业码", author=portal, subject="EC-3 企业码")
    doc.fields([("单位名称", code.holder_name), ("统一社会信用代码", code.holder_uscc or "—")])
    doc.qr(code.verification_url(), caption="扫码核验企业码", size_mm=POSTER_QR_MM)
    doc.heading("扫码说明")
    steps = (*POSTER_STEPS[:-1], AGENCY_LAST_STEP) if code.is_agency else POSTER_STEPS
    for step in steps:
        doc.paragraph(step, indent=False)
    return doc.build()
