"""SVC-4 and SVC-3 in a real browser: staff open the county's campaign, see a supervision unit
behind its target and download the Friday XLSX and the monthly PDF; window staff assist a
registration and it is counted; the scanning room imports a batch and finds a scan by a word
printed in it; the unit downloads a watermarked copy of its own archive."""

from __future__ import annotations

import datetime
import io
import shutil
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.test import Client
from openpyxl import load_workbook

from tests.browser.phone import pass_face_check
from tests.browser.test_registration_journeys import _step_1, _step_2
from zhengwu.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from zhengwu.archive.constants import ARCHIVE_GROUP
from zhengwu.archive.tests.scans import scan_jpeg
from zhengwu.campaigns import services
from zhengwu.campaigns.constants import CAMPAIGN_GROUP, Measure
from zhengwu.campaigns.models import AssistedRegistration
from zhengwu.core.masking import mask_name
from zhengwu.registrations.tests.factories import MarketEntityFactory
from zhengwu.workdays.services import calendar_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TZ = ZoneInfo("Asia/Shanghai")


def _context(browser, user, base_url):
    context = browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def test_county_campaign_week_table_bulletin_and_assisted_registration(
    browser, live_server, tmp_path
):
    # A transactional test may run after another one flushed the migration-seeded calendar.
    calendar_seed()
    start = datetime.date(2026, 6, 1)
    campaign = services.campaign_create(
        name="舒城县市场主体注册账号专项行动", measure=Measure.REGISTERED, start=start
    )
    ahead = [MarketEntityFactory(supervision_unit="杭埠市场监管所") for _ in range(2)]
    for _ in range(3):  # 城关所: three units, none registered — behind its target
        MarketEntityFactory(supervision_unit="城关市场监管所")
    for entity in ahead:
        OrganisationFactory(uscc=entity.uscc, created_at=datetime.datetime(2026, 6, 2, tzinfo=TZ))
    services.catch_up(campaign, now=datetime.datetime(2026, 7, 3, 12, tzinfo=TZ))

    staff = UserFactory(staff=True, username="county_office")
    staff.groups.add(Group.objects.get(name=CAMPAIGN_GROUP))
    context, page = _context(browser, staff, live_server.url)
    page.goto(live_server.url + "/campaigns/")
    page.get_by_role("link", name="舒城县市场主体注册账号专项行动").click()
    assert "城关市场监管所" in page.locator("#behind").inner_text()
    assert page.locator("#by-unit tr.behind").count() >= 1

    with page.expect_download() as info:
        page.locator("#weeks a").first.click()  # the latest Friday (2026-07-03)
    path = tmp_path / "week.xlsx"
    info.value.save_as(path)
    sheet = load_workbook(path)["按监管单位"]
    units = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert units["城关市场监管所"][2:4] == (3, 0)
    assert units["杭埠市场监管所"][2:4] == (2, 2)

    with page.expect_download() as info:
        page.get_by_role("link", name="2026-06 月通报（PDF）").click()
    pdf = tmp_path / "bulletin.pdf"
    info.value.save_as(pdf)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert "第1名 杭埠市场监管所" in text

    # 帮办 at the counter: the window clerk starts it; the unit's legal representative then
    # completes the public wizard (face check and SMS code are his), which counts it.
    page.goto(live_server.url + "/campaigns/assist/")
    page.fill("#uscc", "123")
    page.get_by_role("button", name="开始帮办注册").click()
    assert "校验位有误" in page.locator("#uscc-error").inner_text()
    rep = MarketEntityFactory(
        supervision_unit="城关市场监管所", legal_rep_name="王建国", registered_phone="13957101234"
    )
    page.fill("#uscc", rep.uscc)
    page.get_by_role("button", name="开始帮办注册").click()
    page.wait_for_url("**/register/**")
    page.goto("about:blank")  # the clerk's screen leaves the wizard to the unit
    counter = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    unit_page = counter.new_page()
    unit_page.set_default_timeout(20_000)
    unit_page.base_url = live_server.url  # the journeys' helpers read it
    _step_1(unit_page, rep)
    _step_2(
        unit_page,
        username="wjg_company",
        name=rep.legal_rep_name,
        id_number=rep.legal_rep_id_number,
        mobile=rep.registered_phone,
    )
    pass_face_check(unit_page, mask_name(rep.legal_rep_name))
    unit_page.wait_for_url("**/register/done/")
    counter.close()
    record = AssistedRegistration.objects.get(uscc=rep.uscc)
    assert record.helped_by == staff and record.organisation is not None
    page.goto(live_server.url + f"/campaigns/{campaign.pk}/")
    assert page.locator("#total-assisted").inner_text() == "1"
    context.close()


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="!!! tesseract not installed !!!")
def test_scanning_room_import_search_and_the_units_watermarked_copy(
    browser, live_server, tmp_path, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    entity = MarketEntityFactory(name="舒城县茶叶专业合作社", kind="cooperative")
    archivist = UserFactory(staff=True, username="scanning_room")
    archivist.groups.add(Group.objects.get(name=ARCHIVE_GROUP))
    scan = tmp_path / "0001.jpg"
    scan.write_bytes(scan_jpeg(["农民专业合作社设立登记", "业务范围：茶叶种植与销售"]))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "统一社会信用代码,档案类型,日期,标题,文件名\n"
        f"{entity.uscc},设立,2012-04-01,设立登记材料,0001.jpg\n"
        f"{entity.uscc},变更,2013-04-01,变更材料,0002.jpg\n",
        encoding="utf-8",
    )
    context, page = _context(browser, archivist, live_server.url)
    page.goto(live_server.url + "/archive/")
    page.get_by_role("link", name="批量导入扫描档案").click()
    page.set_input_files("#manifest", str(manifest))
    page.set_input_files("#files", [str(scan)])
    page.get_by_role("button", name="导入").click()
    report = page.locator("#import-report").inner_text()
    assert "导入 1 个" in report and "文件“0002.jpg”在文件夹中不存在" in report

    page.goto(live_server.url + "/archive/")
    page.fill("#id_q", "茶叶种植")
    page.get_by_role("button", name="检索").click()
    page.get_by_role("link", name="设立登记材料").click()
    assert "已识别" in page.locator("#ocr-status").inner_text()
    context.close()

    member = MembershipFactory(
        organisation=OrganisationFactory(uscc=entity.uscc, name=entity.name),
        legal_representative=True,
    )
    context, page = _context(browser, member.user, live_server.url)
    page.goto(live_server.url + "/archive/mine/")
    page.get_by_role("link", name="设立登记材料").click()
    with page.expect_download() as info:
        page.locator("#download").click()
    data = tmp_path / "copy.pdf"
    info.value.save_as(data)
    text = pypdf.PdfReader(io.BytesIO(data.read_bytes())).pages[0].extract_text()
    assert "仅供查阅" in text and member.user.get_username() in text
    context.close()
