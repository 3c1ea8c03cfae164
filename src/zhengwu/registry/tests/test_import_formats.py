"""registry_import reads the formats a market-supervision export comes in."""

from __future__ import annotations

import datetime

import pytest

from zhengwu.registry.constants import EntityType, IdType, LegalPersonType, Status
from zhengwu.registry.models import MarketEntity
from zhengwu.registry.services.demo import HEADER
from zhengwu.registry.services.importing import registry_import

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("utf8.csv", "utf-8"),
        ("utf8-bom.csv", "utf-8-sig"),
        ("gb18030.csv", "gb18030"),
        ("export.xlsx", None),
    ],
)
def test_every_format_imports_the_same_entities(export, good_rows, name, encoding):
    """UTF-8, UTF-8 with BOM, GB18030 CSV and XLSX files give the same register rows."""
    path = export(good_rows, name, **({"encoding": encoding} if encoding else {}))

    result = registry_import(path)

    assert (result.rows, result.inserted, result.rejected) == (11, 11, 0)
    entity = MarketEntity.objects.get(uscc="92330106MA2LW00120")
    assert entity.name == "杭州市西湖区老王面馆"
    assert entity.entity_type == EntityType.INDIVIDUAL_BUSINESS
    assert entity.legal_person_type == LegalPersonType.INDIVIDUAL_BUSINESS
    assert entity.status == Status.ACTIVE
    assert entity.region_code == "330106"
    assert entity.supervision_unit == "西湖区市场监督管理局文新所"
    assert entity.legal_rep_name == "王德顺"
    assert entity.legal_rep_id_type == IdType.RESIDENT_ID
    assert entity.legal_rep_id_number == "330106197509103312"
    assert entity.registered_phone == "13957101003"
    assert entity.registered_on == datetime.date(2016, 8, 1)


def test_headers_in_another_order_and_extra_columns(export, good_rows):
    """Columns are found by their Chinese header wherever they are; unknown ones are ignored."""
    order = [10, 3, 0, 9, 8, 7, 6, 5, 4, 2, 1]
    header = [HEADER[i] for i in order] + ["备注"]
    rows = [[row[i] for i in order] + ["忽略"] for row in good_rows]

    result = registry_import(export(rows, header=header))

    assert (result.inserted, result.rejected) == (11, 0)
    assert MarketEntity.objects.get(uscc="91330106MA2KYUN10R").legal_rep_name == "王建国"


def test_header_aliases_and_optional_supervision_unit(export, good_rows):
    """Other spellings of the headers are accepted; the 监管单位 column may be absent."""
    header = ["企业名称" if h == "名称" else "经营者" if h == "法定代表人" else h for h in HEADER]
    keep = [i for i, h in enumerate(header) if h != "监管单位"]
    rows = [[row[i] for i in keep] for row in good_rows]

    result = registry_import(export(rows, header=[header[i] for i in keep]))

    assert (result.inserted, result.rejected) == (11, 0)
    assert MarketEntity.objects.get(uscc="91330106MA2KYUN10R").supervision_unit == ""


def test_windows_line_endings_tabs_quotes_and_spaces(export, good_rows):
    """CRLF, tab-separated files, quoted cells with commas and line breaks, stray spaces."""
    rows = [list(r) for r in good_rows]
    rows[0][1] = "杭州云栖数智科技有限公司"
    rows[1][1] = "杭州市西湖区老王面馆,\n（西湖店）"
    rows[2] = [f" {c} " for c in rows[2]]

    csv_result = registry_import(export(rows, "crlf.csv", newline="\r\n"))
    tab_result = registry_import(export(rows, "tabs.tsv", delimiter="\t"))

    assert (csv_result.inserted, csv_result.rejected) == (11, 0)
    assert (tab_result.unchanged, tab_result.rejected) == (11, 0)
    assert MarketEntity.objects.get(uscc="92330106MA2LW00120").name == (
        "杭州市西湖区老王面馆, （西湖店）"
    )
    assert MarketEntity.objects.get(uscc="93330106MA2LJC014C").legal_rep_name == "陈茶根"


@pytest.mark.parametrize(
    "text", ["2020-06-30", "2020/6/30", "2020年6月30日", "2020.06.30", "20200630"]
)
def test_date_formats(export, good_rows, text):
    """成立日期 as 2020-06-30, 2020/6/30, 2020年6月30日, 2020.06.30 or 20200630."""
    row = list(good_rows[0])
    row[10] = text

    registry_import(export([row]))

    assert MarketEntity.objects.get().registered_on == datetime.date(2020, 6, 30)


def test_detailed_types_statuses_and_id_types_are_folded(export, good_rows):
    """Detailed words of real exports map to the stored keys."""
    row = list(good_rows[0])
    row[2] = "有限责任公司（自然人投资或控股）"
    row[3] = "存续（在营、开业、在册）"
    row[7] = "中华人民共和国居民身份证"

    registry_import(export([row]))

    entity = MarketEntity.objects.get()
    assert (entity.entity_type, entity.status, entity.legal_rep_id_type) == (
        EntityType.LIMITED_COMPANY,
        Status.ACTIVE,
        IdType.RESIDENT_ID,
    )


def test_xlsx_cells_typed_as_numbers_and_dates(export, good_rows):
    """Excel stores codes and phones as numbers and dates as dates: read as an export would."""
    row: list[object] = list(good_rows[0])
    row[4] = 330106
    row[9] = 13957100001
    row[10] = datetime.datetime(2019, 3, 18)

    result = registry_import(export([row], "typed.xlsx"))

    assert result.inserted == 1
    entity = MarketEntity.objects.get()
    assert (entity.region_code, entity.registered_phone, entity.registered_on) == (
        "330106",
        "13957100001",
        datetime.date(2019, 3, 18),
    )


def test_workers_give_the_same_result_as_in_process(export, good_rows, tmp_path, monkeypatch):
    """Worker processes (forkserver), with this process preparing chunks while they start, give
    what the in-process path gives; the report stays in file order."""
    from zhengwu.registry.services import reading

    bad = list(good_rows[0])
    bad[0] = "91330106MA2KYUN10X"
    rows = [*good_rows, bad, *good_rows[:2]]
    path = export(rows)
    monkeypatch.setattr(reading, "CHUNK_BYTES", 300)  # a chunk every row or two

    result = registry_import(path, workers=2, report_path=tmp_path / "r.csv")

    assert (result.workers, result.inserted, result.rejected, result.duplicates) == (2, 11, 3, 2)
    assert MarketEntity.objects.get(uscc="91330108MA2MY00223").is_phone_landline
    report = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in report[1:]] == ["13", "14", "15"]


def test_workers_are_forks_of_a_server_that_imported_the_row_code():
    """The workers come from a fork server that imported the row code once (each spawned
    worker imported it itself: ≈0.3-0.7 s of CPU per worker and import)."""
    import multiprocessing
    from multiprocessing import forkserver

    from zhengwu.registry.services.importing import WORKER_PRELOAD, _worker_context

    context = _worker_context()
    if "forkserver" not in multiprocessing.get_all_start_methods():
        assert context.get_start_method() == "spawn"
        return
    assert context.get_start_method() == "forkserver"
    assert WORKER_PRELOAD in forkserver._forkserver._preload_modules
    assert WORKER_PRELOAD == "zhengwu.registry.services.rows"
