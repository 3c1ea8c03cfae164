"""Keys of the sandboxes, created on first use under ``VAR_DIR/federation-sandbox`` (0600).

==========================  ==================================================================
``idp-key.pem``             EC P-256 signing key of the sandbox identity provider (its JWKS)
``ca.pem``                  the sandbox legal-person CA: EC P-256 key and self-signed certificate
``ca-cert.pem``             the CA certificate alone (what a real deployment's CA file holds)
``certs/<uscc>.p12``        test certificates issued by ``federation_issue_test_cert`` (PKCS#12,
                            protected by the PIN given to the command; default ``123456``)
==========================  ==================================================================

Never committed (``var/`` is ignored). Concurrent first use is safe: a key file is written under
a temporary name and published with ``os.link``, which fails if another process was first.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from . import conf

DEFAULT_PIN = "123456"
CA_VALIDITY = timedelta(days=20 * 365)
CERT_VALIDITY = timedelta(days=365)
ORGANISATIONAL_UNIT = "Zhengwu legal-person certificate sandbox"


@dataclass(frozen=True, slots=True)
class KeyPair:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


def _directory() -> Path:
    return Path(conf.sandbox_directory())


def _publish(path: Path, data: bytes, *, replace: bool, mode: int = 0o600) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(descriptor, mode)
        file.write(data)
    try:
        if replace:
            os.replace(temporary, path)
        else:
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def idp_signing_key() -> ec.EllipticCurvePrivateKey:
    """The sandbox identity provider's ID-token signing key, created on first use."""
    path = _directory() / "idp-key.pem"
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _publish(path, pem, replace=False)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    return loaded


def new_ca(name: str = "Zhengwu 法人数字证书沙箱 CA") -> KeyPair:
    """A fresh self-signed EC P-256 CA (the sandbox CA, or another CA in tests)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ORGANISATIONAL_UNIT),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return KeyPair(key, certificate)


def sandbox_ca() -> KeyPair:
    """The sandbox legal-person CA, created on first use."""
    path = _directory() / "ca.pem"
    if not path.exists():
        pair = new_ca()
        pem = pair.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ) + pair.certificate.public_bytes(serialization.Encoding.PEM)
        _publish(path, pem, replace=False)
    data = path.read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    certificate = x509.load_pem_x509_certificate(data[data.index(b"-----BEGIN CERTIFICATE") :])
    cert_path = _directory() / "ca-cert.pem"
    if not cert_path.exists():
        _publish(
            cert_path,
            certificate.public_bytes(serialization.Encoding.PEM),
            replace=False,
            mode=0o644,
        )
    return KeyPair(key, certificate)


def issue_certificate(
    *,
    ca: KeyPair,
    uscc: str,
    organisation_name: str,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> KeyPair:
    """A legal-person certificate for ``uscc`` (in ``serialNumber``, as Chinese CAs do)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name[:64] or uscc),
            x509.NameAttribute(NameOID.COMMON_NAME, organisation_name[:64] or uscc),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, uscc),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(hours=1))
        .not_valid_after(not_after or now + CERT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return KeyPair(key, certificate)


def test_certificate_path(uscc: str) -> Path:
    return _directory() / "certs" / f"{uscc}.p12"


def write_test_certificate(*, uscc: str, organisation_name: str, pin: str = DEFAULT_PIN) -> Path:
    """Issue a sandbox certificate for ``uscc`` and write it as PKCS#12 (the "USB key")."""
    pair = issue_certificate(ca=sandbox_ca(), uscc=uscc, organisation_name=organisation_name)
    data = pkcs12.serialize_key_and_certificates(
        name=uscc.encode(),
        key=pair.key,
        cert=pair.certificate,
        cas=[sandbox_ca().certificate],
        encryption_algorithm=serialization.BestAvailableEncryption(pin.encode()),
    )
    path = test_certificate_path(uscc)
    _publish(path, data, replace=True)
    return path


def test_certificates() -> list[tuple[str, Path]]:
    """``(uscc, path)`` of every test certificate written so far, sorted."""
    directory = _directory() / "certs"
    if not directory.is_dir():
        return []
    return sorted((p.stem, p) for p in directory.glob("*.p12"))


def load_test_certificate(uscc: str, pin: str) -> KeyPair:
    """The key and certificate of a test certificate; ``ValueError`` for a wrong PIN."""
    path = test_certificate_path(uscc)
    key, certificate, _cas = pkcs12.load_key_and_certificates(path.read_bytes(), pin.encode())
    assert isinstance(key, ec.EllipticCurvePrivateKey) and certificate is not None
    return KeyPair(key, certificate)
