"""The market-entity register provider (REG-3, REG-5): interface in ``base``, the embedded
default ``local.LocalRegistry`` reading the local mirror (``zhengwu.registry``).

    from zhengwu.integrations.registry import RegistryQuery, get_registry

    check = get_registry().verify(RegistryQuery(uscc=..., name=..., legal_rep_name=...,
                                                legal_rep_id_number=..., mobile=...))
    if not check.passed:
        ...  # check.mismatches: which fields, with Chinese messages
"""

from __future__ import annotations

from zhengwu.integrations.loading import get_provider

from .base import (
    CheckField,
    FieldMismatch,
    MobileProblem,
    RegistryCheck,
    RegistryEntity,
    RegistryError,
    RegistryProvider,
    RegistryQuery,
)


def get_registry() -> RegistryProvider:
    """The provider named by ``ZHENGWU_REGISTRY_BACKEND`` (one shared instance)."""
    provider: RegistryProvider = get_provider("ZHENGWU_REGISTRY_BACKEND", RegistryProvider)
    return provider


__all__ = [
    "CheckField",
    "FieldMismatch",
    "MobileProblem",
    "RegistryCheck",
    "RegistryEntity",
    "RegistryError",
    "RegistryProvider",
    "RegistryQuery",
    "get_registry",
]
