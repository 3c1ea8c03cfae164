"""Reproducible demo data of the agency platform: a few hundred units across the demo regions
(some with a certificate validity period, some long-term). Loaded by ``manage.py demo_data``.
All names and codes are fictitious (the codes are valid, not real)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Final

from django.db import transaction

from zhengwu.identifiers import generate

from ..constants import KIND_PREFIX, Kind, UnitStatus
from ..models import AgencyUnit
from .importing import row_hash

#: A fixed demo unit (validity period, so AG-6 attachments apply) used by guides and journeys.
DEMO_UNIT_USCC: Final = "11330106MB0000019A"
DEMO_UNIT_NAME: Final = "杭州市西湖区数据资源管理局"

_SUFFIXES: Final[dict[str, tuple[str, ...]]] = {
    Kind.AGENCY: (
        "人民政府办公室", "发展和改革局", "教育局", "财政局", "民政局", "司法局",
        "自然资源和规划局", "交通运输局", "水利局", "农业农村局", "商务局", "卫生健康局",
        "审计局", "统计局", "医疗保障局", "退役军人事务局", "应急管理局", "人力资源和社会保障局",
    ),
    Kind.PUBLIC_INSTITUTION: (
        "第一人民医院", "中医院", "疾病预防控制中心", "图书馆", "博物馆", "实验中学",
        "第二小学", "档案馆", "融媒体中心", "公共资源交易中心", "社会福利院", "气象服务中心",
        "职业技术学校", "文化馆", "不动产登记服务中心", "农业技术推广中心",
    ),
    Kind.MASS_ORGANISATION: (
        "总工会", "共青团委员会", "妇女联合会", "科学技术协会", "文学艺术界联合会",
        "残疾人联合会", "归国华侨联合会",
    ),
    Kind.OTHER: ("机构编制委员会办公室", "老干部活动中心"),
}  # fmt: skip
_KIND_WEIGHTS: Final = ((Kind.AGENCY, 40), (Kind.PUBLIC_INSTITUTION, 45),
                        (Kind.MASS_ORGANISATION, 11), (Kind.OTHER, 4))  # fmt: skip
_STREETS: Final = ("文三路", "学院路", "解放路", "人民路", "府前街", "中山路", "新华路", "江南大道")


@dataclass
class DemoResult:
    units: int
    inserted: int
    skipped: bool = False


def _uscc(rng: random.Random, kind: str, region: str, used: set[str]) -> str:
    while True:
        code = generate.uscc(rng, prefix=KIND_PREFIX[kind], region=region)
        if code not in used and code != DEMO_UNIT_USCC:
            used.add(code)
            return code


def demo_units(count: int = 300, seed: int = 2026) -> list[AgencyUnit]:
    """``count`` units (the fixed demo unit first), the same for the same ``seed``."""
    from zhengwu.registry.services.demo import _counties, _person_pools

    rng = random.Random(seed)
    home, _away = _counties()
    surnames, _cum, given = _person_pools()
    kinds = [k for k, w in _KIND_WEIGHTS for _ in range(w)]
    first = {
        "uscc": DEMO_UNIT_USCC,
        "name": DEMO_UNIT_NAME,
        "kind": Kind.AGENCY,
        "head": "李明",
        "address": "浙江省杭州市西湖区文三路 100 号",
        "region_code": "330106",
        "authority": "杭州市西湖区机构编制委员会办公室",
        "valid_until": datetime.date(2029, 12, 31),
        "certificate_number": "33010600000001",
        "certificate_version": 1,
        "status": UnitStatus.ACTIVE,
    }
    rows = [first]
    used: set[str] = set()
    names = {DEMO_UNIT_NAME}
    while len(rows) < count:
        county = rng.choice(home)
        kind = rng.choice(kinds)
        name = county.city_name + county.name + rng.choice(_SUFFIXES[kind])
        if name in names:
            continue
        names.add(name)
        long_term = rng.random() < 0.6
        rows.append(
            {
                "uscc": _uscc(rng, kind, county.code, used),
                "name": name,
                "kind": kind,
                "head": rng.choice(tuple(surnames)) + rng.choice(given) + rng.choice(given),
                "address": f"{county.province_name}{county.city_name}{county.name}"
                f"{rng.choice(_STREETS)} {rng.randint(1, 399)} 号",
                "region_code": county.code,
                "authority": f"{county.city_name}{county.name}机构编制委员会办公室",
                "valid_until": None
                if long_term
                else datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(6 * 365)),
                "certificate_number": f"{county.code}{len(rows) + 1:08d}",
                "certificate_version": rng.choice((1, 1, 1, 2)),
                "status": UnitStatus.ACTIVE if rng.random() < 0.97 else UnitStatus.REVOKED,
            }
        )
    return [AgencyUnit(**row, row_hash=row_hash(row)) for row in rows]


def demo_load(*, count: int = 300, seed: int = 2026, if_empty: bool = True) -> DemoResult:
    """Load the demo units (skipping codes already present); nothing when ``if_empty`` and the
    register already holds units."""

    from .content import load_demo_content

    with transaction.atomic():
        load_demo_content()
        existing = AgencyUnit.objects.count()
        if if_empty and existing:
            return DemoResult(units=existing, inserted=0, skipped=True)
        units = demo_units(count, seed)
        present = set(
            AgencyUnit.objects.filter(uscc__in=[u.uscc for u in units]).values_list(
                "uscc", flat=True
            )
        )
        new = [u for u in units if u.uscc not in present]
        AgencyUnit.objects.bulk_create(new, batch_size=500)
    return DemoResult(units=AgencyUnit.objects.count(), inserted=len(new))
