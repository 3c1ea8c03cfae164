"""One error hierarchy for the whole portal.

Every error carries a stable ``code`` (API contract, English, dotted) and a user-safe Chinese
``message`` that names the field or the current state; ``field`` says which form field it
belongs to, when it belongs to one. Subclasses declare their defaults as class attributes
(``code``, ``message``, ``status`` and, for an error that always concerns one field, ``field``).
"""

from __future__ import annotations


class ZhengwuError(Exception):
    """Base of every expected, user-facing failure."""

    code: str = "error"
    message: str = "操作失败"
    status: int = 400
    field: str | None = None

    def __init__(
        self, message: str | None = None, *, code: str | None = None, field: str | None = None
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.field = field if field is not None else self.field
        super().__init__(self.message)

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationFailed(ZhengwuError):
    code = "invalid"
    message = "填写的信息有误"


class PermissionDenied(ZhengwuError):
    code = "permission_denied"
    message = "您没有权限进行此操作"
    status = 403


class NotFound(ZhengwuError):
    code = "not_found"
    message = "记录不存在"
    status = 404


class IllegalTransition(ZhengwuError):
    code = "illegal_transition"
    message = "当前状态不允许此操作"
    status = 409


class RateLimited(ZhengwuError):
    code = "rate_limited"
    message = "操作过于频繁，请稍后再试"
    status = 429


class ConfigurationError(ZhengwuError):
    code = "configuration"
    message = "系统配置有误，请联系管理员"
    status = 500
