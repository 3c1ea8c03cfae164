"""Errors of sign-in and recovery: stable codes, Chinese messages naming the field."""

from __future__ import annotations

from zhengwu.core.errors import RateLimited, ValidationFailed

#: One message for every wrong principal or password: it never says which was wrong.
SIGNIN_FAILED_MESSAGE = "账号或密码错误"


class SignInFailed(ValidationFailed):
    code = "signin.failed"
    message = SIGNIN_FAILED_MESSAGE
    status = 401


class AccountLocked(ValidationFailed):
    """ACC-2: the seed's message plus the hotline and the self-service unlock."""

    code = "signin.locked"
    status = 423


class SignInThrottled(RateLimited):
    code = "signin.throttled"


class OperatorPending(ValidationFailed):
    """An operator whose application awaits approval typed the application's password."""

    code = "signin.pending"
    status = 403
