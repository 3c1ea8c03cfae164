"""The registry as the wizard sees it (REG-3, REG-5): one lookup by USCC.

The registry provider (``zhengwu.integrations.registry``, ``ZHENGWU_REGISTRY_BACKEND``) is
still being built; until it lands this adapter reads the local mirror ``MarketEntity``
directly. It is the one place to switch: callers only see ``RegistryEntry``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from zhengwu import identifiers


@dataclass(frozen=True)
class RegistryEntry:
    """What the register holds about one unit (clear text: never log or render it whole)."""

    uscc: str
    name: str
    legal_person_type: str
    is_active: bool
    status_label: str
    legal_rep_name: str
    legal_rep_id_type: str
    legal_rep_id_number: str
    registered_phone: str
    is_phone_landline: bool
    is_id_number_legacy: bool

    def is_legal_rep(self, *, name: str, id_number: str) -> tuple[bool, bool]:
        """``(name matches, ID number matches)``; a legacy 15-digit registry number matches
        its 18-digit form (GB 11643 upgrade)."""
        name_ok = _clean_name(name) == _clean_name(self.legal_rep_name)
        stored = identifiers.normalise(self.legal_rep_id_number or "")
        entered = identifiers.normalise(id_number or "")
        if self.is_id_number_legacy or identifiers.resident_id.is_legacy_15(stored):
            with contextlib.suppress(identifiers.InvalidIdentifier):
                stored = identifiers.resident_id.upgrade_15_to_18(stored)
        return name_ok, bool(entered) and stored == entered


def _clean_name(value: str) -> str:
    # Names are compared as people type them: full-width characters and spaces do not count,
    # the middle dot of ethnic-minority names has several look-alikes.
    return identifiers.normalise(value or "").replace("•", "·").replace("・", "·")


def registry_entry_get(*, uscc: str) -> RegistryEntry | None:
    """The register's entry for ``uscc`` (normalised), or ``None`` if it has none."""
    from zhengwu.registry.models import MarketEntity

    entity = MarketEntity.objects.filter(pk=uscc).first()
    if entity is None:
        return None
    return RegistryEntry(
        uscc=entity.uscc,
        name=entity.name,
        legal_person_type=entity.legal_person_type,
        is_active=entity.is_active,
        status_label=entity.get_status_display(),
        legal_rep_name=entity.legal_rep_name,
        legal_rep_id_type=entity.legal_rep_id_type,
        legal_rep_id_number=entity.legal_rep_id_number or "",
        registered_phone=entity.registered_phone or "",
        is_phone_landline=entity.is_phone_landline,
        is_id_number_legacy=entity.is_id_number_legacy,
    )
