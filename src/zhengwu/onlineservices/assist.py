"""帮办 (SVC-2a): window staff start and fill an application for a unit at the counter; before
提交 the unit's legal representative (or the member it is filed for) confirms with an SMS code
the staff member types in; the case records who helped (``Application.helped_by``).

The code is six digits, valid for ``CODE_MINUTES`` minutes, one per minute at most, five wrong
tries lock it; only its keyed hash is stored.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership, Organisation, User
from zhengwu.audit.services import record_event
from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import PermissionDenied, RateLimited, ValidationFailed
from zhengwu.core.masking import mask_mobile
from zhengwu.identifiers import uscc as uscc_rules
from zhengwu.identifiers._base import InvalidIdentifier
from zhengwu.notifications.services import sms_send

from . import permissions
from .models import Application, ServiceItem

CODE_MINUTES = 10
RESEND_SECONDS = 60
MAX_ATTEMPTS = 5
EVENT_ASSIST_STARTED = "onlineservices.assist_started"
EVENT_ASSIST_CONFIRMED = "onlineservices.assist_confirmed"


def _code_hash(application: Application, code: str) -> str:
    return blind_index(f"{application.pk}:{code}", purpose="assist_code")


def application_assist_start(*, actor: User, item: ServiceItem, uscc: str) -> Application:
    """Open a draft of ``item`` for the registered unit ``uscc``, filed for its legal
    representative's account (or another active member's), helped by ``actor``."""
    from .services import application_start

    if not permissions.can_handle(actor) or not permissions.can_work_on(actor, item.department_id):
        raise PermissionDenied()
    try:
        code = uscc_rules.validate(uscc or "")
    except InvalidIdentifier as exc:
        raise ValidationFailed(exc.message, code=exc.code, field="uscc") from None
    organisation = Organisation.objects.filter(uscc=code, status=Organisation.Status.ACTIVE).first()
    members = Membership.objects.filter(organisation=organisation, is_active=True)
    member = (
        members.filter(role=Role.LEGAL_REPRESENTATIVE).select_related("user").first()
        or members.select_related("user").order_by("pk").first()
    )
    if organisation is None or member is None:
        raise ValidationFailed(
            "该单位尚未在本网站注册账号，请先帮助其注册", code="assist.no_account", field="uscc"
        )
    with transaction.atomic():
        application = application_start(actor=member.user, item=item, organisation=organisation)
        Application.objects.filter(pk=application.pk).update(helped_by=actor)
        application.helped_by = actor
        record_event(EVENT_ASSIST_STARTED, actor=actor, subject=application)
    return application


def application_assist_send_code(*, actor: User, application: Application) -> str:
    """Send the confirmation code to the unit's member; return the masked mobile."""
    if application.helped_by_id != actor.pk:
        raise PermissionDenied()
    mobile = application.applicant.mobile
    if not mobile:
        raise ValidationFailed("该单位账号未绑定手机号", code="assist.no_mobile", field="code")
    now = timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.assist_code_sent_at and now - locked.assist_code_sent_at < datetime.timedelta(
            seconds=RESEND_SECONDS
        ):
            raise RateLimited(f"验证码已发送，请 {RESEND_SECONDS} 秒后再试")
        code = f"{secrets.randbelow(10**6):06d}"
        Application.objects.filter(pk=locked.pk).update(
            assist_code_hash=_code_hash(locked, code),
            assist_code_sent_at=now,
            assist_code_attempts=0,
        )
        sms_send(
            mobile=mobile,
            template="application.assist_code",
            params={
                "organisation": application.applicant_name,
                "item": application.item.name,
                "code": code,
                "minutes": CODE_MINUTES,
            },
            actor=actor,
            subject=application,
            expires_at=now + datetime.timedelta(minutes=CODE_MINUTES),
        )
    return mask_mobile(mobile)


def application_assist_confirm(*, actor: User, application: Application, code: Any) -> Application:
    """The unit's code, typed in by the staff member: the assisted draft may now be submitted."""
    if application.helped_by_id != actor.pk:
        raise PermissionDenied()
    text = "".join(str(code or "").split())
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        sent = locked.assist_code_sent_at
        if not locked.assist_code_hash or sent is None:
            raise ValidationFailed("请先发送验证码", code="assist.no_code", field="code")
        if timezone.now() - sent > datetime.timedelta(minutes=CODE_MINUTES):
            raise ValidationFailed("验证码已过期，请重新发送", code="assist.expired", field="code")
        if locked.assist_code_attempts >= MAX_ATTEMPTS:
            raise ValidationFailed(
                "验证码错误次数过多，请重新发送", code="assist.locked", field="code"
            )
        if not secrets.compare_digest(locked.assist_code_hash, _code_hash(locked, text)):
            Application.objects.filter(pk=locked.pk).update(
                assist_code_attempts=locked.assist_code_attempts + 1
            )
            raise ValidationFailed("验证码不正确", code="assist.wrong_code", field="code")
        now = timezone.now()
        Application.objects.filter(pk=locked.pk).update(
            assist_confirmed_at=now, assist_code_hash=""
        )
        record_event(EVENT_ASSIST_CONFIRMED, actor=actor, subject=locked)
    application.assist_confirmed_at = now
    return application
