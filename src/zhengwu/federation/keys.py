"""Keys of the sandboxes, created on first use under ``VAR_DIR/federation-sandbox`` (0600).

==========================  ==================================================================
``idp-key.pem``             EC P-256 signing key of the sandbox identity provider (its JWKS)
``ca.pem``                  the sandbox legal-person CA: EC P-256 key and self-signed certificate
``ca-cert.pem``             the CA certificate alone (what a real deployment's CA file holds)
``certs/<uscc>.p12``        test certificates issued by ``federation_issue_test_cert`` (PKCS#12,
                            protected by the PIN given to the command; default ``123456``)
==========================  ==================================================================

Never committed (``var/`` is ignored). Concurrent first use is safe: a key file is written under
a temporary name and published with ``os.link``, which fails if another process was first
(``zhengwu.core.pki.publish_file``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from zhengwu.core.pki import (
    issue_signer_certificate,
    key_and_certificates_pem,
    private_key_pem,
    publish_file,
    self_signed_ca,
)

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


def idp_signing_key() -> ec.EllipticCurvePrivateKey:
    """The sandbox identity provider's ID-token signing key, created on first use."""
    path = _directory() / "idp-key.pem"
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        publish_file(path, private_key_pem(key), replace=False)
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
    # Without a subject key identifier, as the sandbox CA has always been made.
    certificate = self_signed_ca(key, subject, validity=CA_VALIDITY, key_identifier=False)
    return KeyPair(key, certificate)


def sandbox_ca() -> KeyPair:
    """The sandbox legal-person CA, created on first use."""
    path = _directory() / "ca.pem"
    if not path.exists():
        pair = new_ca()
        pem = key_and_certificates_pem(pair.key, pair.certificate)
        publish_file(path, pem, replace=False)
    data = path.read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    certificate = x509.load_pem_x509_certificate(data[data.index(b"-----BEGIN CERTIFICATE") :])
    cert_path = _directory() / "ca-cert.pem"
    if not cert_path.exists():
        publish_file(
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
    certificate = issue_signer_certificate(
        subject,
        key.public_key(),
        ca_key=ca.key,
        ca_name=ca.certificate.subject,
        not_before=not_before,
        not_after=not_after or now + CERT_VALIDITY,
        key_identifiers=False,  # as the sandbox's certificates have always been made
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
    publish_file(path, data, replace=True)
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
