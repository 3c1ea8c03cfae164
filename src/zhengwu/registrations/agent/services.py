"""Writes of the agent path (代理人注册, REG-10, seed 002 附件1).

The agent: ``agent_registration_start`` (the form: unit and legal representative checked
against the register like the wizard's step 1, the legal representative's mobile, the agent's
account, SMS code) → ``agent_face_start`` / ``agent_face_poll`` (the agent's own face check)
→ ``agent_registration_submit`` (the confirmation dialog: 待提交 → 签名中; the agent's account
is created inactive, the letter generated, the signing link sent to the legal
representative). ``agent_registration_resend`` (重新提交 after 签名超时 / 拒签, or a new link
while 签名中) and ``agent_registration_update`` (返回修改, or changes after 不通过) follow.

The legal representative, through the link: ``agent_sign_get`` → ``agent_sign_face_start`` /
``agent_sign_face_poll`` (face check bound to their ID number) → ``agent_letter_sign`` (a real
PAdES signature by the ``esign`` provider; 签名中 → 待审核) or ``agent_letter_refuse`` (拒签).

签名超时 is 48 hours after the link was sent (``sign_deadline_at``): applied by
``agent_signatures_expire`` (task and command) and by ``agent_registration_expire_if_due`` on
every read, so it holds even when the worker is late.

The reviewer's decisions (``agent_registration_approve`` / ``agent_registration_reject``) and
the 代理注册 queue are in ``agent.reviews``. Every move goes through
``core.workflow.transition``; SMS leave after commit; providers (face, e-signature) are
never called inside a transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu import identifiers
from zhengwu.accounts import services as accounts
from zhengwu.accounts.constants import IdType, Location
from zhengwu.accounts.identity import (
    birth_date_of,
    id_number_hash,
    id_number_validate,
    mobile_hash,
    mobile_validate,
)
from zhengwu.accounts.models import User, organisation_claim_key
from zhengwu.audit.services import record_event
from zhengwu.core.errors import IllegalTransition, ValidationFailed
from zhengwu.core.masking import mask_mobile
from zhengwu.core.workflow import transition
from zhengwu.integrations.identity.base import (
    FaceCheckRequest,
    FaceCheckResult,
    FaceCheckSession,
    FaceCheckStatus,
)
from zhengwu.notifications.services import sms_send, verification_code_check
from zhengwu.uploads.images import prepare_jpeg, read_limited
from zhengwu.uploads.services import upload_attach, upload_store
from zhengwu.uploads.tokens import new_owner_token

from .. import conf
from ..common import rules
from ..common.claims import mobile_claim_free, mobile_claim_take
from ..common.face import face_failed_record, identity_provider
from ..common.organisations import (
    legal_rep_id_number_validate,
    organisation_validate,
    required_text,
)
from ..common.registry import registry_check
from ..common.usernames import username_available, username_taken_error
from ..constants import FACE_PURPOSE_REGISTRATION, SMS_CODE_PURPOSE
from ..errors import DraftExpired
from ..models import AgentRegistration
from .constants import (
    AGENT_UPLOAD_KINDS,
    AGENT_UPLOAD_LABELS,
    EDITABLE_STATES,
    RESIGN_FIELDS,
    SIGNING_HOURS,
    AgentStatus,
)
from .letter import authorisation_letter_pdf
from .selectors import agent_uploads
from .signing import (
    _new_token,
    _token_hash,
    agent_registration_expire_if_due,
    agent_review_deadline,
    sign_link,
)

#: Submitted and not approved: one per unit and agent (a database constraint as well).
OPEN_STATES = [*sorted(EDITABLE_STATES), AgentStatus.PENDING]
NOT_RESIDENT_ID = (
    "电子签名目前只支持证件类型为居民身份证的法定代表人；其他证件类型的单位请通过人工认证渠道注册"
)
AGENT_IS_LEGAL_REP = "您是该单位的法定代表人，请选择“我是法定代表人”注册"
SAME_MOBILE = "法定代表人手机号不能与代理人手机号相同，请填写法定代表人本人的手机号"
OPEN_EXISTS = "您已为该单位提交过代理人注册申请，请在原申请中继续办理"
MOBILE_TAKEN = "该手机号已绑定该单位的其他账号，请更换"


def agent_unit_validate(
    *,
    legal_person_type: str,
    organisation_name: str,
    uscc: str,
    legal_rep_name: str,
    legal_rep_id_type: str,
    legal_rep_id_number: str,
    legal_rep_mobile: str,
    landline: str = "",
) -> dict[str, str]:
    """The unit and its legal representative, normalised and confirmed by the register like
    the wizard's step 1 (REG-1…REG-3); the legal representative must hold a resident ID card
    (REG-10: others take the manual channel). Raises ``ValidationFailed`` naming the field."""
    unit = organisation_validate(
        legal_person_type=legal_person_type,
        organisation_name=organisation_name,
        uscc=uscc,
        legal_rep_name=legal_rep_name,
        legal_rep_id_type=legal_rep_id_type,
        rep_name_label="法定代表人姓名",
        max_length=200,
    )
    if unit.legal_rep_id_type != IdType.RESIDENT_ID:
        raise ValidationFailed(
            NOT_RESIDENT_ID, code="registration.manual_channel", field="legal_rep_id_type"
        )
    rep_number = legal_rep_id_number_validate(unit, legal_rep_id_number)
    rep_mobile = mobile_validate(
        number=legal_rep_mobile, field="legal_rep_mobile", label="法定代表人手机号"
    )
    landline = (landline or "").strip()
    if landline:
        try:
            landline = identifiers.mobile.validate_landline(landline)
        except identifiers.InvalidIdentifier as exc:
            raise ValidationFailed(exc.message, code=exc.code, field="landline") from exc
    registry_check(unit, rep_number=rep_number)
    return {
        "legal_person_type": unit.legal_person_type,
        "organisation_name": unit.organisation_name,
        "uscc": unit.uscc,
        "legal_rep_name": unit.legal_rep_name,
        "legal_rep_id_type": unit.legal_rep_id_type,
        "legal_rep_id_number": rep_number,
        "legal_rep_mobile": rep_mobile,
        "landline": landline,
    }


def _username_free(username: str, *, exclude_pk: int | None = None) -> None:
    username_available(username)
    open_agents = AgentRegistration.objects.filter(username__iexact=username).exclude(
        status=AgentStatus.APPROVED
    )
    if exclude_pk is not None:
        open_agents = open_agents.exclude(pk=exclude_pk)
    # A draft reserves its username only while it lives.
    open_agents = open_agents.exclude(status=AgentStatus.DRAFT, expires_at__lte=timezone.now())
    if open_agents.exists():
        raise username_taken_error()


def _claim(*, uscc: str, mobile: str, holder: str, expires_at: Any, actor: Any) -> None:
    """REG-8: the agent's mobile is bound within the unit like any other account's."""
    mobile_claim_take(
        organisation_key=organisation_claim_key(uscc=uscc),
        mobile=mobile,
        holder=holder,
        expires_at=expires_at,
        actor=actor,
        message=MOBILE_TAKEN,
    )


def _new_reference(now: datetime.datetime) -> str:
    """受理编号: DL + date + 6 random digits (not guessable, not a count)."""
    return f"DL{timezone.localtime(now):%Y%m%d}{secrets.randbelow(10**6):06d}"


# --- the agent's form -------------------------------------------------------------------------


def agent_registration_start(
    *,
    legal_person_type: str,
    organisation_name: str,
    uscc: str,
    legal_rep_name: str,
    legal_rep_id_type: str,
    legal_rep_id_number: str,
    legal_rep_mobile: str,
    username: str,
    password: str,
    password_confirm: str,
    agent_name: str,
    agent_id_type: str,
    agent_id_number: str,
    landline: str,
    mobile: str,
    sms_code: str,
    agreement_accepted: bool,
    files: Mapping[str, Any] | None = None,
    owner_token: str = "",
    actor: Any = None,
) -> AgentRegistration:
    """Check the agent's form (REG-1…REG-5, REG-8, REG-10), the uploads (上传证件: the agent's
    ID document and the unit's licence, both required, JPEG or PNG checked by content) and the SMS
    code; keep a draft (待提交) holding the agent's mobile until it expires, with the uploads
    attached to it. A refused file is reported (field named) before the SMS code is spent;
    the draft and its uploads are written together or not at all. The uploads belong to the
    holder of ``owner_token`` (the browser session) until 确认提交 creates the agent's
    account. The image captcha is checked by the caller. Must not run inside a transaction
    (the SMS code check keeps its own)."""
    unit = agent_unit_validate(
        legal_person_type=legal_person_type,
        organisation_name=organisation_name,
        uscc=uscc,
        legal_rep_name=legal_rep_name,
        legal_rep_id_type=legal_rep_id_type,
        legal_rep_id_number=legal_rep_id_number,
        legal_rep_mobile=legal_rep_mobile,
        landline=landline,
    )
    username = rules.username_validate(username)
    _username_free(username)
    agent_name = required_text(agent_name, field="agent_name", label="代理人姓名", max_length=200)
    if agent_id_type not in IdType.values:
        raise ValidationFailed("请选择代理人证件类型", code="id_type.empty", field="agent_id_type")
    agent_number = id_number_validate(
        id_type=agent_id_type,
        number=agent_id_number,
        field="agent_id_number",
        label="代理人证件号码",
    )
    agent_hash = id_number_hash(agent_number)
    if agent_hash == id_number_hash(unit["legal_rep_id_number"]):
        raise ValidationFailed(
            AGENT_IS_LEGAL_REP, code="agent.is_legal_rep", field="agent_id_number"
        )
    number = mobile_validate(number=mobile)
    if number == unit["legal_rep_mobile"]:
        raise ValidationFailed(SAME_MOBILE, code="legal_rep_mobile.same", field="legal_rep_mobile")
    rules.password_validate(
        password,
        username=username,
        mobile=number,
        birth_date=birth_date_of(id_type=agent_id_type, number=agent_number),
    )
    rules.password_confirm_validate(password, password_confirm)
    if not agreement_accepted:
        raise ValidationFailed(
            "请阅读并同意《用户注册协议》", code="agreement.required", field="agreement"
        )
    if AgentRegistration.objects.filter(
        uscc=unit["uscc"], agent_id_number_hash=agent_hash, status__in=OPEN_STATES
    ).exists():
        raise ValidationFailed(OPEN_EXISTS, code="agent_registration.open_exists", field="uscc")
    mobile_claim_free(
        organisation_key=organisation_claim_key(uscc=unit["uscc"]),
        mobile=number,
        message=MOBILE_TAKEN,
    )
    files = agent_uploads_check(files or {})
    if not (sms_code or "").strip():
        raise ValidationFailed("请填写短信验证码", code="sms_code.empty", field="sms_code")
    verification_code_check(mobile=number, purpose=SMS_CODE_PURPOSE, code=sms_code)
    now = timezone.now()
    expires_at = now + datetime.timedelta(seconds=conf.draft_ttl_seconds())
    with transaction.atomic():
        application = AgentRegistration.objects.create(
            reference=_new_reference(now),
            status=AgentStatus.DRAFT,
            location=Location.IN_PROVINCE,
            legal_rep_id_number_hash=id_number_hash(unit["legal_rep_id_number"]),
            legal_rep_mobile_hash=mobile_hash(unit["legal_rep_mobile"]),
            username=username,
            password_hash=make_password(password),
            agent_name=agent_name,
            agent_id_type=agent_id_type,
            agent_id_number=agent_number,
            agent_id_number_hash=agent_hash,
            agent_mobile=number,
            agent_mobile_hash=mobile_hash(number),
            expires_at=expires_at,
            **unit,
        )
        _claim(
            uscc=unit["uscc"],
            mobile=number,
            holder=application.claim_holder,
            expires_at=expires_at,
            actor=actor,
        )
        _store_uploads(files, application=application, owner_token=owner_token, actor=actor)
        record_event(
            "agent_registration.started",
            actor=actor,
            subject=application,
            after={"uscc": unit["uscc"], "mobile": mask_mobile(number)},
        )
    return application


def upload_label(kind: str) -> str:
    """The label of an upload field of the agent's form (named by every refusal)."""
    return str(AGENT_UPLOAD_LABELS[kind])


def agent_uploads_check(files: Mapping[str, Any]) -> dict[str, Any]:
    """上传证件: both files present and each a JPEG or PNG by content within the limits of
    the ``uploads`` app (a PNG is stored re-encoded as a JPEG); ``ValidationFailed`` naming
    the field (``upload.missing`` or an ``upload.*`` refusal) otherwise. Returns the files,
    rewound."""
    checked: dict[str, Any] = {}
    for kind in AGENT_UPLOAD_KINDS:
        file = files.get(kind)
        label = upload_label(kind)
        if not file:
            raise ValidationFailed(f"请上传{label}", code="upload.missing", field=kind)
        try:
            prepare_jpeg(
                read_limited(file, label=label, field=kind),
                label=label,
                field=kind,
                allow_png=True,
            )
        finally:
            file.seek(0)
        checked[kind] = file
    return checked


def _store_uploads(
    files: Mapping[str, Any], *, application: AgentRegistration, owner_token: str, actor: Any
) -> None:
    """Store (encrypted) and attach the checked uploads to the draft; called inside the
    draft's transaction, so a failure leaves neither (an orphan file is purged daily)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    token = owner_token or ("" if user is not None else new_owner_token())
    for kind in AGENT_UPLOAD_KINDS:
        upload = upload_store(
            file=files[kind],
            kind=kind,
            actor=user,
            owner_token=token,
            field=kind,
            label=upload_label(kind),
            allow_png=True,
        )
        upload_attach(upload=upload, subject=application, actor=user)


def agent_sms_code_send(*, mobile: str, actor: Any = None) -> Any:
    """Send the registration SMS code to the agent's mobile (rate limits of
    ``verification_code_send``)."""
    from zhengwu.notifications.services import verification_code_send

    number = mobile_validate(number=mobile)
    return verification_code_send(mobile=number, purpose=SMS_CODE_PURPOSE, actor=actor)


def agent_draft_cancel(*, application: AgentRegistration, actor: Any = None) -> None:
    """取消提交 before 确认提交: the draft and its hold on the mobile are removed (seed 002:
    the agent returns to the form to correct the legal representative's mobile)."""
    with transaction.atomic():
        locked = AgentRegistration.objects.select_for_update().filter(pk=application.pk).first()
        if locked is None:
            return
        if locked.status != AgentStatus.DRAFT:
            raise IllegalTransition(
                f"当前状态为“{locked.get_status_display()}”，不能取消", code="illegal_transition"
            )
        accounts.mobile_claim_release(holder=locked.claim_holder)
        record_event("agent_registration.cancelled", actor=actor, subject=locked)
        locked.delete()


def agent_face_start(*, application: AgentRegistration, actor: Any = None) -> FaceCheckSession:
    """The agent's own face check (like the wizard's step 3), bound to the agent's ID number."""
    if application.status != AgentStatus.DRAFT:
        raise ValidationFailed("申请已提交", code="registration.wrong_step")
    if application.is_draft_expired:
        raise DraftExpired()
    session = identity_provider().start_check(
        FaceCheckRequest(
            name=application.agent_name,
            id_type=application.agent_id_type,
            id_number=application.agent_id_number,
            purpose=FACE_PURPOSE_REGISTRATION,
            subject=application.claim_holder,
        )
    )
    AgentRegistration.objects.filter(pk=application.pk, status=AgentStatus.DRAFT).update(
        agent_face_token=session.token,
        agent_face_qr_payload=session.qr_payload,
        agent_face_passed_at=None,
    )
    application.agent_face_token = session.token
    application.agent_face_qr_payload = session.qr_payload
    application.agent_face_passed_at = None
    record_event("agent_registration.face_started", actor=actor, subject=application)
    return session


def agent_face_poll(*, application: AgentRegistration, actor: Any = None) -> FaceCheckResult:
    """The agent's face-check result; passed → recorded on the draft (the confirmation page
    opens)."""
    if application.agent_face_passed_at is not None or application.status != AgentStatus.DRAFT:
        return FaceCheckResult(status=FaceCheckStatus.PASSED)
    if not application.agent_face_token:
        raise ValidationFailed("请先开始实名认证", code="registration.face_not_started")
    result = identity_provider().get_result(application.agent_face_token)
    if result.is_passed:
        now = timezone.now()
        AgentRegistration.objects.filter(
            pk=application.pk, agent_face_token=application.agent_face_token
        ).update(agent_face_passed_at=now)
        application.agent_face_passed_at = now
        record_event("agent_registration.face_passed", actor=actor, subject=application)
    elif result.is_final:
        face_failed_record(
            "agent_registration.face_failed", actor=actor, subject=application, result=result
        )
    return result


def _letter(application: AgentRegistration, values: Mapping[str, Any] | None = None) -> bytes:
    data = {
        name: getattr(application, name)
        for name in (
            "organisation_name",
            "uscc",
            "legal_rep_name",
            "legal_rep_id_number",
            "agent_name",
            "agent_id_number",
        )
    }
    data.update({k: v for k, v in (values or {}).items() if k in data})
    return authorisation_letter_pdf(reference=application.reference, **data)


def _signing_changes(letter: bytes, now: datetime.datetime) -> tuple[dict[str, Any], str]:
    """The fields written on (re-)entering 签名中: a new letter, a new link (the old token's
    hash is replaced, so the old link is dead) and a new 48-hour deadline."""
    token = _new_token()
    return (
        {
            "letter_pdf": letter,
            "letter_sha256": hashlib.sha256(letter).hexdigest(),
            "sign_token": token,
            "sign_token_hash": _token_hash(token),
            "sign_sent_at": now,
            "sign_deadline_at": now + datetime.timedelta(hours=SIGNING_HOURS),
            "sign_face_token": "",
            "sign_face_qr_payload": "",
            "signed_pdf": b"",
            "signed_at": None,
            "signer_subject": "",
        },
        token,
    )


def _signature_request_sms(application: AgentRegistration, *, actor: Any) -> None:
    assert application.sign_deadline_at is not None
    sms_send(
        mobile=application.legal_rep_mobile,
        template="mandate.signature_requested",
        params={
            "agent": application.agent_name,
            "organisation": application.organisation_name,
            "deadline": f"{timezone.localtime(application.sign_deadline_at):%Y-%m-%d %H:%M}",
            "link": sign_link(application),
        },
        actor=actor,
        subject=application,
    )


def agent_registration_submit(
    *, application: AgentRegistration, actor: Any = None
) -> AgentRegistration:
    """确认提交 (待提交 → 签名中): the agent's face check must have passed. Creates the agent's
    account (inactive until approved), the letter and the signing link; holds the mobile
    until decided (REG-8); SMS ``mandate.signature_requested`` to the legal representative."""
    if application.status != AgentStatus.DRAFT:
        raise IllegalTransition(
            f"当前状态为“{application.get_status_display()}”，不能提交", code="illegal_transition"
        )
    if application.is_draft_expired:
        raise DraftExpired()
    if application.agent_face_passed_at is None or not application.agent_face_token:
        raise ValidationFailed("请先完成代理人实名认证", code="registration.face_required")
    result = identity_provider().get_result(application.agent_face_token)
    if not result.is_passed:
        raise ValidationFailed("请先完成代理人实名认证", code="registration.face_required")
    letter = _letter(application)
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = AgentRegistration.objects.select_for_update().get(pk=application.pk)
            if locked.agent_face_token != application.agent_face_token:
                raise ValidationFailed("实名认证已失效，请重新认证", code="registration.face_stale")
            if User.objects.filter(username__iexact=locked.username).exists():
                raise username_taken_error()
            user = User(
                username=locked.username,
                password=locked.password_hash,
                kind=User.Kind.LEGAL_PERSON,
                real_name=locked.agent_name,
                id_type=locked.agent_id_type,
                id_number=locked.agent_id_number,
                id_number_hash=locked.agent_id_number_hash,
                mobile=locked.agent_mobile,
                mobile_hash=locked.agent_mobile_hash,
                is_active=False,  # REG-10: active once a reviewer approves
            )
            user.save()
            record_event(
                "user.created",
                actor=actor,
                subject=user,
                after={"kind": user.kind, "active": False},
            )
            _claim(
                uscc=locked.uscc,
                mobile=locked.agent_mobile,
                holder=locked.claim_holder,
                expires_at=None,
                actor=actor,
            )
            # 上传证件 now belong to the agent's account (visible to them once signed in).
            for upload in agent_uploads(locked).values():
                upload_attach(upload=upload, subject=locked, owner=user, actor=actor)
            changes, _token = _signing_changes(letter, now)
            application = transition(
                locked,
                AgentStatus.SIGNING,
                actor=actor,
                event_type="agent_registration.submitted",
                changes={
                    **changes,
                    "user": user,
                    "expires_at": None,
                    "submitted_at": now,
                    "submission_count": locked.submission_count + 1,
                },
            )
            _signature_request_sms(application, actor=actor)
    except IntegrityError as exc:
        if "username" in str(exc).lower():
            raise username_taken_error() from exc
        raise ValidationFailed(
            OPEN_EXISTS, code="agent_registration.open_exists", field="uscc"
        ) from exc
    return application


def agent_registration_resend(
    *, application: AgentRegistration, actor: Any = None
) -> AgentRegistration:
    """重新提交 (REG-10): after 签名超时 or 拒签, or while 签名中 when the SMS did not arrive:
    a new letter and link (the old link dies), a new 48-hour deadline, the SMS again."""
    application = agent_registration_expire_if_due(application=application)
    if application.status not in (AgentStatus.SIGNING, AgentStatus.TIMED_OUT, AgentStatus.REFUSED):
        raise IllegalTransition(
            f"当前状态为“{application.get_status_display()}”，不能重新提交",
            code="illegal_transition",
        )
    letter = _letter(application)
    now = timezone.now()
    with transaction.atomic():
        changes, _token = _signing_changes(letter, now)
        application = transition(
            application,
            AgentStatus.SIGNING,
            actor=actor,
            event_type="agent_registration.resubmitted",
            changes={**changes, "submission_count": application.submission_count + 1},
        )
        _signature_request_sms(application, actor=actor)
    return application


def agent_registration_update(
    *, application: AgentRegistration, values: Mapping[str, Any], actor: Any = None
) -> AgentRegistration:
    """返回修改 / 修改后重新提交 (REG-10).

    Before the signature (签名中, 签名超时, 拒签) any change goes back to 签名中 with a new
    letter and link. After a rejection (不通过), a change of the legal representative's name,
    ID number or mobile, the unit name, the USCC or the letter needs a new signature (→ 签名中);
    other changes go straight back to 待审核 with a new review deadline.
    """
    application = agent_registration_expire_if_due(application=application)
    if application.status not in EDITABLE_STATES:
        raise IllegalTransition(
            f"当前状态为“{application.get_status_display()}”，不能修改", code="illegal_transition"
        )
    unit = agent_unit_validate(**{k: values.get(k, "") for k in _UNIT_FIELDS})
    if id_number_hash(unit["legal_rep_id_number"]) == application.agent_id_number_hash:
        raise ValidationFailed(
            AGENT_IS_LEGAL_REP, code="agent.is_legal_rep", field="legal_rep_id_number"
        )
    if unit["legal_rep_mobile"] == application.agent_mobile:
        raise ValidationFailed(SAME_MOBILE, code="legal_rep_mobile.same", field="legal_rep_mobile")
    changed = sorted(name for name, value in unit.items() if getattr(application, name) != value)
    resign = any(name in RESIGN_FIELDS for name in changed)
    was_rejected = application.status == AgentStatus.REJECTED
    now = timezone.now()
    to_pending = was_rejected and not resign
    due = agent_review_deadline(now) if to_pending else None
    letter = _letter(application, unit) if not to_pending else b""
    hashes = {
        "legal_rep_id_number_hash": id_number_hash(unit["legal_rep_id_number"]),
        "legal_rep_mobile_hash": mobile_hash(unit["legal_rep_mobile"]),
    }
    common = {
        **unit,
        **hashes,
        "submission_count": application.submission_count + 1,
        "reason": "",
        "reason_code": "",
        "decided_by": None,
        "decided_at": None,
    }
    try:
        with transaction.atomic():
            old_uscc = application.uscc
            if was_rejected or unit["uscc"] != old_uscc:
                accounts.mobile_claim_release(holder=application.claim_holder)
                _claim(
                    uscc=unit["uscc"],
                    mobile=application.agent_mobile,
                    holder=application.claim_holder,
                    expires_at=None,
                    actor=actor,
                )
            if to_pending:
                application = transition(
                    application,
                    AgentStatus.PENDING,
                    actor=actor,
                    event_type="agent_registration.resubmitted",
                    changes={**common, "submitted_at": now, "deadline_at": due},
                )
            else:
                changes, _token = _signing_changes(letter, now)
                application = transition(
                    application,
                    AgentStatus.SIGNING,
                    actor=actor,
                    event_type="agent_registration.resubmitted",
                    changes={**common, **changes, "deadline_at": None},
                )
                _signature_request_sms(application, actor=actor)
            record_event(
                "agent_registration.changed",
                actor=actor,
                subject=application,
                after={"fields": changed, "needs_signature": not to_pending},
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            OPEN_EXISTS, code="agent_registration.open_exists", field="uscc"
        ) from exc
    return application


_UNIT_FIELDS = (
    "legal_person_type",
    "organisation_name",
    "uscc",
    "legal_rep_name",
    "legal_rep_id_type",
    "legal_rep_id_number",
    "legal_rep_mobile",
    "landline",
)
