"""The engine's fast path (one grouped statement, categories folded in Python, the 帮办 joined
through the organisation) against a straightforward computation over the same small data:
every (unit, district, category) group must agree, for both measures and with a region."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

import pytest

from zhengwu.accounts.models import Organisation
from zhengwu.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from zhengwu.campaigns import engine
from zhengwu.campaigns.constants import DEFAULT_POPULATION, Category, Measure
from zhengwu.campaigns.models import AssistedRegistration
from zhengwu.enterprise import services as code_services
from zhengwu.enterprise.constants import CodeStatus
from zhengwu.enterprise.models import EnterpriseCode
from zhengwu.registrations.tests.factories import MarketEntityFactory
from zhengwu.registry.models import MarketEntity

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime.datetime(2026, 6, 19, 11, tzinfo=TZ)
SINCE = AS_OF - engine.WEEK
KINDS = [
    ("enterprise", {}),
    ("enterprise", {"entity_type": "sole_proprietorship"}),
    ("enterprise", {"entity_type": "partnership"}),
    ("individual_business", {}),
    ("cooperative", {}),
    ("social_organisation", {"entity_type": "social_group"}),
]


def _category(entity: MarketEntity) -> str:
    """The seed's rule, written out plainly."""
    if entity.entity_type == "sole_proprietorship":
        return Category.SOLE_PROPRIETORSHIP
    if entity.entity_type == "partnership":
        return Category.PARTNERSHIP
    return {
        "enterprise": Category.ENTERPRISE,
        "individual_business": Category.INDIVIDUAL_BUSINESS,
        "cooperative": Category.COOPERATIVE,
    }.get(entity.legal_person_type, Category.OTHER)


def _done_at(entity: MarketEntity, measure: str) -> datetime.datetime | None:
    org = Organisation.objects.filter(uscc=entity.uscc).first()
    if org is None:
        return None
    if measure == Measure.REGISTERED:
        return org.created_at if org.status == Organisation.Status.ACTIVE else None
    code = EnterpriseCode.objects.filter(organisation=org, status=CodeStatus.ACTIVE).first()
    return code.claimed_at if code else None


def _reference(measure, population, region_prefix):  # type: ignore[no-untyped-def]
    expected: dict[tuple[str, str, str], list[int]] = {}
    for entity in MarketEntity.objects.filter(status="active"):
        category = _category(entity)
        if category not in population or not entity.region_code.startswith(region_prefix):
            continue
        done_at = _done_at(entity, measure)
        assisted = AssistedRegistration.objects.filter(
            uscc=entity.uscc, organisation__isnull=False
        ).exists()
        sums = expected.setdefault(
            (entity.supervision_unit, entity.region_code, category), [0, 0, 0, 0]
        )
        sums[0] += 1
        if done_at is not None and done_at <= AS_OF:
            sums[1] += 1
            sums[2] += done_at > SINCE
            sums[3] += assisted
    return {key: tuple(value) for key, value in expected.items()}


@pytest.fixture
def register():
    rng = random.Random(2026)
    helper = UserFactory(staff=True)
    claimed = []
    for _ in range(60):
        kind, extra = rng.choice(KINDS)
        entity = MarketEntityFactory(
            kind=kind,
            supervision_unit=rng.choice(["城关市场监管所", "杭埠市场监管所", ""]),
            region_code=rng.choice(["330106", "330108", "330203"]),
            status=rng.choice(["active"] * 5 + ["deregistered"]),
            **extra,
        )
        if rng.random() < 0.6:
            created = AS_OF - datetime.timedelta(hours=rng.randint(-72, 400))
            org = OrganisationFactory(
                uscc=entity.uscc,
                legal_person_type=entity.legal_person_type,
                created_at=created,
                status=rng.choice(["active"] * 4 + ["closed"]),
            )
            if rng.random() < 0.3:
                AssistedRegistration.objects.create(
                    uscc=entity.uscc,
                    helped_by=helper,
                    started_at=created,
                    organisation=org,
                    completed_at=created,
                )
            if org.status == Organisation.Status.ACTIVE and rng.random() < 0.6:
                claimed.append(org)
        elif rng.random() < 0.3:  # started at the counter, never completed
            AssistedRegistration.objects.create(uscc=entity.uscc, helped_by=helper)
    for i, org in enumerate(claimed):
        member = MembershipFactory(organisation=org, legal_representative=True)
        code = code_services.claim_code(organisation=org, actor=member.user)
        EnterpriseCode.objects.filter(pk=code.pk).update(
            claimed_at=AS_OF - datetime.timedelta(days=i % 9 - 1)
        )
        if i % 4 == 0:
            EnterpriseCode.objects.filter(pk=code.pk).update(status=CodeStatus.REVOKED)
        elif i % 5 == 1:  # closed since it claimed: its valid code still counts for 领码
            Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.CLOSED)


@pytest.mark.parametrize("measure", [Measure.REGISTERED, Measure.CODE])
@pytest.mark.parametrize(
    "population, region_prefix",
    [
        (DEFAULT_POPULATION, ""),
        (DEFAULT_POPULATION, "3301"),
        ([Category.SOLE_PROPRIETORSHIP, Category.COOPERATIVE], "330106"),
    ],
)
def test_fast_path_equals_the_plain_computation(register, measure, population, region_prefix):
    groups = engine.grouped_counts(
        measure=measure,
        population=population,
        region_prefix=region_prefix,
        as_of=AS_OF,
        since=SINCE,
    )
    got = {
        (g.supervision_unit, g.region_code, g.category): (g.population, g.done, g.new, g.assisted)
        for g in groups
    }
    assert got == _reference(measure, population, region_prefix)
    assert len(got) == len(groups)  # one row per group
    if not region_prefix:  # the data exercise every figure
        assert all(sum(v[i] for v in got.values()) > 0 for i in range(4))


def test_category_of_matches_the_sql_rule():
    for kind, extra in KINDS:
        entity = MarketEntity(
            legal_person_type=kind, entity_type=extra.get("entity_type", "limited_company")
        )
        assert engine.category_of(entity.entity_type, entity.legal_person_type) == _category(entity)
