"""Factories of the registration tests: register entries, drafts and applications (a trait
per state)."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from zhengwu.accounts.constants import IdType, LegalPersonType, Location
from zhengwu.accounts.identity import id_number_hash, mobile_hash
from zhengwu.accounts.tests.factories import PASSWORD, OrganisationFactory, resident_id, uscc
from zhengwu.core.crypto import blind_index
from zhengwu.identifiers import mobile
from zhengwu.registrations.constants import ApplicationStatus, DraftStep
from zhengwu.registrations.models import OperatorApplication, RegistrationDraft
from zhengwu.registry.models import MarketEntity
from zhengwu.registry.services.rows import ID_PURPOSE, PHONE_PURPOSE, id_number_key

ENTITY_TYPES = {
    "enterprise": ("91", "limited_company"),
    "individual_business": ("92", "individual_business"),
    "cooperative": ("93", "farmers_cooperative"),
    "social_organisation": ("51", "social_group"),
    "agency": ("11", "agency"),
    "public_institution": ("12", "public_institution"),
}


def registry_id_hash(id_type: str, number: str) -> str:
    """The blind index the register import stores for an ID number (a legacy 15-digit resident
    ID hashed in its 18-digit form), so the registry provider compares like in production."""
    return blind_index(id_number_key(id_type, number)[1], purpose=ID_PURPOSE)


def registry_phone_hash(phone: str) -> str:
    """The import's blind index of a registered phone (mobile or landline), empty without one."""
    if not phone:
        return ""
    value = mobile.normalise(phone) if mobile.is_valid(phone) else mobile.validate_landline(phone)
    return blind_index(value, purpose=PHONE_PURPOSE)


class MarketEntityFactory(factory.django.DjangoModelFactory):
    """An active register entry; ``kind`` picks the legal-person type with its prefix."""

    class Meta:
        model = MarketEntity
        exclude = ("kind",)

    kind = "enterprise"
    uscc = factory.LazyAttributeSequence(lambda o, n: uscc(n + 500, ENTITY_TYPES[o.kind][0]))
    name = factory.Sequence(lambda n: f"杭州登记测试有限公司{n}")
    entity_type = factory.LazyAttribute(lambda o: ENTITY_TYPES[o.kind][1])
    legal_person_type = factory.LazyAttribute(lambda o: o.kind)
    status = "active"
    region_code = "330106"
    legal_rep_name = "王测试通过"
    legal_rep_id_type = "resident_id"
    legal_rep_id_number = factory.Sequence(lambda n: resident_id(70000 + n))
    legal_rep_id_number_hash = factory.LazyAttribute(
        lambda o: registry_id_hash(o.legal_rep_id_type, o.legal_rep_id_number)
    )
    registered_phone = factory.Sequence(lambda n: f"139572{n:05d}")
    registered_phone_hash = factory.LazyAttribute(lambda o: registry_phone_hash(o.registered_phone))
    registered_on = datetime.date(2015, 6, 1)
    row_hash = "x" * 32


class DraftFactory(factory.django.DjangoModelFactory):
    """A wizard after step 1 (``step=user``); trait ``at_face`` after step 2."""

    class Meta:
        model = RegistrationDraft

    step = DraftStep.USER
    location = Location.IN_PROVINCE
    legal_person_type = LegalPersonType.ENTERPRISE
    uscc = factory.Sequence(lambda n: uscc(n + 800))
    organisation_name = factory.Sequence(lambda n: f"草稿测试有限公司{n}")
    legal_rep_name = "王测试通过"
    legal_rep_id_type = IdType.RESIDENT_ID
    legal_rep_id_number = factory.Sequence(lambda n: resident_id(60000 + n))
    legal_rep_id_number_hash = factory.LazyAttribute(
        lambda o: id_number_hash(o.legal_rep_id_number)
    )
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=30))

    class Params:
        at_face = factory.Trait(
            step=DraftStep.FACE,
            username=factory.Sequence(lambda n: f"draft_{n:04d}"),
            password_hash=factory.LazyFunction(lambda: make_password(PASSWORD)),
            operator_name="李测试通过",
            operator_id_type=IdType.RESIDENT_ID,
            operator_id_number=factory.Sequence(lambda n: resident_id(50000 + n)),
            operator_id_number_hash=factory.LazyAttribute(
                lambda o: id_number_hash(o.operator_id_number)
            ),
            mobile=factory.Sequence(lambda n: f"139573{n:05d}"),
            mobile_hash=factory.LazyAttribute(lambda o: mobile_hash(o.mobile)),
        )


class OperatorApplicationFactory(factory.django.DjangoModelFactory):
    """An operator application; traits ``pending`` (default), ``approved``, ``rejected``."""

    class Meta:
        model = OperatorApplication

    organisation = factory.SubFactory(OrganisationFactory)
    status = ApplicationStatus.PENDING
    username = factory.Sequence(lambda n: f"applicant_{n:04d}")
    password_hash = factory.LazyFunction(lambda: make_password(PASSWORD))
    real_name = "赵测试通过"
    id_type = IdType.RESIDENT_ID
    id_number = factory.Sequence(lambda n: resident_id(40000 + n))
    id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.id_number))
    mobile = factory.Sequence(lambda n: f"139574{n:05d}")
    mobile_hash = factory.LazyAttribute(lambda o: mobile_hash(o.mobile))

    class Params:
        pending = factory.Trait(status=ApplicationStatus.PENDING)
        approved = factory.Trait(
            status=ApplicationStatus.APPROVED, decided_at=factory.LazyFunction(timezone.now)
        )
        rejected = factory.Trait(
            status=ApplicationStatus.REJECTED,
            reason="材料不符",
            decided_at=factory.LazyFunction(timezone.now),
        )
