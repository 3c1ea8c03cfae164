"""Writes of the legal-person registration wizard and operator applications (REG-1…REG-8).

The wizard: ``registration_start`` (信息认证) → ``registration_user_submit`` (创建用户) →
``registration_face_start`` / ``registration_face_poll`` (实名认证) → ``registration_complete``
(注册成功, or an ``OperatorApplication`` waiting for approval). Nothing becomes an account
before the last step, which runs in one transaction. SMS codes and face results are checked
before that transaction (the code check keeps its own durable transaction; providers are
never called inside one).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu import identifiers
from zhengwu.accounts import services as accounts
from zhengwu.accounts.constants import IdType, LegalPersonType, Location, Role
from zhengwu.accounts.identity import (
    birth_date_of,
    id_number_hash,
    id_number_validate,
    mobile_hash,
    mobile_validate,
)
from zhengwu.accounts.models import Organisation, User, organisation_claim_key
from zhengwu.accounts.selectors import approvers_of, organisations_approvable_by
from zhengwu.audit.services import record_event
from zhengwu.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhengwu.core.masking import mask_mobile
from zhengwu.core.workflow import transition
from zhengwu.integrations.identity.base import (
    FaceCheckRequest,
    FaceCheckResult,
    FaceCheckSession,
    IdentityProvider,
)
from zhengwu.integrations.loading import get_provider
from zhengwu.integrations.registry import RegistryError
from zhengwu.notifications.services import sms_send, verification_code_check

from .. import conf
from ..common import rules
from ..common.registry import registry_entry_get, registry_verify
from ..constants import (
    ENTERPRISE_NAME_TYPES,
    FACE_PURPOSE_APPROVAL,
    FACE_PURPOSE_REGISTRATION,
    REGISTRY_MOBILE_CHECKED_TYPES,
    SMS_CODE_PURPOSE,
    ApplicationStatus,
    DraftOutcome,
    DraftStep,
)
from ..errors import ApplicationLimit, DraftExpired, RegistryCheckFailed, RegistryMobileRefused
from ..models import OperatorApplication, RegistrationDraft
from . import draft_store

PENDING_EXISTS = "您在该企业下已有一条经办人账号申请还在审核中，请耐心等待法定代表人或管理员审核"
DAILY_LIMIT = "您的经办人账号申请当天已达次数限制，请明天再尝试"
USERNAME_TAKEN = "用户名已被注册，请更换"


def _identity() -> IdentityProvider:
    provider: IdentityProvider = get_provider("ZHENGWU_IDENTITY_BACKEND")
    return provider


def name_label(legal_person_type: str) -> str:
    """Seed 001 calls the unit name 企业名称 for market entities, 单位名称 otherwise."""
    return "企业名称" if legal_person_type in ENTERPRISE_NAME_TYPES else "单位名称"


def _required(value: Any, *, field: str, label: str, max_length: int | None = None) -> str:
    value = " ".join(str(value or "").split())
    if not value:
        raise ValidationFailed(f"请填写{label}", code=f"{field}.empty", field=field)
    if max_length is not None and len(value) > max_length:
        raise ValidationFailed(
            f"{label}不能超过{max_length}个字", code=f"{field}.too_long", field=field
        )
    return value


def _new_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=conf.draft_ttl_seconds())


# --- step 1: 信息认证 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A unit and its legal representative as entered, normalised (``unit_validate``)."""

    legal_person_type: str
    label: str  # what the page calls the name: 企业名称 or 单位名称 (``name_label``)
    organisation_name: str
    uscc: str
    legal_rep_name: str
    legal_rep_id_type: str


def registration_start(
    *,
    location: str,
    legal_person_type: str,
    organisation_name: str,
    uscc: str,
    legal_rep_name: str,
    legal_rep_id_type: str,
    legal_rep_id_number: str,
    agreement_accepted: bool,
    actor: Any = None,
) -> RegistrationDraft:
    """Check the unit and its legal representative (REG-1, REG-2, REG-3); start a draft.

    Inputs are normalised (spaces stripped, upper case). Raises ``ValidationFailed`` naming
    the field; ``RegistryCheckFailed`` when the register does not confirm a field.
    """
    if location not in Location.values:
        raise ValidationFailed("请选择单位登记所在地", code="location.empty", field="location")
    if location != Location.IN_PROVINCE:
        raise ValidationFailed(
            "非本省及非中华人民共和国大陆地区的单位请通过人工认证渠道注册",
            code="registration.manual_channel",
            field="location",
        )
    unit = unit_validate(
        legal_person_type=legal_person_type,
        organisation_name=organisation_name,
        uscc=uscc,
        legal_rep_name=legal_rep_name,
        legal_rep_id_type=legal_rep_id_type,
    )
    rep_number = legal_rep_id_number_validate(unit, legal_rep_id_number)
    if not agreement_accepted:
        raise ValidationFailed(
            "请阅读并同意《用户注册协议》", code="agreement.required", field="agreement"
        )
    _registry_check(unit, rep_number=rep_number)
    draft = RegistrationDraft(
        id=uuid.uuid4(),
        step=DraftStep.USER,
        location=location,
        legal_person_type=unit.legal_person_type,
        uscc=unit.uscc,
        organisation_name=unit.organisation_name,
        legal_rep_name=unit.legal_rep_name,
        legal_rep_id_type=unit.legal_rep_id_type,
        legal_rep_id_number=rep_number,
        legal_rep_id_number_hash=id_number_hash(rep_number),
        expires_at=_new_expiry(),
    )
    # No row yet: the caller hands the client ``draft_store.seal(draft)`` (decision 0017).
    record_event(
        "registration.info_verified", actor=actor, subject=draft, after={"uscc": unit.uscc}
    )
    return draft


def unit_validate(
    *,
    legal_person_type: str,
    organisation_name: str,
    uscc: str,
    legal_rep_name: str,
    legal_rep_id_type: str,
    rep_name_label: str = "法定代表人",
    max_length: int | None = None,
) -> Unit:
    """The unit and its legal representative as the wizard's step 1 and the agent's form both
    take them (REG-1, REG-2): legal-person type (其他非法人单位 → manual channel), name, USCC
    fitting the type, the legal representative's name and ID type, normalised. The ID number
    (``legal_rep_id_number_validate``) and the register (``_registry_check``) come after the
    caller's own rules. ``rep_name_label`` is the name field's label on the caller's page;
    ``max_length`` bounds the names. Raises ``ValidationFailed`` naming the field."""
    if legal_person_type not in LegalPersonType.values:
        raise ValidationFailed(
            "请选择法人类型", code="legal_person_type.empty", field="legal_person_type"
        )
    if legal_person_type == LegalPersonType.OTHER:
        # Seed 001 一.4: units without a code-bearing certificate go to the manual channel.
        raise ValidationFailed(
            "其他非法人单位请通过人工认证渠道注册",
            code="registration.manual_channel",
            field="legal_person_type",
        )
    label = name_label(legal_person_type)
    organisation_name = _required(
        organisation_name, field="organisation_name", label=label, max_length=max_length
    )
    if not (uscc or "").strip():
        raise ValidationFailed("请填写统一社会信用代码", code="uscc.empty", field="uscc")
    try:
        code = identifiers.uscc.validate_for_legal_person_type(uscc, legal_person_type)
    except identifiers.InvalidIdentifier as exc:
        raise ValidationFailed(exc.message, code=exc.code, field="uscc") from exc
    legal_rep_name = _required(
        legal_rep_name, field="legal_rep_name", label=rep_name_label, max_length=max_length
    )
    if legal_rep_id_type not in IdType.values:
        raise ValidationFailed(
            "请选择法定代表人证件类型", code="id_type.empty", field="legal_rep_id_type"
        )
    return Unit(
        legal_person_type=legal_person_type,
        label=label,
        organisation_name=organisation_name,
        uscc=code,
        legal_rep_name=legal_rep_name,
        legal_rep_id_type=legal_rep_id_type,
    )


def legal_rep_id_number_validate(unit: Unit, number: str) -> str:
    """The legal representative's ID number, normalised and valid for ``unit``'s ID type."""
    return id_number_validate(
        id_type=unit.legal_rep_id_type,
        number=number,
        field="legal_rep_id_number",
        label="法定代表人证件号码",
    )


def _registry_check(unit: Unit, *, rep_number: str) -> None:
    """REG-3: name, USCC and legal representative against the register, naming the field.

    One ``verify`` call answers all of it (its result carries the entity): one round trip to
    the register per step 1 (bench/registration.py).
    """
    entry, rep_name_ok, rep_number_ok = registry_verify(
        uscc=unit.uscc,
        name=unit.organisation_name,
        rep_name=unit.legal_rep_name,
        rep_number=rep_number,
    )
    if entry is None:
        raise RegistryCheckFailed(
            "统一社会信用代码未在登记信息中查到，统一社会信用代码实名认证失败",
            code="registry.not_found",
            field="uscc",
        )
    if not entry.is_active:
        raise RegistryCheckFailed(
            f"该单位登记状态为“{entry.status_label}”，不能注册法人账号",
            code="registry.inactive",
            field="uscc",
        )
    if identifiers.normalise(entry.name) != identifiers.normalise(unit.organisation_name):
        raise RegistryCheckFailed(
            f"{unit.label}与登记信息不一致，{unit.label}实名认证失败",
            code="registry.name_mismatch",
            field="organisation_name",
        )
    if not (rep_name_ok and rep_number_ok):
        raise RegistryCheckFailed(
            "法定代表人信息实名认证失败",
            code="registry.legal_rep_mismatch",
            field="legal_rep_name" if not rep_name_ok else "legal_rep_id_number",
        )


# --- step 2: 创建用户 ---------------------------------------------------------------------------


def draft_get(*, draft_id: Any, step: str | None = None, token: str = "") -> RegistrationDraft:
    """The live draft ``draft_id`` (optionally at ``step``), or ``NotFound`` / ``DraftExpired``.

    The database row, else the step-1 draft sealed in ``token`` (``draft_store``: an unsaved
    instance, written by the first step-2 submission)."""
    draft: RegistrationDraft | None
    try:
        draft = RegistrationDraft.objects.get(pk=draft_id)
    except RegistrationDraft.DoesNotExist:
        draft = draft_store.unseal(draft_id, token)
    except (ValueError, TypeError, DjangoValidationError):
        draft = None
    if draft is None:
        raise NotFound("注册信息不存在，请从第一步重新填写", code="registration.not_found")
    if draft.step != DraftStep.DONE and draft.is_expired:
        raise DraftExpired()
    if step is not None and draft.step != step:
        raise ValidationFailed(
            f"当前步骤为“{draft.get_step_display()}”", code="registration.wrong_step"
        )
    return draft


def registration_sms_code_send(*, draft: RegistrationDraft, mobile: str, actor: Any = None) -> None:
    """Send the step-2 SMS code to ``mobile`` (rate limits of ``verification_code_send``)."""
    if draft.step == DraftStep.DONE:
        raise ValidationFailed("注册已完成", code="registration.wrong_step")
    number = mobile_validate(number=mobile)
    from zhengwu.notifications.services import verification_code_send

    verification_code_send(mobile=number, purpose=SMS_CODE_PURPOSE, actor=actor)


def _username_available(username: str, *, exclude_draft: RegistrationDraft | None = None) -> None:
    taken = User.objects.filter(username__iexact=username).exists() or (
        OperatorApplication.objects.filter(
            username__iexact=username, status=ApplicationStatus.PENDING
        ).exists()
    )
    if taken:
        raise ValidationFailed(USERNAME_TAKEN, code="username.taken", field="username")


def _registry_mobile_check(*, draft: RegistrationDraft, mobile: str) -> None:
    """REG-5: a legal representative registering a market entity must use the registry's
    mobile; the register's own defects (15-digit ID, landline, no phone) get their own
    actionable messages (seed 003 (8))."""
    if draft.legal_person_type not in REGISTRY_MOBILE_CHECKED_TYPES:
        return
    entry = registry_entry_get(uscc=draft.uscc)
    if entry is None:  # removed from the register since step 1
        raise RegistryCheckFailed(
            "统一社会信用代码未在登记信息中查到", code="registry.not_found", field="uscc"
        )
    if entry.is_id_number_legacy:
        raise RegistryMobileRefused(
            "市场监管部门登记的法定代表人身份证号码为15位旧号码，请先到当地市场监管部门"
            "将其更新为18位号码后再注册",
            code="registry_mobile.legacy_id",
            field="mobile",
        )
    phone = identifiers.normalise(entry.registered_phone or "")
    if entry.is_phone_landline or (phone and identifiers.mobile.is_landline(phone)):
        raise RegistryMobileRefused(
            "市场监管部门登记的联系电话为固定电话，无法接收短信验证码。请先到当地市场监管部门"
            "将其变更为11位在用手机号后再注册",
            code="registry_mobile.landline",
            field="mobile",
        )
    if not phone:
        raise RegistryMobileRefused(
            "未查到您在市场监管部门登记的手机号，请先到当地市场监管部门登记手机号后再注册",
            code="registry_mobile.missing",
            field="mobile",
        )
    if identifiers.mobile.normalise(phone) != mobile:
        raise RegistryMobileRefused(
            f"手机号与市场监管部门登记的手机号（{mask_mobile(phone)}）不一致，请使用登记的"
            "手机号注册；如该号码已不再使用，请先到当地市场监管部门变更",
            code="registry_mobile.differs",
            field="mobile",
        )


def _application_limits(*, organisation: Organisation | None, operator_hash: str) -> None:
    """REG-8: one pending application per operator per organisation; N rejections a day."""
    if organisation is None:
        return
    apps = OperatorApplication.objects.filter(
        organisation=organisation, id_number_hash=operator_hash
    )
    if apps.filter(status=ApplicationStatus.PENDING).exists():
        raise ApplicationLimit(PENDING_EXISTS, code="operator_application.pending_exists")
    start_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    rejected_today = apps.filter(
        status=ApplicationStatus.REJECTED, decided_at__gte=start_of_day
    ).count()
    if rejected_today >= conf.max_rejections_per_day():
        raise ApplicationLimit(DAILY_LIMIT, code="operator_application.daily_limit")


def registration_user_submit(
    *,
    draft: RegistrationDraft,
    username: str,
    password: str,
    password_confirm: str,
    operator_name: str,
    operator_id_type: str,
    operator_id_number: str,
    landline: str,
    mobile: str,
    sms_code: str,
    actor: Any = None,
) -> RegistrationDraft:
    """Step 2 (REG-4, REG-5, REG-8): check the account data, the SMS code, then bind the
    mobile to this draft until it expires. The image captcha is checked by the caller.

    Must not run inside a transaction: the SMS code check keeps its own (wrong entries count
    even when something else fails afterwards).
    """
    if draft.step not in (DraftStep.USER, DraftStep.FACE):
        raise ValidationFailed("注册已完成", code="registration.wrong_step")
    if draft.is_expired:
        raise DraftExpired()
    username = rules.username_validate(username)
    _username_available(username)
    operator_name = _required(operator_name, field="operator_name", label="经办人姓名")
    if operator_id_type not in IdType.values:
        raise ValidationFailed(
            "请选择经办人证件类型", code="id_type.empty", field="operator_id_type"
        )
    operator_number = id_number_validate(
        id_type=operator_id_type,
        number=operator_id_number,
        field="operator_id_number",
        label="经办人证件号码",
    )
    landline = (landline or "").strip()
    if landline:
        try:
            landline = identifiers.mobile.validate_landline(landline)
        except identifiers.InvalidIdentifier as exc:
            raise ValidationFailed(exc.message, code=exc.code, field="landline") from exc
    number = mobile_validate(number=mobile)
    rules.password_validate(
        password,
        username=username,
        mobile=number,
        birth_date=birth_date_of(id_type=operator_id_type, number=operator_number),
    )
    rules.password_confirm_validate(password, password_confirm)
    operator_hash = id_number_hash(operator_number)
    is_legal_rep = operator_hash == draft.legal_rep_id_number_hash
    if is_legal_rep and operator_name != draft.legal_rep_name:
        raise ValidationFailed(
            "经办人证件号码与法定代表人相同，经办人姓名应与法定代表人一致",
            code="operator_name.mismatch",
            field="operator_name",
        )
    if is_legal_rep:
        _registry_mobile_check(draft=draft, mobile=number)
    else:
        organisation = Organisation.objects.filter(uscc=draft.uscc).first()
        _application_limits(organisation=organisation, operator_hash=operator_hash)
    claim_key = organisation_claim_key(uscc=draft.uscc)
    _claim_free_or_mine(claim_key=claim_key, mobile=number, holder=draft.claim_holder)
    if not (sms_code or "").strip():
        raise ValidationFailed("请填写短信验证码", code="sms_code.empty", field="sms_code")
    verification_code_check(mobile=number, purpose=SMS_CODE_PURPOSE, code=sms_code)
    expires_at = _new_expiry()
    with transaction.atomic():
        if draft._state.adding:  # a step-1 draft from its token: its row starts here
            _draft_row_create(draft)
        locked = RegistrationDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.step not in (DraftStep.USER, DraftStep.FACE):
            raise ValidationFailed("注册已完成", code="registration.wrong_step")
        if locked.mobile and locked.mobile != number:
            accounts.mobile_claim_release(holder=draft.claim_holder)
        accounts.mobile_claim_acquire(
            organisation_key=claim_key,
            mobile=number,
            holder=draft.claim_holder,
            expires_at=expires_at,
            actor=actor,
        )
        values = {
            "step": DraftStep.FACE,
            "username": username,
            "password_hash": make_password(password),
            "operator_name": operator_name,
            "operator_id_type": operator_id_type,
            "operator_id_number": operator_number,
            "operator_id_number_hash": operator_hash,
            "landline": landline,
            "mobile": number,
            "mobile_hash": mobile_hash(number),
            "face_token": "",
            "face_qr_payload": "",
            "face_expires_at": None,
            "expires_at": expires_at,
        }
        for name, value in values.items():
            setattr(draft, name, value)
        draft.save(update_fields=list(values))
        record_event(
            "registration.user_submitted",
            actor=actor,
            subject=draft,
            after={"mobile": mask_mobile(number), "operator_is_legal_rep": is_legal_rep},
        )
    return draft


def _draft_row_create(draft: RegistrationDraft) -> None:
    """Write the row of a step-1 draft that so far lived in its token (inside the caller's
    transaction). Two simultaneous first submissions of one token: the primary key lets one
    insert; the other finds the row and goes on under the row lock like any resubmission."""
    try:
        with transaction.atomic():
            draft.save(force_insert=True)
    except IntegrityError:
        draft._state.adding = False


def _claim_free_or_mine(*, claim_key: str, mobile: str, holder: str) -> None:
    """Early REG-8 answer before the SMS code is spent (the constraint decides for real)."""
    from zhengwu.accounts.errors import MobileTaken
    from zhengwu.accounts.models import MobileClaim

    taken = (
        MobileClaim.objects.filter(organisation_key=claim_key, mobile_hash=mobile_hash(mobile))
        .exclude(holder=holder)
        .exclude(expires_at__lte=timezone.now())
        .exists()
    )
    if taken:
        raise MobileTaken()


# --- step 3: 实名认证 ---------------------------------------------------------------------------


def registration_face_start(*, draft: RegistrationDraft, actor: Any = None) -> FaceCheckSession:
    """Start the operator's face check (REG-6), bound to the operator's ID number: the token
    is kept on the draft, never taken from the client."""
    if draft.step != DraftStep.FACE:
        raise ValidationFailed("请先完成创建用户", code="registration.wrong_step")
    if draft.is_expired:
        raise DraftExpired()
    session = _identity().start_check(
        FaceCheckRequest(
            name=draft.operator_name,
            id_type=draft.operator_id_type,
            id_number=draft.operator_id_number,
            purpose=FACE_PURPOSE_REGISTRATION,
            subject=f"registrations.draft:{draft.pk}",
        )
    )
    RegistrationDraft.objects.filter(pk=draft.pk, step=DraftStep.FACE).update(
        face_token=session.token,
        face_qr_payload=session.qr_payload,
        face_expires_at=session.expires_at,
    )
    draft.face_token, draft.face_expires_at = session.token, session.expires_at
    record_event("registration.face_started", actor=actor, subject=draft)
    return session


def face_failed_record(
    event_type: str, *, actor: Any, subject: Any, result: FaceCheckResult
) -> None:
    """A face check that ended without a pass, audited durably (it survives a rollback)."""
    record_event(
        event_type,
        actor=actor,
        subject=subject,
        after={"status": str(result.status)},
        outcome="failure",
        durable=True,
    )


def registration_face_poll(*, draft: RegistrationDraft, actor: Any = None) -> FaceCheckResult:
    """The operator's face-check result; when passed, completes the registration."""
    if draft.step == DraftStep.DONE:
        from zhengwu.integrations.identity.base import FaceCheckStatus

        return FaceCheckResult(status=FaceCheckStatus.PASSED)
    if draft.step != DraftStep.FACE or not draft.face_token:
        raise ValidationFailed("请先开始实名认证", code="registration.face_not_started")
    result = _identity().get_result(draft.face_token)
    if result.is_passed:
        registration_complete(draft=draft, actor=actor)
    elif result.is_final:
        face_failed_record("registration.face_failed", actor=actor, subject=draft, result=result)
    return result


def registration_complete(*, draft: RegistrationDraft, actor: Any = None) -> RegistrationDraft:
    """REG-7: the last step, in one transaction, after the operator's face check passed.

    The legal representative himself gets an active account at once (SMS
    ``registration.succeeded``); anybody else gets a pending ``OperatorApplication`` and the
    legal representative and administrators get ``operator_application.approval_requested``.
    """
    result = _identity().get_result(draft.face_token) if draft.face_token else None
    if result is None or not result.is_passed:
        raise ValidationFailed("请先完成实名认证", code="registration.face_required")
    try:
        with transaction.atomic():
            locked = RegistrationDraft.objects.select_for_update().get(pk=draft.pk)
            if locked.step == DraftStep.DONE:
                return locked
            if locked.face_token != draft.face_token or locked.step != DraftStep.FACE:
                raise ValidationFailed("实名认证已失效，请重新认证", code="registration.face_stale")
            organisation = accounts.organisation_get_or_create(
                uscc=locked.uscc,
                name=locked.organisation_name,
                legal_person_type=locked.legal_person_type,
                location=locked.location,
                legal_rep_name=locked.legal_rep_name,
                legal_rep_id_type=locked.legal_rep_id_type,
                legal_rep_id_number=locked.legal_rep_id_number,
                actor=actor,
            )
            if locked.operator_is_legal_rep:
                _complete_as_legal_rep(draft=locked, organisation=organisation, actor=actor)
            else:
                _complete_as_application(draft=locked, organisation=organisation, actor=actor)
    except IntegrityError as exc:
        if "username" in str(exc).lower():
            raise ValidationFailed(USERNAME_TAKEN, code="username.taken", field="username") from exc
        raise
    draft.refresh_from_db()
    return draft


def _complete_as_legal_rep(
    *, draft: RegistrationDraft, organisation: Organisation, actor: Any
) -> None:
    if User.objects.filter(username__iexact=draft.username).exists():
        raise ValidationFailed(USERNAME_TAKEN, code="username.taken", field="username")
    user = accounts.legal_person_user_create(
        username=draft.username,
        password_hash=draft.password_hash,
        real_name=draft.operator_name,
        id_type=draft.operator_id_type,
        id_number=draft.operator_id_number,
        mobile=draft.mobile,
        actor=actor,
    )
    accounts.membership_create(
        organisation=organisation, user=user, role=Role.LEGAL_REPRESENTATIVE, actor=user
    )
    accounts.mobile_claim_transfer(
        organisation_key=organisation.claim_key,
        mobile=draft.mobile,
        from_holder=draft.claim_holder,
        to_holder=f"accounts.user:{user.pk}",
        user=user,
    )
    RegistrationDraft.objects.filter(pk=draft.pk).update(
        step=DraftStep.DONE, outcome=DraftOutcome.ACTIVE, user=user
    )
    record_event("registration.completed", actor=user, subject=draft, after={"user": user.pk})
    sms_send(
        mobile=draft.mobile,
        template="registration.succeeded",
        params={"organisation": organisation.name, "username": user.username},
        actor=user,
        subject=user,
    )


def _complete_as_application(
    *, draft: RegistrationDraft, organisation: Organisation, actor: Any
) -> None:
    # The organisation row is locked (organisation_get_or_create): REG-8 counts are stable.
    _application_limits(organisation=organisation, operator_hash=draft.operator_id_number_hash)
    try:
        with transaction.atomic():
            application = OperatorApplication.objects.create(
                organisation=organisation,
                username=draft.username,
                password_hash=draft.password_hash,
                real_name=draft.operator_name,
                id_type=draft.operator_id_type,
                id_number=draft.operator_id_number,
                id_number_hash=draft.operator_id_number_hash,
                landline=draft.landline,
                mobile=draft.mobile,
                mobile_hash=draft.mobile_hash,
            )
    except IntegrityError as exc:
        if "username" in str(exc).lower():
            raise ValidationFailed(USERNAME_TAKEN, code="username.taken", field="username") from exc
        raise ApplicationLimit(PENDING_EXISTS, code="operator_application.pending_exists") from exc
    accounts.mobile_claim_transfer(
        organisation_key=organisation.claim_key,
        mobile=draft.mobile,
        from_holder=draft.claim_holder,
        to_holder=application.claim_holder,
    )
    RegistrationDraft.objects.filter(pk=draft.pk).update(
        step=DraftStep.DONE, outcome=DraftOutcome.PENDING_APPROVAL, application=application
    )
    record_event(
        "operator_application.submitted",
        actor=actor,
        subject=application,
        after={"status": ApplicationStatus.PENDING, "organisation": organisation.pk},
    )
    for mobile in _approval_request_mobiles(organisation=organisation):
        sms_send(
            mobile=mobile,
            template="operator_application.approval_requested",
            params={"applicant": application.real_name, "organisation": organisation.name},
            actor=actor,
            subject=application,
        )


def _approval_request_mobiles(*, organisation: Organisation) -> list[str]:
    """REG-7: the legal representative's and administrators' mobiles; while the organisation
    has none, the registry's mobile of the legal representative (the one REG-5 trusts)."""
    mobiles = {user.mobile for user in approvers_of(organisation=organisation) if user.mobile}
    if not mobiles and organisation.uscc:
        try:
            entry = registry_entry_get(uscc=organisation.uscc)
        except RegistryError:  # only a fallback recipient: an outage must not block the submission
            entry = None
        phone = identifiers.normalise(entry.registered_phone) if entry else ""
        if phone and identifiers.mobile.is_valid(phone):
            mobiles.add(identifiers.mobile.normalise(phone))
    return sorted(mobiles)


# --- 经办人申请: approval and rejection ---------------------------------------------------------


def _check_approver(*, application: OperatorApplication, actor: Any) -> None:
    if not organisations_approvable_by(user=actor).filter(pk=application.organisation_id).exists():
        raise PermissionDenied("只有本单位的法定代表人或管理员可以审核经办人申请")


def operator_application_approval_face_start(
    *, application: OperatorApplication, actor: User
) -> FaceCheckSession:
    """Start the approver's own face check (REG-7: approve requires it), bound to the approver."""
    _check_approver(application=application, actor=actor)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationFailed(
            f"该申请当前状态为“{application.get_status_display()}”", code="illegal_transition"
        )
    if not actor.id_number:
        raise PermissionDenied("您的账号未登记证件号码，无法进行人脸核验")
    session = _identity().start_check(
        FaceCheckRequest(
            name=actor.real_name,
            id_type=actor.id_type,
            id_number=actor.id_number,
            purpose=FACE_PURPOSE_APPROVAL,
            subject=f"registrations.operatorapplication:{application.pk}",
        )
    )
    OperatorApplication.objects.filter(pk=application.pk).update(
        approval_face_token=session.token, approval_face_user=actor
    )
    application.approval_face_token, application.approval_face_user = session.token, actor
    return session


def operator_application_approve(
    *, application: OperatorApplication, actor: User
) -> OperatorApplication:
    """Approve (REG-7): the approver's own face check must have passed. Creates the account
    and the operator membership; the applicant gets ``operator_application.approved``."""
    _check_approver(application=application, actor=actor)
    application.refresh_from_db()
    token = application.approval_face_token
    if not token or application.approval_face_user_id != actor.pk:
        raise ValidationFailed("同意前需要本人人脸核验", code="approval.face_required")
    result = _identity().get_result(token)
    if not result.is_passed:
        raise ValidationFailed("本人人脸核验未通过，不能同意", code="approval.face_failed")
    with transaction.atomic():
        locked = OperatorApplication.objects.select_for_update().get(pk=application.pk)
        if locked.approval_face_token != token:
            raise ValidationFailed("人脸核验已失效，请重新核验", code="approval.face_stale")
        if (
            locked.status == ApplicationStatus.PENDING
            and User.objects.filter(username__iexact=locked.username).exists()
        ):
            raise ValidationFailed(USERNAME_TAKEN, code="username.taken", field="username")
        organisation = locked.organisation
        user = None
        if locked.status == ApplicationStatus.PENDING:
            user = accounts.legal_person_user_create(
                username=locked.username,
                password_hash=locked.password_hash,
                real_name=locked.real_name,
                id_type=locked.id_type,
                id_number=locked.id_number,
                mobile=locked.mobile,
                actor=actor,
            )
        application = transition(
            locked,
            ApplicationStatus.APPROVED,
            actor=actor,
            changes={
                "user": user,
                "decided_by": actor,
                "decided_at": timezone.now(),
                "approval_face_token": "",
            },
        )
        assert user is not None  # transition() refused anything but pending → approved
        accounts.membership_create(
            organisation=organisation, user=user, role=Role.OPERATOR, actor=actor
        )
        accounts.mobile_claim_transfer(
            organisation_key=organisation.claim_key,
            mobile=locked.mobile,
            from_holder=locked.claim_holder,
            to_holder=f"accounts.user:{user.pk}",
            user=user,
        )
        sms_send(
            mobile=locked.mobile,
            template="operator_application.approved",
            params={"organisation": organisation.name, "username": user.username},
            actor=actor,
            subject=application,
        )
    return application


def operator_application_approval_face_poll(
    *, application: OperatorApplication, actor: User
) -> FaceCheckResult:
    """The approver's face-check result; when passed, approves."""
    _check_approver(application=application, actor=actor)
    application.refresh_from_db()
    if application.status == ApplicationStatus.APPROVED:
        from zhengwu.integrations.identity.base import FaceCheckStatus

        return FaceCheckResult(status=FaceCheckStatus.PASSED)
    if not application.approval_face_token or application.approval_face_user_id != actor.pk:
        raise ValidationFailed("同意前需要本人人脸核验", code="approval.face_required")
    result = _identity().get_result(application.approval_face_token)
    if result.is_passed:
        operator_application_approve(application=application, actor=actor)
    return result


def operator_application_reject(
    *, application: OperatorApplication, actor: User, reason: str
) -> OperatorApplication:
    """Reject with a reason (REG-7); frees the mobile (REG-8) and counts towards the daily
    limit; the applicant gets ``operator_application.rejected``."""
    _check_approver(application=application, actor=actor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed("请填写拒绝原因", code="reason.empty", field="reason")
    if len(reason) > 200:
        raise ValidationFailed("拒绝原因不能超过200个字", code="reason.too_long", field="reason")
    with transaction.atomic():
        application = transition(
            application,
            ApplicationStatus.REJECTED,
            actor=actor,
            reason=reason,
            changes={"reason": reason, "decided_by": actor, "decided_at": timezone.now()},
        )
        accounts.mobile_claim_release(holder=application.claim_holder)
        sms_send(
            mobile=application.mobile,
            template="operator_application.rejected",
            params={"organisation": application.organisation.name, "reason": reason},
            actor=actor,
            subject=application,
        )
    return application
