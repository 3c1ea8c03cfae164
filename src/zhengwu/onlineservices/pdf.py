"""Printable documents of the online services: the 办事指南 of an item (SVC-1) and the
decision letter of a case (SVC-2), built with ``zhengwu.documents`` (embedded CJK font)."""

from __future__ import annotations

from zhengwu.documents import PdfDocument

from .models import Application, ServiceItem


def guide_pdf(item: ServiceItem) -> bytes:
    """The 办事指南 of ``item`` as an A4 PDF."""
    doc = PdfDocument(
        f"{item.name}办事指南",
        footer=f"事项编码 {item.code}",
        subject="办事指南",
        author=item.department.name,
    )
    doc.heading("基本信息")
    doc.fields(
        [
            ("事项名称", item.name),
            ("事项编码", item.code),
            ("事项类型", item.get_kind_display()),
            ("实施部门", f"{item.department.name} {item.section}".strip()),
            ("服务对象", item.get_applicant_kind_display()),
            ("办理形式", "全程网办" if item.is_fully_online else "网上申请、窗口办理"),
            ("法定办结时限", f"{item.statutory_days} 个工作日"),
            ("承诺办结时限", f"{item.promised_days} 个工作日"),
            ("收费标准", item.fee),
            ("咨询电话", item.contacts or "—"),
            ("办理地点", item.address or "—"),
        ]
    )
    doc.heading("受理条件")
    doc.paragraph(item.conditions or "—")
    doc.heading("申请材料")
    doc.fields(
        [
            (
                f"{index}. {m.name}",
                "；".join(
                    filter(
                        None,
                        [
                            "必须提交" if m.is_required else "按需提交",
                            m.get_form_display(),
                            f"{m.copies} 份",
                            f"可由电子证照“{m.get_licence_type_display()}”免提交"
                            if m.licence_type
                            else "",
                            m.note,
                        ],
                    )
                ),
            )
            for index, m in enumerate(item.materials.all(), start=1)
        ]
        or [("—", "无需提交材料")]
    )
    doc.heading("办理流程")
    for index, step in enumerate(item.process or [], start=1):
        doc.paragraph(f"{index}. {step}", indent=False)
    doc.heading("设定依据")
    doc.paragraph(item.legal_basis or "—")
    return doc.build()


def decision_pdf(application: Application) -> bytes:
    """The decision letter (准予 / 不予) of a completed case, the result of generic items."""
    approved = application.decision == "approve"
    title = f"{application.item.name}{'准予' if approved else '不予'}决定书"
    doc = PdfDocument(
        title, footer=f"办件编号 {application.number}", author=application.department.name
    )
    doc.fields(
        [
            ("办件编号", application.number or ""),
            ("申请人", application.applicant_name),
            ("统一社会信用代码", application.applicant_uscc or "—"),
            ("申请事项", application.item.name),
            ("决定", "准予" if approved else "不予许可"),
            ("理由", application.decision_reason or "—"),
            ("决定机关", application.department.name),
            (
                "办结日期",
                f"{application.completed_at:%Y年%m月%d日}" if application.completed_at else "—",
            ),
        ]
    )
    return doc.build()
