"""Errors of the other sign-in methods: one ``ZhengwuError`` subclass per kind of refusal.

Messages are shown to the person; codes are the stable ``result`` written to the audit log.
"""

from __future__ import annotations

from zhengwu.core.errors import ZhengwuError
from zhengwu.integrations.errors import ProviderError


class SignInFailed(ZhengwuError):
    """A federated sign-in was refused (bad state, expired flow, invalid token or signature)."""

    code = "federation.failed"
    message = "登录失败，请重新登录"
    status = 400


class FederationProviderError(ProviderError):
    """The identity provider, licence service or certificate check could not answer."""

    code = "federation.provider"
    message = "登录服务暂时无法使用，请稍后再试"
