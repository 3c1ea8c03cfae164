"""Writes of the organisation centre (组织中心, ACC-4, ACC-5, REG-8 administrator case).

Every function takes the acting user (``actor``), checks the actor's role in the organisation
itself (the views check too, but a service is the last line), runs in one transaction that
locks the rows it changes, and records an audit event naming the actor, the organisation and
the target. SMS codes are checked *before* that transaction (``verification_code_check``
keeps its own durable one); SMS messages leave after commit (outbox).

Roles (anchor: Singapore Corppass's administrator model, adapted to seed 001):

* the legal representative (法定代表人) does everything, and alone grants or withdraws
  administrator rights;
* an administrator (管理员) adds operators, disables/re-enables them and changes their details,
  but cannot touch the legal representative or other administrators, nor grant rights;
* nobody disables or re-assigns their own account here, and the legal representative's
  membership can neither be disabled nor demoted.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from zhengwu.accounts import services as accounts
from zhengwu.accounts.constants import (
    EVENT_ACTIVATION_LINK_FAILED,
    EVENT_ADMIN_GRANTED,
    EVENT_ADMIN_REVOKED,
    EVENT_MOBILE_CHANGED,
    EVENT_OPERATOR_ADD_REDIRECTED,
    EVENT_OPERATOR_ADDED,
    EVENT_OPERATOR_CHANGED,
    EVENT_OPERATOR_DISABLED,
    EVENT_OPERATOR_ENABLED,
    EVENT_PASSWORD_CHANGE_FAILED,
    EVENT_PASSWORD_CHANGED,
    EVENT_PASSWORD_SET,
    Role,
)
from zhengwu.accounts.errors import MobileTaken
from zhengwu.accounts.identity import (
    birth_date_of,
    id_number_hash,
    id_number_validate,
    mobile_hash,
    mobile_validate,
)
from zhengwu.accounts.models import Membership, MobileClaim, Organisation, User
from zhengwu.accounts.selectors import MEMBER_NOT_FOUND, memberships_of
from zhengwu.audit.services import record_event
from zhengwu.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhengwu.core.masking import mask_id_number, mask_mobile, mask_name
from zhengwu.notifications.services import (
    sms_send,
    verification_code_check,
    verification_code_send,
)
from zhengwu.registrations.common import rules
from zhengwu.registrations.common.usernames import username_available as _username_available
from zhengwu.registrations.constants import ApplicationStatus
from zhengwu.registrations.models import OperatorApplication

from .errors import PendingApplicationExists
from .tokens import activation_hours, activation_link, activation_token

#: The verification-code purpose of every mobile bound here (new operator, changed mobile).
SMS_CODE_PURPOSE = "mobile_change"
USERNAME_TAKEN = "用户名已被注册，请更换"
MANAGERS_ONLY = "只有本单位的法定代表人或管理员可以管理经办人"
LEGAL_REP_ONLY = "只有法定代表人可以授权或取消管理员"


def _holder(user: User) -> str:
    return f"accounts.user:{user.pk}"


def _actor_membership(*, actor: User, organisation: Organisation) -> Membership:
    """The actor's active membership (``NotFound`` for strangers: nothing is revealed)."""
    membership = memberships_of(user=actor).filter(organisation=organisation).first()
    if membership is None:
        raise NotFound("单位不存在")
    return membership


def _require_manager(membership: Membership) -> None:
    if membership.role not in (Role.LEGAL_REPRESENTATIVE, Role.ADMINISTRATOR):
        raise PermissionDenied(MANAGERS_ONLY)


def _target(*, organisation: Organisation, member_id: int) -> Membership:
    """The target membership, locked with its user for the rest of the transaction."""
    target = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(organisation=organisation, pk=member_id)
        .first()
    )
    if target is None:
        raise NotFound(MEMBER_NOT_FOUND)
    return target


def _may_manage(*, actor_m: Membership, target: Membership) -> None:
    """Administrators manage plain operators; the legal representative manages everyone but
    himself; nobody manages the legal representative or their own account here."""
    if target.user_id == actor_m.user_id:
        raise PermissionDenied("不能在经办人管理中操作本人账号，请使用“账户设置”")
    if target.role == Role.LEGAL_REPRESENTATIVE:
        raise PermissionDenied("不能操作法定代表人的账号")
    if target.role == Role.ADMINISTRATOR and actor_m.role != Role.LEGAL_REPRESENTATIVE:
        raise PermissionDenied("只有法定代表人可以操作管理员的账号")


def _name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationFailed("请填写姓名", code="real_name.empty", field="real_name")
    if len(name) > 100:
        raise ValidationFailed("姓名不能超过100个字", code="real_name.too_long", field="real_name")
    return name


def _person(*, real_name: str, id_type: str, id_number: str, mobile: str) -> dict[str, str]:
    return {
        "real_name": _name(real_name),
        "id_type": id_type,
        "id_number": id_number_validate(
            id_type=id_type, number=id_number, field="id_number", label="证件号码"
        ),
        "mobile": mobile_validate(number=mobile),
    }


def _mobile_free(*, organisation: Organisation, mobile: str, holder: str = "") -> None:
    """REG-8 early answer (the unique constraint decides at the end): the mobile is bound to
    another account or pending application of the organisation."""
    taken = (
        MobileClaim.objects.filter(
            organisation_key=organisation.claim_key, mobile_hash=mobile_hash(mobile)
        )
        .exclude(holder=holder)
        .exclude(expires_at__lte=timezone.now())
        .exists()
    )
    if taken:
        raise MobileTaken()


def _pending_application(*, organisation: Organisation, id_hash: str) -> OperatorApplication | None:
    return OperatorApplication.objects.filter(
        organisation=organisation, id_number_hash=id_hash, status=ApplicationStatus.PENDING
    ).first()


def _already_member(*, organisation: Organisation, id_hash: str, exclude_user: Any = None) -> None:
    members = Membership.objects.filter(organisation=organisation, user__id_number_hash=id_hash)
    if exclude_user is not None:
        members = members.exclude(user=exclude_user)
    if members.exists():
        raise ValidationFailed(
            "该证件号码的人员已是本单位的经办人", code="operator.already_member", field="id_number"
        )


def _send_activation(*, user: User, organisation: Organisation, actor: User) -> None:
    sms_send(
        mobile=user.mobile,
        template="operator.account_opened",
        params={
            "organisation": organisation.name,
            "username": user.username,
            "hours": activation_hours(),
            "link": activation_link(user),
        },
        actor=actor,
        subject=user,
    )


# --- SMS codes ---


def operator_sms_code_send(*, actor: User, organisation: Organisation, mobile: str) -> Any:
    """Send the code that proves the operator holds ``mobile`` (add / change details). Refused
    at once if the mobile is already bound in the organisation (REG-8)."""
    _require_manager(_actor_membership(actor=actor, organisation=organisation))
    number = mobile_validate(number=mobile)
    _mobile_free(organisation=organisation, mobile=number)
    return verification_code_send(mobile=number, purpose=SMS_CODE_PURPOSE, actor=actor)


def account_sms_code_send(*, user: User, mobile: str) -> Any:
    """Send the code for the signed-in user's own new mobile (账户设置)."""
    number = mobile_validate(number=mobile)
    for membership in memberships_of(user=user):
        _mobile_free(organisation=membership.organisation, mobile=number, holder=_holder(user))
    return verification_code_send(mobile=number, purpose=SMS_CODE_PURPOSE, actor=user)


# --- 添加经办人 (REG-8 administrator case) ---


def operator_add(
    *,
    actor: User,
    organisation: Organisation,
    real_name: str,
    id_type: str,
    id_number: str,
    mobile: str,
    sms_code: str,
    username: str,
) -> Membership:
    """Open an operator account for ``organisation`` (ACC-5; REG-8 administrator case).

    If the person (by ID number) has a pending 经办人申请 here, nothing is created:
    ``PendingApplicationExists`` carries the application so the caller sends the
    administrator to review it. The mobile is bound through ``MobileClaim`` (REG-8, decided
    by the database: of two simultaneous adds one wins, the other gets ``MobileTaken``). The
    account has no usable password; the person gets an SMS link to set one.

    Must not run inside a transaction (the SMS code check keeps its own).
    """
    _require_manager(_actor_membership(actor=actor, organisation=organisation))
    person = _person(real_name=real_name, id_type=id_type, id_number=id_number, mobile=mobile)
    username = rules.username_validate(username)
    id_hash = id_number_hash(person["id_number"])
    pending = _pending_application(organisation=organisation, id_hash=id_hash)
    if pending is not None:
        record_event(
            EVENT_OPERATOR_ADD_REDIRECTED,
            actor=actor,
            subject=pending,
            organisation=organisation,
            after={"application": pending.pk},
        )
        raise PendingApplicationExists(application_id=pending.pk)
    _already_member(organisation=organisation, id_hash=id_hash)
    _username_available(username)
    _mobile_free(organisation=organisation, mobile=person["mobile"])
    verification_code_check(mobile=person["mobile"], purpose=SMS_CODE_PURPOSE, code=sms_code)
    with transaction.atomic():
        # The organisation row lock orders this add after any registration completing for the
        # same organisation (registrations lock it too): the checks below are then stable.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        actor_m = _actor_membership(actor=actor, organisation=organisation)
        _require_manager(actor_m)
        pending = _pending_application(organisation=organisation, id_hash=id_hash)
        if pending is not None:  # submitted while the code was being checked
            raise PendingApplicationExists(application_id=pending.pk)
        _already_member(organisation=organisation, id_hash=id_hash)
        _username_available(username)
        try:
            with transaction.atomic():
                user = accounts.legal_person_user_create(
                    username=username,
                    password_hash=make_password(None),  # unusable until the person sets it
                    actor=actor,
                    **person,
                )
        except IntegrityError:
            raise ValidationFailed(
                USERNAME_TAKEN, code="username.taken", field="username"
            ) from None
        membership = accounts.membership_create(
            organisation=organisation, user=user, role=Role.OPERATOR, actor=actor
        )
        accounts.mobile_claim_acquire(
            organisation_key=organisation.claim_key,
            mobile=person["mobile"],
            holder=_holder(user),
            expires_at=None,
            actor=actor,
            user=user,
        )
        record_event(
            EVENT_OPERATOR_ADDED,
            actor=actor,
            subject=membership,
            organisation=organisation,
            after={
                "user": user.pk,
                "username": user.username,
                "real_name": mask_name(user.real_name),
                "id_number": mask_id_number(user.id_number),
                "mobile": mask_mobile(user.mobile),
                "role": Role.OPERATOR,
            },
        )
        _send_activation(user=user, organisation=organisation, actor=actor)
    return membership


# --- 停用 / 启用 ---


def operator_disable(*, actor: User, organisation: Organisation, member_id: int) -> Membership:
    """Disable an operator (the person left): the account can no longer sign in (also ends its
    open sessions: Django refuses inactive users on every request) and its mobile is freed in
    the organisation (seed 001 三.1: 注销 frees the mobile for re-binding)."""
    with transaction.atomic():
        actor_m = _actor_membership(actor=actor, organisation=organisation)
        _require_manager(actor_m)
        target = _target(organisation=organisation, member_id=member_id)
        _may_manage(actor_m=actor_m, target=target)
        if not target.is_active:
            raise ValidationFailed("该账号已停用", code="operator.already_disabled")
        Membership.objects.filter(pk=target.pk).update(is_active=False)
        user = User.objects.select_for_update().get(pk=target.user_id)
        if not Membership.objects.filter(user=user, is_active=True).exists():
            user.is_active = False
            user.save(update_fields=["is_active"])
        MobileClaim.objects.filter(
            organisation_key=organisation.claim_key, holder=_holder(user)
        ).delete()
        record_event(
            EVENT_OPERATOR_DISABLED,
            actor=actor,
            subject=target,
            organisation=organisation,
            before={"is_active": True},
            after={"is_active": False, "user": user.pk, "mobile_released": True},
        )
    target.refresh_from_db()
    return target


def operator_enable(*, actor: User, organisation: Organisation, member_id: int) -> Membership:
    """Re-enable a disabled operator: the mobile is bound again (``MobileTaken`` if it was
    given to somebody else meanwhile: change the details first — REG-8)."""
    with transaction.atomic():
        actor_m = _actor_membership(actor=actor, organisation=organisation)
        _require_manager(actor_m)
        target = _target(organisation=organisation, member_id=member_id)
        _may_manage(actor_m=actor_m, target=target)
        if target.is_active:
            raise ValidationFailed("该账号未停用", code="operator.not_disabled")
        user = User.objects.select_for_update().get(pk=target.user_id)
        if user.mobile:
            accounts.mobile_claim_acquire(
                organisation_key=organisation.claim_key,
                mobile=user.mobile,
                holder=_holder(user),
                expires_at=None,
                actor=actor,
                user=user,
            )
        Membership.objects.filter(pk=target.pk).update(is_active=True)
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        record_event(
            EVENT_OPERATOR_ENABLED,
            actor=actor,
            subject=target,
            organisation=organisation,
            before={"is_active": False},
            after={"is_active": True, "user": user.pk},
        )
    target.refresh_from_db()
    return target


# --- 变更使用人信息 (ACC-4) ---


def operator_details_change(
    *,
    actor: User,
    organisation: Organisation,
    member_id: int,
    real_name: str,
    id_type: str,
    id_number: str,
    mobile: str,
    sms_code: str = "",
) -> list[str]:
    """Change who uses an operator account (ACC-4, seed 000 FAQ 10 / seed 001 一): name, ID,
    mobile. A new mobile needs the code sent to it and is bound under REG-8. When the ID
    number changes, the account passes to another person: the old password stops working and
    the new person gets a set-password link. Returns the names of the changed fields.

    Must not run inside a transaction (the SMS code check keeps its own).
    """
    actor_m = _actor_membership(actor=actor, organisation=organisation)
    _require_manager(actor_m)
    current = Membership.objects.filter(organisation=organisation, pk=member_id).first()
    if current is None:
        raise NotFound(MEMBER_NOT_FOUND)
    _may_manage(actor_m=actor_m, target=current)
    if not current.is_active:
        raise ValidationFailed("该账号已停用，请先启用", code="operator.disabled")
    person = _person(real_name=real_name, id_type=id_type, id_number=id_number, mobile=mobile)
    old = current.user
    new_id_hash = id_number_hash(person["id_number"])
    _already_member(organisation=organisation, id_hash=new_id_hash, exclude_user=old)
    mobile_changed = person["mobile"] != old.mobile
    if mobile_changed:
        _mobile_free(organisation=organisation, mobile=person["mobile"], holder=_holder(old))
        verification_code_check(mobile=person["mobile"], purpose=SMS_CODE_PURPOSE, code=sms_code)
    with transaction.atomic():
        actor_m = _actor_membership(actor=actor, organisation=organisation)
        _require_manager(actor_m)
        target = _target(organisation=organisation, member_id=member_id)
        _may_manage(actor_m=actor_m, target=target)
        user = User.objects.select_for_update().get(pk=target.user_id)
        before = {
            "real_name": mask_name(user.real_name),
            "id_number": mask_id_number(user.id_number),
            "mobile": mask_mobile(user.mobile),
        }
        old_mobile = user.mobile
        if mobile_changed:
            accounts.mobile_claim_move(
                organisation_key=organisation.claim_key,
                holder=_holder(user),
                old_mobile=old_mobile,
                new_mobile=person["mobile"],
                user=user,
            )
        person_changed = user.id_number_hash != new_id_hash
        changed = accounts.user_details_update(user=user, **person)
        if not changed:
            return []
        if person_changed:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        record_event(
            EVENT_OPERATOR_CHANGED,
            actor=actor,
            subject=target,
            organisation=organisation,
            before=before,
            after={
                "changed": changed,
                "real_name": mask_name(user.real_name),
                "id_number": mask_id_number(user.id_number),
                "mobile": mask_mobile(user.mobile),
                "password_reset": person_changed,
            },
        )
        labels = {
            "real_name": "姓名",
            "id_type": "证件类型",
            "id_number": "证件号码",
            "mobile": "手机号",
        }
        changed_by = f"{actor_m.get_role_display()}{mask_name(actor.real_name)}"
        for number in sorted({old_mobile, user.mobile} - {""}):
            sms_send(
                mobile=number,
                template="operator.details_changed",
                params={
                    "organisation": organisation.name,
                    "changes": "、".join(str(labels[name]) for name in changed),
                    "changed_by": changed_by,
                },
                actor=actor,
                subject=user,
            )
        if person_changed:
            _send_activation(user=user, organisation=organisation, actor=actor)
    return changed


# --- 管理员 (granted by the legal representative) ---


def _role_change(
    *, actor: User, organisation: Organisation, member_id: int, to_role: str
) -> Membership:
    with transaction.atomic():
        actor_m = _actor_membership(actor=actor, organisation=organisation)
        if actor_m.role != Role.LEGAL_REPRESENTATIVE:
            raise PermissionDenied(LEGAL_REP_ONLY)
        target = _target(organisation=organisation, member_id=member_id)
        if target.role == Role.LEGAL_REPRESENTATIVE:
            raise PermissionDenied("不能变更法定代表人的角色")
        if not target.is_active:
            raise ValidationFailed("该账号已停用，请先启用", code="operator.disabled")
        if target.role == to_role:
            message = (
                "该经办人已是管理员" if to_role == Role.ADMINISTRATOR else "该经办人不是管理员"
            )
            raise ValidationFailed(message, code="operator.role_unchanged")
        from_role = target.role
        Membership.objects.filter(pk=target.pk).update(role=to_role)
        record_event(
            EVENT_ADMIN_GRANTED if to_role == Role.ADMINISTRATOR else EVENT_ADMIN_REVOKED,
            actor=actor,
            subject=target,
            organisation=organisation,
            before={"role": from_role},
            after={"role": to_role, "user": target.user_id},
        )
    target.refresh_from_db()
    return target


def administrator_grant(*, actor: User, organisation: Organisation, member_id: int) -> Membership:
    """The legal representative makes an operator an administrator (ACC-5, REG-7 approvers)."""
    return _role_change(
        actor=actor, organisation=organisation, member_id=member_id, to_role=Role.ADMINISTRATOR
    )


def administrator_revoke(*, actor: User, organisation: Organisation, member_id: int) -> Membership:
    """The legal representative withdraws an administrator's rights (back to operator)."""
    return _role_change(
        actor=actor, organisation=organisation, member_id=member_id, to_role=Role.OPERATOR
    )


# --- 账户设置 (the signed-in user's own account) ---


def account_password_change(
    *, user: User, old_password: str, password: str, password_confirm: str
) -> None:
    """Change one's own password: the old one first, then the REG-4 rules (with the user's
    mobile and birth date). A wrong old password is audited durably."""
    if not old_password or not user.check_password(old_password):
        record_event(
            EVENT_PASSWORD_CHANGE_FAILED,
            actor=user,
            subject=user,
            outcome="failure",
            durable=True,
        )
        raise ValidationFailed("原密码不正确", code="password.old_wrong", field="old_password")
    rules.password_validate(
        password,
        username=user.username,
        mobile=user.mobile,
        birth_date=birth_date_of(id_type=user.id_type, number=user.id_number),
    )
    rules.password_confirm_validate(password, password_confirm)
    if user.check_password(password):
        raise ValidationFailed(
            "新密码不能与原密码相同", code="password.unchanged", field="password"
        )
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_event(EVENT_PASSWORD_CHANGED, actor=user, subject=user)


def account_mobile_change(*, user: User, mobile: str, sms_code: str) -> None:
    """Change one's own mobile with the code sent to it; REG-8 holds in every organisation the
    user belongs to. Must not run inside a transaction."""
    number = mobile_validate(number=mobile)
    if number == user.mobile:
        raise ValidationFailed("新手机号与当前手机号相同", code="mobile.unchanged", field="mobile")
    memberships = list(memberships_of(user=user))
    for membership in memberships:
        _mobile_free(organisation=membership.organisation, mobile=number, holder=_holder(user))
    verification_code_check(mobile=number, purpose=SMS_CODE_PURPOSE, code=sms_code)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        old_mobile = locked.mobile
        for membership in memberships:
            accounts.mobile_claim_move(
                organisation_key=membership.organisation.claim_key,
                holder=_holder(locked),
                old_mobile=old_mobile,
                new_mobile=number,
                user=locked,
            )
        accounts.user_details_update(
            user=locked,
            real_name=locked.real_name,
            id_type=locked.id_type,
            id_number=locked.id_number,
            mobile=number,
        )
        record_event(
            EVENT_MOBILE_CHANGED,
            actor=user,
            subject=locked,
            before={"mobile": mask_mobile(old_mobile)},
            after={"mobile": mask_mobile(number)},
        )
        if old_mobile:
            sms_send(
                mobile=old_mobile,
                template="operator.details_changed",
                params={
                    "organisation": "、".join(m.organisation.name for m in memberships) or "您",
                    "changes": "手机号",
                    "changed_by": "本人",
                },
                actor=user,
                subject=locked,
            )
    user.refresh_from_db()


def account_activation_user(*, uidb64: str, token: str) -> User:
    """The account a set-password link opens, or ``NotFound`` (wrong, used or expired link;
    audited durably)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        pk = None
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None or not activation_token.check_token(user, token):
        record_event(
            EVENT_ACTIVATION_LINK_FAILED,
            subject=("accounts.user", pk or ""),
            outcome="failure",
            durable=True,
        )
        raise NotFound("链接无效或已过期，请联系本单位管理员重新发送")
    return user


def account_password_set(*, uidb64: str, token: str, password: str, password_confirm: str) -> User:
    """Set the first password through the SMS link (REG-4 rules); the link then stops working
    (the token signs the password hash)."""
    user = account_activation_user(uidb64=uidb64, token=token)
    rules.password_validate(
        password,
        username=user.username,
        mobile=user.mobile,
        birth_date=birth_date_of(id_type=user.id_type, number=user.id_number),
    )
    rules.password_confirm_validate(password, password_confirm)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not activation_token.check_token(locked, token):  # used meanwhile
            raise NotFound("链接无效或已过期，请联系本单位管理员重新发送")
        locked.set_password(password)
        locked.save(update_fields=["password"])
        record_event(EVENT_PASSWORD_SET, actor=locked, subject=locked)
    return locked


def operator_activation_resend(*, actor: User, organisation: Organisation, member_id: int) -> None:
    """Send the set-password link again (the first expired or was lost)."""
    with transaction.atomic():
        actor_m = _actor_membership(actor=actor, organisation=organisation)
        _require_manager(actor_m)
        target = _target(organisation=organisation, member_id=member_id)
        _may_manage(actor_m=actor_m, target=target)
        if target.user.has_usable_password():
            raise ValidationFailed("该经办人已设置密码", code="operator.password_already_set")
        if not target.is_active:
            raise ValidationFailed("该账号已停用，请先启用", code="operator.disabled")
        _send_activation(user=target.user, organisation=organisation, actor=actor)
        record_event(
            "orgcentre.activation_resent",
            actor=actor,
            subject=target,
            organisation=organisation,
        )
