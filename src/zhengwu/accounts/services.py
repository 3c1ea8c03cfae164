"""Writes of the accounts domain: mobile claims (REG-8), accounts and memberships."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.audit.services import record_event
from zhengwu.core.masking import mask_mobile

from .errors import MobileTaken
from .identity import id_number_hash, mobile_hash
from .models import Membership, MobileClaim, Organisation, User


def mobile_claim_acquire(
    *,
    organisation_key: str,
    mobile: str,
    holder: str,
    expires_at: datetime.datetime | None,
    actor: Any = None,
    user: User | None = None,
) -> MobileClaim:
    """Bind ``mobile`` to ``holder`` within the organisation, or raise ``MobileTaken``.

    A claim the same holder already has is renewed (new expiry, user). An expired claim of
    somebody else is removed first (REG-8: an abandoned wizard locks nothing beyond its
    expiry). The unique constraint decides simultaneous claims; the loser gets
    ``MobileTaken``.
    """
    hashed = mobile_hash(mobile)
    now = timezone.now()
    with transaction.atomic():
        MobileClaim.objects.filter(
            organisation_key=organisation_key, mobile_hash=hashed, expires_at__lte=now
        ).exclude(holder=holder).delete()
        mine = MobileClaim.objects.filter(
            organisation_key=organisation_key, mobile_hash=hashed, holder=holder
        ).update(expires_at=expires_at, user=user)
        if mine:
            return MobileClaim.objects.get(
                organisation_key=organisation_key, mobile_hash=hashed, holder=holder
            )
        try:
            with transaction.atomic():
                claim = MobileClaim.objects.create(
                    organisation_key=organisation_key,
                    mobile_hash=hashed,
                    holder=holder,
                    expires_at=expires_at,
                    user=user,
                )
        except IntegrityError:
            record_event(
                "mobile_claim.refused",
                actor=actor,
                subject=("accounts.organisation", organisation_key),
                after={"mobile": mask_mobile(mobile), "holder": holder},
                outcome="failure",
                durable=True,
            )
            raise MobileTaken() from None
    return claim


def mobile_claim_transfer(
    *,
    organisation_key: str,
    mobile: str,
    from_holder: str,
    to_holder: str,
    expires_at: datetime.datetime | None = None,
    user: User | None = None,
) -> MobileClaim:
    """Hand the claim of ``from_holder`` to ``to_holder`` (wizard → application → account),
    re-acquiring it if it expired in between (``MobileTaken`` if somebody took it)."""
    hashed = mobile_hash(mobile)
    with transaction.atomic():
        moved = MobileClaim.objects.filter(
            organisation_key=organisation_key, mobile_hash=hashed, holder=from_holder
        ).update(holder=to_holder, expires_at=expires_at, user=user)
        if moved:
            return MobileClaim.objects.get(
                organisation_key=organisation_key, mobile_hash=hashed, holder=to_holder
            )
        return mobile_claim_acquire(
            organisation_key=organisation_key,
            mobile=mobile,
            holder=to_holder,
            expires_at=expires_at,
            user=user,
        )


def mobile_claim_release(*, holder: str) -> int:
    """Free every mobile ``holder`` claims (a rejected or withdrawn application)."""
    deleted, _ = MobileClaim.objects.filter(holder=holder).delete()
    return deleted


def mobile_claims_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete expired claims (housekeeping; claims also expire lazily on the next claim)."""
    deleted, _ = MobileClaim.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def organisation_get_or_create(
    *,
    uscc: str,
    name: str,
    legal_person_type: str,
    location: str,
    legal_rep_name: str,
    legal_rep_id_type: str,
    legal_rep_id_number: str,
    actor: Any = None,
) -> Organisation:
    """The organisation with ``uscc``, locked, created from verified data if it is new."""
    with transaction.atomic():
        org = Organisation.objects.select_for_update().filter(uscc=uscc).first()
        if org is not None:
            return org
        try:
            with transaction.atomic():
                org = Organisation.objects.create(
                    uscc=uscc,
                    name=name,
                    legal_person_type=legal_person_type,
                    location=location,
                    legal_rep_name=legal_rep_name,
                    legal_rep_id_type=legal_rep_id_type,
                    legal_rep_id_number=legal_rep_id_number,
                    legal_rep_id_number_hash=id_number_hash(legal_rep_id_number),
                )
        except IntegrityError:  # created by a simultaneous registration
            return Organisation.objects.select_for_update().get(uscc=uscc)
        record_event("organisation.created", actor=actor, subject=org, after={"uscc": uscc})
        return org


def legal_person_user_create(
    *,
    username: str,
    password_hash: str,
    real_name: str,
    id_type: str,
    id_number: str,
    mobile: str,
    actor: Any = None,
) -> User:
    """An active legal-person account from data verified by the registration wizard."""
    user = User(
        username=username,
        password=password_hash,
        kind=User.Kind.LEGAL_PERSON,
        real_name=real_name,
        id_type=id_type,
        id_number=id_number,
        id_number_hash=id_number_hash(id_number),
        mobile=mobile,
        mobile_hash=mobile_hash(mobile),
        is_active=True,
    )
    user.save()
    record_event("user.created", actor=actor or user, subject=user, after={"kind": user.kind})
    return user


def membership_create(
    *, organisation: Organisation, user: User, role: str, actor: Any = None
) -> Membership:
    """Make ``user`` a member of ``organisation`` with ``role``."""
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    record_event(
        "membership.created",
        actor=actor or user,
        subject=membership,
        after={"organisation": organisation.pk, "role": role},
    )
    return membership


def mobile_claim_move(
    *, organisation_key: str, holder: str, old_mobile: str, new_mobile: str, user: User
) -> MobileClaim:
    """Bind ``new_mobile`` to ``holder`` and free ``old_mobile`` (a changed mobile, ACC-4).

    The new claim is taken first, so REG-8 is decided by the unique constraint (``MobileTaken``
    for the loser of a race); call inside the transaction that changes the account.
    """
    claim = mobile_claim_acquire(
        organisation_key=organisation_key,
        mobile=new_mobile,
        holder=holder,
        expires_at=None,
        user=user,
    )
    if old_mobile and old_mobile != new_mobile:
        MobileClaim.objects.filter(
            organisation_key=organisation_key, mobile_hash=mobile_hash(old_mobile), holder=holder
        ).delete()
    return claim


def user_details_update(
    *, user: User, real_name: str, id_type: str, id_number: str, mobile: str
) -> list[str]:
    """Store the person's new details with their blind indexes; the names of the changed
    fields (for the audit event: values never go to the log in clear)."""
    new = {"real_name": real_name, "id_type": id_type, "id_number": id_number, "mobile": mobile}
    changed = [name for name, value in new.items() if getattr(user, name) != value]
    if not changed:
        return []
    for name, value in new.items():
        setattr(user, name, value)
    user.id_number_hash = id_number_hash(id_number)
    user.mobile_hash = mobile_hash(mobile)
    fields = [*changed, "id_number_hash", "mobile_hash"]
    user.save(update_fields=fields)
    return changed


def personal_data_reveal(*, actor: Any, user: User, field: str, reason: str) -> str:
    """Show one masked field of one account in clear to back-office staff (ACC-7).

    Only active staff holding ``accounts.reveal_personal_data`` (group 数据查看人员); a reason
    is required; the event (who, whose, which field, why) is committed before the value is
    returned, so no value is ever shown without its trace.
    """
    from zhengwu.core.errors import PermissionDenied, ValidationFailed

    from .constants import EVENT_PERSONAL_DATA_REVEALED, REVEAL_PERMISSION, REVEALABLE_FIELDS

    if not (
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.is_staff
        and actor.has_perm(REVEAL_PERMISSION)
    ):
        raise PermissionDenied("只有数据查看人员可以查看完整的个人信息")
    if field not in REVEALABLE_FIELDS:
        raise ValidationFailed("请选择要查看的信息", code="reveal.field", field="field")
    reason = " ".join((reason or "").split())
    if len(reason) < 4:
        raise ValidationFailed(
            "请填写查看原因（至少4个字）", code="reveal.reason_empty", field="reason"
        )
    if len(reason) > 200:
        raise ValidationFailed("查看原因不能超过200个字", code="reveal.reason_long", field="reason")
    with transaction.atomic():
        record_event(
            EVENT_PERSONAL_DATA_REVEALED,
            actor=actor,
            subject=user,
            after={"field": field, "reason": reason},
        )
    return str(getattr(user, field) or "")
