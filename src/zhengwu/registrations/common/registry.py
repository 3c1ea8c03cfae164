"""The register as the wizard sees it (REG-3, REG-5): one adapter over the registry provider.

Every answer comes from the provider named by ``ZHENGWU_REGISTRY_BACKEND``
(``zhengwu.integrations.registry.get_registry``): the embedded ``LocalRegistry`` reads the
local mirror, a province plugs its own service in. Nothing here reads ``MarketEntity``.

``registry_entry_get`` is the lookup; ``RegistryEntry.is_legal_rep`` asks the provider's
``verify`` to compare the legal representative, so ID numbers are compared where the register
keeps them (by blind index in the mirror) and never leave the provider in clear. When the
register cannot be consulted the provider's ``RegistryError`` propagates: a ``ZhengwuError``
with a Chinese message (市场主体登记信息暂时无法核验，请稍后再试), shown beside the form and
returned by the API as ``{code: "registry.failed", ...}`` with status 502.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhengwu.integrations.registry import (
    CheckField,
    RegistryEntity,
    RegistryQuery,
    get_registry,
)


@dataclass(frozen=True)
class RegistryEntry:
    """What the register holds about one unit, as the provider answered it.

    ``registered_phone`` is in clear for the REG-5 comparison: never log or render it whole.
    """

    uscc: str
    name: str
    legal_person_type: str
    is_active: bool
    status_label: str
    legal_rep_name: str = field(repr=False)
    legal_rep_id_type: str
    registered_phone: str = field(repr=False)
    is_phone_landline: bool
    is_id_number_legacy: bool

    def is_legal_rep(self, *, name: str, id_number: str) -> tuple[bool, bool]:
        """``(name matches, ID number matches)`` as the provider's ``verify`` judges them (REG-3):
        names compared as people type them, the ID number under the register's ID type, a
        legacy 15-digit registry number matching its 18-digit form (GB 11643 upgrade)."""
        check = get_registry().verify(
            RegistryQuery(
                uscc=self.uscc,
                name=self.name,
                legal_rep_name=name or "",
                legal_rep_id_number=id_number or "",
            )
        )
        if not check.found:  # removed from the register between the two calls
            return False, False
        failed = set(check.failed_fields)
        return (
            CheckField.LEGAL_REP_NAME not in failed,
            CheckField.LEGAL_REP_ID_NUMBER not in failed,
        )


def _entry(entity: RegistryEntity) -> RegistryEntry:
    return RegistryEntry(
        uscc=entity.uscc,
        name=entity.name,
        legal_person_type=entity.legal_person_type,
        is_active=entity.is_active,
        status_label=entity.status_label,
        legal_rep_name=entity.legal_rep_name,
        legal_rep_id_type=entity.legal_rep_id_type,
        registered_phone=entity.registered_phone,
        is_phone_landline=entity.is_phone_landline,
        is_id_number_legacy=entity.is_id_number_legacy,
    )


def registry_verify(
    *, uscc: str, name: str, rep_name: str, rep_number: str
) -> tuple[RegistryEntry | None, bool, bool]:
    """One ``verify`` call: ``(entry or None, legal rep name matches, ID number matches)``.

    Raises ``RegistryError`` when the register cannot be consulted.
    """
    check = get_registry().verify(
        RegistryQuery(uscc=uscc, name=name, legal_rep_name=rep_name, legal_rep_id_number=rep_number)
    )
    if not check.found or check.entity is None:
        return None, False, False
    failed = set(check.failed_fields)
    return (
        _entry(check.entity),
        CheckField.LEGAL_REP_NAME not in failed,
        CheckField.LEGAL_REP_ID_NUMBER not in failed,
    )


def registry_entry_get(*, uscc: str) -> RegistryEntry | None:
    """The register's entry for ``uscc`` (normalised), or ``None`` if it has none.

    Raises ``RegistryError`` (``zhengwu.integrations.registry``) when the register cannot be
    consulted.
    """
    entity = get_registry().lookup(uscc)
    return _entry(entity) if entity is not None else None
