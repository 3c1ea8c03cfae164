"""The catalogue as XLSX (SVC-1): staff export it, edit it in a spreadsheet and import it back.

One sheet, one row per item, the columns of :data:`COLUMNS`. Materials are one per line in
their cell: ``名称|必须|证照类型`` (``必须`` or ``可选``; the licence type code may be empty).
The import is all or nothing: the first wrong cell stops it with a message naming its row and
column, and nothing is saved.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook

from zhengwu.audit.services import record_event
from zhengwu.core.errors import ValidationFailed
from zhengwu.licences.constants import LicenceType

from .constants import EVENT_ITEM_IMPORTED, ApplicantKind, Handler, ItemKind
from .formschema import check_schema
from .models import Department, Material, ServiceItem, Theme

COLUMNS = [
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("department", "实施部门"),
    ("section", "承办股室"),
    ("kind", "事项类型"),
    ("applicant_kind", "服务对象"),
    ("is_fully_online", "全程网办"),
    ("is_high_frequency", "高频事项"),
    ("statutory_days", "法定时限（工作日）"),
    ("promised_days", "承诺时限（工作日）"),
    ("conditions", "受理条件"),
    ("process", "办理流程"),
    ("fee", "收费标准"),
    ("legal_basis", "设定依据"),
    ("contacts", "咨询电话"),
    ("address", "办理地点"),
    ("themes", "主题"),
    ("materials", "申请材料"),
    ("needs_separate_decider", "审查与决定分离"),
    ("handler", "办结结果"),
    ("form_schema", "申请表字段（JSON）"),
]
YES, NO = "是", "否"
MAX_ROWS = 5000


def _label_to_value(choices: Any, label: str) -> dict[str, str]:
    return {str(choice.label): str(choice.value) for choice in choices} | {
        str(choice.value): str(choice.value) for choice in choices
    }


def catalogue_export() -> bytes:
    """The whole catalogue as an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "事项目录"
    sheet.append([label for _key, label in COLUMNS])
    items = ServiceItem.objects.select_related("department").prefetch_related("themes", "materials")
    for item in items.order_by("code"):
        materials = "\n".join(
            f"{m.name}|{'必须' if m.is_required else '可选'}|{m.licence_type}"
            for m in item.materials.all()
        )
        sheet.append(
            [
                item.code,
                item.name,
                item.department.name,
                item.section,
                item.get_kind_display(),
                item.get_applicant_kind_display(),
                YES if item.is_fully_online else NO,
                YES if item.is_high_frequency else NO,
                item.statutory_days,
                item.promised_days,
                item.conditions,
                "\n".join(str(step) for step in item.process),
                item.fee,
                item.legal_basis,
                item.contacts,
                item.address,
                "、".join(t.name for t in item.themes.all()),
                materials,
                YES if item.needs_separate_decider else NO,
                item.handler,
                json.dumps(item.form_schema, ensure_ascii=False),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Row:
    def __init__(self, number: int, values: dict[str, Any]) -> None:
        self.number, self.values = number, values

    def wrong(self, key: str, message: str) -> ValidationFailed:
        label = dict(COLUMNS)[key]
        return ValidationFailed(
            f"第 {self.number} 行“{label}”：{message}", code=f"import.{key}", field=key
        )

    def text(self, key: str, *, required: bool = False, limit: int = 2000) -> str:
        value = self.values.get(key)
        text = "" if value is None else str(value).strip()
        if required and not text:
            raise self.wrong(key, "不能为空")
        if len(text) > limit:
            raise self.wrong(key, f"不能超过 {limit} 个字")
        return text

    def flag(self, key: str) -> bool:
        text = self.text(key)
        if text not in (YES, NO):
            raise self.wrong(key, "应填“是”或“否”")
        return text == YES

    def days(self, key: str) -> int:
        value = self.values.get(key)
        try:
            number = int(str(value).strip())
        except ValueError:
            raise self.wrong(key, "应为整数") from None
        if not 0 <= number <= 365:
            raise self.wrong(key, "应在 0 至 365 之间")
        return number

    def choice(self, key: str, choices: Any) -> str:
        mapping = _label_to_value(choices, "")
        text = self.text(key, required=True)
        if text not in mapping:
            raise self.wrong(key, "可选：" + "、".join(str(c.label) for c in choices))
        return mapping[text]


def _parse(row: _Row) -> dict[str, Any]:
    department_name = row.text("department", required=True)
    department = Department.objects.filter(name=department_name).first()
    if department is None:
        raise row.wrong("department", f"部门“{department_name}”不存在，请先在后台添加")
    statutory, promised = row.days("statutory_days"), row.days("promised_days")
    if promised > statutory:
        raise row.wrong("promised_days", "承诺时限不能超过法定时限")
    themes = []
    for name in filter(None, (t.strip() for t in row.text("themes").split("、"))):
        theme = Theme.objects.filter(name=name).first()
        if theme is None:
            raise row.wrong("themes", f"主题“{name}”不存在")
        themes.append(theme)
    materials = []
    for line in filter(None, (x.strip() for x in row.text("materials", limit=10000).splitlines())):
        parts = [p.strip() for p in line.split("|")] + ["", ""]
        if not parts[0] or parts[1] not in ("必须", "可选"):
            raise row.wrong("materials", f"“{line}”应写作“名称|必须或可选|证照类型”")
        if parts[2] and parts[2] not in LicenceType.values:
            raise row.wrong("materials", f"证照类型“{parts[2]}”不存在")
        materials.append((parts[0][:200], parts[1] == "必须", parts[2]))
    try:
        schema = check_schema(json.loads(row.text("form_schema", limit=50000) or "[]"))
    except (ValueError, ValidationFailed) as exc:
        detail = exc.message if isinstance(exc, ValidationFailed) else "不是合法的 JSON"
        raise row.wrong("form_schema", detail) from None
    handler = row.text("handler") or Handler.GENERIC
    if handler not in Handler.values:
        raise row.wrong("handler", "可选：" + "、".join(Handler.values))
    return {
        "fields": {
            "name": row.text("name", required=True, limit=200),
            "department": department,
            "section": row.text("section", limit=100),
            "kind": row.choice("kind", ItemKind),
            "applicant_kind": row.choice("applicant_kind", ApplicantKind),
            "is_fully_online": row.flag("is_fully_online"),
            "is_high_frequency": row.flag("is_high_frequency"),
            "statutory_days": statutory,
            "promised_days": promised,
            "conditions": row.text("conditions"),
            "process": [s.strip() for s in row.text("process").splitlines() if s.strip()],
            "fee": row.text("fee", limit=200) or "不收费",
            "legal_basis": row.text("legal_basis"),
            "contacts": row.text("contacts", limit=100),
            "address": row.text("address", limit=200),
            "needs_separate_decider": row.flag("needs_separate_decider"),
            "handler": handler,
            "form_schema": schema,
        },
        "themes": themes,
        "materials": materials,
    }


def catalogue_import(*, file: Any, actor: Any) -> int:
    """Create or update the items of an XLSX export (matched by 事项编码); all or nothing."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not XLSX
        raise ValidationFailed(
            "文件不是有效的 XLSX 工作簿", code="import.not_xlsx", field="file"
        ) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, ())]
    expected = [label for _key, label in COLUMNS]
    if header[: len(expected)] != expected:
        raise ValidationFailed(
            "表头与导出模板不一致，请先导出目录再修改", code="import.header", field="file"
        )
    keys = [key for key, _label in COLUMNS]
    count = 0
    with transaction.atomic():
        for number, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            if count >= MAX_ROWS:
                raise ValidationFailed(
                    f"一次最多导入 {MAX_ROWS} 个事项", code="import.too_many", field="file"
                )
            row = _Row(number, dict(zip(keys, values, strict=False)))
            code = row.text("code", required=True, limit=64)
            parsed = _parse(row)
            item, _ = ServiceItem.objects.update_or_create(code=code, defaults=parsed["fields"])
            item.themes.set(parsed["themes"])
            names = [name for name, _r, _t in parsed["materials"]]
            item.materials.exclude(name__in=names).filter(applicationmaterial__isnull=True).delete()
            for order, (name, required, licence_type) in enumerate(parsed["materials"], start=1):
                Material.objects.update_or_create(
                    item=item,
                    name=name,
                    defaults={
                        "is_required": required,
                        "licence_type": licence_type,
                        "order": order,
                    },
                )
            count += 1
        record_event(EVENT_ITEM_IMPORTED, actor=actor, after={"items": count})
    return count
