"""``agency_import``: load a CSV or XLSX list of agencies and public institutions into
``AgencyUnit``, with the conventions of ``registry_import``: Chinese headers (with aliases),
one transaction, every problem of every rejected row in a report (``<file>.report.csv``, UTF-8
with BOM: 行号, 字段, 原因), a USCC seen again later in the file rejected as a duplicate, and
idempotence (a keyed ``row_hash`` of the imported values: unchanged rows are not written).

The register is small (tens of thousands of units nationally per province at most), so rows are
prepared in this process and written with ``bulk_create``/``bulk_update``.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import time
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from django.db import transaction

from zhengwu.audit.services import record_event
from zhengwu.core.errors import ValidationFailed
from zhengwu.identifiers import uscc as uscc_mod
from zhengwu.identifiers._base import InvalidIdentifier
from zhengwu.registry.services.reading import cell_text
from zhengwu.registry.services.rows import parse_date

from ..constants import KIND_PREFIX, LONG_TERM_WORDS, Kind, UnitStatus
from ..models import AgencyUnit

HEADERS: Final[dict[str, str]] = {
    "uscc": "统一社会信用代码",
    "name": "名称",
    "kind": "类别",
    "head": "负责人",
    "address": "住所",
    "region_code": "行政区划代码",
    "authority": "赋码机关",
    "valid_until": "证书有效期",
    "certificate_number": "证书编号",
    "certificate_version": "证书版本号",
    "status": "状态",
}
HEADER_ALIASES: Final[dict[str, str]] = {
    "单位名称": "name",
    "机构名称": "name",
    "单位类别": "kind",
    "机构类别": "kind",
    "法定代表人": "head",
    "法定代表人(负责人)": "head",
    "地址": "address",
    "单位地址": "address",
    "住所所在行政区划代码": "region_code",
    "登记管理机关": "authority",
    "有效期": "valid_until",
    "有效期至": "valid_until",
    "证书有效期至": "valid_until",
    "证书版本": "certificate_version",
    "登记状态": "status",
}
OPTIONAL: Final = frozenset({"certificate_version", "status", "valid_until"})
KIND_WORDS: Final[dict[str, str]] = {
    **{str(k.label): k.value for k in Kind},
    "机关法人": Kind.AGENCY,
    "事业单位法人": Kind.PUBLIC_INSTITUTION,
    "群团": Kind.MASS_ORGANISATION,
    "群众团体": Kind.MASS_ORGANISATION,
    "群团组织": Kind.MASS_ORGANISATION,
}
STATUS_WORDS: Final[dict[str, str]] = {
    "": UnitStatus.ACTIVE,
    "正常": UnitStatus.ACTIVE,
    "已撤销": UnitStatus.REVOKED,
    "撤销": UnitStatus.REVOKED,
}
REPORT_HEADER: Final = ("行号", "字段", "原因")
FIELDS: Final = tuple(HEADERS)


class AgencyImportError(ValidationFailed):
    code = "agency.import"
    message = "无法导入该文件"


@dataclass
class ImportResult:
    file_name: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0
    report_path: str = ""
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if isinstance(v, int)}


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text.lstrip("\ufeff")).split())


_INDEX: Final[dict[str, str]] = {
    **{_norm(label): key for key, label in HEADERS.items()},
    **{_norm(alias): key for alias, key in HEADER_ALIASES.items()},
}


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header row and the non-empty data rows (line number, cells) of a CSV or XLSX."""
    if not path.exists():
        raise AgencyImportError(f"文件不存在：{path.name}")
    if path.suffix.lower() == ".xlsx":
        import zipfile

        import openpyxl

        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise AgencyImportError("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式") from exc
        try:
            rows = [
                (n, [cell_text(c).strip() for c in row])
                for n, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1)
            ]
        finally:
            workbook.close()
    elif path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise AgencyImportError("无法识别 CSV 文件的编码（应为 UTF-8 或 GB18030）")
        rows = [
            (n, [c.strip() for c in row]) for n, row in enumerate(csv.reader(io.StringIO(text)), 1)
        ]
    else:
        raise AgencyImportError("只能导入 .csv 或 .xlsx 文件")
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        raise AgencyImportError("文件中没有表头行")
    return rows[0][1], rows[1:]


def _positions(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = _INDEX.get(_norm(cell))
        if key is not None and key not in positions:
            positions[key] = i
    missing = [HEADERS[k] for k in FIELDS if k not in positions and k not in OPTIONAL]
    if missing:
        raise AgencyImportError("缺少必需的列：" + "、".join(missing))
    return positions


def row_hash(values: dict[str, Any]) -> str:
    canonical = "\x1f".join(str(values[k] if values[k] is not None else "") for k in FIELDS)
    return hashlib.sha256(canonical.encode()).hexdigest()


def prepare(cells: dict[str, str]) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """Parse one row. Returns the values (``None`` if rejected) and its problems."""
    errors: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    kind = KIND_WORDS.get(_norm(cells.get("kind", "")))
    if kind is None:
        errors.append((HEADERS["kind"], "类别应为 机关、事业单位、群团组织 或 其他"))
    values["kind"] = kind
    try:
        code = uscc_mod.validate(cells.get("uscc", ""))
    except InvalidIdentifier as exc:
        errors.append((HEADERS["uscc"], exc.message))
        code = ""
    else:
        if kind is not None and not code.startswith(KIND_PREFIX[kind]):
            errors.append(
                (
                    HEADERS["uscc"],
                    f"统一社会信用代码前两位应为 {KIND_PREFIX[kind]}"
                    f"（{Kind(kind).label}），实际为 {code[:2]}",
                )
            )
    values["uscc"] = code
    for key, limit in (("name", 200), ("head", 100), ("address", 300), ("authority", 100)):
        text = cells.get(key, "")
        if not text:
            errors.append((HEADERS[key], f"{HEADERS[key]}不能为空"))
        elif len(text) > limit:
            errors.append((HEADERS[key], f"{HEADERS[key]}不能超过 {limit} 个字"))
        values[key] = text
    region = cells.get("region_code", "")
    if not (len(region) == 6 and region.isascii() and region.isdigit()):
        errors.append((HEADERS["region_code"], "行政区划代码应为 6 位数字"))
    values["region_code"] = region
    validity = cells.get("valid_until", "")
    if _norm(validity) in LONG_TERM_WORDS:
        values["valid_until"] = None
    else:
        date = parse_date(validity.replace("至", "").strip())
        if date is None:
            errors.append((HEADERS["valid_until"], "证书有效期应为“长期”或日期（如 2030-12-31）"))
        values["valid_until"] = date
    number = cells.get("certificate_number", "")
    if not number or len(number) > 40:
        errors.append((HEADERS["certificate_number"], "证书编号不能为空且不能超过 40 个字符"))
    values["certificate_number"] = number
    version = cells.get("certificate_version", "") or "1"
    if not (version.isascii() and version.isdigit() and int(version) >= 1):
        errors.append((HEADERS["certificate_version"], "证书版本号应为正整数"))
        values["certificate_version"] = 1
    else:
        values["certificate_version"] = int(version)
    status = STATUS_WORDS.get(_norm(cells.get("status", "")))
    if status is None:
        errors.append((HEADERS["status"], "状态应为 正常 或 已撤销"))
    values["status"] = status
    return (None if errors else values), errors


def agency_import(
    path: str | Path, *, report_path: str | Path | None = None, actor: Any = "agency_import"
) -> ImportResult:
    """Import the file at ``path``; raise :class:`AgencyImportError` if it cannot be read at
    all (nothing is imported then). Records the audit event ``agency.import``."""
    started = time.perf_counter()
    path = Path(path)
    header, rows = _read(path)
    positions = _positions(header)
    result = ImportResult(file_name=path.name)
    report = Path(report_path) if report_path else path.with_name(path.name + ".report.csv")
    result.report_path = str(report)
    problems: list[tuple[int, str, str]] = []
    good: dict[str, dict[str, Any]] = {}
    for line, cells in rows:
        result.rows += 1
        named = {k: (cells[i] if i < len(cells) else "") for k, i in positions.items()}
        values, errors = prepare(named)
        if values is not None and values["uscc"] in good:
            result.duplicates += 1
            errors = [(HEADERS["uscc"], "统一社会信用代码在文件中重复，已导入首次出现的行")]
            values = None
        if values is None:
            result.rejected += 1
            problems.extend((line, f, reason) for f, reason in errors)
            continue
        values["row_hash"] = row_hash(values)
        good[values["uscc"]] = values
    with transaction.atomic():
        existing = {
            u.uscc: u for u in AgencyUnit.objects.select_for_update().filter(uscc__in=list(good))
        }
        new, changed = [], []
        for code, values in good.items():
            unit = existing.get(code)
            if unit is None:
                new.append(AgencyUnit(**values))
            elif unit.row_hash != values["row_hash"]:
                for k, v in values.items():
                    setattr(unit, k, v)
                unit.updated_at = datetime.datetime.now(datetime.UTC)
                changed.append(unit)
        AgencyUnit.objects.bulk_create(new, batch_size=500)
        AgencyUnit.objects.bulk_update(changed, [*FIELDS, "row_hash", "updated_at"], batch_size=500)
        result.inserted, result.updated = len(new), len(changed)
        result.unchanged = len(good) - len(new) - len(changed)
        record_event("agency.import", actor=actor, after={"file": path.name, **result.counts()})
    with report.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REPORT_HEADER)
        writer.writerows(problems)
    result.seconds = time.perf_counter() - started
    return result
