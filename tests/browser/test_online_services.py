"""SVC-2 in Chromium on a phone-sized screen: a unit finds 食品经营许可 by searching 食品,
applies online with its materials, gets a 补正 notice from the department, corrects and
resubmits, and — after 受理, a decision by a second person and 办结 — finds the food business
licence in 我的证照."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from zhengwu.accounts.identity import id_number_hash
from zhengwu.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from zhengwu.licences.models import Licence
from zhengwu.onlineservices.demo import SAMR, catalogue_demo_load
from zhengwu.onlineservices.models import Application, Department
from zhengwu.onlineservices.tests.factories import desk_user
from zhengwu.uploads.tests.samples import jpeg
from zhengwu.workdays.models import CalendarYear

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(context, base_url, user) -> None:  # type: ignore[no-untyped-def]
    """A session made by Django's test client, handed to the browser (sign-in has its own
    journeys)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


@pytest.fixture
def cast(db):  # type: ignore[no-untyped-def]
    catalogue_demo_load()
    # Transactional tests flush the calendar seeded by the migration, and deadlines run into
    # next year near December: cover both years (marked complete without holidays, enough for
    # the journey; the calendar rules have their own tests).
    for year in (timezone.localdate().year, timezone.localdate().year + 1):
        CalendarYear.objects.get_or_create(year=year, defaults={"is_complete": True})
    org = OrganisationFactory(name="舒城县梅河食品有限公司", legal_rep_name="林海峰")
    lr = UserFactory(
        real_name="林海峰",
        id_number=org.legal_rep_id_number,
        id_number_hash=id_number_hash(org.legal_rep_id_number),
    )
    MembershipFactory(organisation=org, user=lr, legal_representative=True)
    department = Department.objects.get(code=SAMR)
    acceptor = desk_user("acceptor", department, "handle_application", "decide_application")
    decider = desk_user("decider", department, "handle_application", "decide_application")
    return org, lr, acceptor, decider


def _desk(browser, base_url, user):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-US")
    _sign_in(context, base_url, user)
    desk = context.new_page()
    desk.set_default_timeout(30_000)
    return desk


def test_a_unit_obtains_a_food_business_licence_after_a_correction(page, browser, cast, tmp_path):  # type: ignore[no-untyped-def]
    org, lr, acceptor, decider = cast
    base = page.base_url
    page.set_default_timeout(30_000)  # a shared, loaded machine: generous waits
    _sign_in(page.context, base, lr)

    # find the item
    page.goto(base + "/")
    page.get_by_role("link", name="政务服务事项").click()
    page.get_by_label("事项名称").fill("食品")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="食品经营许可（新办）").click()
    assert page.get_by_role("heading", name="申请材料").is_visible()
    page.get_by_role("button", name="在线办理").click()
    page.wait_for_url("**/services/case/*/")
    assert page.locator("#f_unit_name").input_value() == org.name  # known fact, read-only

    # materials: three uploads; a PDF pretending to be an image is refused by its content
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(jpeg(400, 300))
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"%PDF-1.7 not an image")
    items = page.locator(".os-materials > li")
    first = items.nth(0)
    first.locator("input[type=file]").set_input_files(str(fake))
    first.get_by_role("button", name="上传", exact=True).click()
    assert "食品经营许可申请书" in page.locator(".os-messages").inner_text()
    for index in range(4):  # no licence in 我的证照 yet: the 营业执照 is uploaded too
        item = page.locator(".os-materials > li").nth(index)
        item.locator("input[type=file]").set_input_files(str(scan))
        item.get_by_role("button", name="上传", exact=True).click()
        page.locator(".os-materials > li").nth(index).locator(".ok").wait_for()
    assert page.locator(".os-materials .ok").count() == 4

    # the form: a wrong ID number is named beside its field
    page.get_by_label("联系人手机号").fill("13957100001")
    page.locator("#f_premises").fill("舒城县城关镇梅河路 18 号")
    page.get_by_label("主体业态").select_option("销售")
    page.get_by_label("经营项目").fill("预包装食品销售")
    page.get_by_label("是否网络经营").select_option("否")
    page.get_by_label("食品安全管理人员").fill("李明")
    page.get_by_label("管理人员身份证号").fill("110101199003074259")
    page.get_by_role("button", name="提交", exact=True).click()
    assert "管理人员身份证号" in page.locator("#e_safety_officer_id").inner_text()
    page.get_by_label("管理人员身份证号").fill("110101199003074258")
    page.get_by_role("button", name="提交", exact=True).click()
    page.locator(".status-submitted").wait_for()
    case = Application.objects.get(organisation=org)
    case_url = page.url

    # the department accepts, then sends one correction notice
    desk = _desk(browser, base, acceptor)
    desk.goto(base + "/services/desk/")
    desk.get_by_role("link", name=case.number).click()
    desk.get_by_role("button", name="受理", exact=True).click()
    desk.locator(".status-accepted").wait_for()
    desk.get_by_label("补正告知（一次性列明全部需补正的内容）").fill(
        "1. 经营场所应写明门牌号和楼层\n2. 平面布局图未标明功能区"
    )
    desk.get_by_role("button", name="发出补正告知").click()
    desk.locator(".status-correction").wait_for()

    # the applicant reads the notice, corrects and resubmits
    page.goto(case_url)
    assert "平面布局图未标明功能区" in page.get_by_role("alert").first.inner_text()
    page.locator("#f_premises").fill("舒城县城关镇梅河路 18 号一楼")
    page.get_by_role("button", name="补正后重新提交").click()
    page.locator(".status-accepted").wait_for()
    assert "补正记录" in page.content()

    # a second person decides, the acceptor completes
    other = _desk(browser, base, decider)
    other.goto(base + f"/services/desk/case/{case.pk}/")
    other.get_by_label("准予").check()
    other.get_by_role("button", name="作出决定").click()
    other.locator(".status-approved").wait_for()
    desk.goto(base + f"/services/desk/case/{case.pk}/")
    desk.get_by_role("button", name="办结").click()
    desk.locator(".status-completed").wait_for()

    # the licence is in 我的证照
    page.goto(case_url)
    page.get_by_role("link", name="食品经营许可证", exact=False).click()
    page.wait_for_url("**/licences/")
    licence = Licence.objects.get(holder_uscc=org.uscc, licence_type="food_business")
    row = page.locator(f"#licence-{licence.pk}")
    assert "食品经营许可证" in row.inner_text() and "有效" in row.inner_text()
    assert licence.number.startswith("JY") and len(licence.number) == 16
    assert licence.valid_until == licence.valid_from.replace(
        year=licence.valid_from.year + 5
    ) - datetime.timedelta(days=1)
