"""The sandbox e-signature provider: real PAdES signatures made offline with keys of its own.

Nothing leaves the machine. On first use the sandbox creates, under
``settings.VAR_DIR / "esign-sandbox"``:

==========================  ==============================================================
``ca.pem``                  the sandbox CA: EC P-256 private key and self-signed certificate
                            (mode 0600). Every sandbox signature chains to it.
``ca-cert.pem``             the CA certificate alone: import it into a PDF reader as a
                            trusted root to see sandbox signatures as valid there too.
``signers/<ref>.pem``       one EC P-256 key and certificate per signer (mode 0600), issued
                            by the CA; ``<ref>`` is a keyed hash of ID number and name.
==========================  ==============================================================

The directory is never committed (``var/`` is ignored). Deleting it starts a new CA: documents
signed before are then reported untrusted, as with a revoked CA.

A signer's certificate subject is ``C=CN, OU=Zhengwu e-signature sandbox, CN=<name>,
serialNumber=<keyed hash of the ID number>``: the name in clear, the ID number never.

Documented inputs, as for the other sandboxes:

====================================  ==========================================================
signer name contains ``测试异常``     ``ESignError(permanent=False)``: the signing service is
                                      unavailable (``provider_code="UNAVAILABLE"``)
empty name or ID number, name longer  ``ESignError(permanent=True)``, ``INVALID_SIGNER``
than 64 characters
empty field name or one with a dot    ``ESignError(permanent=True)``, ``INVALID_FIELD``
``pdf`` not a PDF                     ``ESignError(permanent=True)``, ``INVALID_PDF``
field already signed                  ``ESignError(permanent=True)``, ``SIGNING_REFUSED``
====================================  ==========================================================

``verify_pdf`` trusts the sandbox CA only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from zhengwu.core.crypto import blind_index
from zhengwu.core.pki import (
    issue_signer_certificate,
    key_and_certificates_pem,
    publish_file,
    self_signed_ca,
)

from . import pades
from .base import ESignError, ESignProvider, SignatureReport, SignedDocument, SignRequest

DIRECTORY_NAME = "esign-sandbox"
FAILURE_NAME_MARKER = "测试异常"
CA_VALIDITY = timedelta(days=20 * 365)
SIGNER_VALIDITY = timedelta(days=2 * 365)
# Renew a signer's certificate that expires sooner than this.
SIGNER_RENEW_BEFORE = timedelta(days=30)
MAX_NAME_LENGTH = 64  # RFC 5280 ub-common-name
ORGANISATIONAL_UNIT = "Zhengwu e-signature sandbox"
CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ORGANISATIONAL_UNIT),
        x509.NameAttribute(NameOID.COMMON_NAME, "Zhengwu 电子签名沙箱根证书"),
    ]
)


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A private key and its certificate."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


class SandboxKeyStore:
    """The sandbox CA and signer keys in one directory, created on first use.

    Safe against concurrent first use by several processes: a key file is written under a
    temporary name and published with ``os.link``, which fails if another process published
    first; the loser then loads the winner's file.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @property
    def ca_cert_path(self) -> Path:
        return self.directory / "ca-cert.pem"

    def ca(self) -> KeyPair:
        """The sandbox CA, created if missing."""
        path = self.directory / "ca.pem"
        if not path.exists():
            self._publish(path, key_and_certificates_pem(*_new_ca()), replace=False)
        pair = _load(path)
        if not self.ca_cert_path.exists():
            self._publish(
                self.ca_cert_path,
                pair.certificate.public_bytes(serialization.Encoding.PEM),
                replace=False,
                mode=0o644,
            )
        return pair

    def signer(self, *, name: str, id_number: str) -> KeyPair:
        """The key and certificate of one signer, issued (or re-issued) by the current CA."""
        ca = self.ca()
        ref = blind_index(f"{id_number}\x00{name}", purpose="esign.sandbox_signer")[:32]
        path = self.directory / "signers" / f"{ref}.pem"
        if path.exists():
            pair = _load(path)
            if _is_current(pair.certificate, ca.certificate):
                return pair
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ORGANISATIONAL_UNIT),
                x509.NameAttribute(NameOID.COMMON_NAME, name),
                # A keyed hash, never the ID number: the certificate travels with the PDF.
                x509.NameAttribute(
                    NameOID.SERIAL_NUMBER, blind_index(id_number, purpose="esign.certificate")
                ),
            ]
        )
        certificate = _issue(subject, key, ca, validity=SIGNER_VALIDITY)
        self._publish(path, key_and_certificates_pem(key, certificate), replace=True)
        return KeyPair(key, certificate)

    def _publish(self, path: Path, data: bytes, *, replace: bool, mode: int = 0o600) -> None:
        try:
            publish_file(path, data, replace=replace, mode=mode)
        except OSError as exc:
            raise ESignError(
                "电子签名沙箱的密钥目录不可写",
                permanent=True,
                code="esign.key_store",
                provider_code="KEY_STORE",
            ) from exc


def _new_ca() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    return key, self_signed_ca(key, CA_NAME, validity=CA_VALIDITY)


def _issue(
    subject: x509.Name, key: ec.EllipticCurvePrivateKey, ca: KeyPair, *, validity: timedelta
) -> x509.Certificate:
    return issue_signer_certificate(
        subject,
        key.public_key(),
        ca_key=ca.key,
        ca_name=ca.certificate.subject,
        not_after=datetime.now(UTC) + validity,
    )


def _is_current(certificate: x509.Certificate, ca_certificate: x509.Certificate) -> bool:
    """Issued by this CA (not a deleted predecessor) and not about to expire."""
    try:
        certificate.verify_directly_issued_by(ca_certificate)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return certificate.not_valid_after_utc > datetime.now(UTC) + SIGNER_RENEW_BEFORE


def _load(path: Path) -> KeyPair:
    try:
        data = path.read_bytes()
        key = serialization.load_pem_private_key(data, password=None)
        certificate = x509.load_pem_x509_certificate(data)
    except (OSError, ValueError) as exc:
        raise ESignError(
            "电子签名沙箱的密钥文件无法读取",
            permanent=True,
            code="esign.key_store",
            provider_code="KEY_STORE",
        ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ESignError(permanent=True, code="esign.key_store", provider_code="KEY_STORE")
    return KeyPair(key, certificate)


class SandboxESignProvider(ESignProvider):
    """Offline PAdES signing with the sandbox CA; the inputs of the module docstring fail."""

    def key_store(self) -> SandboxKeyStore:
        """The key store under the current ``VAR_DIR`` (read at every call, for tests)."""
        return SandboxKeyStore(Path(settings.VAR_DIR) / DIRECTORY_NAME)

    def sign_pdf(self, request: SignRequest) -> SignedDocument:
        """Sign with the signer's sandbox certificate (created on first use)."""
        name = request.signer_name.strip()
        id_number = request.signer_id_number.strip().upper()
        if FAILURE_NAME_MARKER in name:
            raise ESignError(
                "电子签名服务暂不可用，请稍后再试", permanent=False, provider_code="UNAVAILABLE"
            )
        if not name or not id_number or len(name) > MAX_NAME_LENGTH:
            raise ESignError(
                "签署人姓名或证件号码无效", permanent=True, provider_code="INVALID_SIGNER"
            )
        if not request.field_name or "." in request.field_name:
            raise ESignError("签名域名称无效", permanent=True, provider_code="INVALID_FIELD")

        store = self.key_store()
        ca = store.ca()
        signer = store.signer(name=name, id_number=id_number)
        pdf, signed_at = pades.sign(
            replace(request, signer_name=name),
            key=signer.key,
            certificate=signer.certificate,
            chain=[ca.certificate],
        )
        return SignedDocument(
            pdf=pdf,
            signer_certificate_subject=pades.certificate_subject(signer.certificate),
            signed_at=signed_at,
        )

    def verify_pdf(self, pdf: bytes) -> SignatureReport:
        """Verify against the sandbox CA as the only trust root."""
        return pades.verify(pdf, trust_roots=[self.key_store().ca().certificate])
