"""What 准予 produces, per item (``ServiceItem.handler``): the named items' real results.

``issue(case)`` runs inside 办结's transaction; an electronic licence is issued through
``licences.services.licence_issue`` in the name of the department's issuer and lands in the
unit's 我的证照.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone

from zhengwu.core.errors import ConfigurationError
from zhengwu.licences.constants import LicenceType, Source
from zhengwu.licences.models import Issuer, Licence
from zhengwu.licences.services import licence_issue

from .constants import Handler
from .models import Application

#: 主体业态 digit of a food business licence number (JY + 14 digits).
FOOD_BUSINESS_FORMS = {"销售": "1", "餐饮服务": "2", "单位食堂": "3"}


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of ``digits`` (the check digit of a JY number, decision 0022)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return str((10 - total % 10) % 10)


def food_licence_number(*, business_form: str, region_code: str, sequence: int) -> str:
    """JY + 主体业态 (1) + 行政区划 (6) + 顺序号 (6) + 校验码 (1) = JY + 14 digits."""
    body = f"{FOOD_BUSINESS_FORMS.get(business_form, '1')}{region_code}{sequence:06d}"
    return "JY" + body + luhn_digit(body)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _next_sequence(issuer_id: int, prefix: str) -> int:
    last = (
        Licence.objects.filter(
            issuer_id=issuer_id, licence_type=LicenceType.FOOD_BUSINESS, number__startswith=prefix
        )
        .aggregate(m=Max("number"))
        .get("m")
    )
    return int(last[len(prefix) : len(prefix) + 6]) + 1 if last else 1


def _food_licence(case: Application, actor: Any) -> Licence:
    department = case.department
    issuer = _issuer(case)
    form = str(case.form_data.get("business_form", "销售"))
    prefix = "JY" + FOOD_BUSINESS_FORMS.get(form, "1") + department.region_code
    number = food_licence_number(
        business_form=form,
        region_code=department.region_code,
        sequence=_next_sequence(issuer.pk, prefix),
    )
    today = timezone.localdate()
    return licence_issue(
        issuer=issuer,
        licence_type=LicenceType.FOOD_BUSINESS,
        holder_uscc=case.applicant_uscc,
        holder_name=case.applicant_name,
        issued_on=today,
        valid_from=today,
        valid_until=add_years(today, 5) - datetime.timedelta(days=1),  # five years
        number=number,
        particulars={
            "经营场所": str(case.form_data.get("premises", "")),
            "主体业态": form,
            "经营项目": str(case.form_data.get("business_scope", "")),
            "办件编号": case.number or "",
        },
        source=Source.STAFF,
        actor=actor,
    )


def _issuer(case: Application) -> Issuer:
    issuer = case.department.issuer
    if issuer is None:
        raise ConfigurationError(
            f"{case.department.name}未配置发证机构", code="department.no_issuer"
        )
    return issuer


def _food_filing(case: Application, actor: Any) -> Licence:
    """食品经营备案 (仅销售预包装食品): the filing receipt, no expiry."""
    today = timezone.localdate()
    return licence_issue(
        issuer=_issuer(case),
        licence_type=LicenceType.FOOD_FILING,
        holder_uscc=case.applicant_uscc,
        holder_name=case.applicant_name,
        issued_on=today,
        number=f"YB{case.department.region_code}{case.number}",
        particulars={
            "经营场所": str(case.form_data.get("premises", "")),
            "经营项目": "仅销售预包装食品",
            "办件编号": case.number or "",
        },
        source=Source.STAFF,
        actor=actor,
    )


def _special_equipment(case: Application, actor: Any) -> Licence:
    """特种设备使用登记证: kind, product number and location of the equipment on its face."""
    today = timezone.localdate()
    kind = str(case.form_data.get("equipment_kind", ""))
    code = EQUIPMENT_CODES.get(kind, "设")
    return licence_issue(
        issuer=_issuer(case),
        licence_type=LicenceType.SPECIAL_EQUIPMENT,
        holder_uscc=case.applicant_uscc,
        holder_name=case.applicant_name,
        issued_on=today,
        number=f"{code}{case.department.region_code}{case.number[-8:]}({today:%y})"
        if case.number
        else "",
        particulars={
            "设备种类": kind,
            "产品编号": str(case.form_data.get("product_number", "")),
            "设备使用地点": str(case.form_data.get("location", "")),
            "办件编号": case.number or "",
        },
        source=Source.STAFF,
        actor=actor,
    )


#: 使用登记证编号的设备代码 (《特种设备使用管理规则》 TSG 08: 梯, 容, 炉, 起, 车 …).
EQUIPMENT_CODES = {
    "电梯": "梯",
    "压力容器": "容",
    "锅炉": "炉",
    "起重机械": "起",
    "场（厂）内专用机动车辆": "车",
}


def issue(case: Application, *, actor: Any) -> Licence | None:
    """The result of an approved case: an electronic licence, or ``None`` where the result is
    the decision itself (generic items: the decision letter, downloadable from the case)."""
    handler = case.item.handler
    if handler == Handler.FOOD_LICENCE:
        return _food_licence(case, actor)
    if handler == Handler.FOOD_FILING:
        return _food_filing(case, actor)
    if handler == Handler.SPECIAL_EQUIPMENT:
        return _special_equipment(case, actor)
    if handler == Handler.INDIVIDUAL_BUSINESS:
        from .entities import individual_business_establish

        return individual_business_establish(case, actor=actor, issuer=_issuer(case))
    if handler == Handler.ENTERPRISE_OPENING:
        # the 设立登记 task registered the company; its 营业执照 is the case's result
        if not case.applicant_uscc:
            return None
        return Licence.objects.filter(
            holder_uscc=case.applicant_uscc, licence_type=LicenceType.BUSINESS_LICENCE
        ).first()
    if handler == Handler.DEREGISTRATION:
        from .entities import entity_deregister

        entity_deregister(case, actor=actor)
        return None
    return None
