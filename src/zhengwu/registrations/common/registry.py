"""The register as every registration channel sees it (REG-3, REG-5): one adapter over the
registry provider.

Every answer, and every verdict, comes from the provider named by ``ZHENGWU_REGISTRY_BACKEND``
(``integrations.loading``): the embedded ``LocalRegistry`` reads the local mirror, a province
plugs its own service in. The provider's ``RegistryCheck.refusal`` (REG-3) and
``mobile_refusal`` (REG-5) carry the message, code and field shown; nothing here decides again
(decision 0018). Nothing here reads ``MarketEntity``.

When the register cannot be consulted the provider's ``RegistryError`` propagates: a
``ZhengwuError`` with a Chinese message (市场主体登记信息暂时无法核验，请稍后再试), shown beside
the form and returned by the API as ``{code: "registry.failed", ...}`` with status 502.
"""

from __future__ import annotations

from zhengwu.integrations.loading import get_provider
from zhengwu.integrations.registry import (
    FieldMismatch,
    RegistryCheck,
    RegistryEntity,
    RegistryProvider,
    RegistryQuery,
)
from zhengwu.integrations.registry.base import registered_mobile_required

from ..errors import RegistryCheckFailed, RegistryMobileRefused
from .organisations import OrganisationInput

#: API field of each provider field (the provider says ``name`` where the form says
#: ``organisation_name``, ``status`` where the unit is refused by its code).
_FORM_FIELDS = {
    "name": "organisation_name",
    "status": "uscc",
    "legal_rep_id_type": "legal_rep_id_number",
}


def _registry() -> RegistryProvider:
    provider: RegistryProvider = get_provider("ZHENGWU_REGISTRY_BACKEND", RegistryProvider)
    return provider


def _verify(
    organisation: OrganisationInput, *, rep_number: str, mobile: str | None = None
) -> RegistryCheck:
    return _registry().verify(
        RegistryQuery(
            uscc=organisation.uscc,
            name=organisation.organisation_name,
            legal_rep_name=organisation.legal_rep_name,
            legal_rep_id_number=rep_number,
            mobile=mobile,
            legal_person_type=organisation.legal_person_type,
        )
    )


def _refuse(mismatch: FieldMismatch) -> RegistryCheckFailed:
    return RegistryCheckFailed(
        mismatch.message,
        code=mismatch.code or RegistryCheckFailed.code,
        field=_FORM_FIELDS.get(mismatch.field, mismatch.field),
    )


def registry_check(organisation: OrganisationInput, *, rep_number: str) -> RegistryCheck:
    """REG-3: name, USCC, status and legal representative against the register: one
    ``verify`` call, one round trip (bench/registration.py). Raises the provider's refusal as
    ``RegistryCheckFailed`` naming the form's field; returns the check otherwise."""
    check = _verify(organisation, rep_number=rep_number)
    if check.refusal is not None:
        raise _refuse(check.refusal)
    return check


def registry_mobile_check(organisation: OrganisationInput, *, rep_number: str, mobile: str) -> None:
    """REG-5 for a legal representative registering with ``mobile``: the provider's
    ``mobile_refusal`` as ``RegistryMobileRefused`` (exempt types pass), or the unit's
    disappearance from the register since step 1 as ``RegistryCheckFailed``. The register is
    not asked for the exempt types the applicant chose (``registered_mobile_required``)."""
    if not registered_mobile_required(organisation.legal_person_type):
        return
    check = _verify(organisation, rep_number=rep_number, mobile=mobile)
    if not check.found and check.refusal is not None:
        raise _refuse(check.refusal)
    refusal = check.mobile_refusal
    if refusal is not None:
        raise RegistryMobileRefused(
            refusal.message, code=refusal.code or RegistryMobileRefused.code, field="mobile"
        )


def registry_entity_get(*, uscc: str) -> RegistryEntity | None:
    """The register's entity for ``uscc`` (normalised), or ``None`` if it has none.

    Raises ``RegistryError`` when the register cannot be consulted."""
    return _registry().lookup(uscc)
