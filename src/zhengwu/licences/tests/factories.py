"""factory_boy factories of electronic licences, one trait per state."""

from __future__ import annotations

import datetime

import factory

from zhengwu.accounts.tests.factories import uscc
from zhengwu.identifiers import licence_id
from zhengwu.licences.constants import TYPE_CODES, LicenceStatus, LicenceType, Source
from zhengwu.licences.models import Issuer, Licence


class IssuerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issuer
        django_get_or_create = ("uscc",)

    uscc = factory.Sequence(lambda n: uscc(70000 + n, prefix="11"))
    name = factory.Sequence(lambda n: f"杭州市市场监督管理局{n}")


class LicenceFactory(factory.django.DjangoModelFactory):
    """A valid business licence; traits ``revoked`` and ``expired``."""

    class Meta:
        model = Licence

    licence_type = LicenceType.BUSINESS_LICENCE
    issuer = factory.SubFactory(IssuerFactory)
    number = factory.Sequence(lambda n: f"3301{n:08d}")
    identifier = factory.LazyAttributeSequence(
        lambda o, n: licence_id.build(
            type_code=TYPE_CODES[o.licence_type],
            issuer_uscc=o.issuer.uscc,
            serial=f"2026{n:08d}",
        )
    )
    holder_uscc = factory.Sequence(lambda n: uscc(n))
    holder_name = factory.Sequence(lambda n: f"杭州测试科技有限公司{n}")
    issued_on = datetime.date(2025, 3, 1)
    valid_from = datetime.date(2025, 3, 1)
    valid_until = None
    particulars = factory.LazyAttribute(
        lambda o: {
            "名称": o.holder_name,
            "类型": "有限责任公司",
            "住所": "浙江省杭州市西湖区文三路 1 号",
        }
    )
    source = Source.API

    class Params:
        revoked = factory.Trait(status=LicenceStatus.REVOKED, revoke_reason="依法注销")
        expired = factory.Trait(
            valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2024, 12, 31)
        )
