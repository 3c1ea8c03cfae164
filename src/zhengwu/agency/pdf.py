"""Generated forms (AG-7, AG-2): the application forms of an application, and the blank
《登录二维码图片申领表》, with signature and stamp boxes; Chinese text embedded
(``zhengwu.documents``)."""

from __future__ import annotations

from django.utils import timezone

from zhengwu.documents.pdf import PdfDocument

from .models import CHANGEABLE_FIELDS, AgencyUnit, Application, Item, LoginImage

_BOX = "\n\n\n\n年　　月　　日"


def application_form_pdf(application: Application) -> bytes:
    """《机关、群团等统一社会信用代码证书信息变更申请表》 for 变更, otherwise
    《机关、群团等统一社会信用代码申请表》, from the application's current data."""
    unit: AgencyUnit = application.unit
    doc = PdfDocument(
        application.form_title,
        footer=f"{unit.authority} · 生成于 {timezone.localtime():%Y-%m-%d %H:%M}",
        subject="AG-7",
    )
    doc.fields(
        [
            ("单位名称", unit.name),
            ("统一社会信用代码", unit.uscc),
            ("单位类别", unit.get_kind_display()),
            ("负责人", unit.head),
            ("住所", unit.address),
            ("证书编号", f"{unit.certificate_number}（第 {unit.certificate_version} 版）"),
            ("证书有效期", unit.validity_label),
            ("申办事项", application.get_item_display()),
            ("办理进度", application.get_status_display()),
        ]
    )
    if application.item == Item.CHANGE:
        doc.heading("变更事项")
        rows = [
            (label, f"原登记：{getattr(unit, key)}\n变更为：{application.changes[key]}")
            for key, label in CHANGEABLE_FIELDS.items()
            if key in application.changes
        ]
        doc.fields(rows or [("变更事项", "（尚未填写）")])
    else:
        doc.heading("申请理由")
        doc.fields([("申请理由", application.reason or "（尚未填写）")])
    doc.heading("签字盖章")
    doc.fields([("负责人签字", _BOX), ("单位盖章", _BOX), ("赋码机关意见", _BOX)])
    return doc.build()


def image_application_form_pdf() -> bytes:
    """格式文本下载: the blank 《机关网上赋码系统登录二维码图片申领表》 (seed 004, 附图6)."""
    doc = PdfDocument("机关网上赋码系统登录二维码图片申领表", footer="格式文本", subject="AG-2")
    doc.fields(
        [
            ("单位名称", ""),
            ("统一社会信用代码", ""),
            ("申领原因", "　".join(f"□ {label}" for label in LoginImage.Reason.labels)),
            ("领取人", ""),
            ("手机号", ""),
            ("单位盖章", _BOX),
        ]
    )
    doc.paragraph(
        "填写本表并加盖本单位公章后，面交或邮寄本级登记管理机关（或相应的政务服务窗口单位）。"
        "登记管理机关核准后，现场发放登录二维码图片或以短信发送一次性下载链接。"
    )
    return doc.build()
