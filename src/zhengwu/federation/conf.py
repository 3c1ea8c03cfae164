"""Settings of the other sign-in methods, read at call time so that ``override_settings`` works.

Every setting is defined in ``zhengwu.settings.base`` from the environment and documented in
``docs/configuration.md``; the defaults here only cover settings modules that predate them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zhengwu.core.crypto import blind_index
from zhengwu.integrations.conf import sandbox_enabled, site_url

SANDBOX_IDP_PATH = "/sandbox/federation/idp"


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def national_backend_setting() -> str:
    return "ZHENGWU_FEDERATION_NATIONAL_BACKEND"


def oidc_issuer() -> str:
    """``ZHENGWU_FEDERATION_OIDC_ISSUER``: the national platform's issuer URL. Empty in sandbox
    mode means the portal's own sandbox identity provider."""
    issuer = str(_get("ZHENGWU_FEDERATION_OIDC_ISSUER", "") or "").rstrip("/")
    if issuer:
        return issuer
    if sandbox_enabled():
        return sandbox_issuer()
    raise ImproperlyConfigured("ZHENGWU_FEDERATION_OIDC_ISSUER is required outside sandbox mode.")


def sandbox_issuer() -> str:
    """The issuer of the sandbox identity provider served by the portal itself."""
    return site_url() + SANDBOX_IDP_PATH


def oidc_client_id() -> str:
    """``ZHENGWU_FEDERATION_OIDC_CLIENT_ID``: the portal's client id at the national platform."""
    return str(_get("ZHENGWU_FEDERATION_OIDC_CLIENT_ID", "") or "zhengwu-portal")


def oidc_client_secret() -> str:
    """``ZHENGWU_FEDERATION_OIDC_CLIENT_SECRET``. In sandbox mode an empty value means a secret
    derived from the hash key (the sandbox identity provider checks the same value)."""
    secret = str(_get("ZHENGWU_FEDERATION_OIDC_CLIENT_SECRET", "") or "")
    if secret:
        return secret
    if sandbox_enabled():
        return blind_index(oidc_client_id(), purpose="federation.sandbox_client_secret")[:40]
    raise ImproperlyConfigured(
        "ZHENGWU_FEDERATION_OIDC_CLIENT_SECRET is required outside sandbox mode."
    )


def oidc_timeout() -> float:
    """``ZHENGWU_FEDERATION_OIDC_TIMEOUT``: seconds per HTTP call to the identity provider."""
    return float(_get("ZHENGWU_FEDERATION_OIDC_TIMEOUT", 10))


def oidc_leeway() -> int:
    """``ZHENGWU_FEDERATION_OIDC_LEEWAY_SECONDS``: clock skew tolerated on ``exp``/``iat``."""
    return int(_get("ZHENGWU_FEDERATION_OIDC_LEEWAY_SECONDS", 60))


def flow_ttl() -> timedelta:
    """How long a started OIDC or certificate sign-in may take (state / challenge lifetime)."""
    return timedelta(seconds=int(_get("ZHENGWU_FEDERATION_FLOW_TTL_SECONDS", 600)))


def licence_scan_ttl() -> timedelta:
    """``ZHENGWU_FEDERATION_LICENCE_SCAN_TTL_SECONDS``: life of a licence-scan QR (2 minutes)."""
    return timedelta(seconds=int(_get("ZHENGWU_FEDERATION_LICENCE_SCAN_TTL_SECONDS", 120)))


def starts_per_minute() -> int:
    """``ZHENGWU_FEDERATION_STARTS_PER_MINUTE``: sign-ins one client address may start per
    minute (each start writes a row and may call the provider); ``0`` switches the limit off."""
    return int(_get("ZHENGWU_FEDERATION_STARTS_PER_MINUTE", 30))


def certificate_ca_file() -> str:
    """``ZHENGWU_FEDERATION_CERT_CA_FILE``: PEM bundle of the trusted legal-person CAs."""
    return str(_get("ZHENGWU_FEDERATION_CERT_CA_FILE", "") or "")


def certificate_proxy_header() -> str:
    """``ZHENGWU_FEDERATION_CERT_PROXY_HEADER``: request header carrying the TLS client
    certificate (URL-encoded PEM, nginx ``$ssl_client_escaped_cert``)."""
    return str(_get("ZHENGWU_FEDERATION_CERT_PROXY_HEADER", "") or "X-SSL-Client-Cert")


def certificate_trust_proxy() -> bool:
    """``ZHENGWU_FEDERATION_CERT_TRUST_PROXY``: believe that header (only behind a proxy that
    verifies client certificates and strips the header from clients)."""
    return bool(_get("ZHENGWU_FEDERATION_CERT_TRUST_PROXY", False))


def sandbox_directory() -> Path:
    """Where the sandbox keys live: ``VAR_DIR/federation-sandbox`` (never committed)."""
    return Path(settings.VAR_DIR) / "federation-sandbox"
