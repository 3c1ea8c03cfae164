"""Vocabulary of the accounts domain: ID types, organisation locations, roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdType(models.TextChoices):
    """证件类型 of legal representatives and operators (REG-1, REG-4).

    Keys follow the ``zhengwu.identifiers`` module that validates each (and the registry's
    ``IdType`` where they overlap).
    """

    RESIDENT_ID = "resident_id", _("中华人民共和国居民身份证")
    HKMO_PERMIT = "hkmo_permit", _("港澳居民来往内地通行证")
    TW_PERMIT = "tw_permit", _("台湾居民来往大陆通行证")
    PASSPORT = "passport", _("中华人民共和国护照")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")


class Location(models.TextChoices):
    """单位登记所在地 (SPEC §1: the first choice of the wizard)."""

    IN_PROVINCE = "in_province", _("省内")
    OUT_OF_PROVINCE = "out_of_province", _("非本省")
    OUTSIDE_MAINLAND = "outside_mainland", _("非中华人民共和国大陆地区")


class LegalPersonType(models.TextChoices):
    """法人类型 (REG-1); the keys of ``zhengwu.identifiers.uscc.LEGAL_PERSON_TYPES``."""

    ENTERPRISE = "enterprise", _("企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
    AGENCY = "agency", _("机关、群团")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    OTHER = "other", _("其他非法人单位")


class Role(models.TextChoices):
    """What a member may do for the organisation (REG-7: who approves operators)."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    ADMINISTRATOR = "administrator", _("管理员")
    OPERATOR = "operator", _("经办人")


#: Roles that approve or reject operator applications (REG-7, seed 001 二.1).
APPROVER_ROLES = frozenset({Role.LEGAL_REPRESENTATIVE, Role.ADMINISTRATOR})

#: Roles a legal representative may grant or withdraw (ACC-5): only administrator ↔ operator.
GRANTABLE_ROLES = frozenset({Role.ADMINISTRATOR, Role.OPERATOR})

#: Permission and group of back-office staff who may reveal one personal-data field (ACC-7).
REVEAL_PERMISSION = "accounts.reveal_personal_data"
REVEAL_PERMISSION_CODENAME = "reveal_personal_data"
REVEAL_GROUP = "数据查看人员"
#: The fields a reveal may show, with their labels (ACC-7).
REVEALABLE_FIELDS = {"id_number": _("证件号码"), "mobile": _("手机号")}

# Audit event types of the accounts domain and the organisation centre (stable: the audit log
# back office filters on them, tests assert them).
EVENT_OPERATOR_ADDED = "orgcentre.operator_added"
EVENT_OPERATOR_ADD_REDIRECTED = "orgcentre.operator_add_redirected"
EVENT_OPERATOR_DISABLED = "orgcentre.operator_disabled"
EVENT_OPERATOR_ENABLED = "orgcentre.operator_enabled"
EVENT_OPERATOR_CHANGED = "orgcentre.operator_details_changed"
EVENT_ADMIN_GRANTED = "orgcentre.administrator_granted"
EVENT_ADMIN_REVOKED = "orgcentre.administrator_revoked"
EVENT_PASSWORD_SET = "account.password_set"
EVENT_PASSWORD_CHANGED = "account.password_changed"
EVENT_PASSWORD_CHANGE_FAILED = "account.password_change_failed"
EVENT_MOBILE_CHANGED = "account.mobile_changed"
EVENT_ACTIVATION_LINK_FAILED = "account.activation_link_invalid"
EVENT_PERSONAL_DATA_REVEALED = "personal_data.revealed"
