"""States, transitions, SMS and field groups of the agent path (代理人注册, REG-10)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgentStatus(models.TextChoices):
    """States of an ``AgentRegistration`` (REG-10, seed 002 附件1).

    ``draft`` is the agent's form waiting for the agent's own face check and the confirmation
    dialog (“系统将向法定代表人手机发送签名短信……”); the published states start at 签名中.
    """

    DRAFT = "draft", _("待提交")
    SIGNING = "signing", _("签名中")
    TIMED_OUT = "timed_out", _("签名超时")
    REFUSED = "refused", pgettext_lazy("application status", "拒签")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", pgettext_lazy("application status", "通过")
    REJECTED = "rejected", pgettext_lazy("application status", "不通过")


#: The diagram of AgentRegistration as data (docs/workflows/agent-registration.md is generated).
#: signing → signing is 重新提交 / 返回修改 before the signature (a new link, the old one dead);
#: rejected → signing is a resubmission that changed a key field (REG-10: re-sign), rejected →
#: pending one that did not.
AGENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AgentStatus.DRAFT: frozenset({AgentStatus.SIGNING}),
    AgentStatus.SIGNING: frozenset(
        {AgentStatus.SIGNING, AgentStatus.PENDING, AgentStatus.TIMED_OUT, AgentStatus.REFUSED}
    ),
    AgentStatus.TIMED_OUT: frozenset({AgentStatus.SIGNING}),
    AgentStatus.REFUSED: frozenset({AgentStatus.SIGNING}),
    AgentStatus.PENDING: frozenset({AgentStatus.APPROVED, AgentStatus.REJECTED}),
    AgentStatus.REJECTED: frozenset({AgentStatus.SIGNING, AgentStatus.PENDING}),
    AgentStatus.APPROVED: frozenset(),
}

#: The SMS sent on entering each state, and to whom (docs and tests read this).
AGENT_SMS: dict[str, tuple[str, str]] = {
    AgentStatus.SIGNING: ("mandate.signature_requested", "legal representative"),
    AgentStatus.TIMED_OUT: ("mandate.signature_timed_out", "agent"),
    AgentStatus.REFUSED: ("mandate.signature_refused", "agent"),
    AgentStatus.APPROVED: ("registration.succeeded", "agent"),
    AgentStatus.REJECTED: ("registration.rejected", "agent"),
}

#: States in which the agent may change the data and 重新提交 (REG-10).
EDITABLE_STATES = frozenset(
    {AgentStatus.SIGNING, AgentStatus.TIMED_OUT, AgentStatus.REFUSED, AgentStatus.REJECTED}
)

#: REG-10: after a rejection, changing one of these (the legal representative's name, ID
#: number or mobile, the unit name, the USCC, or anything printed in the letter) needs a new
#: signature. The letter prints the unit, the legal representative and the agent; the agent's
#: identity cannot be edited (the account and its face check are bound to it).
RESIGN_FIELDS = (
    "organisation_name",
    "uscc",
    "legal_rep_name",
    "legal_rep_id_type",
    "legal_rep_id_number",
    "legal_rep_mobile",
)

#: The fields the agent may change when going back (返回修改) or after a rejection.
EDITABLE_FIELDS = (*RESIGN_FIELDS, "legal_person_type", "landline")


class AgentRejectionReason(models.TextChoices):
    """Reason templates of a reviewer's 不通过 (REG-10 back office)."""

    UNIT_MISMATCH = "unit_mismatch", _("单位信息与登记信息不一致")
    LEGAL_REP_MISMATCH = "legal_rep_mismatch", _("法定代表人信息有误")
    LETTER_INVALID = "letter_invalid", _("授权委托书内容有误")
    AGENT_INVALID = "agent_invalid", _("代理人信息有误")
    OTHER = "other", _("其他")


class AgentReviewRule(models.TextChoices):
    """``ZHENGWU_AGENT_REVIEW_RULE`` (REG-10, CAL-1): how the review deadline is counted."""

    WORKING_DAY_1 = "working_day_1", _("1个工作日")
    WORKING_HOURS_48 = "working_hours_48", _("48个工作小时")


#: How long the legal representative has to sign after the link was sent (seed 002: 48 小时).
SIGNING_HOURS = 48

FACE_PURPOSE_MANDATE = "mandate_signature"
SIGN_LINK_SALT = "zhengwu.registrations.agent_sign_link"
SUBJECT_TYPE = "registrations.agentregistration"

#: 上传证件 (seed 002 第 2 种情况: “根据提示填写相关信息，并上传证件，点击提交”): the agent's
#: ID document and the unit's licence (营业执照 or another certificate), both required, in the
#: order of the form. Field name = upload kind, as in the manual channel. The labels name the
#: field in every refusal (pages and API).
AGENT_UPLOAD_KINDS: tuple[str, ...] = ("id_document", "licence_page")
AGENT_UPLOAD_LABELS: dict[str, Any] = {
    "id_document": _("代理人身份证件"),
    "licence_page": _("单位营业执照或其他证照"),
}
