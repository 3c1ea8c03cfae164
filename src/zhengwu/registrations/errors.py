"""Errors of the registration wizard and operator applications."""

from __future__ import annotations

from zhengwu.core.errors import ValidationFailed


class RegistryCheckFailed(ValidationFailed):
    """REG-3: the register does not confirm a field of step 1; the page offers the manual
    channel (REG-9) beside the message."""

    code = "registry.mismatch"
    offers_manual_channel = True


class RegistryMobileRefused(ValidationFailed):
    """REG-5: the registry's mobile case that stops an enterprise registering; each case has its
    own code and an actionable message."""

    code = "registry_mobile.mismatch"


class DraftExpired(ValidationFailed):
    code = "registration.expired"
    message = "注册信息已过期，请重新填写"
    status = 410


class ApplicationLimit(ValidationFailed):
    """REG-8 limits on operator applications (seed 001 三.2, 三.3)."""

    code = "operator_application.limit"
    status = 409
