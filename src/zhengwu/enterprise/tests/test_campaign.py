"""EC-4 campaign: deadline, claimed / registered / all market entities by region and type,
the SVG chart and the XLSX export — for 企业码管理员 only."""

from __future__ import annotations

import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from zhengwu.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.enterprise import campaign, services
from zhengwu.enterprise.constants import CODE_ADMIN_GROUP, EVENT_CAMPAIGN_EXPORTED
from zhengwu.registrations.tests.factories import MarketEntityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def code_admin(db):
    user = UserFactory(staff=True, username="code_admin")
    user.groups.add(Group.objects.get(name=CODE_ADMIN_GROUP))
    return user


def _registered(entity, *, claim: bool = False):
    org = OrganisationFactory(
        uscc=entity.uscc, name=entity.name, legal_person_type=entity.legal_person_type
    )
    member = MembershipFactory(organisation=org, legal_representative=True)
    if claim:
        services.claim_code(organisation=org, actor=member.user)
    return org


@pytest.fixture
def register(code_admin):
    """西湖区 (330106): 3 enterprises (2 registered, 1 claimed) and 1 individual business
    (registered and claimed); 宁波海曙区 (330203): 2 enterprises, none registered; one
    deregistered entity (not counted); one claimed unit outside the register."""
    xihu = [MarketEntityFactory(region_code="330106") for _ in range(3)]
    shop = MarketEntityFactory(region_code="330106", kind="individual_business")
    ningbo = [MarketEntityFactory(region_code="330203") for _ in range(2)]
    gone = MarketEntityFactory(region_code="330106", status="deregistered")
    _registered(xihu[0], claim=True)
    _registered(xihu[1])
    _registered(shop, claim=True)
    _registered(gone, claim=True)
    outside = OrganisationFactory()
    services.claim_code(
        organisation=outside,
        actor=MembershipFactory(organisation=outside, operator=True).user,
    )
    return {"xihu": xihu, "ningbo": ningbo}


def test_figures_by_region_and_type(register):
    figures = campaign.campaign_figures(level=6)
    by_key = {(r.region_code, r.legal_person_type): r for r in figures.rows}
    xihu = by_key[("330106", "enterprise")]
    assert (xihu.total, xihu.registered, xihu.claimed) == (3, 2, 1)
    assert xihu.region_name == "杭州市西湖区"
    shop = by_key[("330106", "individual_business")]
    assert (shop.total, shop.registered, shop.claimed) == (1, 1, 1)
    ningbo = by_key[("330203", "enterprise")]
    assert (ningbo.total, ningbo.registered, ningbo.claimed) == (2, 0, 0)
    assert (figures.total.total, figures.total.registered, figures.total.claimed) == (6, 3, 2)
    assert figures.claimed_outside_register == 2  # the outsider and the deregistered entity
    assert {r.legal_person_type: r.total for r in figures.by_type} == {
        "enterprise": 5,
        "individual_business": 1,
    }


def test_city_level_rolls_counties_up(register):
    figures = campaign.campaign_figures(level=4)
    regions = {r.region_code: r for r in figures.by_region}
    assert set(regions) == {"3301", "3302"}
    assert regions["3301"].region_name == "杭州市"
    assert (regions["3301"].total, regions["3301"].claimed) == (4, 2)
    assert regions["3301"].claimed_rate == 50.0
    province = campaign.campaign_figures(level=2).by_region
    assert [(r.region_name, r.total) for r in province] == [("浙江省", 6)]


def test_revoked_codes_do_not_count_as_claimed(register, code_admin):
    from zhengwu.enterprise.models import EnterpriseCode

    code = EnterpriseCode.objects.get(organisation__uscc=register["xihu"][0].uscc)
    services.revoke_code(code=code, actor=code_admin, reason="冒用")
    assert campaign.campaign_figures(level=6).total.claimed == 1


def test_figures_take_a_constant_number_of_queries(register, django_assert_num_queries):
    with django_assert_num_queries(2):
        campaign.campaign_figures(level=6)


def test_chart_is_svg_with_one_bar_per_series_and_region(register):
    figures = campaign.campaign_figures(level=6)
    svg = campaign.bar_chart_svg(figures.by_region)
    root = ET.fromstring(svg)
    bars = [
        el for el in root.iter("{http://www.w3.org/2000/svg}rect") if "data-series" in el.attrib
    ]
    assert len(bars) == 3 * 2
    values = {(b.attrib["data-series"], b.attrib["data-value"]) for b in bars}
    assert ("total", "4") in values and ("claimed", "2") in values and ("total", "2") in values
    widths = {
        b.attrib["data-value"]: float(b.attrib["width"])
        for b in bars
        if b.attrib["data-series"] == "total"
    }
    assert widths["4"] == pytest.approx(2 * widths["2"])


def test_dashboard_page(client, code_admin, register):
    client.force_login(code_admin)
    response = client.get(reverse("enterprise:campaign"), {"level": "6"})
    assert response.status_code == 200
    text = response.text
    assert "<svg" in text and "杭州市西湖区" in text and "宁波市海曙区" in text
    assert 'id="total-claimed">2<' in text


def test_export_xlsx_has_the_same_figures(client, code_admin, register):
    client.force_login(code_admin)
    response = client.get(reverse("enterprise:campaign_export"), {"level": "6"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按地区", "按地区和法人类型", "按法人类型"]
    rows = list(book["按地区"].iter_rows(min_row=3, values_only=True))
    assert ("330106", "杭州市西湖区", 4, 3, 2, 75.0, 50.0) in rows
    assert ("330203", "宁波市海曙区", 2, 0, 0, 0.0, 0.0) in rows
    assert rows[-1][0] == "合计" and rows[-1][2:5] == (6, 3, 2)
    detail = list(book["按地区和法人类型"].iter_rows(min_row=3, values_only=True))
    assert ("330106", "杭州市西湖区", "个体工商户", 1, 1, 1, 100.0, 100.0) in detail
    assert AuditEvent.objects.filter(event_type=EVENT_CAMPAIGN_EXPORTED).count() == 1


@pytest.mark.parametrize("who", ["operator", "reviewer"])
def test_dashboard_is_for_code_admins_only(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("enterprise:campaign")).status_code == 404
    assert client.get(reverse("enterprise:campaign_export")).status_code == 404


@override_settings(ZHENGWU_CODE_CAMPAIGN_DEADLINE="2026-06-30")
def test_deadline_and_days_left(client, code_admin):
    assert campaign.deadline() == datetime.date(2026, 6, 30)
    assert campaign.days_left(datetime.date(2026, 6, 1)) == 30
    assert campaign.days_left(datetime.date(2026, 6, 30)) == 1
    assert campaign.days_left(datetime.date(2026, 7, 1)) == 0
    client.force_login(code_admin)
    assert 'id="deadline">2026-06-30<' in client.get(reverse("enterprise:campaign")).text


@override_settings(ZHENGWU_CODE_CAMPAIGN_DEADLINE="6月30日")
def test_bad_deadline_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        campaign.deadline()


@override_settings(ZHENGWU_CODE_CAMPAIGN_DEADLINE="")
def test_no_deadline_no_campaign_banner(client, code_admin):
    assert campaign.deadline() is None and campaign.days_left() is None
    client.force_login(code_admin)
    assert 'id="deadline"' not in client.get(reverse("enterprise:campaign")).text


def test_the_dashboard_is_a_campaign_of_the_engine_in_its_layout(client, code_admin, register):
    """SVC-4: EC-4's page renders through the campaign engine's layout, is listed among the
    campaigns and links the engine's 领码 campaigns (weekly tables, bulletins)."""
    from zhengwu.campaigns import services as campaigns
    from zhengwu.campaigns.constants import Measure

    code_campaign = campaigns.campaign_create(
        name="企业码领码专项行动", measure=Measure.CODE, start=datetime.date(2026, 6, 1)
    )
    campaigns.campaign_create(
        name="注册账号专项行动", measure=Measure.REGISTERED, start=datetime.date(2026, 6, 1)
    )
    client.force_login(code_admin)
    response = client.get(reverse("enterprise:campaign"))
    assert "campaigns/layout.html" in [t.name for t in response.templates]
    assert f'href="{reverse("campaigns:dashboard", args=[code_campaign.pk])}"' in response.text
    assert "注册账号专项行动" not in response.text  # only the 领码 measure
    index = client.get(reverse("campaigns:index"))
    assert f'id="code-dashboard" href="{reverse("enterprise:campaign")}"' in index.text
    dashboard = client.get(reverse("campaigns:dashboard", args=[code_campaign.pk]))
    assert "campaigns/layout.html" in [t.name for t in dashboard.templates]
