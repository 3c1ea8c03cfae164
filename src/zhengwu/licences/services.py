"""Writes of electronic licences: issuing, revoking, issuer keys, face-verified access (LIC-1/2/3).

Every function takes the acting user (or issuer) as ``actor=``; the outermost service owns the
transaction; status changes go through ``core.workflow.transition``.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership, Organisation, User
from zhengwu.audit.services import record_event
from zhengwu.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhengwu.core.workflow import transition
from zhengwu.identifiers import InvalidIdentifier, licence_id, uscc
from zhengwu.integrations.identity.base import FaceCheckRequest, FaceCheckResult, FaceCheckSession
from zhengwu.integrations.loading import get_provider
from zhengwu.notifications.services import sms_send

from . import constants as c
from .models import Issuer, Licence, LicenceAccess, LicenceAccessRequest, LicenceFaceCheck
from .selectors import facts_cache_key

FACE_PURPOSE = "licence_view"
ISSUER_KEY_PREFIX = "zwl_"
MAX_PARTICULARS = 30


class IssuerAuthFailed(PermissionDenied):
    code = "issuer.unauthorised"
    message = "发证部门接口密钥无效"
    status = 401


# --- issuers --------------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    # Keys are 32 random bytes: a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(key.encode()).hexdigest()


def issuer_key_create(*, issuer_uscc: str, name: str, actor: Any) -> tuple[Issuer, str]:
    """Create (or re-key) the issuer ``issuer_uscc``; return it and the new clear key, which is
    shown once and never stored."""
    try:
        code = uscc.validate(issuer_uscc)
    except InvalidIdentifier as exc:
        raise ValidationFailed(exc.message, code=exc.code, field="uscc") from exc
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("请填写颁发机构名称", code="name.empty", field="name")
    key = ISSUER_KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        issuer, _ = Issuer.objects.update_or_create(
            uscc=code, defaults={"name": name, "key_hash": _key_hash(key), "is_active": True}
        )
        record_event(c.EVENT_ISSUER_KEY_CREATED, actor=actor, subject=issuer)
    return issuer, key


def issuer_authenticate(*, key: str | None) -> Issuer:
    """The active issuer whose API key is ``key``; ``IssuerAuthFailed`` (401) otherwise, with a
    durable audit event."""
    issuer = None
    if key and key.startswith(ISSUER_KEY_PREFIX):
        issuer = Issuer.objects.filter(key_hash=_key_hash(key), is_active=True).first()
    if issuer is None:
        record_event(c.EVENT_ISSUER_AUTH_FAILED, actor="anonymous", outcome="failure", durable=True)
        raise IssuerAuthFailed()
    return issuer


# --- issuing and revoking -------------------------------------------------------------------


def _forget_now(identifier: str) -> None:
    cache.delete(facts_cache_key(identifier))


def _forget_facts(identifier: str) -> None:
    """Drop the verification page's cached facts after commit (selectors.licence_public_facts)."""
    transaction.on_commit(lambda: _forget_now(identifier))


def _date(value: Any, *, field: str, label: str, required: bool = True) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text or text == "长期":
        if required:
            raise ValidationFailed(f"请填写{label}", code=f"{field}.empty", field=field)
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"{label}格式应为 YYYY-MM-DD，实际为“{text[:20]}”", code=f"{field}.invalid", field=field
        ) from None


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code=f"{field}.empty", field=field)
    if len(text) > max_length:
        raise ValidationFailed(
            f"{label}不能超过{max_length}个字", code=f"{field}.too_long", field=field
        )
    return text


def _particulars(value: Any) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise ValidationFailed(
            "照面信息应为“名称: 内容”的键值对", code="particulars.invalid", field="particulars"
        )
    if len(value) > MAX_PARTICULARS:
        raise ValidationFailed(
            f"照面信息最多{MAX_PARTICULARS}项", code="particulars.too_many", field="particulars"
        )
    out = {}
    for key, item in value.items():
        name = _text(key, field="particulars", label="照面信息名称", max_length=30)
        out[name] = _text(item, field="particulars", label=f"照面信息“{name}”", max_length=500)
    return out


def licence_issue(
    *,
    issuer: Issuer,
    licence_type: str,
    holder_uscc: str,
    holder_name: str,
    issued_on: Any,
    valid_from: Any = None,
    valid_until: Any = None,
    number: str = "",
    particulars: Any = None,
    source: str,
    actor: Any,
) -> Licence:
    """Issue a licence to the unit ``holder_uscc`` (LIC-1) with a new GB/T 36904 identifier.

    Every field is checked and a wrong one raises ``ValidationFailed`` naming it. The number
    (证照编号) defaults to the USCC for the business licence and the credit-code certificate,
    whose number *is* the USCC; one number per type and issuer (database constraint).
    """
    if licence_type not in c.LicenceType.values:
        raise ValidationFailed(
            "证照类型不正确，可选：" + "、".join(str(x.label) for x in c.LicenceType),
            code="licence_type.invalid",
            field="licence_type",
        )
    try:
        holder = uscc.validate(holder_uscc or "")
    except InvalidIdentifier as exc:
        raise ValidationFailed(
            "持证主体代码：" + exc.message, code=exc.code, field="holder_uscc"
        ) from exc
    name = _text(holder_name, field="holder_name", label="持证主体名称", max_length=200)
    issued = _date(issued_on, field="issued_on", label="颁发日期")
    assert issued is not None  # required=True
    start = _date(valid_from, field="valid_from", label="有效期起始日期", required=False) or issued
    end = _date(valid_until, field="valid_until", label="有效期截止日期", required=False)
    if end is not None and end < start:
        raise ValidationFailed(
            "有效期截止日期不能早于起始日期", code="valid_until.before_start", field="valid_until"
        )
    if not number and licence_type in (
        c.LicenceType.BUSINESS_LICENCE,
        c.LicenceType.CREDIT_CODE_CERTIFICATE,
    ):
        number = holder
    number = _text(number, field="number", label="证照编号", max_length=64)
    details = _particulars(particulars)
    if Licence.objects.filter(licence_type=licence_type, number=number, issuer=issuer).exists():
        raise ValidationFailed(f"证照编号“{number}”已存在", code="number.duplicate", field="number")
    for _attempt in range(3):
        serial = f"{issued:%Y}{secrets.randbelow(10**10):010d}"
        identifier = licence_id.build(
            type_code=c.TYPE_CODES[licence_type], issuer_uscc=issuer.uscc, serial=serial
        )
        try:
            with transaction.atomic():
                licence = Licence.objects.create(
                    identifier=identifier,
                    licence_type=licence_type,
                    number=number,
                    holder_uscc=holder,
                    holder_name=name,
                    issuer=issuer,
                    issued_on=issued,
                    valid_from=start,
                    valid_until=end,
                    particulars=details,
                    source=source,
                    created_by=actor if isinstance(actor, User) else None,
                )
                _forget_facts(identifier)
                record_event(
                    c.EVENT_ISSUED,
                    actor=actor if isinstance(actor, User) else f"issuer:{issuer.uscc}",
                    subject=licence,
                    after={"identifier": identifier, "type": licence_type, "holder": holder},
                )
            return licence
        except IntegrityError:
            if Licence.objects.filter(
                licence_type=licence_type, number=number, issuer=issuer
            ).exists():
                raise ValidationFailed(
                    f"证照编号“{number}”已存在", code="number.duplicate", field="number"
                ) from None
            continue  # identifier collision: draw another serial
    raise ValidationFailed("证照标识生成失败，请重试", code="identifier.collision")


def licence_revoke(
    *, licence: Licence, reason: str, actor: Any, issuer: Issuer | None = None
) -> Licence:
    """Revoke (注销) a licence. An issuer may revoke only its own licences (others: 404)."""
    if issuer is not None and licence.issuer_id != issuer.pk:
        raise NotFound("证照不存在")
    text = _text(reason, field="reason", label="注销原因", max_length=200)
    return transition(
        licence,
        c.LicenceStatus.REVOKED,
        actor=actor if isinstance(actor, User) else f"issuer:{licence.issuer.uscc}",
        reason=text,
        event_type=c.EVENT_REVOKED,
        changes={"revoked_at": timezone.now(), "revoke_reason": text},
        on_commit=lambda: _forget_now(licence.identifier),
    )


# --- LIC-2: face-verified access ------------------------------------------------------------


def _identity() -> Any:
    return get_provider("ZHENGWU_IDENTITY_BACKEND")


def is_legal_representative(*, organisation: Organisation, user: User) -> bool:
    """An active LR membership *and* the ID number the register has for the LR (blind index)."""
    return (
        bool(user.id_number_hash)
        and user.id_number_hash == organisation.legal_rep_id_number_hash
        and Membership.objects.filter(
            organisation=organisation,
            user=user,
            role=Role.LEGAL_REPRESENTATIVE,
            is_active=True,
        ).exists()
    )


def licence_access_face_start(
    *,
    organisation: Organisation,
    actor: User,
    access_request: LicenceAccessRequest | None = None,
) -> FaceCheckSession:
    """Start the legal representative's face check, bound to the LR's ID number as the
    register knows it (LIC-2). With ``access_request``, passing it grants that request."""
    if not organisation.uscc or not is_legal_representative(organisation=organisation, user=actor):
        raise PermissionDenied(
            "只有本单位的法定代表人本人可以进行人脸核验", code="licences.not_legal_representative"
        )
    if access_request is not None and (
        access_request.holder_uscc != organisation.uscc
        or access_request.status != c.AccessRequestStatus.PENDING
    ):
        raise ValidationFailed("该查看申请已处理", code="access_request.closed")
    session = _identity().start_check(
        FaceCheckRequest(
            name=organisation.legal_rep_name,
            id_type=organisation.legal_rep_id_type,
            id_number=organisation.legal_rep_id_number,
            purpose=FACE_PURPOSE,
            subject=f"licences.organisation:{organisation.uscc}",
        )
    )
    LicenceFaceCheck.objects.create(
        token=session.token,
        user=actor,
        holder_uscc=organisation.uscc,
        access_request=access_request,
    )
    return session


def licence_access_face_poll(*, token: str, actor: User) -> FaceCheckResult:
    """The result of the actor's face check ``token``; on the first pass, opens the window
    (``ZHENGWU_LICENCE_ACCESS_MINUTES``) for the LR, or grants the operator's request."""
    check = LicenceFaceCheck.objects.filter(token=token, user=actor).first()
    if check is None:
        raise NotFound("人脸核验不存在")
    result = _identity().get_result(token)
    if not result.is_final:
        return result
    if not result.is_passed:
        record_event(
            c.EVENT_FACE_FAILED,
            actor=actor,
            subject=("licences.holder", check.holder_uscc),
            outcome="failure",
            durable=True,
        )
        return result
    with transaction.atomic():
        locked = LicenceFaceCheck.objects.select_for_update().get(pk=check.pk)
        if locked.used_at is not None:
            return result
        updated = LicenceFaceCheck.objects.filter(pk=check.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if updated != 1:
            return result
        record_event(
            c.EVENT_FACE_PASSED, actor=actor, subject=("licences.holder", check.holder_uscc)
        )
        user = actor
        if locked.access_request is not None:
            request = transition(
                locked.access_request,
                c.AccessRequestStatus.GRANTED,
                actor=actor,
                event_type=c.EVENT_ACCESS_GRANTED,
                changes={"decided_at": timezone.now()},
            )
            user = request.requester
        _open_window(holder_uscc=check.holder_uscc, user=user, granted_by=actor)
    return result


def _open_window(*, holder_uscc: str, user: User, granted_by: User) -> LicenceAccess:
    now = timezone.now()
    return LicenceAccess.objects.create(
        holder_uscc=holder_uscc,
        user=user,
        granted_by=granted_by,
        verified_at=now,
        expires_at=now + datetime.timedelta(minutes=settings.ZHENGWU_LICENCE_ACCESS_MINUTES),
    )


def licence_access_request_create(
    *, organisation: Organisation, actor: User
) -> LicenceAccessRequest:
    """An operator (or administrator) asks the legal representative to open the licences;
    the LR gets an SMS through the outbox (LIC-2). One open request per person and unit."""
    if (
        not organisation.uscc
        or not Membership.objects.filter(
            organisation=organisation, user=actor, is_active=True
        ).exists()
    ):
        raise NotFound("单位不存在")
    recipients = sorted(
        {
            m.user.mobile
            for m in Membership.objects.filter(
                organisation=organisation, role=Role.LEGAL_REPRESENTATIVE, is_active=True
            ).select_related("user")
            if m.user.mobile and m.user.pk != actor.pk
        }
    )
    if not recipients:
        raise ValidationFailed(
            "本单位的法定代表人尚未注册账号，无法授权查看证照",
            code="access_request.no_legal_representative",
        )
    try:
        with transaction.atomic():
            request = LicenceAccessRequest.objects.create(
                holder_uscc=organisation.uscc, requester=actor
            )
            record_event(c.EVENT_ACCESS_REQUESTED, actor=actor, subject=request)
            for mobile in recipients:
                sms_send(
                    mobile=mobile,
                    template="licences.access_requested",
                    params={
                        "applicant": actor.real_name or actor.username,
                        "organisation": organisation.name,
                        "portal": settings.ZHENGWU_PORTAL_NAME,
                    },
                    actor=actor,
                    subject=request,
                )
    except IntegrityError:
        raise ValidationFailed(
            "您已提交查看申请，请等待法定代表人授权", code="access_request.pending"
        ) from None
    return request


def licence_access_request_decline(
    *, access_request: LicenceAccessRequest, organisation: Organisation, actor: User
) -> LicenceAccessRequest:
    """The legal representative declines an operator's request (no face check needed)."""
    if access_request.holder_uscc != organisation.uscc or not is_legal_representative(
        organisation=organisation, user=actor
    ):
        raise NotFound("申请不存在")
    return transition(
        access_request,
        c.AccessRequestStatus.DECLINED,
        actor=actor,
        changes={"decided_at": timezone.now()},
    )


# --- viewing and downloading ----------------------------------------------------------------


def _require_access(*, licence: Licence, actor: User) -> None:
    from .selectors import licence_access_until

    if licence_access_until(user=actor, holder_uscc=licence.holder_uscc) is None:
        raise PermissionDenied(
            "查看或下载电子证照前需要法定代表人人脸核验", code="licences.face_required"
        )


def licence_view(*, licence: Licence, actor: User) -> Licence:
    """Record that ``actor`` viewed ``licence`` (audited); needs an open window (LIC-2)."""
    _require_access(licence=licence, actor=actor)
    record_event(c.EVENT_VIEWED, actor=actor, subject=licence)
    return licence


def licence_download(*, licence: Licence, actor: User) -> bytes:
    """The signed PDF of ``licence`` (LIC-3) for ``actor``; needs an open window (LIC-2);
    every download audited."""
    from .pdf import licence_pdf

    _require_access(licence=licence, actor=actor)
    pdf = licence_pdf(licence)
    record_event(c.EVENT_DOWNLOADED, actor=actor, subject=licence)
    return pdf
