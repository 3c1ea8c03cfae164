"""Vocabulary of the market-entity register: entity types, statuses, ID types, file headers.

Importable without a configured Django (the import workers use it): only ``TextChoices``.

Stored values are stable English keys; the Chinese labels are the words a market-supervision
export (市场主体登记信息导出) uses. ``parse_*`` turn what an export really contains (detailed
types such as “有限责任公司（自然人投资或控股）”, statuses such as “存续（在营、开业、在册）”) into
those keys, or ``None`` when the value is not understood.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from django.db import models


class LegalPersonType(models.TextChoices):
    """SPEC REG-1 legal-person types (keys of ``identifiers.uscc.LEGAL_PERSON_TYPES``)."""

    ENTERPRISE = "enterprise", "企业"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    COOPERATIVE = "cooperative", "农民专业合作社"
    SOCIAL_ORGANISATION = "social_organisation", "社会组织"
    AGENCY = "agency", "机关、群团"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    OTHER = "other", "其他非法人单位"


class EntityType(models.TextChoices):
    """市场主体类型 as registered; each maps to one legal-person type (``LEGAL_PERSON_TYPE``)."""

    LIMITED_COMPANY = "limited_company", "有限责任公司"
    JOINT_STOCK_COMPANY = "joint_stock_company", "股份有限公司"
    SOLE_PROPRIETORSHIP = "sole_proprietorship", "个人独资企业"
    PARTNERSHIP = "partnership", "合伙企业"
    FOREIGN_INVESTED = "foreign_invested", "外商投资企业"
    BRANCH = "branch", "分公司"
    STATE_OWNED = "state_owned", "全民所有制企业"
    COLLECTIVE = "collective", "集体所有制企业"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    FARMERS_COOPERATIVE = "farmers_cooperative", "农民专业合作社"
    SOCIAL_GROUP = "social_group", "社会团体"
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", "民办非企业单位"
    FOUNDATION = "foundation", "基金会"
    RURAL_COLLECTIVE = "rural_collective", "农村集体经济组织"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    AGENCY = "agency", "机关"
    MASS_ORGANISATION = "mass_organisation", "群团组织"
    OTHER = "other", "其他"


_E = EntityType
_L = LegalPersonType
#: The legal-person type each entity type belongs to; the USCC prefix must agree (REG-2).
LEGAL_PERSON_TYPE: Final[dict[str, str]] = {
    _E.LIMITED_COMPANY: _L.ENTERPRISE,
    _E.JOINT_STOCK_COMPANY: _L.ENTERPRISE,
    _E.SOLE_PROPRIETORSHIP: _L.ENTERPRISE,
    _E.PARTNERSHIP: _L.ENTERPRISE,
    _E.FOREIGN_INVESTED: _L.ENTERPRISE,
    _E.BRANCH: _L.ENTERPRISE,
    _E.STATE_OWNED: _L.ENTERPRISE,
    _E.COLLECTIVE: _L.ENTERPRISE,
    _E.INDIVIDUAL_BUSINESS: _L.INDIVIDUAL_BUSINESS,
    _E.FARMERS_COOPERATIVE: _L.COOPERATIVE,
    _E.SOCIAL_GROUP: _L.SOCIAL_ORGANISATION,
    _E.PRIVATE_NON_ENTERPRISE: _L.SOCIAL_ORGANISATION,
    _E.FOUNDATION: _L.SOCIAL_ORGANISATION,
    _E.RURAL_COLLECTIVE: _L.SOCIAL_ORGANISATION,
    _E.PUBLIC_INSTITUTION: _L.PUBLIC_INSTITUTION,
    _E.AGENCY: _L.AGENCY,
    _E.MASS_ORGANISATION: _L.AGENCY,
    _E.OTHER: _L.OTHER,
}

#: USCC prefixes of each legal-person type, as ``zhengwu.identifiers.uscc.legal_person_type``
#: decides them (decision 0003). Used by the database check constraint; a test keeps the two
#: in step over all 36 valid prefixes. A one-character entry means "any second character".
USCC_PREFIXES: Final[dict[str, tuple[str, ...]]] = {
    _L.ENTERPRISE: ("91",),
    _L.INDIVIDUAL_BUSINESS: ("92",),
    _L.COOPERATIVE: ("93",),
    _L.SOCIAL_ORGANISATION: ("3", "5", "6", "7", "8", "N"),
    _L.AGENCY: ("11", "13"),
    _L.PUBLIC_INSTITUTION: ("12", "A1"),
    _L.OTHER: ("19", "2", "4", "A9", "Y1"),
}


class Status(models.TextChoices):
    """登记状态. Only an active (存续) entity can register on the portal (REG-3)."""

    ACTIVE = "active", "存续"
    DEREGISTERED = "deregistered", "注销"
    REVOKED = "revoked", "吊销"


class IdType(models.TextChoices):
    """法定代表人证件类型. Keys follow the ``zhengwu.identifiers`` module that validates them."""

    RESIDENT_ID = "resident_id", "居民身份证"
    RESIDENCE_PERMIT = "residence_permit", "港澳台居民居住证"
    HKMO_PERMIT = "hkmo_permit", "港澳居民来往内地通行证"
    TW_PERMIT = "tw_permit", "台湾居民来往大陆通行证"
    PASSPORT = "passport", "中华人民共和国护照"
    FOREIGN_PASSPORT = "foreign_passport", "外国（地区）护照"
    FOREIGN_PR = "foreign_pr", "外国人永久居留身份证"
    OTHER = "other", "其他有效身份证件"


# --- file headers -----------------------------------------------------------------------------
# Canonical column names (the keys used in code) and the Chinese headers of an export.
HEADERS: Final[dict[str, str]] = {
    "uscc": "统一社会信用代码",
    "name": "名称",
    "entity_type": "市场主体类型",
    "status": "登记状态",
    "region_code": "住所所在行政区划代码",
    "supervision_unit": "监管单位",
    "legal_rep_name": "法定代表人",
    "legal_rep_id_type": "法定代表人证件类型",
    "legal_rep_id_number": "法定代表人证件号码",
    "registered_phone": "联系电话",
    "registered_on": "成立日期",
}
#: Columns whose header may be absent (their values are then empty).
OPTIONAL_COLUMNS: Final = frozenset({"supervision_unit"})
#: Other spellings found in exports of different provinces and versions.
HEADER_ALIASES: Final[dict[str, str]] = {
    "企业名称": "name",
    "主体名称": "name",
    "单位名称": "name",
    "企业类型": "entity_type",
    "主体类型": "entity_type",
    "类型": "entity_type",
    "经营状态": "status",
    "企业状态": "status",
    "行政区划代码": "region_code",
    "住所行政区划代码": "region_code",
    "管辖单位": "supervision_unit",
    "法定代表人(负责人)": "legal_rep_name",
    "法定代表人姓名": "legal_rep_name",
    "负责人": "legal_rep_name",
    "经营者": "legal_rep_name",
    "证件类型": "legal_rep_id_type",
    "证件号码": "legal_rep_id_number",
    "法定代表人身份证号码": "legal_rep_id_number",
    "法定代表人联系电话": "registered_phone",
    "法定代表人手机号码": "registered_phone",
    "手机号码": "registered_phone",
    "电话": "registered_phone",
    "登记日期": "registered_on",
    "注册日期": "registered_on",
}


def _norm(text: str) -> str:
    """NFKC (full-width brackets become ASCII), no whitespace."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def header_key(header: str) -> str | None:
    """The canonical column key of a header cell, or ``None`` for a column we do not read."""
    h = _norm(header.lstrip("\ufeff"))
    return _HEADER_INDEX.get(h)


_HEADER_INDEX: Final[dict[str, str]] = {
    **{_norm(label): key for key, label in HEADERS.items()},
    **{_norm(alias): key for alias, key in HEADER_ALIASES.items()},
}


# --- values -----------------------------------------------------------------------------------
_ENTITY_TYPE_EXACT: Final[dict[str, str]] = {
    **{_norm(str(c.label)): c.value for c in EntityType},
    "有限公司": _E.LIMITED_COMPANY,
    "普通合伙企业": _E.PARTNERSHIP,
    "有限合伙企业": _E.PARTNERSHIP,
    "特殊普通合伙企业": _E.PARTNERSHIP,
    "外资企业": _E.FOREIGN_INVESTED,
    "中外合资经营企业": _E.FOREIGN_INVESTED,
    "中外合作经营企业": _E.FOREIGN_INVESTED,
    "全民所有制": _E.STATE_OWNED,
    "集体所有制": _E.COLLECTIVE,
    "股份合作制": _E.COLLECTIVE,
    "个体": _E.INDIVIDUAL_BUSINESS,
    "个体户": _E.INDIVIDUAL_BUSINESS,
    "农民专业合作社联合社": _E.FARMERS_COOPERATIVE,
    "社会团体法人": _E.SOCIAL_GROUP,
    "社会服务机构": _E.PRIVATE_NON_ENTERPRISE,
    "民办非企业单位(社会服务机构)": _E.PRIVATE_NON_ENTERPRISE,
    "基金会法人": _E.FOUNDATION,
    "村级集体经济组织": _E.RURAL_COLLECTIVE,
    "事业单位法人": _E.PUBLIC_INSTITUTION,
    "机关法人": _E.AGENCY,
    "群众团体": _E.MASS_ORGANISATION,
    "群团": _E.MASS_ORGANISATION,
}
_FOREIGN_MARKERS: Final = ("外商", "外国", "外资", "台港澳", "港澳台", "中外合资", "中外合作")


def parse_entity_type(text: str) -> str | None:
    """The ``EntityType`` key of an export's 市场主体类型 text, or ``None``.

    Detailed company forms are folded into their family: “有限责任公司（自然人独资）” → limited
    company, “有限责任公司（外国法人独资）” → foreign-invested, “股份有限公司分公司” → branch.
    """
    t = _norm(text)
    exact = _ENTITY_TYPE_EXACT.get(t)
    if exact is not None:
        return exact
    if "分公司" in t or t.endswith("分支机构"):
        return _E.BRANCH
    if any(marker in t for marker in _FOREIGN_MARKERS):
        return _E.FOREIGN_INVESTED
    if t.startswith("有限责任公司"):
        return _E.LIMITED_COMPANY
    if t.startswith("股份有限公司"):
        return _E.JOINT_STOCK_COMPANY
    if "合伙" in t:
        return _E.PARTNERSHIP
    if t.startswith("全民所有制"):
        return _E.STATE_OWNED
    if t.startswith("集体所有制"):
        return _E.COLLECTIVE
    return None


_STATUS_EXACT: Final[dict[str, str]] = {
    "存续": Status.ACTIVE,
    "在营": Status.ACTIVE,
    "开业": Status.ACTIVE,
    "在册": Status.ACTIVE,
    "正常": Status.ACTIVE,
    "注销": Status.DEREGISTERED,
    "已注销": Status.DEREGISTERED,
    "撤销": Status.DEREGISTERED,
    "吊销": Status.REVOKED,
    "已吊销": Status.REVOKED,
}


def parse_status(text: str) -> str | None:
    """The ``Status`` key of an export's 登记状态 text, or ``None``.

    “存续（在营、开业、在册）” is active; “吊销，未注销” is revoked; “吊销，已注销” is deregistered
    (the entity no longer exists). 迁出 (moved to another authority) is not understood: the
    record belongs to the other authority's register.
    """
    t = _norm(text)
    exact = _STATUS_EXACT.get(t)
    if exact is not None:
        return exact
    if "已注销" in t:
        return Status.DEREGISTERED
    head = t.split("(", 1)[0].split(",", 1)[0].split("，", 1)[0]
    return _STATUS_EXACT.get(head)


_ID_TYPE_EXACT: Final[dict[str, str]] = {
    **{_norm(str(c.label)): c.value for c in IdType},
    "中华人民共和国居民身份证": IdType.RESIDENT_ID,
    "身份证": IdType.RESIDENT_ID,
    "居民身份证号码": IdType.RESIDENT_ID,
    "港澳居民居住证": IdType.RESIDENCE_PERMIT,
    "台湾居民居住证": IdType.RESIDENCE_PERMIT,
    "回乡证": IdType.HKMO_PERMIT,
    "台胞证": IdType.TW_PERMIT,
    "护照": IdType.PASSPORT,
    "中国护照": IdType.PASSPORT,
    "外国护照": IdType.FOREIGN_PASSPORT,
    "外国(地区)护照": IdType.FOREIGN_PASSPORT,
    "外国人永久居留证": IdType.FOREIGN_PR,
    "外国人永久居留身份证件": IdType.FOREIGN_PR,
}


def parse_id_type(text: str) -> str | None:
    """The ``IdType`` key of an export's 证件类型 text, or ``None``."""
    return _ID_TYPE_EXACT.get(_norm(text))
