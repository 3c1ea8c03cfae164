"""SVC-1: the catalogue — browse, filter, Chinese search, the guide and its PDF, XLSX."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook
from pypdf import PdfReader

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.core.errors import ValidationFailed
from zhengwu.onlineservices import catalogue_io
from zhengwu.onlineservices.demo import ITEMS
from zhengwu.onlineservices.models import ServiceItem
from zhengwu.onlineservices.selectors import items_search

from .factories import DEREGISTRATION, FOOD_LICENCE

pytestmark = pytest.mark.django_db

NAMED = {
    "个体工商户设立登记",
    "食品经营许可（新办）",
    "食品经营备案（仅销售预包装食品）",
    "特种设备使用登记",
    "企业开办（一日办结）",
    "企业普通注销登记",
}


def test_demo_catalogue_has_at_least_30_items_with_the_named_ones(catalogue):
    """The demo data holds ≥ 30 items of the seed's departments, the five named items among them."""
    assert len(catalogue) == len(ITEMS) >= 30
    assert {item.name for item in catalogue.values()} >= NAMED
    food = catalogue[FOOD_LICENCE]
    assert food.department.name == "舒城县市场监督管理局" and food.section == "食品安全监管室"
    assert food.promised_days <= food.statutory_days
    assert [m.name for m in catalogue[DEREGISTRATION].materials.all()] == [
        "注销登记申请书",
        "清算报告",
    ]  # seed 002 二.10: two materials


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("食品", {"食品经营许可（新办）", "食品经营备案（仅销售预包装食品）"}),
        ("注销", {"企业普通注销登记", "个体工商户注销登记", "企业简易注销登记"}),
        ("ｓｃｊｇ－ｘｋ－００２", {"食品经营许可（新办）"}),  # full-width code, normalised
    ],
)
def test_search_by_a_chinese_name_fragment(catalogue, fragment, expected):
    """A fragment such as 食品 or 注销 finds its items (contains on a normalised column: the same
    on SQLite and PostgreSQL)."""
    names = {item.name for item in items_search(query=fragment)}
    assert expected <= names
    assert all(fragment in name for name in names) or fragment.startswith("ｓ")


def test_filters_by_department_theme_online_and_high_frequency(catalogue):
    by_department = items_search(department="shucheng-tax")
    assert [i.name for i in by_department] == ["发票领用"]
    by_theme = items_search(theme="equipment")
    assert {i.name for i in by_theme} >= {"特种设备使用登记"}
    ServiceItem.objects.filter(code=FOOD_LICENCE).update(is_fully_online=False)
    assert FOOD_LICENCE not in {i.code for i in items_search(fully_online=True)}
    assert all(i.is_high_frequency for i in items_search(high_frequency=True))
    assert items_search(high_frequency=True).count() < len(catalogue)


def test_index_and_guide_pages(client, catalogue):
    page = client.get("/services/", {"q": "食品"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "食品经营许可（新办）" in text and "企业普通注销登记" not in text
    guide = client.get(f"/services/item/{FOOD_LICENCE}/").content.decode()
    for part in [
        "办事指南",
        "食品经营许可申请书",
        "营业执照",
        "20",
        "10",
        "在线办理",
        "食品安全法",
    ]:
        assert part in guide
    assert client.get("/services/item/nope/").status_code == 404


def test_guide_pdf_is_printable_with_the_materials(client, catalogue):
    response = client.get(f"/services/item/{FOOD_LICENCE}/guide.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "食品经营许可申请书" in text and "承诺办结时限" in text


def _manager():
    user = UserFactory(staff=True, username="catalogue_admin")
    user.user_permissions.add(Permission.objects.get(codename="manage_catalogue"))
    return user


def test_xlsx_export_then_import_round_trips_and_updates(client, catalogue):
    """Staff export the catalogue, edit a cell and import it back; items match by code."""
    client.force_login(_manager())
    content = client.get("/services/desk/catalogue/export.xlsx").content
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == FOOD_LICENCE)
    row[header.index("承诺时限（工作日）")].value = 8
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    count = catalogue_io.catalogue_import(file=buffer, actor=None)
    assert count == len(catalogue)
    assert ServiceItem.objects.get(code=FOOD_LICENCE).promised_days == 8
    assert ServiceItem.objects.count() == len(catalogue)


def test_xlsx_import_names_the_wrong_row_and_column_and_saves_nothing(catalogue):
    book = load_workbook(io.BytesIO(catalogue_io.catalogue_export()))
    sheet = book.active
    sheet.cell(row=2, column=2).value = "改过的名称"
    sheet.cell(row=3, column=10).value = 999  # promised > statutory
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with pytest.raises(ValidationFailed) as caught:
        catalogue_io.catalogue_import(file=buffer, actor=None)
    assert caught.value.message.startswith("第 3 行“承诺时限（工作日）”")
    assert not ServiceItem.objects.filter(name="改过的名称").exists()


def test_xlsx_import_refuses_a_file_that_is_not_a_workbook(catalogue):
    with pytest.raises(ValidationFailed) as caught:
        catalogue_io.catalogue_import(file=io.BytesIO(b"%PDF-1.4 not xlsx"), actor=None)
    assert caught.value.code == "import.not_xlsx"


def test_catalogue_export_is_for_catalogue_managers_only(client, catalogue):
    client.force_login(UserFactory(staff=True, username="someone"))
    assert client.get("/services/desk/catalogue/export.xlsx").status_code == 404
