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
from zhengwu.licences.models import Licence
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
    if department.issuer_id is None:
        raise ConfigurationError(f"{department.name}未配置发证机构", code="department.no_issuer")
    form = str(case.form_data.get("business_form", "销售"))
    prefix = "JY" + FOOD_BUSINESS_FORMS.get(form, "1") + department.region_code
    number = food_licence_number(
        business_form=form,
        region_code=department.region_code,
        sequence=_next_sequence(department.issuer_id, prefix),
    )
    today = timezone.localdate()
    assert department.issuer is not None
    return licence_issue(
        issuer=department.issuer,
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


def issue(case: Application, *, actor: Any) -> Licence | None:
    """The result of an approved case: an electronic licence, or ``None`` where the result is
    the decision itself (generic items: the decision letter, downloadable from the case)."""
    if case.item.handler == Handler.FOOD_LICENCE:
        return _food_licence(case, actor)
    return None
