"""Bad rows are reported (line, field, reason), good rows imported; bad files import nothing."""

from __future__ import annotations

import csv

import pytest

from zhengwu.audit.models import AuditEvent
from zhengwu.registry.models import MarketEntity
from zhengwu.registry.services.demo import HEADER
from zhengwu.registry.services.importing import RegistryImportError, registry_import

pytestmark = pytest.mark.django_db


def read_report(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["行号", "字段", "原因"]
    return [(int(line), field, reason) for line, field, reason in rows[1:]]


def test_bad_rows_are_reported_with_every_problem_and_good_rows_imported(
    export, good_rows, tmp_path
):
    """Each problem of each bad row is a report line; the good rows are all imported."""
    bad_everything = [
        "91330106MA2KYUN10X",  # wrong check character
        "",  # no name
        "股份公司",  # unknown type
        "迁出",  # status not understood
        "33010",  # 5 digits
        "",
        "张三",
        "居民身份证",
        "330106198203154510",  # wrong check digit
        "12345",  # neither mobile nor landline
        "2020-02-30",  # no such day
    ]
    wrong_prefix = list(good_rows[1])  # 个体工商户 row...
    wrong_prefix[2] = "有限责任公司"  # ...declared a company: code 92 contradicts type
    future = list(good_rows[3])
    future[10] = "2999-01-01"
    bad_permit = list(good_rows[-1])
    bad_permit[8] = "X1234"
    rows = [good_rows[0], bad_everything, good_rows[2], wrong_prefix, future, bad_permit]
    report = tmp_path / "report.csv"

    result = registry_import(export(rows), report_path=report)

    assert (result.rows, result.inserted, result.rejected) == (6, 2, 4)
    lines = read_report(report)
    problems_of_3 = [(field, reason) for line, field, reason in lines if line == 3]
    assert [f for f, _ in problems_of_3] == [
        "名称",
        "统一社会信用代码",
        "市场主体类型",
        "登记状态",
        "住所所在行政区划代码",
        "法定代表人证件号码",
        "联系电话",
        "成立日期",
    ]
    reasons = dict(problems_of_3)
    assert "校验位" in reasons["统一社会信用代码"]
    assert reasons["名称"] == "名称为空"
    assert "6 位数字" in reasons["住所所在行政区划代码"]
    assert "第 18 位" in reasons["法定代表人证件号码"] or "校验位" in reasons["法定代表人证件号码"]
    assert {(line, field) for line, field, _ in lines if line != 3} == {
        (5, "统一社会信用代码"),
        (6, "成立日期"),
        (7, "法定代表人证件号码"),
    }
    assert "个体工商户" in next(r for line, _, r in lines if line == 5)
    assert set(MarketEntity.objects.values_list("uscc", flat=True)) == {
        good_rows[0][0],
        good_rows[2][0],
    }


def test_line_numbers_count_physical_lines(export, good_rows, tmp_path):
    """Line numbers are those of the source file: blank lines and multi-line cells count."""
    rows = [list(r) for r in good_rows[:3]]
    rows[0][1] = "第一行\n第二行"  # the record spans lines 2-3
    rows[2][4] = "ABCDEF"
    path = export(rows)
    path.write_bytes(path.read_bytes().replace(b"\n9233", b"\n\n9233"))  # blank line 4
    report = tmp_path / "report.csv"

    registry_import(path, report_path=report)

    assert [(line, field) for line, field, _ in read_report(report)] == [
        (6, "住所所在行政区划代码")
    ]


def test_a_row_with_extra_cells_is_rejected_whole(export, good_rows, tmp_path):
    """An unquoted comma in a name shifts the columns: the row is rejected as a whole."""
    row = [*good_rows[0], "多出的一列"]
    report = tmp_path / "report.csv"

    result = registry_import(export([row]), report_path=report)

    assert result.rejected == 1
    assert read_report(report) == [
        (2, "整行", "列数不符：表头有 11 列，本行有 12 列（名称等内容中的英文逗号需用双引号括起）")
    ]


def test_duplicate_uscc_later_rows_are_rejected(export, good_rows, tmp_path):
    """Decision: the first valid row of a USCC is imported, later ones are reported."""
    again = list(good_rows[0])
    again[1] = "后来的名称"
    report = tmp_path / "report.csv"

    result = registry_import(export([good_rows[0], good_rows[1], again]), report_path=report)

    assert (result.inserted, result.rejected, result.duplicates) == (2, 1, 1)
    assert MarketEntity.objects.get(uscc=good_rows[0][0]).name == good_rows[0][1]
    assert read_report(report) == [
        (4, "统一社会信用代码", "与第 2 行的统一社会信用代码重复，以第 2 行为准")
    ]


@pytest.mark.parametrize("missing", ["统一社会信用代码", "法定代表人证件号码", "成立日期"])
def test_missing_required_header_imports_nothing(export, good_rows, missing):
    """A missing column is named in a Chinese error; nothing is imported or audited."""
    keep = [i for i, h in enumerate(HEADER) if h != missing]
    path = export([[r[i] for i in keep] for r in good_rows], header=[HEADER[i] for i in keep])

    with pytest.raises(RegistryImportError) as exc:
        registry_import(path)

    assert exc.value.code == "registry_import.missing_columns"
    assert f"缺少必需的列：{missing}" in exc.value.message
    assert MarketEntity.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type="registry.import").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "是空的"),
        (b"\xff\xfe" + "统一".encode("utf-16-le"), "UTF-16"),
        (b"\x81\x30\xff\xff\xff", "无法识别文件编码"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, content, message):
    """Empty, UTF-16 and undecodable files get a clear error."""
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    with pytest.raises(RegistryImportError) as exc:
        registry_import(path)

    assert message in exc.value.message


def test_repeated_header_is_refused(export, good_rows):
    """Two columns with the same meaning make the file ambiguous."""
    header = [*HEADER, "企业名称"]

    with pytest.raises(RegistryImportError, match="出现了两次"):
        registry_import(export([[*r, "x"] for r in good_rows], header=header))


def test_mixed_encoding_rows_are_rejected(export, good_rows, tmp_path):
    """A GB18030 line inside a UTF-8 file is reported, the rest imported."""
    path = export(good_rows[:2])
    path.write_bytes(path.read_bytes() + ",".join(good_rows[2]).encode("gb18030") + b"\n")
    report = tmp_path / "report.csv"

    result = registry_import(path, report_path=report)

    assert (result.inserted, result.rejected) == (2, 1)
    assert read_report(report)[0][:2] == (4, "整行")
