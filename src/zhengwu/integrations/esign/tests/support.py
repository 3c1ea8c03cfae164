"""Test data and helpers shared by the e-signature tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from zhengwu.integrations.esign import SignRequest
from zhengwu.integrations.esign.sandbox import CA_NAME, KeyPair

SIGNER_NAME = "张三"
# A valid GB 11643 number (check digit X), uppercase as the portal stores it.
SIGNER_ID = "11010519491231002X"


def sign_request(pdf: bytes, **overrides: str) -> SignRequest:
    """A request to sign ``pdf`` as the legal representative 张三, with ``overrides``."""
    values = {
        "signer_name": SIGNER_NAME,
        "signer_id_number": SIGNER_ID,
        "reason": "授权委托",
        "location": "杭州市",
        "field_name": "LegalRepresentative",
    } | overrides
    return SignRequest(pdf=pdf, **values)


def foreign_keys(*, signer_name: str, ca_name: x509.Name = CA_NAME) -> tuple[KeyPair, KeyPair]:
    """A CA (by default with the very name of the sandbox CA) and a signer it certifies: keys
    the sandbox has never seen."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, signer_name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return KeyPair(ca_key, ca_cert), KeyPair(key, cert)
