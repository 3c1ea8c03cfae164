"""The authorisation letter (授权委托书) of the agent path (REG-10), generated as a PDF.

The letter names the unit, its USCC, the legal representative, the agent, the scope and the
date; ID numbers are printed masked (the letter travels: it is downloaded by the legal
representative and the agent, and kept with the case). It is built with
``zhengwu.documents.pdf`` and signed by ``zhengwu.integrations.esign`` (an incremental
update: the unsigned bytes stay a prefix of the signed file).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from zhengwu.core.masking import mask_id_number
from zhengwu.documents.pdf import PdfDocument
from zhengwu.notifications import conf as notification_conf

TITLE = "授权委托书"
SIGN_REASON = "授权委托"


def letter_scope(portal: str) -> str:
    """委托事项: what the legal representative authorises (decision 0009)."""
    return (
        f"代表本单位在{portal}注册法人账号，提交并修改注册信息，"
        "并作为本单位法人账号的管理员办理经办人管理等账号事项。"
    )


def authorisation_letter_pdf(
    *,
    reference: str,
    organisation_name: str,
    uscc: str,
    legal_rep_name: str,
    legal_rep_id_number: str,
    agent_name: str,
    agent_id_number: str,
    on: datetime.date | None = None,
) -> bytes:
    """The unsigned letter (PDF bytes) for one agent registration."""
    portal = notification_conf.portal_name()
    day = on or timezone.localdate()
    date_text = f"{day.year}年{day.month}月{day.day}日"
    doc = PdfDocument(
        TITLE, footer=f"{portal} 受理编号 {reference}", author=portal, subject="REG-10"
    )
    doc.paragraph(
        f"本人{legal_rep_name}，系{organisation_name}（统一社会信用代码：{uscc}）的法定代表人，"
        f"现委托{agent_name}作为本单位的代理人，办理下列事项。代理人在委托权限内办理的事项，"
        "本单位予以承认，并承担相应的法律责任。"
    )
    doc.fields(
        [
            ("委托单位", organisation_name),
            ("统一社会信用代码", uscc),
            ("法定代表人", legal_rep_name),
            ("法定代表人证件号码", mask_id_number(legal_rep_id_number)),
            ("代理人", agent_name),
            ("代理人证件号码", mask_id_number(agent_id_number)),
            ("委托事项", letter_scope(portal)),
            ("委托期限", "自签署之日起至本单位撤销授权之日止"),
            ("委托日期", date_text),
        ]
    )
    doc.paragraph(
        "本授权委托书经法定代表人人脸识别后以电子签名方式签署。依据《中华人民共和国电子签名法》，"
        "可靠的电子签名与手写签名或者盖章具有同等的法律效力。"
    )
    doc.spacer(6)
    doc.paragraph(f"法定代表人（电子签名）：{legal_rep_name}", indent=False)
    doc.paragraph(f"日期：{date_text}", indent=False)
    return doc.build()
