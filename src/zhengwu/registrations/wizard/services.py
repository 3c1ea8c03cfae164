"""Writes of the legal-person registration wizard and operator applications (REG-1…REG-8).

The wizard: ``registration_start`` (信息认证) → ``registration_user_submit`` (创建用户) →
``registration_face_start`` / ``registration_face_poll`` (实名认证) → ``registration_complete``
(注册成功, or an ``OperatorApplication`` waiting for approval). Nothing becomes an account
before the last step, which runs in one transaction. SMS codes and face results are checked
before that transaction (the code check keeps its own durable transaction; providers are
never called inside one).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu import identifiers
from zhengwu.accounts import services as accounts
from zhengwu.accounts.constants import IdType, Location, Role
from zhengwu.accounts.identity import (
    birth_date_of,
    id_number_hash,
    id_number_validate,
    mobile_hash,
    mobile_validate,
)
from zhengwu.accounts.models import Organisation, User, organisation_claim_key
from zhengwu.accounts.selectors import approvers_of
from zhengwu.audit.services import record_event
from zhengwu.campaigns import services as campaigns
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.masking import mask_mobile
from zhengwu.core.workflow import transition
from zhengwu.integrations.identity.base import (
    FaceCheckRequest,
    FaceCheckResult,
    FaceCheckSession,
    FaceCheckStatus,
)
from zhengwu.integrations.registry import RegistryError
from zhengwu.notifications.services import sms_send, verification_code_check

from .. import conf
from ..common import rules
from ..common.claims import mobile_claim_free
from ..common.face import face_failed_record, identity_provider
from ..common.organisations import (
    OrganisationInput,
    draft_expiry,
    legal_rep_id_number_validate,
    name_label,
    organisation_validate,
    required_text,
)
from ..common.registry import registry_check, registry_entity_get, registry_mobile_check
from ..common.usernames import username_available, username_taken_error
from ..constants import (
    FACE_PURPOSE_REGISTRATION,
    SMS_CODE_PURPOSE,
    ApplicationStatus,
    DraftOutcome,
    DraftStep,
)
from ..errors import ApplicationLimit, DraftExpired
from ..models import OperatorApplication, RegistrationDraft

#: The claim holders of wizard drafts (``RegistrationDraft.claim_holder``).
DRAFT_CLAIM_PREFIX = "registrations.draft:"
PENDING_EXISTS = "您在该企业下已有一条经办人账号申请还在审核中，请耐心等待法定代表人或管理员审核"
DAILY_LIMIT = "您的经办人账号申请当天已达次数限制，请明天再尝试"


def _organisation_of(draft: RegistrationDraft) -> OrganisationInput:
    """The organisation step 1 verified, as the register is asked about it again."""
    return OrganisationInput(
        legal_person_type=draft.legal_person_type,
        label=name_label,
        organisation_name=draft.organisation_name,
        uscc=draft.uscc,
        legal_rep_name=draft.legal_rep_name,
        legal_rep_id_type=draft.legal_rep_id_type,
    )


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
    organisation = organisation_validate(
        legal_person_type=legal_person_type,
        organisation_name=organisation_name,
        uscc=uscc,
        legal_rep_name=legal_rep_name,
        legal_rep_id_type=legal_rep_id_type,
    )
    rep_number = legal_rep_id_number_validate(organisation, legal_rep_id_number)
    if not agreement_accepted:
        raise ValidationFailed(
            "请阅读并同意《用户注册协议》", code="agreement.required", field="agreement"
        )
    registry_check(organisation, rep_number=rep_number)
    draft = RegistrationDraft(
        id=uuid.uuid4(),
        step=DraftStep.USER,
        location=location,
        legal_person_type=organisation.legal_person_type,
        uscc=organisation.uscc,
        organisation_name=organisation.organisation_name,
        legal_rep_name=organisation.legal_rep_name,
        legal_rep_id_type=organisation.legal_rep_id_type,
        legal_rep_id_number=rep_number,
        legal_rep_id_number_hash=id_number_hash(rep_number),
        expires_at=draft_expiry(),
    )
    # No row yet: the caller hands the client ``draft_store.seal(draft)`` (decision 0017).
    record_event(
        "registration.info_verified",
        actor=actor,
        subject=draft,
        after={"uscc": organisation.uscc},
        relaxed=True,  # a lookup that changes nothing (decision 0028)
    )
    return draft


def registration_sms_code_send(*, draft: RegistrationDraft, mobile: str, actor: Any = None) -> Any:
    """Send the step-2 SMS code to ``mobile`` (rate limits of ``verification_code_send``);
    ``MobileTaken`` first when the mobile is bound in the unit (REG-8)."""
    if draft.step == DraftStep.DONE:
        raise ValidationFailed("注册已完成", code="registration.wrong_step")
    number = mobile_validate(number=mobile)
    # REG-8 before the code leaves: a mobile bound to an account or a pending application of
    # the unit would be refused at step 2. Another live draft's claim is left to step 2, which
    # knows whose it is.
    mobile_claim_free(
        organisation_key=organisation_claim_key(uscc=draft.uscc),
        mobile=number,
        holder=draft.claim_holder,
        passing=DRAFT_CLAIM_PREFIX,
    )
    from zhengwu.notifications.services import verification_code_send

    return verification_code_send(mobile=number, purpose=SMS_CODE_PURPOSE, actor=actor)


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
    operator_name = required_text(operator_name, field="operator_name", label="经办人姓名")
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
        registry_mobile_check(
            _organisation_of(draft), rep_number=draft.legal_rep_id_number, mobile=number
        )
    else:
        organisation = Organisation.objects.filter(uscc=draft.uscc).first()
        _application_limits(organisation=organisation, operator_hash=operator_hash)
    claim_key = organisation_claim_key(uscc=draft.uscc)
    # The same person coming back (a closed tab, a new step 1): their own earlier draft's hold
    # on the mobile is no reason to refuse them; it is replaced below, after the SMS code.
    replaced = _own_draft_holders(
        claim_key=claim_key, mobile=number, operator_hash=operator_hash, draft=draft
    )
    mobile_claim_free(
        organisation_key=claim_key, mobile=number, holder=draft.claim_holder, also_mine=replaced
    )
    if not (sms_code or "").strip():
        raise ValidationFailed("请填写短信验证码", code="sms_code.empty", field="sms_code")
    verification_code_check(mobile=number, purpose=SMS_CODE_PURPOSE, code=sms_code)
    # After the code: without the SMS code nobody learns whether a username is taken.
    username_available(username)
    expires_at = draft_expiry()
    with transaction.atomic():
        if draft._state.adding:  # a step-1 draft from its token: its row starts here
            _draft_row_create(draft)
        locked = RegistrationDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.step not in (DraftStep.USER, DraftStep.FACE):
            raise ValidationFailed("注册已完成", code="registration.wrong_step")
        if locked.mobile and locked.mobile != number:
            accounts.mobile_claim_release(holder=draft.claim_holder)
        for holder in replaced:
            _draft_replace(holder=holder, by=draft, actor=actor)
        accounts.mobile_claim_acquire(
            organisation_key=claim_key,
            mobile=number,
            holder=draft.claim_holder,
            expires_at=expires_at,
            actor=actor,
        )
        values = {
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
        if locked.step == DraftStep.USER:
            transition(draft, DraftStep.FACE, actor=actor)
        record_event(
            "registration.user_submitted",
            actor=actor,
            subject=draft,
            after={"mobile": mask_mobile(number), "operator_is_legal_rep": is_legal_rep},
        )
    return draft


def _own_draft_holders(
    *, claim_key: str, mobile: str, operator_hash: str, draft: RegistrationDraft
) -> list[str]:
    """The claim holders of the live drafts in which the same operator (by ID number) holds
    ``mobile`` in the unit: a person who left a wizard and started again."""
    from zhengwu.accounts.models import MobileClaim

    holders = (
        MobileClaim.objects.filter(
            organisation_key=claim_key,
            mobile_hash=mobile_hash(mobile),
            holder__startswith=DRAFT_CLAIM_PREFIX,
        )
        .exclude(holder=draft.claim_holder)
        .exclude(expires_at__lte=timezone.now())
        .values_list("holder", flat=True)
    )
    ids = [holder.removeprefix(DRAFT_CLAIM_PREFIX) for holder in holders]
    if not ids:
        return []
    mine = (
        RegistrationDraft.objects.filter(pk__in=ids, operator_id_number_hash=operator_hash)
        .exclude(step=DraftStep.DONE)
        .values_list("pk", flat=True)
    )
    return [f"{DRAFT_CLAIM_PREFIX}{pk}" for pk in mine]


def _draft_replace(*, holder: str, by: RegistrationDraft, actor: Any) -> None:
    """End the same person's earlier draft ``holder``: its claim goes, it expires now."""
    accounts.mobile_claim_release(holder=holder)
    pk = holder.removeprefix(DRAFT_CLAIM_PREFIX)
    RegistrationDraft.objects.filter(pk=pk).exclude(step=DraftStep.DONE).update(
        expires_at=timezone.now()
    )
    record_event(
        "registration.draft_replaced",
        actor=actor,
        subject=("registrations.registrationdraft", pk),
        after={"by": str(by.pk)},
    )


def _draft_row_create(draft: RegistrationDraft) -> None:
    """Write the row of a step-1 draft that so far lived in its token (inside the caller's
    transaction). Two simultaneous first submissions of one token: the primary key lets one
    insert; the other finds the row and goes on under the row lock like any resubmission."""
    try:
        with transaction.atomic():
            draft.save(force_insert=True)
    except IntegrityError:
        draft._state.adding = False


def registration_face_start(*, draft: RegistrationDraft, actor: Any = None) -> FaceCheckSession:
    """Start the operator's face check (REG-6), bound to the operator's ID number: the token
    is kept on the draft, never taken from the client."""
    if draft.step != DraftStep.FACE:
        raise ValidationFailed("请先完成创建用户", code="registration.wrong_step")
    if draft.is_expired:
        raise DraftExpired()
    session = identity_provider().start_check(
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


def registration_face_poll(*, draft: RegistrationDraft, actor: Any = None) -> FaceCheckResult:
    """The operator's face-check result; when passed, completes the registration."""
    if draft.step == DraftStep.DONE:
        return FaceCheckResult(status=FaceCheckStatus.PASSED)
    if draft.step != DraftStep.FACE or not draft.face_token:
        raise ValidationFailed("请先开始实名认证", code="registration.face_not_started")
    result = identity_provider().get_result(draft.face_token)
    if result.is_passed:
        registration_complete(draft=draft, actor=actor, result=result)
    elif result.is_final:
        face_failed_record("registration.face_failed", actor=actor, subject=draft, result=result)
    return result


def registration_complete(
    *, draft: RegistrationDraft, actor: Any = None, result: FaceCheckResult | None = None
) -> RegistrationDraft:
    """REG-7: the last step, in one transaction, after the operator's face check passed.

    The legal representative himself gets an active account at once (SMS
    ``registration.succeeded``); anybody else gets a pending ``OperatorApplication`` and the
    legal representative and administrators get ``operator_application.approval_requested``.
    """
    if result is None and draft.face_token:  # the poll hands over the result it asked for
        result = identity_provider().get_result(draft.face_token)
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
            # 帮办 (SVC-4): a registration started for this unit at the counter is counted
            # now, in this transaction (a later failure rolls it back with the account).
            campaigns.assist_complete(organisation)
            if locked.operator_is_legal_rep:
                _complete_as_legal_rep(draft=locked, organisation=organisation, actor=actor)
            else:
                _complete_as_application(draft=locked, organisation=organisation, actor=actor)
    except IntegrityError as exc:
        if "username" in str(exc).lower():
            raise username_taken_error() from exc
        raise
    draft.refresh_from_db()
    return draft


def _complete_as_legal_rep(
    *, draft: RegistrationDraft, organisation: Organisation, actor: Any
) -> None:
    if User.objects.filter(username__iexact=draft.username).exists():
        raise username_taken_error()
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
    transition(
        draft, DraftStep.DONE, actor=user, changes={"outcome": DraftOutcome.ACTIVE, "user": user}
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
            raise username_taken_error() from exc
        raise ApplicationLimit(PENDING_EXISTS, code="operator_application.pending_exists") from exc
    accounts.mobile_claim_transfer(
        organisation_key=organisation.claim_key,
        mobile=draft.mobile,
        from_holder=draft.claim_holder,
        to_holder=application.claim_holder,
    )
    transition(
        draft,
        DraftStep.DONE,
        actor=actor,
        changes={"outcome": DraftOutcome.PENDING_APPROVAL, "application": application},
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
            entry = registry_entity_get(uscc=organisation.uscc)
        except RegistryError:  # only a fallback recipient: an outage must not block the submission
            entry = None
        phone = identifiers.normalise(entry.registered_phone) if entry else ""
        if phone and identifiers.mobile.is_valid(phone):
            mobiles.add(identifiers.mobile.normalise(phone))
    return sorted(mobiles)
