"""Whether a username is free (REG-4): the one check of every channel and of orgcentre.

A username is taken by an account or by a pending operator application (经办人申请), compared
without regard to case. The database's unique constraint on accounts decides for real at the
last step; this is the early answer beside the field.
"""

from __future__ import annotations

from zhengwu.accounts.models import User
from zhengwu.core.errors import ValidationFailed

USERNAME_TAKEN = "用户名已被注册，请更换"


def username_taken_error(field: str = "username") -> ValidationFailed:
    return ValidationFailed(USERNAME_TAKEN, code="username.taken", field=field)


def username_available(username: str) -> None:
    """Raise ``ValidationFailed`` (``username.taken``) when ``username`` is taken."""
    from ..constants import ApplicationStatus
    from ..models import OperatorApplication

    taken = User.objects.filter(username__iexact=username).exists() or (
        OperatorApplication.objects.filter(
            username__iexact=username, status=ApplicationStatus.PENDING
        ).exists()
    )
    if taken:
        raise username_taken_error()
