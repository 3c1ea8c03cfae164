"""The market-entity register interface (REG-3 in-province checks, REG-5 registry mobile).

Two methods:

* ``lookup(uscc) -> RegistryEntity | None``: what the register holds about a unit;
* ``verify(RegistryQuery) -> RegistryCheck``: compare what an applicant typed (unit name, USCC,
  legal representative's name, ID type and number, mobile) with the register, and say exactly
  which fields differ (stable keys, Chinese messages), whether the entity may register (only
  存续), and the REG-5 facts: the registered mobile, whether the register holds a landline
  or a legacy 15-digit ID.

The provider's verdict is the only verdict (decision 0018): ``RegistryCheck.refusal`` is the
REG-3 mismatch a registration stops on, ``RegistryCheck.mobile_refusal`` the REG-5 problem, each
with the one wording and code the pages and the API show. REG-5 applies to the market entities
(enterprises, farmers' cooperatives 农专社, individual businesses:
``RegistryEntity.requires_registered_mobile``, ``MARKET_ENTITY_TYPES``).

Errors are ``RegistryError`` with ``permanent`` (``False``: the register is unreachable, try
again; ``True``: the request can never be answered). "Not found" is not an error: ``lookup``
returns ``None`` and ``verify`` reports the ``uscc`` field. The provider is chosen by the
dotted-path setting ``ZHENGWU_REGISTRY_BACKEND``.
"""

from __future__ import annotations

import abc
import datetime
import enum
from dataclasses import dataclass, field

from zhengwu.core.masking import mask_id_number, mask_mobile
from zhengwu.integrations.errors import ProviderError


class RegistryError(ProviderError):
    """The register could not be consulted; ``permanent`` says whether retrying can help."""

    code = "registry.failed"
    message = "市场主体登记信息暂时无法核验，请稍后再试"


class CheckField(enum.StrEnum):
    """Stable keys of the fields a check can fail on (API and template contract)."""

    USCC = "uscc"
    NAME = "name"
    STATUS = "status"
    LEGAL_REP_NAME = "legal_rep_name"
    LEGAL_REP_ID_TYPE = "legal_rep_id_type"
    LEGAL_REP_ID_NUMBER = "legal_rep_id_number"
    MOBILE = "mobile"


class MobileProblem(enum.StrEnum):
    """Why the REG-5 registered-mobile check fails; each has its own actionable message. The
    values are the API's error codes."""

    MISMATCH = "registry_mobile.differs"
    REGISTRY_LANDLINE = "registry_mobile.landline"
    REGISTRY_LEGACY_ID = "registry_mobile.legacy_id"
    REGISTRY_NO_PHONE = "registry_mobile.missing"


#: The legal-person types (REG-1 keys) registered by market supervision: REG-5 checks their
#: registered mobile (their name is 单位名称 on the pages like every unit's). Seed 001 lists
#: 企业、农专社、个体工商户 together; seed 003 (6) exempts only 社团法人、机关事业单位
#: (decision 0018).
MARKET_ENTITY_TYPES = frozenset({"enterprise", "cooperative", "individual_business"})


def registered_mobile_required(legal_person_type: str) -> bool:
    """REG-5: whether units of ``legal_person_type`` must register with the registered mobile."""
    return legal_person_type in MARKET_ENTITY_TYPES


#: What every page and message calls the unit's name: 单位名称, as the agent form of the seeds
#: says it (one word for one field, whatever the legal-person type; issue 11).
UNIT_NAME_LABEL = "单位名称"


@dataclass(frozen=True, slots=True)
class RegistryEntity:
    """A unit as the register holds it.

    Personal data is kept out of ``repr`` (logs): the ID number is only available masked, the
    registered phone in clear (REG-5 shows it masked and compares it) and masked.
    """

    uscc: str
    name: str
    entity_type: str  # registry.constants.EntityType key
    entity_type_label: str  # 有限责任公司, 个体工商户, ...
    legal_person_type: str  # REG-1 key: enterprise, individual_business, ...
    status: str  # registry.constants.Status key: active, deregistered, revoked
    status_label: str  # 存续, 注销, 吊销
    region_code: str
    supervision_unit: str
    legal_rep_name: str = field(repr=False)
    legal_rep_id_type: str = ""
    legal_rep_id_number_masked: str = field(default="", repr=False)
    registered_phone: str = field(default="", repr=False)
    is_phone_landline: bool = False
    is_id_number_legacy: bool = False
    registered_on: datetime.date | None = None

    @property
    def is_active(self) -> bool:
        """Only an active (存续) entity can register an account."""
        return self.status == "active"

    @property
    def registered_phone_masked(self) -> str:
        return mask_mobile(self.registered_phone)

    @property
    def requires_registered_mobile(self) -> bool:
        """REG-5: market entities (enterprises, cooperatives, individual businesses) must use
        the registered mobile; social organisations, agencies and the others are exempt."""
        return registered_mobile_required(self.legal_person_type)


@dataclass(frozen=True, slots=True)
class RegistryQuery:
    """What the applicant typed in step 1 (REG-1). ``legal_rep_id_type`` and ``mobile`` are
    optional: without them the ID number is read with the register's ID type and the mobile
    is not compared. ``legal_person_type``, when given, names the unit in messages as the
    applicant's page does (``UNIT_NAME_LABEL``)."""

    uscc: str
    name: str
    legal_rep_name: str
    legal_rep_id_number: str = field(repr=False)
    legal_rep_id_type: str | None = None
    mobile: str | None = field(default=None, repr=False)
    legal_person_type: str | None = None


@dataclass(frozen=True, slots=True)
class FieldMismatch:
    """One field that does not agree with the register: its key, a Chinese message naming it,
    and a stable code (``registry.name_mismatch``, ``registry.not_found``, a ``MobileProblem``,
    ...): the API's error code."""

    field: str  # a CheckField value
    message: str
    code: str = ""


@dataclass(frozen=True, slots=True)
class RegistryCheck:
    """The outcome of ``verify``.

    ``mismatches`` lists every REG-3 field that fails, the decisive first (``uscc`` alone when
    the unit is not in the register; ``status`` before the fields when it is deregistered or
    revoked; then in form order). ``passed`` is ``True`` when there is none. The REG-5 facts
    are reported whatever the legal-person type; ``mobile_problems`` says what is wrong with
    the mobile for the REG-5 rule, most actionable first (empty when it matches, or when the
    query carried no mobile and the register is fine). ``refusal`` and ``mobile_refusal`` are
    the verdicts a registration acts on.
    """

    found: bool
    mismatches: tuple[FieldMismatch, ...] = ()
    entity: RegistryEntity | None = None
    registered_mobile: str = field(default="", repr=False)
    is_phone_landline: bool = False
    is_id_number_legacy: bool = False
    mobile_matches: bool | None = None
    mobile_problems: tuple[FieldMismatch, ...] = ()

    @property
    def passed(self) -> bool:
        return self.found and not self.mismatches

    @property
    def refusal(self) -> FieldMismatch | None:
        """REG-3: the mismatch a registration stops on (the first), or ``None``."""
        return self.mismatches[0] if self.mismatches else None

    @property
    def mobile_refusal(self) -> FieldMismatch | None:
        """REG-5: the mobile problem a registration stops on, or ``None`` (none, or an exempt
        legal-person type)."""
        if self.entity is None or not self.entity.requires_registered_mobile:
            return None
        return self.mobile_problems[0] if self.mobile_problems else None

    @property
    def failed_fields(self) -> tuple[str, ...]:
        return tuple(m.field for m in self.mismatches)

    @property
    def status(self) -> str | None:
        return self.entity.status if self.entity else None

    @property
    def registered_mobile_masked(self) -> str:
        return mask_mobile(self.registered_mobile)


class RegistryProvider(abc.ABC):
    """The market-entity register. Implementations are stateless and thread-safe."""

    @abc.abstractmethod
    def lookup(self, uscc: str) -> RegistryEntity | None:
        """The entity registered under ``uscc`` (normalised first), or ``None``.

        Raises ``RegistryError`` when the register cannot be consulted.
        """

    @abc.abstractmethod
    def verify(self, query: RegistryQuery) -> RegistryCheck:
        """Compare ``query`` with the register (REG-3, REG-5).

        Raises ``RegistryError`` when the register cannot be consulted.
        """


def masked_id(value: str) -> str:
    """The masked form used in ``RegistryEntity.legal_rep_id_number_masked``."""
    return mask_id_number(value)
