"""People, organisations, memberships, and the mobile claims that enforce REG-8.

The custom user model exists from the first migration; the registration issue adds the
person's real name, ID and mobile as encrypted fields with blind-index companions (ACC-7).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhengwu.core.fields import EncryptedTextField, hash_field
from zhengwu.core.masking import mask_id_number, mask_mobile
from zhengwu.core.sqlcache import CompiledQuery

from .constants import IdType, LegalPersonType, Location, Role


class UserManager(AuthUserManager["User"]):
    """Django's, with ``get(pk=<int>)`` — the account read of every signed-in request
    (``ModelBackend.get_user``) — run from a statement built once (``core.sqlcache``): its
    compilation cost more CPU than the query (docs/performance.md). Any other ``get``, and
    every ``get`` of a migration's historical model, is Django's."""

    def get(self, *args: Any, **kwargs: Any) -> User:
        pk = kwargs.get("pk")
        if args or len(kwargs) != 1 or type(pk) is not int or self.model is not User:
            return super().get(*args, **kwargs)
        read = _read_with_request.get()
        if read is not None and read.pk == pk:
            _read_with_request.set(None)  # once: the row of this request's own read
            return read
        found: User | None = _USER_BY_PK.first(self.db, pk=pk)
        if found is None:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        return found


class User(AbstractUser):
    """A portal account: a legal-person operator, a natural person, or back-office staff.

    ``real_name``, ``id_type``/``id_number`` and ``mobile`` describe the person using the
    account (the operator, 经办人, for legal-person accounts). ID number and mobile are
    encrypted; ``*_hash`` are their blind indexes (``accounts.identity``). ``email`` and the
    name fields of ``AbstractUser`` are kept for staff accounts.
    """

    class Kind(models.TextChoices):
        LEGAL_PERSON = "legal_person", "法人"
        NATURAL_PERSON = "natural_person", "个人"
        STAFF = "staff", "工作人员"

    kind = models.CharField("账号类型", max_length=16, choices=Kind.choices, default=Kind.STAFF)
    real_name = models.CharField("姓名", max_length=100, blank=True)
    id_type = models.CharField("证件类型", max_length=32, choices=IdType.choices, blank=True)
    id_number = EncryptedTextField("证件号码", blank=True)
    id_number_hash = hash_field(verbose_name="证件号码索引", blank=True)
    mobile = EncryptedTextField("手机号", blank=True)
    mobile_hash = hash_field(verbose_name="手机号索引", blank=True)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        # ACC-7: back-office staff (group 数据查看人员) may reveal one masked field, audited.
        permissions = [("reveal_personal_data", "查看完整证件号码和手机号")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["legal_person", "natural_person", "staff"]),
                name="accounts_user_kind_valid",
            )
        ]

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile or "")

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number or "")


_USER_BY_PK = CompiledQuery(lambda pk: User._default_manager.filter(pk=pk)[:1], pk=int)
#: The account's row when the request read it already, joined to what the request is about
#: (``account_read_with``): the next ``get(pk=…)`` of that account returns it instead of
#: reading it again. Django's ``get_user`` still checks it (active, the session's hash).
_read_with_request: ContextVar[User | None] = ContextVar("account_read_with", default=None)


@contextmanager
def account_read_with(user: User) -> Iterator[None]:
    """Inside the block, the account read of the signed-in request (``ModelBackend.get_user``)
    is ``user``, a row read in the same statement as the case the request is about: one round
    trip instead of two. Only a read of ``user.pk`` is served, once; the stash ends with the
    block either way."""
    token = _read_with_request.set(user)
    try:
        yield
    finally:
        _read_with_request.reset(token)


class Organisation(models.Model):
    """A legal person (法人/单位) with portal accounts.

    The USCC identifies it when it has one (units being set up and temporary projects of
    REG-9 may not): unique where present. The legal representative is recorded as the
    register knows them, so that "operator is the legal representative" (REG-7) is a
    comparison of blind indexes.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        CLOSED = "closed", "已注销"

    uscc = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
    name = models.CharField("单位名称", max_length=200)
    legal_person_type = models.CharField("法人类型", max_length=32, choices=LegalPersonType.choices)
    location = models.CharField("单位登记所在地", max_length=20, choices=Location.choices)
    legal_rep_name = models.CharField("法定代表人", max_length=100)
    legal_rep_id_type = models.CharField(
        "法定代表人证件类型", max_length=32, choices=IdType.choices
    )
    legal_rep_id_number = EncryptedTextField("法定代表人证件号码")
    legal_rep_id_number_hash = hash_field(verbose_name="法定代表人证件号码索引")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "closed"]), name="accounts_org_status_valid"
            ),
            models.CheckConstraint(condition=~Q(uscc=""), name="accounts_org_uscc_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def claim_key(self) -> str:
        """The key mobile claims use for this organisation (REG-8)."""
        return organisation_claim_key(uscc=self.uscc or "", pk=self.pk)


def organisation_claim_key(*, uscc: str, pk: int | None = None) -> str:
    """REG-8 claims are keyed by USCC, so a claim can exist before the organisation row does
    (the first registrant's wizard); units without a USCC use their primary key."""
    return f"uscc:{uscc}" if uscc else f"org:{pk}"


class Membership(models.Model):
    """A user acting for an organisation, with a role. One per user per organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name="单位"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="账号",
    )
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "单位成员"
        verbose_name_plural = "单位成员"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="accounts_membership_one_per_user"
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="accounts_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class MobileClaim(models.Model):
    """REG-8 in the database: within one organisation a mobile is bound to one holder.

    Holders are active accounts (``user`` set, no expiry), pending operator applications (no
    expiry until decided) and wizards in progress (``expires_at`` set: an abandoned wizard
    locks the mobile only until then). The unique constraint settles simultaneous claims:
    the second insert waits for the first transaction and then fails. Expired rows are
    deleted by the next claim of the same key (``services.mobile_claim_acquire``) and by
    ``mobile_claims_purge``.
    """

    organisation_key = models.CharField("单位标识", max_length=40)
    mobile_hash = hash_field(verbose_name="手机号索引", db_index=False)
    holder = models.CharField("持有者", max_length=80, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mobile_claims",
        verbose_name="账号",
    )
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "手机号绑定"
        verbose_name_plural = "手机号绑定"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_key", "mobile_hash"], name="accounts_mobile_claim_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_key}: {self.holder}"
