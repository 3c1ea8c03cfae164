"""Deploy check: the licence signing key and CA are configured and readable (LIC-3)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from .keys import configured_paths


@checks.register(checks.Tags.security, deploy=True)
def check_licence_keys(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """licences.E001: ZHENGWU_LICENCE_SIGNING_KEY / ZHENGWU_LICENCE_CA_CERT must name readable
    files with a private key + certificate and a CA certificate."""
    from zhengwu.core.errors import ConfigurationError

    from .keys import signing_keys

    signer, ca = configured_paths()
    try:
        keys = signing_keys()
    except ConfigurationError:
        return [
            checks.Error(
                f"Licence signing key or CA certificate missing or unreadable ({signer}, {ca}).",
                hint="Set ZHENGWU_LICENCE_SIGNING_KEY and ZHENGWU_LICENCE_CA_CERT "
                "(development: manage.py licences_keys).",
                id="licences.E001",
            )
        ]
    try:
        keys.certificate.verify_directly_issued_by(keys.chain[-1] if keys.chain else keys.ca)
    except Exception:
        return [
            checks.Error(
                "The licence signing certificate is not issued by the configured CA chain.",
                id="licences.E002",
            )
        ]
    return []
