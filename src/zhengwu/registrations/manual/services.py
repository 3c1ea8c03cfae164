"""Writes of the manual channel (人工认证渠道, REG-9) and its review decisions (journey 6).

``manual_verification_submit`` validates every field (messages name the field), checks the SMS
code, then in one transaction creates the applicant's account (kind legal_person, no
membership yet), the case with its working-day deadline (CAL-1), stores and attaches the
uploads, and queues the 已受理 SMS. ``manual_verification_resubmit`` (不通过 → 待审核) keeps the
uploads the rejection did not ask for again. The reviewer's decisions are in
``manual.reviews``, which plugs the queue into ``zhengwu.reviews``. Every
move goes through ``core.workflow.transition`` (history row, audit event); SMS after commit.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu import identifiers
from zhengwu.accounts import services as accounts
from zhengwu.accounts.constants import IdType, LegalPersonType, Location
from zhengwu.accounts.identity import (
    birth_date_of,
    id_number_hash,
    id_number_validate,
    mobile_hash,
    mobile_validate,
)
from zhengwu.accounts.models import User
from zhengwu.audit.services import record_event
from zhengwu.core.errors import ConfigurationError, PermissionDenied, ValidationFailed
from zhengwu.core.masking import mask_mobile
from zhengwu.core.models import Transition
from zhengwu.core.workflow import transition
from zhengwu.notifications.services import sms_send, verification_code_check
from zhengwu.uploads.models import PrivateUpload, UploadKind
from zhengwu.uploads.services import upload_attach, upload_delete, upload_store
from zhengwu.workdays.selectors import deadline

from ..common import rules
from ..common.usernames import username_available, username_taken_error
from ..constants import SMS_CODE_PURPOSE
from ..models import ManualVerification
from .constants import (
    MANUAL_UPLOAD_KINDS,
    SUBJECT_TYPE,
    ManualApplicantKind,
    ManualReviewRule,
    ManualStatus,
)
from .selectors import manual_uploads

REASON_MAX = 200


# --- settings --------------------------------------------------------------------------------


def review_rule() -> str:
    """``ZHENGWU_MANUAL_REVIEW_RULE``: ``working_day_1`` (Zhejiang, default) or
    ``working_hours_48`` (Heilongjiang) — REG-9, CAL-1."""
    rule = str(
        getattr(settings, "ZHENGWU_MANUAL_REVIEW_RULE", "") or ManualReviewRule.WORKING_DAY_1
    )
    if rule not in ManualReviewRule.values:
        raise ConfigurationError(
            f"ZHENGWU_MANUAL_REVIEW_RULE={rule!r} 无效，应为 working_day_1 或 working_hours_48",
            code="configuration.manual_review_rule",
        )
    return rule


def review_deadline(submitted_at: datetime.datetime) -> datetime.datetime:
    """The review deadline of a case (re)submitted at ``submitted_at`` (REG-9, CAL-1).

    Raises ``CalendarNotCovered`` when the holiday notice of a year involved is not encoded.
    """
    if review_rule() == ManualReviewRule.WORKING_HOURS_48:
        return deadline(submitted_at, working_hours=48)
    return deadline(submitted_at, working_days=1)


# --- validation ------------------------------------------------------------------------------


@dataclass
class ManualData:
    """What the applicant enters (REG-9); strings as typed, normalised by ``_clean``."""

    applicant_kind: str
    location: str
    legal_person_type: str
    organisation_name: str
    organisation_name_en: str
    has_code_certificate: bool | None
    unit_code: str
    project_code: str
    operator_name: str
    operator_id_type: str
    operator_id_number: str
    operator_ethnicity: str
    email: str
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ManualData:
        names = [f for f in cls.__dataclass_fields__ if f != "extra"]
        return cls(**{name: data.get(name, "") for name in names})  # type: ignore[arg-type]


def _text(
    value: Any, *, field: str, label: str, required: bool = True, max_length: int = 200
) -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        raise ValidationFailed(f"请填写{label}", code=f"{field}.empty", field=field)
    if len(value) > max_length:
        raise ValidationFailed(
            f"{label}不能超过{max_length}个字", code=f"{field}.too_long", field=field
        )
    return value


def _unit_code(value: str) -> str:
    """REG-9: a USCC (18 characters) or an organisation code (9 characters)."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationFailed(
            "请填写统一社会信用代码或组织机构代码", code="unit_code.empty", field="unit_code"
        )
    compact = identifiers.uscc.normalise(raw)
    try:
        if len(compact) == 18:
            return identifiers.uscc.validate(compact)
        return identifiers.orgcode.validate(raw)
    except identifiers.InvalidIdentifier as exc:
        raise ValidationFailed(
            f"单位代码：{exc.message}", code=exc.code, field="unit_code"
        ) from exc


def _clean(data: ManualData) -> dict[str, Any]:
    """Every field of REG-9, each error naming its field; returns the model values."""
    if data.applicant_kind not in ManualApplicantKind.values:
        raise ValidationFailed(
            "请选择申请类型", code="applicant_kind.empty", field="applicant_kind"
        )
    if data.location not in Location.values:
        raise ValidationFailed("请选择单位登记所在地", code="location.empty", field="location")
    if data.legal_person_type not in LegalPersonType.values:
        raise ValidationFailed(
            "请选择法人类型", code="legal_person_type.empty", field="legal_person_type"
        )
    name = _text(data.organisation_name, field="organisation_name", label="单位名称")
    # Seed 001 一.3: 单位名称（中英文对照） for units outside the mainland.
    needs_english = (
        data.location == Location.OUTSIDE_MAINLAND
        or data.applicant_kind == ManualApplicantKind.OUTSIDE_MAINLAND
    )
    name_en = _text(
        data.organisation_name_en,
        field="organisation_name_en",
        label="单位英文名称",
        required=needs_english,
    )
    if data.has_code_certificate is None or data.has_code_certificate == "":
        raise ValidationFailed(
            "请选择能否提供带有统一社会信用代码的证照",
            code="has_code_certificate.empty",
            field="has_code_certificate",
        )
    has_certificate = data.has_code_certificate in (True, "yes", "true", "1")
    is_project = data.applicant_kind == ManualApplicantKind.TEMPORARY_PROJECT
    if is_project and has_certificate:
        raise ValidationFailed(
            "无任何证照的临时项目工程请选择“不能提供”",
            code="has_code_certificate.project",
            field="has_code_certificate",
        )
    unit_code = ""
    if has_certificate or (data.unit_code or "").strip():
        unit_code = _unit_code(data.unit_code)
    project_code = ""
    if is_project:
        # Seed 001 一.4: the 18-character 工程编码 of the project's insurance form.
        if not (data.project_code or "").strip():
            raise ValidationFailed(
                "请填写工程编码", code="project_code.empty", field="project_code"
            )
        try:
            project_code = identifiers.project_code.validate(data.project_code)
        except identifiers.InvalidIdentifier as exc:
            raise ValidationFailed(exc.message, code=exc.code, field="project_code") from exc
    operator_name = _text(
        data.operator_name, field="operator_name", label="经办人姓名", max_length=100
    )
    if data.operator_id_type not in IdType.values:
        raise ValidationFailed(
            "请选择经办人证件类型", code="id_type.empty", field="operator_id_type"
        )
    number = id_number_validate(
        id_type=data.operator_id_type,
        number=data.operator_id_number,
        field="operator_id_number",
        label="经办人证件号码",
    )
    ethnicity = _text(
        data.operator_ethnicity,
        field="operator_ethnicity",
        label="经办人民族",
        required=is_project,
        max_length=20,
    )
    email = _text(data.email, field="email", label="经办人电子邮箱", max_length=100)
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(
            "经办人电子邮箱格式不正确", code="email.invalid", field="email"
        ) from None
    return {
        "applicant_kind": data.applicant_kind,
        "location": data.location,
        "legal_person_type": data.legal_person_type,
        "organisation_name": name,
        "organisation_name_en": name_en,
        "has_code_certificate": has_certificate,
        "unit_code": unit_code,
        "project_code": project_code,
        "operator_name": operator_name,
        "operator_id_type": data.operator_id_type,
        "operator_id_number": number,
        "operator_id_number_hash": id_number_hash(number),
        "operator_ethnicity": ethnicity,
        "email": email,
    }


def required_upload_kinds(values: Mapping[str, Any]) -> tuple[str, ...]:
    """REG-9 uploads: the operator's ID page always; the licence page when the unit has a
    code-bearing certificate; otherwise the stamped proof (seed 000 FAQ, seed 001 一.4)."""
    kinds = [UploadKind.ID_DOCUMENT]
    if values["has_code_certificate"]:
        kinds.insert(0, UploadKind.LICENCE_PAGE)
    else:
        kinds.append(UploadKind.STAMPED_PROOF)
    return tuple(kinds)


def _check_uploads(files: Mapping[str, Any], *, needed: tuple[str, ...]) -> None:
    for kind in needed:
        if not files.get(kind):
            label = UploadKind(kind).label
            raise ValidationFailed(f"请上传{label}", code="upload.missing", field=kind)


def _store_uploads(
    *, files: Mapping[str, Any], case: ManualVerification, user: User
) -> list[PrivateUpload]:
    stored = []
    for kind in MANUAL_UPLOAD_KINDS:
        file = files.get(kind)
        if not file:
            continue
        upload = upload_store(file=file, kind=kind, actor=user, field=kind)
        upload_attach(upload=upload, subject=case, owner=user, actor=user)
        stored.append(upload)
    return stored


def _new_reference(now: datetime.datetime) -> str:
    """受理编号: RG + date + 6 random digits (not guessable, not a count of applications)."""
    return f"RG{timezone.localtime(now):%Y%m%d}{secrets.randbelow(10**6):06d}"


def _received_sms(case: ManualVerification, *, actor: Any) -> None:
    sms_send(
        mobile=case.mobile,
        template="manual_review.received",
        params={
            "reference": case.reference,
            "deadline": f"{timezone.localtime(case.deadline_at):%Y-%m-%d %H:%M}",
        },
        actor=actor,
        subject=case,
    )


# --- submission ------------------------------------------------------------------------------


def manual_verification_submit(
    *,
    data: Mapping[str, Any],
    files: Mapping[str, Any],
    username: str,
    password: str,
    password_confirm: str,
    mobile: str,
    sms_code: str,
    actor: Any = None,
) -> ManualVerification:
    """Submit the manual channel (REG-9): account + case + uploads + 已受理 SMS, or nothing.

    Field errors are ``ValidationFailed`` naming the field; uploads are checked by
    ``upload_store`` (JPEG only, size-limited, content-checked). The image captcha is checked
    by the caller. Must not run inside a transaction: the SMS code check keeps its own.
    """
    values = _clean(ManualData.from_mapping(data))
    username = rules.username_validate(username)
    username_available(username)
    number = mobile_validate(number=mobile)
    rules.password_validate(
        password,
        username=username,
        mobile=number,
        birth_date=birth_date_of(
            id_type=values["operator_id_type"], number=values["operator_id_number"]
        ),
    )
    rules.password_confirm_validate(password, password_confirm)
    _check_uploads(files, needed=required_upload_kinds(values))
    if not (sms_code or "").strip():
        raise ValidationFailed("请填写短信验证码", code="sms_code.empty", field="sms_code")
    now = timezone.now()
    due = review_deadline(now)  # before the code is spent: a calendar gap is not the user's fault
    verification_code_check(mobile=number, purpose=SMS_CODE_PURPOSE, code=sms_code)
    try:
        with transaction.atomic():
            if User.objects.filter(username__iexact=username).exists():
                raise username_taken_error()
            user = accounts.legal_person_user_create(
                username=username,
                password_hash=make_password(password),
                real_name=values["operator_name"],
                id_type=values["operator_id_type"],
                id_number=values["operator_id_number"],
                mobile=number,
                actor=actor,
            )
            User.objects.filter(pk=user.pk).update(email=values["email"])
            user.email = values["email"]
            case = ManualVerification.objects.create(
                reference=_new_reference(now),
                status=ManualStatus.PENDING,
                mobile=number,
                mobile_hash=mobile_hash(number),
                user=user,
                submitted_at=now,
                deadline_at=due,
                **values,
            )
            _store_uploads(files=files, case=case, user=user)
            # The case's history starts with its creation ([*] → 待审核).
            Transition.objects.create(
                subject_type=SUBJECT_TYPE,
                subject_id=str(case.pk),
                from_state="",
                to_state=ManualStatus.PENDING,
                actor=user,
                actor_label=user.username,
            )
            record_event(
                "manual_verification.submitted",
                actor=user,
                subject=case,
                after={
                    "status": ManualStatus.PENDING,
                    "applicant_kind": case.applicant_kind,
                    "mobile": mask_mobile(number),
                    "deadline_at": case.deadline_at.isoformat(),
                },
            )
            _received_sms(case, actor=user)
    except IntegrityError as exc:
        if "username" in str(exc).lower():
            raise username_taken_error() from exc
        raise
    return case


def manual_verification_resubmit(
    *,
    case: ManualVerification,
    data: Mapping[str, Any],
    files: Mapping[str, Any],
    actor: User,
) -> ManualVerification:
    """重新提交 after a rejection (不通过 → 待审核), by the applicant signed in.

    The material the rejection named (``reupload_kinds``) must be uploaded again; other
    uploads are kept unless a new file replaces them (the replaced one is deleted, PIPL
    Art. 47). A new deadline is counted from now; the applicant gets the 已受理 SMS again.
    """
    if case.user_id != actor.pk:
        raise PermissionDenied("只能重新提交本人的申请")
    values = _clean(ManualData.from_mapping(data))
    existing = manual_uploads(case)
    for kind in case.reupload_kinds or []:
        if not files.get(kind):
            label = UploadKind(kind).label
            raise ValidationFailed(
                f"请重新上传{label}", code="upload.reupload_required", field=kind
            )
    merged = {kind: files.get(kind) or existing.get(kind) for kind in MANUAL_UPLOAD_KINDS}
    _check_uploads(merged, needed=required_upload_kinds(values))
    now = timezone.now()
    due = review_deadline(now)
    with transaction.atomic():
        case = transition(
            case,
            ManualStatus.PENDING,
            actor=actor,
            event_type="manual_verification.resubmitted",
            changes={
                **values,
                "submitted_at": now,
                "deadline_at": due,
                "reason": "",
                "reason_code": "",
                "reupload_kinds": [],
                "decided_by": None,
                "decided_at": None,
                "submission_count": case.submission_count + 1,
            },
        )
        for kind in MANUAL_UPLOAD_KINDS:
            if files.get(kind) and kind in existing:
                upload_delete(upload=existing[kind], actor=actor, reason="replaced on resubmission")
        _store_uploads(files=files, case=case, user=actor)
        _received_sms(case, actor=actor)
    return case
