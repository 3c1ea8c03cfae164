"""Factories of the agency platform, one trait per state (STYLE.md)."""

from __future__ import annotations

import datetime
import random

import factory

from zhengwu.identifiers import generate

from ..constants import KIND_PREFIX, Kind, UnitStatus
from ..models import AgencyUnit

_rng = random.Random(12)


class AgencyUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyUnit

    kind = Kind.AGENCY
    uscc = factory.LazyAttribute(lambda o: generate.uscc(_rng, prefix=KIND_PREFIX[o.kind]))
    name = factory.Sequence(lambda n: f"测试县第{n}局")
    head = "王芳"
    address = "浙江省杭州市西湖区府前街 1 号"
    region_code = "330106"
    authority = "杭州市西湖区机构编制委员会办公室"
    valid_until = datetime.date(2030, 6, 30)
    certificate_number = factory.Sequence(lambda n: f"3301060{n:07d}")
    status = UnitStatus.ACTIVE

    class Params:
        long_term = factory.Trait(valid_until=None)
        revoked = factory.Trait(status=UnitStatus.REVOKED)
        public_institution = factory.Trait(kind=Kind.PUBLIC_INSTITUTION)
