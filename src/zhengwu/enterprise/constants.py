"""Vocabulary of the enterprise code (企业码): states, their moves, who may claim, event names."""

from __future__ import annotations

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.constants import Role


class CodeStatus(models.TextChoices):
    """企业码 states (EC-3). Revoking and reissuing both bump the token version."""

    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已作废")


#: The diagram of ``EnterpriseCode`` as data. ``active → active`` is a reissue of a live code
#: (e.g. a leaked poster): the version moves on and every earlier QR stops working.
CODE_TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    CodeStatus.ACTIVE: frozenset({CodeStatus.REVOKED, CodeStatus.ACTIVE}),
    CodeStatus.REVOKED: frozenset({CodeStatus.ACTIVE}),
}

#: EC-1 (decision 0014): every role of a legal-person account may claim its unit's code —
#: the seed has "企业法人 … 通过法人账户登录 … 点击领码", and a legal-person account is used by
#: its operators. The code belongs to the organisation, so one claim serves every member.
CLAIM_ROLES: Final = frozenset({Role.LEGAL_REPRESENTATIVE, Role.ADMINISTRATOR, Role.OPERATOR})

#: The permissions of the back office, declared on ``EnterpriseCode`` and held by the group
#: ``CODE_ADMIN_GROUP`` (created after migrate).
MANAGE_PERMISSION: Final = "enterprise.manage_code"
CAMPAIGN_PERMISSION: Final = "enterprise.view_campaign"
CODE_ADMIN_GROUP: Final = "企业码管理员"

#: The salt of the QR token signature (``django.core.signing``); changing it kills every QR.
TOKEN_SALT: Final = "zhengwu.enterprise.code-token"

EVENT_CLAIMED: Final = "enterprise.code_claimed"
EVENT_CLAIM_REFUSED: Final = "enterprise.code_claim_refused"
EVENT_REVOKED: Final = "enterprise.code_revoked"
EVENT_REISSUED: Final = "enterprise.code_reissued"
EVENT_DOWNLOADED: Final = "enterprise.code_downloaded"
EVENT_CAMPAIGN_EXPORTED: Final = "enterprise.campaign_exported"
