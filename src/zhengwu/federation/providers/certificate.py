"""法人数字证书: verifying a legal-person certificate and a signature made with its key.

``X509CertificateProvider`` trusts the CA certificates of ``ZHENGWU_FEDERATION_CERT_CA_FILE``
(a PEM bundle: roots and intermediates of the CAs the province accepts). A certificate passes
when:

* it is signed by a CA certificate of the bundle (basicConstraints CA, valid now): the bundle
  must hold the issuing CA itself, intermediates included;
* its own key usage, when present, allows digital signatures;
* its subject names a valid USCC (GB 32100) in ``serialNumber``, ``OU``,
  ``x500UniqueIdentifier`` or ``CN`` — Chinese CAs put it in different places; a USCC inside
  a longer value (``USCC:91...``) is found too;
* for a challenge login, the signature over the challenge verifies with its public key
  (ECDSA with SHA-256 or RSA PKCS#1 v1.5 with SHA-256; SM2 needs a vendor adapter, see
  decision 0013).

``SandboxCertificateProvider`` does the same with the sandbox CA (``keys.sandbox_ca``) as the
only trusted root; ``federation_issue_test_cert`` issues its test certificates.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured

from zhengwu.identifiers import uscc as uscc_rules

from .. import conf, keys
from ..errors import SignInFailed
from .base import CertificateIdentity, CertificateProvider

_USCC_CANDIDATE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}")
_SUBJECT_ATTRIBUTES = (
    NameOID.SERIAL_NUMBER,
    NameOID.ORGANIZATIONAL_UNIT_NAME,
    NameOID.X500_UNIQUE_IDENTIFIER,
    NameOID.COMMON_NAME,
)


def _failed(code: str, message: str) -> SignInFailed:
    return SignInFailed(message, code=f"federation.certificate.{code}")


def load_certificate(pem: bytes) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(pem.strip())
    except ValueError as exc:
        raise _failed("invalid", "证书格式错误（应为 PEM）") from exc


def uscc_of(certificate: x509.Certificate) -> str:
    """The USCC the subject names, or ``SignInFailed``."""
    for oid in _SUBJECT_ATTRIBUTES:
        for attribute in certificate.subject.get_attributes_for_oid(oid):
            value = str(attribute.value).strip().upper()
            for candidate in _USCC_CANDIDATE.findall(value):
                if uscc_rules.is_valid(candidate):
                    return candidate
    raise _failed("no_uscc", "证书中没有统一社会信用代码，不是法人数字证书")


class X509CertificateProvider(CertificateProvider):
    """Verification against the configured CA bundle."""

    def trusted(self) -> list[x509.Certificate]:
        path = conf.certificate_ca_file()
        if not path:
            raise ImproperlyConfigured(
                "ZHENGWU_FEDERATION_CERT_CA_FILE is required by X509CertificateProvider."
            )
        return x509.load_pem_x509_certificates(Path(path).read_bytes())

    def verify_certificate(self, *, certificate_pem: bytes) -> CertificateIdentity:
        certificate = load_certificate(certificate_pem)
        now = datetime.now(UTC)
        self._check_dates(certificate, now)
        self._check_chain(certificate, self.trusted(), now)
        usage = _key_usage(certificate)
        if usage is not None and not usage.digital_signature:
            raise _failed("usage", "该证书不能用于签名登录")
        return CertificateIdentity(
            uscc=uscc_of(certificate),
            subject=certificate.subject.rfc4514_string(),
            serial=format(certificate.serial_number, "x"),
            not_after=certificate.not_valid_after_utc,
        )

    def verify_signed_challenge(
        self, *, challenge: bytes, signature: bytes, certificate_pem: bytes
    ) -> CertificateIdentity:
        identity = self.verify_certificate(certificate_pem=certificate_pem)
        public_key = load_certificate(certificate_pem).public_key()
        try:
            if isinstance(public_key, ec.EllipticCurvePublicKey):
                public_key.verify(signature, challenge, ec.ECDSA(hashes.SHA256()))
            elif isinstance(public_key, rsa.RSAPublicKey):
                public_key.verify(signature, challenge, padding.PKCS1v15(), hashes.SHA256())
            else:
                raise _failed("algorithm", "不支持该证书的签名算法")
        except InvalidSignature as exc:
            raise _failed("signature", "签名验证失败，请用本单位的证书重新签名") from exc
        return identity

    @staticmethod
    def _check_dates(certificate: x509.Certificate, now: datetime) -> None:
        if certificate.not_valid_before_utc > now:
            raise _failed("not_yet_valid", "证书尚未生效")
        if certificate.not_valid_after_utc <= now:
            raise _failed("expired", "证书已过期，请到数字证书机构办理证书延期")

    def _check_chain(
        self, certificate: x509.Certificate, trusted: list[x509.Certificate], now: datetime
    ) -> None:
        # Every certificate of the bundle is a trust anchor (roots and the issuing
        # intermediates the province accepts), so the chain is one link: the leaf's signature
        # by a CA certificate of the bundle that is valid now.
        for issuer in trusted:
            if issuer.subject != certificate.issuer or not _issued_by(certificate, issuer):
                continue
            constraints = _basic_constraints(issuer)
            if constraints is None or not constraints.ca:
                continue
            self._check_dates(issuer, now)
            return
        raise _failed("untrusted", "证书不是由受信任的数字证书机构签发的")


class SandboxCertificateProvider(X509CertificateProvider):
    """The sandbox CA as the only trusted root (refused by the deploy check in production)."""

    def trusted(self) -> list[x509.Certificate]:
        return [keys.sandbox_ca().certificate]


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _basic_constraints(certificate: x509.Certificate) -> x509.BasicConstraints | None:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return None


def _key_usage(certificate: x509.Certificate) -> x509.KeyUsage | None:
    try:
        return certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
