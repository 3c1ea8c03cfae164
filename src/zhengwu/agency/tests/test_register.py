"""The register of agencies and public institutions: constraints, import, demo data."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from zhengwu.agency.constants import Kind, UnitStatus
from zhengwu.agency.models import AgencyUnit
from zhengwu.agency.services.demo import DEMO_UNIT_USCC, demo_load
from zhengwu.agency.services.importing import AgencyImportError, agency_import
from zhengwu.audit.models import AuditEvent

from .factories import AgencyUnitFactory

pytestmark = pytest.mark.django_db

AGENCY = "11330106MB0000019A"
HEADER = ["统一社会信用代码", "单位名称", "类别", "负责人", "住所", "行政区划代码", "赋码机关",
          "证书有效期", "证书编号"]  # fmt: skip


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def _row(
    code: str = AGENCY, kind: str = "机关", validity: str = "长期", name: str = "某局"
) -> list[str]:
    return [code, name, kind, "李明", "杭州市文三路 1 号", "330106", "西湖区编办", validity, "A1"]


def test_uscc_prefix_must_fit_the_kind_in_the_database():
    """The register's DB constraint: a 12… (public institution) code cannot be a 机关."""
    unit = AgencyUnitFactory.build(kind=Kind.AGENCY, uscc="12330106MB0000019A")
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()
    AgencyUnitFactory(kind=Kind.PUBLIC_INSTITUTION)  # a fitting one is fine
    assert AgencyUnit.objects.count() == 1


def test_status_and_region_are_checked_by_the_database():
    unit = AgencyUnitFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyUnit.objects.filter(pk=unit.pk).update(status="closed")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyUnit.objects.filter(pk=unit.pk).update(region_code="33010X")


def test_validity_long_term_or_end_date():
    assert AgencyUnitFactory(long_term=True).validity_label == "长期"
    assert AgencyUnitFactory().validity_label == "至 2030-06-30"


def test_import_csv_reports_rejected_rows_and_is_idempotent(tmp_path):
    path = _write(
        tmp_path / "units.csv",
        [
            _row(),
            _row(kind="事业单位"),  # prefix 11 does not fit 事业单位
            _row(code="11330106MB0000019B"),  # bad check character
            _row(validity="明年"),
            _row(name="重复"),  # same code again
        ],
    )
    result = agency_import(path)
    assert (result.rows, result.inserted, result.rejected, result.duplicates) == (5, 1, 4, 1)
    report = list(csv.reader(Path(result.report_path).read_text(encoding="utf-8-sig").splitlines()))
    assert report[0] == ["行号", "字段", "原因"]
    reasons = {(line, field) for line, field, _ in report[1:]}
    assert reasons == {("3", "统一社会信用代码"), ("4", "统一社会信用代码"), ("5", "证书有效期"),
                       ("6", "统一社会信用代码")}  # fmt: skip
    unit = AgencyUnit.objects.get()
    assert unit.is_long_term and unit.kind == Kind.AGENCY and unit.status == UnitStatus.ACTIVE
    again = agency_import(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    _write(path, [_row(validity="2031/1/31", name="新名称")])
    changed = agency_import(path)
    assert (changed.inserted, changed.updated) == (0, 1)
    unit.refresh_from_db()
    assert unit.name == "新名称" and unit.valid_until == datetime.date(2031, 1, 31)
    assert AuditEvent.objects.filter(event_type="agency.import").count() == 3


def test_import_xlsx_with_aliases(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["机构名称", "统一社会信用代码", "单位类别", "法定代表人", "地址", "行政区划代码",
                  "登记管理机关", "有效期至", "证书编号", "状态"])  # fmt: skip
    sheet.append(["某局", AGENCY, "机关", "李明", "文三路", "330106", "编办",
                  datetime.datetime(2030, 1, 1), "A1", "已撤销"])  # fmt: skip
    book.save(tmp_path / "units.xlsx")
    result = agency_import(tmp_path / "units.xlsx")
    assert result.inserted == 1
    unit = AgencyUnit.objects.get()
    assert unit.valid_until == datetime.date(2030, 1, 1) and unit.status == UnitStatus.REVOKED


def test_import_refuses_a_file_without_required_columns(tmp_path):
    path = _write(tmp_path / "bad.csv", [["x"]], header=["统一社会信用代码"])
    with pytest.raises(AgencyImportError, match="缺少必需的列"):
        agency_import(path)
    assert not AgencyUnit.objects.exists()


def test_command_prints_counts(tmp_path, capsys):
    call_command("agency_import", str(_write(tmp_path / "u.csv", [_row()])))
    assert "新增 1" in capsys.readouterr().out


def test_demo_data_a_few_hundred_units_both_validities():
    result = demo_load(count=300)
    assert result.inserted == 300
    assert AgencyUnit.objects.filter(uscc=DEMO_UNIT_USCC, valid_until__isnull=False).exists()
    assert AgencyUnit.objects.filter(valid_until__isnull=True).count() > 100
    assert AgencyUnit.objects.filter(kind=Kind.PUBLIC_INSTITUTION).count() > 50
    assert demo_load(count=300).skipped
