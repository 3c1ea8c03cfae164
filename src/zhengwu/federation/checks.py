"""Deploy checks of the other sign-in methods (registered in ``apps.FederationConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from . import conf

BACKEND_SETTINGS = (
    "ZHENGWU_FEDERATION_NATIONAL_BACKEND",
    "ZHENGWU_FEDERATION_LICENCE_BACKEND",
    "ZHENGWU_FEDERATION_CERTIFICATE_BACKEND",
)


def check_no_sandbox_federation(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """federation.E001: no sandbox sign-in provider, no sandbox issuer, a client secret and a CA
    file in production; federation.W001: a trusted certificate header is a proxy contract."""
    errors: list[checks.CheckMessage] = []
    for name in BACKEND_SETTINGS:
        path = str(getattr(settings, name, ""))
        if ".sandbox" in path.lower() or ".Sandbox" in path:
            errors.append(
                checks.Error(
                    f"{name} is a sandbox provider ({path}).",
                    hint="Configure the real provider.",
                    id="federation.E001",
                )
            )
    issuer = str(getattr(settings, "ZHENGWU_FEDERATION_OIDC_ISSUER", "") or "")
    if not issuer or conf.SANDBOX_IDP_PATH in issuer:
        errors.append(
            checks.Error(
                "ZHENGWU_FEDERATION_OIDC_ISSUER is not the national platform's issuer.",
                hint="Set it to the issuer URL of 国家政务服务平台.",
                id="federation.E002",
            )
        )
    if not getattr(settings, "ZHENGWU_FEDERATION_OIDC_CLIENT_SECRET", ""):
        errors.append(
            checks.Error("ZHENGWU_FEDERATION_OIDC_CLIENT_SECRET is empty.", id="federation.E003")
        )
    if not getattr(settings, "ZHENGWU_FEDERATION_CERT_CA_FILE", ""):
        errors.append(
            checks.Error(
                "ZHENGWU_FEDERATION_CERT_CA_FILE is empty: no legal-person CA is trusted.",
                id="federation.E004",
            )
        )
    if getattr(settings, "ZHENGWU_FEDERATION_CERT_TRUST_PROXY", False):
        errors.append(
            checks.Warning(
                "ZHENGWU_FEDERATION_CERT_TRUST_PROXY is on: the proxy must verify client "
                "certificates and strip the header from client requests.",
                id="federation.W001",
            )
        )
    return errors
