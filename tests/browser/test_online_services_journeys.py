"""SVC-2's other journeys in Chromium on a phone-sized screen, in the style of
``test_online_services.py``:

* a natural person obtains an individual business's licence (个体工商户设立登记) and then signs
  in as the new unit with its new USCC and the password they know;
* window staff help a unit file 特种设备使用登记 (帮办): the unit confirms with the SMS code
  it received, and the use registration certificate arrives in its 我的证照;
* an enterprise publishes its liquidation notice, is deregistered (企业普通注销登记) once the
  45 days have run (the notice row is back-dated 46 days in the database, not waited for), and
  its enterprise-code page says the code is void.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from zhengwu.accounts.identity import id_number_hash
from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from zhengwu.enterprise.models import EnterpriseCode
from zhengwu.licences.models import Licence
from zhengwu.licences.services import licence_issue
from zhengwu.notifications.models import SmsMessage
from zhengwu.onlineservices.demo import SAMR, catalogue_demo_load
from zhengwu.onlineservices.models import Application, Department, LiquidationNotice
from zhengwu.onlineservices.tests.factories import desk_user
from zhengwu.registry.models import MarketEntity
from zhengwu.uploads.tests.samples import jpeg
from zhengwu.workdays.models import CalendarYear

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDIVIDUAL = "340000-SCJG-XK-001"
EQUIPMENT = "340000-SCJG-XK-004"
DEREGISTRATION = "340000-SCJG-DJ-006"


def _sign_in(context, base_url, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def _desk(browser, base_url, user):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN")
    _sign_in(context, base_url, user)
    desk = context.new_page()
    desk.set_default_timeout(30_000)
    return desk


@pytest.fixture
def counter(db):  # type: ignore[no-untyped-def]
    """The catalogue, a calendar and one window clerk of market supervision who accepts and
    decides (none of these items needs a second person)."""
    catalogue_demo_load()
    for year in (timezone.localdate().year, timezone.localdate().year + 1):
        CalendarYear.objects.get_or_create(year=year, defaults={"is_complete": True})
    department = Department.objects.get(code=SAMR)
    return desk_user("clerk", department, "handle_application", "decide_application")


def _unit(name: str, rep: str):  # type: ignore[no-untyped-def]
    org = OrganisationFactory(name=name, legal_rep_name=rep)
    lr = UserFactory(
        real_name=rep,
        id_number=org.legal_rep_id_number,
        id_number_hash=id_number_hash(org.legal_rep_id_number),
    )
    MembershipFactory(organisation=org, user=lr, legal_representative=True)
    return org, lr


def _upload_all(page, scan) -> None:  # type: ignore[no-untyped-def]
    count = page.locator(".os-materials > li").count()
    for index in range(count):
        item = page.locator(".os-materials > li").nth(index)
        item.locator("input[type=file]").set_input_files(str(scan))
        item.get_by_role("button", name="上传", exact=True).click()
        page.locator(".os-materials > li").nth(index).locator(".ok").wait_for()
    assert page.locator(".os-materials .ok").count() == count


def _accept_decide_complete(desk, base, case) -> None:  # type: ignore[no-untyped-def]
    desk.goto(base + f"/services/desk/case/{case.pk}/")
    desk.get_by_role("button", name="受理", exact=True).click()
    desk.locator(".status-accepted").wait_for()
    desk.get_by_label("准予").check()
    desk.get_by_role("button", name="作出决定").click()
    desk.locator(".status-approved").wait_for()
    desk.get_by_role("button", name="办结").click()
    desk.locator(".status-completed").wait_for()


def test_a_person_obtains_an_individual_business_licence_then_signs_in_as_the_unit(  # type: ignore[no-untyped-def]
    page, browser, counter, tmp_path
):
    base = page.base_url
    page.set_default_timeout(30_000)
    person = UserFactory(kind=User.Kind.NATURAL_PERSON, username="zhangsan", real_name="张三")
    _sign_in(page.context, base, person)

    page.goto(base + f"/services/item/{INDIVIDUAL}/")
    page.get_by_role("button", name="在线办理").click()
    page.wait_for_url("**/services/case/*/")
    assert page.locator("#f_operator_name").input_value() == "张三"  # known, not asked
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(jpeg(400, 300))
    _upload_all(page, scan)
    page.get_by_label("个体工商户名称").fill("舒城县张三小吃店")
    page.get_by_label("经营场所所在地").select_option("341523")
    page.locator("#f_premises").fill("舒城县城关镇春秋路 6 号")
    page.get_by_label("经营范围").fill("小吃服务")
    page.get_by_role("button", name="提交", exact=True).click()
    page.locator(".status-submitted").wait_for()
    case_url = page.url
    case = Application.objects.get(applicant=person)

    _accept_decide_complete(_desk(browser, base, counter), base, case)

    page.goto(case_url)
    page.locator(".status-completed").wait_for()
    case.refresh_from_db()
    code = case.applicant_uscc
    assert re.fullmatch(r"92341523[0-9A-HJ-NPQRTUWXY]{10}", code)
    assert f"营业执照 {code}" in page.content()
    assert MarketEntity.objects.get(uscc=code).name == "舒城县张三小吃店"

    # the new unit's account: its USCC and the password the person already knows
    unit = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    signin = unit.new_page()
    signin.set_default_timeout(30_000)
    signin.goto(base + "/login/")
    signin.get_by_label("用户名/统一社会信用代码").fill(code)
    signin.get_by_label("密码").fill(PASSWORD)
    signin.locator("#id_captcha_1").fill("PASSED")
    signin.get_by_role("button", name="登录", exact=True).click()
    signin.wait_for_url("**/me/")
    assert signin.locator(".site-header").get_by_text(code).is_visible()
    signin.goto(base + "/licences/")
    licence = Licence.objects.get(holder_uscc=code, licence_type="business_licence")
    row = signin.locator(f"#licence-{licence.pk}")
    assert "营业执照" in row.inner_text() and "有效" in row.inner_text()
    unit.close()


def test_window_staff_help_a_unit_file_the_special_equipment_registration(  # type: ignore[no-untyped-def]
    page, browser, counter, tmp_path
):
    base = page.base_url
    page.set_default_timeout(30_000)
    org, lr = _unit("舒城县梅河电梯物业有限公司", "周明")
    desk = _desk(browser, base, counter)

    desk.goto(base + "/services/desk/")
    desk.get_by_label("事项").select_option(EQUIPMENT)
    desk.get_by_label("单位统一社会信用代码").fill(org.uscc)
    desk.get_by_role("button", name="为单位帮办").click()
    desk.wait_for_url("**/services/case/*/")
    assert desk.get_by_role("heading", name="帮办确认").is_visible()
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(jpeg(400, 300))
    _upload_all(desk, scan)
    desk.get_by_label("联系人手机号").fill("13957100002")
    desk.get_by_label("设备种类").select_option("电梯")
    desk.get_by_label("产品编号").fill("DT2026-00817")
    desk.get_by_label("设备使用地点").fill("舒城县城关镇梅河路 18 号 1 号楼")
    desk.get_by_role("button", name="暂存").click()
    desk.get_by_role("button", name="提交", exact=True).click()  # not yet: no confirmation
    assert "短信验证码" in desk.get_by_role("alert").first.inner_text()

    # the unit's legal representative receives the code on the phone and reads it out
    desk.get_by_role("button", name="发送验证码给单位").click()
    sms = page.context.new_page()
    sms.goto(f"{base}/sandbox/sms/?mobile={lr.mobile}")
    text = sms.get_by_text(re.compile(r"验证码\d{6}")).first.inner_text()
    sms.close()
    said = re.search(r"验证码(\d{6})", text)
    assert said is not None
    desk.get_by_label("单位告知的验证码").fill(said.group(1))
    desk.get_by_role("button", name="确认", exact=True).click()
    desk.get_by_text("单位已通过短信验证码确认").wait_for()
    desk.get_by_role("button", name="提交", exact=True).click()
    desk.locator(".status-submitted").wait_for()
    case = Application.objects.get(organisation=org)
    assert case.helped_by_id == counter.pk and case.applicant_id == lr.pk
    assert SmsMessage.objects.filter(template_code="application.assist_code").count() == 1

    _accept_decide_complete(desk, base, case)

    # the unit finds the certificate in 我的证照
    _sign_in(page.context, base, lr)
    page.goto(base + "/licences/")
    licence = Licence.objects.get(holder_uscc=org.uscc, licence_type="special_equipment")
    row = page.locator(f"#licence-{licence.pk}")
    assert "有效" in row.inner_text()
    assert licence.particulars["设备种类"] == "电梯"
    assert licence.particulars["产品编号"] == "DT2026-00817"
    page.goto(base + f"/services/case/{case.pk}/")
    assert "帮办人员" in page.content()


def test_an_enterprise_is_deregistered_and_its_code_page_says_so(  # type: ignore[no-untyped-def]
    page, browser, counter, tmp_path
):
    base = page.base_url
    page.set_default_timeout(30_000)
    org, lr = _unit("舒城县春秋贸易有限公司", "吴涛")
    MarketEntity.objects.create(
        uscc=org.uscc,
        name=org.name,
        entity_type="limited_company",
        legal_person_type="enterprise",
        status="active",
        region_code="341523",
        legal_rep_name=lr.real_name,
        legal_rep_id_type=lr.id_type,
        legal_rep_id_number=lr.id_number,
        legal_rep_id_number_hash=lr.id_number_hash,
        registered_on=datetime.date(2018, 5, 2),
        row_hash="journey",
    )
    code = EnterpriseCode.objects.create(organisation=org)
    printed = code.token  # what the QR on the unit's door carries
    issuer = Department.objects.get(code=SAMR).issuer
    licence_issue(
        issuer=issuer,
        licence_type="business_licence",
        holder_uscc=org.uscc,
        holder_name=org.name,
        issued_on=datetime.date(2018, 5, 2),
        source="staff",
        actor=None,
    )
    _sign_in(page.context, base, lr)

    # the liquidation notice, published on the portal
    page.goto(base + f"/services/item/{DEREGISTRATION}/")
    page.get_by_label("公告内容").fill("本公司股东会决议解散，请债权人于 45 日内申报债权。")
    page.get_by_role("button", name="发布清算公告").click()
    notice = LiquidationNotice.objects.get(organisation=org)
    # 45 days later: the notice row is back-dated instead of waiting
    today = timezone.localdate()
    LiquidationNotice.objects.filter(pk=notice.pk).update(
        published_on=today - datetime.timedelta(days=46),
        ends_on=today - datetime.timedelta(days=1),
    )

    page.goto(base + f"/services/item/{DEREGISTRATION}/")
    page.get_by_role("button", name="在线办理").click()
    page.wait_for_url("**/services/case/*/")
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(jpeg(400, 300))
    _upload_all(page, scan)
    page.get_by_label("联系人手机号").fill("13957100003")
    page.get_by_label("申请事项说明").fill("股东会决议解散，清算完毕")
    page.get_by_role("button", name="提交", exact=True).click()
    page.locator(".status-submitted").wait_for()
    case = Application.objects.get(organisation=org)

    _accept_decide_complete(_desk(browser, base, counter), base, case)

    # the unit's enterprise-code page, and a stranger scanning the old code
    page.goto(base + f"/code/u/{org.pk}/")
    assert "本单位的企业码已作废" in page.get_by_role("alert").first.inner_text()
    code.refresh_from_db()
    assert code.status == "revoked"
    stranger = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    scan_page = stranger.new_page()
    scan_page.goto(base + f"/code/v/{printed}/")
    body = scan_page.content()
    assert "已作废" in body or "已失效" in body
    stranger.close()
    assert MarketEntity.objects.get(uscc=org.uscc).status == "deregistered"
    assert not Licence.objects.filter(holder_uscc=org.uscc, status="valid").exists()
