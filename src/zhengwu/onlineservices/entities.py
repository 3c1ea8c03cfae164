"""Results that change the register (SVC-2 named items 1 and 5).

* 个体工商户设立登记: 准予 creates the market entity with a newly assigned USCC (92 + division
  code + an organisation-code body with its GB 11714 check + the GB 32100 check character),
  issues its 营业执照 as an electronic licence and opens a legal-person account for it with the
  applicant as legal representative (same person, same password, same mobile).
* 企业开办's 设立登记 task (``company_establish``): the same for a company (91 + division code
  + body + checks), the applicant as legal representative.
* 企业普通注销登记: after the 45-day liquidation notice (not counted in the time limit), 准予
  marks the entity 注销 in the register and the organisation closed, revokes its enterprise
  code and its licences, and tells every member account by SMS.

Both run inside 办结's transaction: all of it happens, or none.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import random
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from zhengwu.accounts.constants import LegalPersonType, Location, Role
from zhengwu.accounts.identity import id_number_hash, mobile_hash
from zhengwu.accounts.models import Membership, Organisation, User
from zhengwu.accounts.services import (
    legal_person_user_create,
    membership_create,
    mobile_claim_acquire,
    organisation_get_or_create,
)
from zhengwu.audit.services import record_event
from zhengwu.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from zhengwu.core.workflow import transition
from zhengwu.identifiers import generate, uscc
from zhengwu.licences.constants import LicenceStatus, LicenceType, Source
from zhengwu.licences.models import Issuer, Licence
from zhengwu.licences.services import licence_issue, licence_revoke
from zhengwu.notifications.services import sms_send
from zhengwu.registry.constants import EntityType
from zhengwu.registry.constants import Status as RegistryStatus
from zhengwu.registry.models import MarketEntity

from .models import Application, LiquidationNotice

#: Days the liquidation notice runs before 注销 may be applied for (公司法 Art. 235: 45 days).
NOTICE_DAYS = 45

EVENT_ENTITY_CREATED = "onlineservices.entity_established"
EVENT_ENTITY_DEREGISTERED = "onlineservices.entity_deregistered"
EVENT_NOTICE_PUBLISHED = "onlineservices.liquidation_notice_published"


def new_uscc(prefix: str, region_code: str) -> str:
    """A fresh USCC: ``prefix`` (登记管理部门 + 机构类别: 91 企业, 92 个体工商户) + the 6-digit
    division code + an organisation-code body with its GB 11714 check + the GB 32100 check
    character, checked by ``zhengwu.identifiers.uscc`` and unused in the register and accounts."""
    rng = random.SystemRandom()
    for _attempt in range(20):
        code = uscc.validate(generate.uscc(rng, prefix=prefix, region=region_code))
        if not (
            MarketEntity.objects.filter(uscc=code).exists()
            or Organisation.objects.filter(uscc=code).exists()
        ):
            return code
    raise IllegalTransition("统一社会信用代码分配失败，请重试", code="uscc.exhausted")


def new_individual_business_uscc(region_code: str) -> str:
    """A fresh USCC for an individual business (92 + region + body + checks)."""
    return new_uscc(USCC_PREFIX_INDIVIDUAL, region_code)


def new_company_uscc(region_code: str) -> str:
    """A fresh USCC for an enterprise registered by market supervision (91 + region + …)."""
    return new_uscc(USCC_PREFIX_ENTERPRISE, region_code)


#: 登记管理部门代码 9 (工商/市场监管) + 机构类别 1 (企业) or 2 (个体工商户), GB 32100 table 1.
USCC_PREFIX_ENTERPRISE = "91"
USCC_PREFIX_INDIVIDUAL = "92"


def _row_hash(*values: str) -> str:
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:64]


@dataclass(frozen=True)
class NewEntity:
    """What 准予 of a 设立登记 registers: the kind of entity and the face of its licence."""

    name: str
    region_code: str
    entity_type: str
    legal_person_type: str
    uscc_prefix: str
    particulars: dict[str, str]


def entity_establish(case: Application, *, actor: Any, issuer: Issuer, spec: NewEntity) -> Licence:
    """Register a new market entity for the natural person who applied (the applicant is its
    legal representative / operator): the register row with a newly assigned USCC, the
    organisation, a legal-person account (same person, same password, same mobile) holding
    the legal-representative membership, and the 营业执照 as an electronic licence."""
    person: User = case.applicant
    if not person.id_number:
        raise ValidationFailed(
            "申请人账号缺少身份证件信息", code="applicant.no_id", field="applicant"
        )
    name = spec.name.strip()
    if not name:
        raise ValidationFailed("请填写名称", code="name.required", field="name")
    region = spec.region_code
    code = new_uscc(spec.uscc_prefix, region)
    today = timezone.localdate()
    entity = MarketEntity.objects.create(
        uscc=code,
        name=name,
        entity_type=spec.entity_type,
        legal_person_type=spec.legal_person_type,
        status=RegistryStatus.ACTIVE,
        region_code=region,
        supervision_unit=case.department.name,
        legal_rep_name=person.real_name,
        legal_rep_id_type=person.id_type,
        legal_rep_id_number=person.id_number,
        legal_rep_id_number_hash=id_number_hash(person.id_number),
        registered_phone=person.mobile,
        registered_phone_hash=mobile_hash(person.mobile) if person.mobile else "",
        registered_on=today,
        row_hash=_row_hash(code, name, person.real_name, today.isoformat()),
    )
    organisation = organisation_get_or_create(
        uscc=code,
        name=name,
        legal_person_type=spec.legal_person_type,
        location=Location.IN_PROVINCE,
        legal_rep_name=person.real_name,
        legal_rep_id_type=person.id_type,
        legal_rep_id_number=person.id_number,
        actor=actor,
    )
    account = legal_person_user_create(
        username=code,
        password_hash=person.password,  # the same person signs in with the password they know
        real_name=person.real_name,
        id_type=person.id_type,
        id_number=person.id_number,
        mobile=person.mobile,
        actor=actor,
    )
    membership_create(
        organisation=organisation, user=account, role=Role.LEGAL_REPRESENTATIVE, actor=actor
    )
    if person.mobile:
        mobile_claim_acquire(
            organisation_key=organisation.claim_key,
            mobile=person.mobile,
            holder=f"accounts.user:{account.pk}",
            expires_at=None,
            user=account,
        )
    licence = licence_issue(
        issuer=issuer,
        licence_type=LicenceType.BUSINESS_LICENCE,
        holder_uscc=code,
        holder_name=name,
        issued_on=today,
        particulars=spec.particulars,
        source=Source.STAFF,
        actor=actor,
    )
    Application.objects.filter(pk=case.pk).update(
        organisation=organisation, applicant_uscc=code, applicant_name=name
    )
    case.organisation, case.applicant_uscc, case.applicant_name = organisation, code, name
    record_event(
        EVENT_ENTITY_CREATED,
        actor=actor,
        subject=entity,
        organisation=organisation,
        after={"uscc": code, "account": account.username, "case": case.number},
    )
    return licence


def individual_business_establish(case: Application, *, actor: Any, issuer: Issuer) -> Licence:
    """准予 个体工商户设立登记: entity (92…), 营业执照, legal-person account (module doc)."""
    data = case.form_data
    return entity_establish(
        case,
        actor=actor,
        issuer=issuer,
        spec=NewEntity(
            name=str(data.get("business_name", "")),
            region_code=str(data.get("region_code") or case.department.region_code),
            entity_type=EntityType.INDIVIDUAL_BUSINESS,
            legal_person_type=LegalPersonType.INDIVIDUAL_BUSINESS,
            uscc_prefix=USCC_PREFIX_INDIVIDUAL,
            particulars={
                "类型": "个体工商户",
                "经营者": case.applicant.real_name,
                "经营场所": str(data.get("premises", "")),
                "经营范围": str(data.get("business_scope", "")),
                "组成形式": "个人经营",
            },
        ),
    )


#: 企业类型 of 企业开办's form → the register's entity type (all 企业: USCC prefix 91).
COMPANY_TYPES = {
    "limited_company": EntityType.LIMITED_COMPANY,
    "joint_stock_company": EntityType.JOINT_STOCK_COMPANY,
    "sole_proprietorship": EntityType.SOLE_PROPRIETORSHIP,
}


def company_establish(case: Application, *, actor: Any, issuer: Issuer) -> Licence:
    """设立登记 of 企业开办 (SVC-2 item 4), done by market supervision's task: the company in
    the register with a new 91… USCC, its 营业执照 in 我的证照, and its legal-person account
    with the applicant as legal representative. Idempotent per case: a case that already has
    its company gets the existing licence back."""
    if case.applicant_uscc:
        existing = Licence.objects.filter(
            holder_uscc=case.applicant_uscc, licence_type=LicenceType.BUSINESS_LICENCE
        ).first()
        if existing is not None:
            return existing
    data = case.form_data
    entity_type = COMPANY_TYPES.get(str(data.get("company_type", "")), EntityType.LIMITED_COMPANY)
    capital = data.get("registered_capital")
    particulars = {
        "类型": EntityType(entity_type).label,
        "法定代表人": case.applicant.real_name,
        "住所": str(data.get("premises", "")),
        "经营范围": str(data.get("business_scope", "")),
    }
    if capital not in (None, ""):
        label = "出资额" if entity_type == EntityType.SOLE_PROPRIETORSHIP else "注册资本"
        particulars[label] = f"{capital}万元"
    return entity_establish(
        case,
        actor=actor,
        issuer=issuer,
        spec=NewEntity(
            name=str(data.get("company_name", "")),
            region_code=str(data.get("region_code") or case.department.region_code),
            entity_type=entity_type,
            legal_person_type=LegalPersonType.ENTERPRISE,
            uscc_prefix=USCC_PREFIX_ENTERPRISE,
            particulars=particulars,
        ),
    )


# --- 企业普通注销登记 -------------------------------------------------------------------------


def liquidation_notice_publish(
    *, actor: User, organisation: Organisation, text: str
) -> LiquidationNotice:
    """Publish the 45-day liquidation notice (清算组公告) on the portal; once per unit."""
    from .selectors import organisations_for_applicant

    if organisation not in organisations_for_applicant(actor):
        raise NotFound("单位不存在")
    body = (text or "").strip()
    if not body:
        raise ValidationFailed("请填写公告内容", code="text.required", field="text")
    if len(body) > 2000:
        raise ValidationFailed("公告内容不能超过 2000 个字", code="text.too_long", field="text")
    today = timezone.localdate()
    with transaction.atomic():
        notice, created = LiquidationNotice.objects.get_or_create(
            organisation=organisation,
            defaults={
                "uscc": organisation.uscc or "",
                "name": organisation.name,
                "text": body,
                "published_on": today,
                "ends_on": today + datetime.timedelta(days=NOTICE_DAYS),
                "published_by": actor,
            },
        )
        if not created:
            raise IllegalTransition("本单位的清算公告已发布", code="notice.exists")
        record_event(EVENT_NOTICE_PUBLISHED, actor=actor, subject=notice, organisation=organisation)
    return notice


def notice_period_check(application: Application) -> None:
    """A 注销 application is submitted only after its 45-day notice has run (SVC-2 item 5)."""
    notice = LiquidationNotice.objects.filter(organisation=application.organisation).first()
    if notice is None:
        raise PermissionDenied(
            "请先在本网站发布清算公告，公告期满 45 日后再申请注销", code="notice.missing"
        )
    if notice.ends_on > timezone.localdate():
        raise PermissionDenied(
            f"清算公告期至 {notice.ends_on:%Y年%m月%d日} 届满，届满后方可申请注销",
            code="notice.running",
        )


def entity_deregister(case: Application, *, actor: Any) -> None:
    """准予 注销: register → 注销, organisation closed, code revoked, licences revoked, SMS."""
    organisation = case.organisation
    if organisation is None or not organisation.uscc:
        raise ValidationFailed("办件没有申请单位", code="application.no_unit", field="organisation")
    code = organisation.uscc
    MarketEntity.objects.filter(uscc=code).update(
        status=RegistryStatus.DEREGISTERED, updated_at=timezone.now()
    )
    Organisation.objects.filter(pk=organisation.pk).update(status=Organisation.Status.CLOSED)
    reason = f"企业注销登记（办件 {case.number}）"
    _revoke_enterprise_code(organisation, actor=actor, reason=reason)
    for licence in Licence.objects.filter(holder_uscc=code, status=LicenceStatus.VALID):
        licence_revoke(licence=licence, reason=reason, actor=actor)
    members = Membership.objects.filter(organisation=organisation, is_active=True).select_related(
        "user"
    )
    for member in members:
        if member.user.mobile:
            sms_send(
                mobile=member.user.mobile,
                template="application.entity_deregistered",
                params={"organisation": organisation.name, "number": case.number},
                actor=actor,
                subject=case,
            )
    record_event(
        EVENT_ENTITY_DEREGISTERED,
        actor=actor,
        subject=("registry.marketentity", code),
        organisation=organisation,
        after={"status": RegistryStatus.DEREGISTERED, "case": case.number},
    )


def _revoke_enterprise_code(organisation: Organisation, *, actor: Any, reason: str) -> None:
    """The 企业码 stops verifying: revoked with a new version (EC-3), by the 注销 decision."""
    from zhengwu.enterprise.constants import EVENT_REVOKED, CodeStatus
    from zhengwu.enterprise.models import EnterpriseCode

    code = EnterpriseCode.objects.filter(
        organisation=organisation, status=CodeStatus.ACTIVE
    ).first()
    if code is None:
        return
    transition(
        code,
        CodeStatus.REVOKED,
        actor=actor,
        reason=reason,
        event_type=EVENT_REVOKED,
        changes={"version": code.version + 1, "status_changed_at": timezone.now()},
        on_commit=functools.partial(_forget_code_facts, code.public_id),
    )
    _forget_code_facts(code.public_id)


def _forget_code_facts(public_id: str) -> None:
    """The verification page's cached facts must not outlive the revoked version."""
    from zhengwu.enterprise.selectors import facts_cache_key

    cache.delete(facts_cache_key(public_id))
