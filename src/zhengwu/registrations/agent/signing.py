"""The signing link and the legal representative's side of the agent path (REG-10).

The agent's submission sends a signed random link (``sign_link``; only its hash is kept) to the
legal representative, who opens it (``agent_sign_get``), passes a face check bound to their ID
number (``agent_sign_face_start`` / ``agent_sign_face_poll``) and signs the 授权委托书 with the
``esign`` provider (``agent_letter_sign``: 签名中 → 待审核) or refuses it (``agent_letter_refuse``:
拒签). 签名超时 is 48 hours after the link was sent: applied by ``agent_signatures_expire`` (task
and command) and by ``agent_registration_expire_if_due`` wherever an application is used.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.constants import IdType
from zhengwu.accounts.models import User
from zhengwu.audit.services import record_event
from zhengwu.core.errors import IllegalTransition, NotFound, ValidationFailed
from zhengwu.core.workflow import transition
from zhengwu.integrations.conf import site_url
from zhengwu.integrations.esign import ESignError, SignRequest, get_esign
from zhengwu.integrations.identity.base import (
    FaceCheckRequest,
    FaceCheckResult,
    FaceCheckSession,
)
from zhengwu.notifications.services import sms_send
from zhengwu.workdays.selectors import deadline

from .. import conf
from ..common.face import face_failed_record, identity_provider
from ..models import AgentRegistration
from .constants import (
    FACE_PURPOSE_MANDATE,
    SIGN_LINK_SALT,
    AgentReviewRule,
    AgentStatus,
)
from .letter import SIGN_REASON

SYSTEM_ACTOR = "system:agent_signature_timeout"
LINK_DEAD = "签名链接无效或已失效，请联系代理人重新发送"


def agent_review_deadline(start: datetime.datetime) -> datetime.datetime:
    """The review deadline of a case that entered 待审核 at ``start`` (REG-10, CAL-1),
    per ``ZHENGWU_AGENT_REVIEW_RULE``. Raises ``CalendarNotCovered`` for an unencoded year."""
    if conf.agent_review_rule() == AgentReviewRule.WORKING_HOURS_48:
        return deadline(start, working_hours=48)
    return deadline(start, working_days=1)


# --- validation -------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    """A random token signed with the site's key (no personal data in the URL)."""
    return signing.Signer(salt=SIGN_LINK_SALT, sep=".").sign(secrets.token_urlsafe(24))


def sign_link(application: AgentRegistration) -> str:
    """The absolute signing link of the current token ("" when there is none)."""
    if not application.sign_token:
        return ""
    return site_url() + reverse("registrations:agent_sign", args=[application.sign_token])


def _link_close(
    application: AgentRegistration,
    status: str,
    *,
    actor: Any,
    sms_actor: Any,
    event_type: str,
    template: str,
) -> AgentRegistration:
    """签名中 → 签名超时 / 拒签 inside the caller's transaction: the signing link dies and the
    agent is told by SMS ``template``."""
    moved = transition(
        application,
        status,
        actor=actor,
        event_type=event_type,
        changes={"sign_token": "", "sign_token_hash": "", "sign_face_token": ""},
    )
    sms_send(
        mobile=moved.agent_mobile,
        template=template,
        params={"organisation": moved.organisation_name},
        actor=sms_actor,
        subject=moved,
    )
    return moved


def _time_out(application: AgentRegistration) -> AgentRegistration | None:
    try:
        with transaction.atomic():
            locked = AgentRegistration.objects.select_for_update().get(pk=application.pk)
            if not locked.is_signing_overdue:
                return None
            return _link_close(
                locked,
                AgentStatus.TIMED_OUT,
                actor=SYSTEM_ACTOR,
                sms_actor=SYSTEM_ACTOR,
                event_type="agent_registration.signature_timed_out",
                template="mandate.signature_timed_out",
            )
    except IllegalTransition:  # signed or moved by somebody else meanwhile
        return None


def agent_registration_expire_if_due(*, application: AgentRegistration) -> AgentRegistration:
    """On read: a signing past its 48-hour deadline becomes 签名超时 now (REG-10), whether or
    not the worker has run. Returns the current row."""
    if application.is_signing_overdue:
        moved = _time_out(application)
        if moved is not None:
            return moved
        application.refresh_from_db()
    return application


def agent_signatures_expire(*, now: datetime.datetime | None = None) -> int:
    """Move every signing past its deadline to 签名超时 and tell the agent (task/command)."""
    moment = now or timezone.now()
    count = 0
    for application in AgentRegistration.objects.filter(
        status=AgentStatus.SIGNING, sign_deadline_at__lte=moment
    ).only("pk"):
        if _time_out(application) is not None:
            count += 1
    return count


# --- the legal representative's side ----------------------------------------------------------


def agent_sign_get(*, token: str) -> AgentRegistration:
    """The application whose current signing link is ``token``; ``NotFound`` for a forged,
    replaced, used or timed-out link (the same message: nothing to learn from a guess)."""
    try:
        signing.Signer(salt=SIGN_LINK_SALT, sep=".").unsign(token)
    except signing.BadSignature:
        raise NotFound(LINK_DEAD, code="agent_sign.link_dead") from None
    application = AgentRegistration.objects.filter(sign_token_hash=_token_hash(token)).first()
    if application is None:
        raise NotFound(LINK_DEAD, code="agent_sign.link_dead")
    application = agent_registration_expire_if_due(application=application)
    if application.status != AgentStatus.SIGNING or application.sign_token_hash != _token_hash(
        token
    ):
        raise NotFound(LINK_DEAD, code="agent_sign.link_dead")
    return application


def _check_link(application: AgentRegistration, token: str) -> None:
    if application.status != AgentStatus.SIGNING or application.sign_token_hash != _token_hash(
        token
    ):
        raise NotFound(LINK_DEAD, code="agent_sign.link_dead")
    if application.is_signing_overdue:
        raise NotFound(LINK_DEAD, code="agent_sign.link_dead")


def agent_sign_face_start(
    *, application: AgentRegistration, token: str, actor: Any = None
) -> FaceCheckSession:
    """The legal representative's face check, bound to their resident ID number."""
    _check_link(application, token)
    session = identity_provider().start_check(
        FaceCheckRequest(
            name=application.legal_rep_name,
            id_type=IdType.RESIDENT_ID,
            id_number=application.legal_rep_id_number,
            purpose=FACE_PURPOSE_MANDATE,
            subject=application.claim_holder,
        )
    )
    AgentRegistration.objects.filter(
        pk=application.pk, sign_token_hash=_token_hash(token), status=AgentStatus.SIGNING
    ).update(sign_face_token=session.token, sign_face_qr_payload=session.qr_payload)
    application.sign_face_token = session.token
    application.sign_face_qr_payload = session.qr_payload
    record_event("agent_registration.signer_face_started", actor=actor, subject=application)
    return session


def agent_sign_face_poll(
    *, application: AgentRegistration, token: str, actor: Any = None
) -> FaceCheckResult:
    """The legal representative's face-check result (signing is a separate, explicit step)."""
    _check_link(application, token)
    if not application.sign_face_token:
        raise ValidationFailed("请先开始人脸识别", code="registration.face_not_started")
    result = identity_provider().get_result(application.sign_face_token)
    if result.is_final and not result.is_passed:
        face_failed_record(
            "agent_registration.signer_face_failed", actor=actor, subject=application, result=result
        )
    return result


def agent_letter_sign(
    *, application: AgentRegistration, token: str, actor: Any = None
) -> AgentRegistration:
    """签署 (签名中 → 待审核): after the legal representative's face check passed, a PAdES
    signature in their name by the ``esign`` provider; the signed letter is stored, the link
    dies, the review deadline starts (``ZHENGWU_AGENT_REVIEW_RULE``)."""
    _check_link(application, token)
    face_token = application.sign_face_token
    if not face_token or not identity_provider().get_result(face_token).is_passed:
        raise ValidationFailed("请先完成法定代表人人脸识别", code="agent_sign.face_required")
    now = timezone.now()
    due = agent_review_deadline(now)
    try:
        signed = get_esign().sign_pdf(
            SignRequest(
                pdf=bytes(application.letter_pdf),
                signer_name=application.legal_rep_name,
                signer_id_number=application.legal_rep_id_number,
                reason=SIGN_REASON,
            )
        )
    except ESignError as exc:
        record_event(
            "agent_registration.signing_failed",
            actor=actor,
            subject=application,
            after={"provider_code": exc.provider_code or "", "permanent": exc.permanent},
            outcome="failure",
            durable=True,
        )
        raise
    with transaction.atomic():
        locked = AgentRegistration.objects.select_for_update().get(pk=application.pk)
        _check_link(locked, token)
        if locked.sign_face_token != face_token:
            raise ValidationFailed("人脸识别已失效，请重新识别", code="agent_sign.face_stale")
        application = transition(
            locked,
            AgentStatus.PENDING,
            actor=actor or f"legal_representative:{application.masked_legal_rep_name}",
            event_type="agent_registration.signed",
            changes={
                "signed_pdf": signed.pdf,
                "signed_at": signed.signed_at,
                "signer_subject": signed.signer_certificate_subject[:300],
                "sign_token": "",
                "sign_token_hash": "",
                "sign_face_token": "",
                "sign_face_qr_payload": "",
                "submitted_at": now,
                "deadline_at": due,
            },
        )
    return application


def agent_letter_refuse(
    *, application: AgentRegistration, token: str, actor: Any = None
) -> AgentRegistration:
    """拒签 (签名中 → 拒签): the link dies; SMS ``mandate.signature_refused`` to the agent."""
    _check_link(application, token)
    with transaction.atomic():
        return _link_close(
            application,
            AgentStatus.REFUSED,
            actor=actor or f"legal_representative:{application.masked_legal_rep_name}",
            sms_actor=actor,
            event_type="agent_registration.refused",
            template="mandate.signature_refused",
        )


# --- the reviewer's decisions -----------------------------------------------------------------


def _user_or_none(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None
