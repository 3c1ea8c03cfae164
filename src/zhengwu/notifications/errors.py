"""Errors of the notifications app; each has a stable code and a Chinese message."""

from __future__ import annotations

from datetime import datetime

from zhengwu.core.errors import ConfigurationError, RateLimited, ValidationFailed


class TemplateUnknown(ConfigurationError):
    """A caller asked for a template code that is not registered (a programming error)."""

    code = "sms.template_unknown"
    message = "短信模板不存在"


class TemplateParamMissing(ValidationFailed):
    """A placeholder of the template was not supplied (or supplied empty)."""

    code = "sms.template_param_missing"
    message = "短信模板缺少参数"


class TemplateParamUnexpected(ValidationFailed):
    """A parameter was supplied that the template does not use (a typo, usually)."""

    code = "sms.template_param_unexpected"
    message = "短信模板不使用该参数"


class SmsRateLimited(RateLimited):
    """Too many verification codes for one mobile; ``retry_at`` says when the next is allowed."""

    code = "sms.rate_limited"
    message = "获取验证码过于频繁，请稍后再试"

    def __init__(self, message: str, *, retry_at: datetime, retry_after_seconds: int) -> None:
        super().__init__(message, field="mobile")
        self.retry_at = retry_at
        self.retry_after_seconds = retry_after_seconds


class VerificationCodeInvalid(ValidationFailed):
    """The SMS verification code was not accepted. Codes: ``sms_code.wrong``,
    ``sms_code.locked``, ``sms_code.expired``, ``sms_code.used``, ``sms_code.missing``."""

    code = "sms_code.wrong"
    message = "短信验证码错误"

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code, field="sms_code")


class SmsWorkerLost(Exception):
    """Recorded (by class path) on the task row of a worker that died mid-task
    (``services.recovery.sms_tasks_reap``); never raised."""
