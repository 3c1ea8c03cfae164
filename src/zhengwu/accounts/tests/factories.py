"""factory_boy factories of the accounts domain, and the named personas of the tests.

Names containing ``测试通过`` make the sandbox face check pass at once (docs/providers.md).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import factory
from django.contrib.auth.hashers import make_password

from zhengwu.accounts.constants import IdType, LegalPersonType, Location, Role
from zhengwu.accounts.identity import id_number_hash, mobile_hash
from zhengwu.accounts.models import Membership, MobileClaim, Organisation, User
from zhengwu.identifiers import generate

PASSWORD = "Zw@2026pass"


def resident_id(n: int) -> str:
    return generate.resident_id(random.Random(f"person-{n}"), region="330106")


def uscc(n: int, prefix: str = "91") -> str:
    return generate.uscc(random.Random(f"unit-{n}"), prefix=prefix, region="330106")


def mobile(n: int) -> str:
    return f"139571{n:05d}"


class UserFactory(factory.django.DjangoModelFactory):
    """An active legal-person account with a real name, resident ID and mobile."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user_{n:05d}")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
    kind = User.Kind.LEGAL_PERSON
    real_name = factory.Sequence(lambda n: f"测试通过{n}")
    id_type = IdType.RESIDENT_ID
    id_number = factory.Sequence(resident_id)
    id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.id_number))
    mobile = factory.Sequence(mobile)
    mobile_hash = factory.LazyAttribute(lambda o: mobile_hash(o.mobile))

    class Params:
        staff = factory.Trait(kind=User.Kind.STAFF, is_staff=True, id_number="", mobile="")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    uscc = factory.Sequence(uscc)
    name = factory.Sequence(lambda n: f"杭州测试科技有限公司{n}")
    legal_person_type = LegalPersonType.ENTERPRISE
    location = Location.IN_PROVINCE
    legal_rep_name = "测试通过法人"
    legal_rep_id_type = IdType.RESIDENT_ID
    legal_rep_id_number = factory.Sequence(lambda n: resident_id(90000 + n))
    legal_rep_id_number_hash = factory.LazyAttribute(
        lambda o: id_number_hash(o.legal_rep_id_number)
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership; traits for the three roles. The mobile claim (REG-8) comes with it."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OPERATOR

    class Params:
        legal_representative = factory.Trait(role=Role.LEGAL_REPRESENTATIVE)
        administrator = factory.Trait(role=Role.ADMINISTRATOR)
        operator = factory.Trait(role=Role.OPERATOR)

    @factory.post_generation
    def claim(obj, create, extracted, **kwargs):
        if create and obj.user.mobile:
            MobileClaim.objects.create(
                organisation_key=obj.organisation.claim_key,
                mobile_hash=obj.user.mobile_hash,
                holder=f"accounts.user:{obj.user.pk}",
                user=obj.user,
            )


@dataclass
class Personas:
    """The cast: an organisation with its legal representative, an administrator and an
    operator; a reviewer (staff); an outsider who acts for another organisation."""

    organisation: Organisation
    legal_representative: User
    administrator: User
    operator: User
    reviewer: User
    outsider: User


def make_personas() -> Personas:  # factory calls return model instances
    return _make_personas()  # type: ignore[no-any-return]


def _make_personas():  # type: ignore[no-untyped-def]
    org = OrganisationFactory()
    legal_rep = UserFactory(
        real_name=org.legal_rep_name, id_number=org.legal_rep_id_number, username="legal_rep"
    )
    MembershipFactory(organisation=org, user=legal_rep, legal_representative=True)
    admin = MembershipFactory(organisation=org, administrator=True, user__username="org_admin").user
    operator = MembershipFactory(organisation=org, operator=True, user__username="operator1").user
    outsider = MembershipFactory(legal_representative=True, user__username="outsider").user
    reviewer = UserFactory(staff=True, username="reviewer")
    return Personas(org, legal_rep, admin, operator, reviewer, outsider)
