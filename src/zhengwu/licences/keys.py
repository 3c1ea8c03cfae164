"""The issuing authority's signing key and the CA relying parties trust (LIC-3).

Production loads both from files named by ``ZHENGWU_LICENCE_SIGNING_KEY`` (PEM: PKCS#8 private
key + certificate, optionally followed by intermediate certificates) and
``ZHENGWU_LICENCE_CA_CERT`` (PEM certificate of the root). Development and tests create them
with :func:`create_keys` (``manage.py licences_keys``): an EC P-256 root and an EC P-256
signing certificate issued by it, written with mode 0600 under ``VAR_DIR/private/licences``,
which is never committed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from zhengwu.core.errors import ConfigurationError
from zhengwu.core.pki import (
    issue_signer_certificate,
    key_and_certificates_pem,
    publish_file,
    self_signed_ca,
)

CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "政务服务网"),
        x509.NameAttribute(NameOID.COMMON_NAME, "政务服务网电子证照根证书（开发）"),
    ]
)
SIGNER_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "政务服务网"),
        x509.NameAttribute(NameOID.COMMON_NAME, "电子证照签发机构"),
    ]
)


@dataclass(frozen=True, slots=True)
class SigningKeys:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    ca: x509.Certificate


def create_keys(*, signer_path: Path, ca_path: Path, years: int = 10) -> None:
    """Write a new root (``ca_path``, certificate only; its key is discarded) and a signing
    key + certificate issued by it (``signer_path``)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = self_signed_ca(ca_key, CA_NAME, validity=timedelta(days=365 * years))
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = issue_signer_certificate(
        SIGNER_NAME,
        key.public_key(),
        ca_key=ca_key,
        ca_name=CA_NAME,
        not_after=datetime.now(UTC) + timedelta(days=365 * years - 1),
    )
    publish_file(ca_path, ca.public_bytes(serialization.Encoding.PEM), replace=True)
    publish_file(signer_path, key_and_certificates_pem(key, certificate), replace=True)


def configured_paths() -> tuple[Path, Path]:
    return Path(settings.ZHENGWU_LICENCE_SIGNING_KEY), Path(settings.ZHENGWU_LICENCE_CA_CERT)


def keys_exist() -> bool:
    signer, ca = configured_paths()
    return signer.is_file() and ca.is_file()


@functools.cache
def _load(signer_path: str, ca_path: str, mtime: float) -> SigningKeys:
    try:
        data = Path(signer_path).read_bytes()
        key = serialization.load_pem_private_key(data, password=None)
        certificates = x509.load_pem_x509_certificates(data)
        ca = x509.load_pem_x509_certificate(Path(ca_path).read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigurationError(
            "电子证照签名密钥无法读取，请联系管理员", code="licences.keys_missing"
        ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ConfigurationError("电子证照签名密钥应为 EC 密钥", code="licences.keys_invalid")
    return SigningKeys(key, certificates[0], tuple(certificates[1:]), ca)


def signing_keys() -> SigningKeys:
    """The configured key, certificate, chain and root; ``ConfigurationError`` if unreadable."""
    signer, ca = configured_paths()
    try:
        mtime = signer.stat().st_mtime + ca.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load(str(signer), str(ca), mtime)
