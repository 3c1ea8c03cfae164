"""Vocabulary of sign-in: the two tabs and the audit event types (ACC-8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tab(models.TextChoices):
    """The tabs of the login page (seed 000: 法人登录 / 个人登录)."""

    LEGAL_PERSON = "legal", _("法人登录")
    NATURAL_PERSON = "personal", _("个人登录")


#: Account kinds each tab signs in. Back-office staff use the same page on either tab.
TAB_KINDS = {
    Tab.LEGAL_PERSON: ("legal_person", "staff"),
    Tab.NATURAL_PERSON: ("natural_person", "staff"),
}

# Audit event types (stable: the audit log and docs/security.md refer to them).
SIGNED_IN = "signin.succeeded"
SIGNIN_FAILED = "signin.failed"
SIGNIN_THROTTLED = "signin.throttled"
ACCOUNT_LOCKED = "signin.locked"
ACCOUNT_UNLOCKED = "signin.unlocked"
SIGNED_OUT = "signin.signed_out"
SESSION_TIMED_OUT = "signin.timed_out"
RECOVERY_STARTED = "recovery.started"
RECOVERY_VERIFIED = "recovery.verified"
RECOVERY_FAILED = "recovery.failed"
PASSWORD_RESET = "recovery.password_reset"
USERNAMES_SHOWN = "recovery.usernames_shown"

#: Why a sign-in failed (``after.reason`` of ``signin.failed``).
REASON_UNKNOWN = "unknown_principal"
REASON_AMBIGUOUS = "ambiguous_principal"
REASON_PASSWORD = "wrong_password"
REASON_LOCKED = "locked"
REASON_PENDING = "application_pending"
