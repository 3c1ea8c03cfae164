"""People who sign in. The custom user model exists from the first migration so that the
registration and sign-in issues can extend it without swapping ``AUTH_USER_MODEL`` later."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A portal account: a legal-person operator, a natural person, or back-office staff.

    Personal data (ID number, mobile) is added by the registration issue as encrypted fields
    with blind-index companions (ACC-7); ``email`` and the name fields of ``AbstractUser`` are
    kept for staff accounts.
    """

    class Kind(models.TextChoices):
        LEGAL_PERSON = "legal_person", "法人"
        NATURAL_PERSON = "natural_person", "个人"
        STAFF = "staff", "工作人员"

    kind = models.CharField("账号类型", max_length=16, choices=Kind.choices, default=Kind.STAFF)

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["legal_person", "natural_person", "staff"]),
                name="accounts_user_kind_valid",
            )
        ]
