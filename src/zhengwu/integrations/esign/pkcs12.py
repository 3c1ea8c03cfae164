"""A production e-signature provider: PAdES signatures with the portal's own certificate.

The portal (or the issuing authority behind it) holds one signing certificate issued by a real
CA, with its private key, in a password-protected PKCS#12 file (``.p12`` / ``.pfx``). Every
document is signed with that key; ``verify_pdf`` trusts the roots of a PEM bundle configured
separately (the CA that issued the certificate, and any other authority whose documents the
portal must accept).

Who signs. For REG-10 the legal representative signs the authorisation letter (授权委托书).
With this provider the *portal* signs on the person's behalf, after the caller has verified the
person (face check): the signature's certificate names the authority, and the person's name is
written into the signature dictionary (``/Name``, from ``SignRequest.signer_name``) and printed
in the letter itself. ``SignatureReport.signer`` (the certificate's common name) is therefore
the authority, not the person. ``signer_id_number`` is not used and never written anywhere. A
vendor that issues a certificate to each person after its own real-name check (a signature of
the person in the sense of 《电子签名法》 art. 13) is another adapter, not this one.

Settings (a Django setting wins, else the environment variable of the same name, as in
``integrations.http.setting``), read once, when the provider is constructed (``get_esign``):

=================================  ==============================================================
``ZHENGWU_ESIGN_PKCS12_PATH``      required: the PKCS#12 file holding the private key, its
                                   certificate and (optionally) the intermediate CA certificates,
                                   which are embedded in every signature.
``ZHENGWU_ESIGN_PKCS12_PASSWORD``  required, not empty: the file's password, used as given (not
                                   stripped; UTF-8). Unencrypted key stores are refused.
``ZHENGWU_ESIGN_TRUST_ROOTS``      required: a PEM bundle of trusted root certificates for
                                   ``verify_pdf``; the signing certificate must chain to one.
=================================  ==============================================================

A missing setting, an unreadable file, a wrong password, a key store without key or
certificate, a key that does not match its certificate, a key type other than RSA or ECDSA
(SM2 is not supported by pyHanko), a certificate outside its validity period, without the
non-repudiation key usage (pyHanko's verification requires it) or not chaining to the trust
roots: ``ImproperlyConfigured`` naming the setting, at construction, so that a misconfigured
deployment fails at start-up rather than at the first signature.

Errors at signing, as in the sandbox: empty signer name or ID number, or a name over 64
characters, ``INVALID_SIGNER``; empty field name or one with a dot, ``INVALID_FIELD``; not a
PDF, ``INVALID_PDF``; field already signed, ``SIGNING_REFUSED``; the certificate expired since
start-up, ``CERTIFICATE_EXPIRED`` (``code="esign.certificate"``). All permanent.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, pkcs12
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zhengwu.integrations.http import setting

from . import pades
from .base import ESignError, ESignProvider, SignatureReport, SignedDocument, SignRequest

PATH_SETTING = "ZHENGWU_ESIGN_PKCS12_PATH"
PASSWORD_SETTING = "ZHENGWU_ESIGN_PKCS12_PASSWORD"
TRUST_ROOTS_SETTING = "ZHENGWU_ESIGN_TRUST_ROOTS"
OWNER = "Pkcs12ESignProvider"
MAX_NAME_LENGTH = 64  # RFC 5280 ub-common-name
# Longest certificate path followed from the signing certificate to a root.
MAX_CHAIN_LENGTH = 8


def _raw_setting(name: str) -> str:
    """Like ``integrations.http.setting`` but not stripped: a password is used as given."""
    value = getattr(settings, name, None)
    if value is None or value == "":
        value = os.environ.get(name, "")
    return str(value)


def _read(name: str, what: str) -> bytes:
    path = setting(name)
    if not path:
        raise ImproperlyConfigured(f"{name} is required by {OWNER}: the path of {what}.")
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{name} ({path}) cannot be read by {OWNER}: {exc.strerror or exc}."
        ) from exc


def _spki(certificate: x509.Certificate) -> bytes:
    return certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _chains_to(
    certificate: x509.Certificate,
    intermediates: list[x509.Certificate],
    roots: list[x509.Certificate],
) -> bool:
    """Whether a path of signatures leads from ``certificate`` to one of ``roots``.

    A sanity check of the configuration only (names and signatures, no policies): pyHanko's
    validator decides at verification.
    """
    current = certificate
    for _ in range(MAX_CHAIN_LENGTH):
        if current in roots or any(_issued_by(current, root) for root in roots):
            return True
        issuers = [c for c in intermediates if c != current and _issued_by(current, c)]
        if not issuers:
            return False
        current = issuers[0]
    return False


class Pkcs12ESignProvider(ESignProvider):
    """Signs every document with one certificate and key loaded from a PKCS#12 file; verifies
    against the roots of ``ZHENGWU_ESIGN_TRUST_ROOTS``. See the module docstring."""

    def __init__(self) -> None:
        data = _read(PATH_SETTING, "the PKCS#12 file with the signing key and certificate")
        password = _raw_setting(PASSWORD_SETTING)
        if not password:
            raise ImproperlyConfigured(
                f"{PASSWORD_SETTING} is required by {OWNER}: the password of the PKCS#12 file "
                f"({PATH_SETTING}); unencrypted key stores are refused."
            )
        try:
            key, certificate, extra = pkcs12.load_key_and_certificates(
                data, password.encode("utf-8")
            )
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{PATH_SETTING} cannot be opened with {PASSWORD_SETTING}: wrong password, or "
                "not a PKCS#12 file."
            ) from exc
        if key is None or certificate is None:
            raise ImproperlyConfigured(
                f"{PATH_SETTING} must hold a private key and its certificate."
            )
        if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
            raise ImproperlyConfigured(
                f"The key in {PATH_SETTING} must be RSA or ECDSA, not {type(key).__name__}."
            )
        if _spki(certificate) != key.public_key().public_bytes(
            Encoding.DER, PublicFormat.SubjectPublicKeyInfo
        ):
            raise ImproperlyConfigured(
                f"The private key in {PATH_SETTING} does not match its certificate."
            )
        now = datetime.now(UTC)
        if not certificate.not_valid_before_utc <= now < certificate.not_valid_after_utc:
            raise ImproperlyConfigured(
                f"The certificate in {PATH_SETTING} is not valid now (valid from "
                f"{certificate.not_valid_before_utc:%Y-%m-%d} to "
                f"{certificate.not_valid_after_utc:%Y-%m-%d})."
            )

        try:
            usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            usage = None
        if usage is not None and not usage.content_commitment:
            # pyHanko's validator requires non-repudiation on a signer's certificate: without
            # it every signature made here would be reported untrusted.
            raise ImproperlyConfigured(
                f"The certificate in {PATH_SETTING} must allow non-repudiation "
                "(key usage contentCommitment) to sign documents."
            )

        pem = _read(TRUST_ROOTS_SETTING, "a PEM bundle of trusted root certificates")
        try:
            roots = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{TRUST_ROOTS_SETTING} must be a PEM bundle of certificates."
            ) from exc
        chain = list(extra)
        if not _chains_to(certificate, chain, roots):
            raise ImproperlyConfigured(
                f"The certificate in {PATH_SETTING} does not chain to any root of "
                f"{TRUST_ROOTS_SETTING}: add its root (and intermediates to the PKCS#12 file)."
            )

        self._key = key
        self._certificate = certificate
        self._chain = chain
        self._trust_roots = roots

    @property
    def certificate(self) -> x509.Certificate:
        """The signing certificate."""
        return self._certificate

    def sign_pdf(self, request: SignRequest) -> SignedDocument:
        """Sign with the configured certificate, writing the person's name into ``/Name``."""
        name = request.signer_name.strip()
        if not name or not request.signer_id_number.strip() or len(name) > MAX_NAME_LENGTH:
            raise ESignError(
                "签署人姓名或证件号码无效", permanent=True, provider_code="INVALID_SIGNER"
            )
        if not request.field_name or "." in request.field_name:
            raise ESignError("签名域名称无效", permanent=True, provider_code="INVALID_FIELD")
        if datetime.now(UTC) >= self._certificate.not_valid_after_utc:
            raise ESignError(
                "电子签名证书已过期，请联系管理员",
                permanent=True,
                code="esign.certificate",
                provider_code="CERTIFICATE_EXPIRED",
            )
        pdf, signed_at = pades.sign(
            replace(request, signer_name=name),
            key=self._key,
            certificate=self._certificate,
            chain=self._chain,
        )
        return SignedDocument(
            pdf=pdf,
            signer_certificate_subject=pades.certificate_subject(self._certificate),
            signed_at=signed_at,
        )

    def verify_pdf(self, pdf: bytes) -> SignatureReport:
        """Verify against the roots of ``ZHENGWU_ESIGN_TRUST_ROOTS``."""
        return pades.verify(pdf, trust_roots=self._trust_roots)
