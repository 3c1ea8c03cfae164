"""Small pieces shared by the modules that keep keys and certificates on disk.

Used by the federation certificate sandbox (``federation.keys``), the e-signature sandbox
(``integrations.esign.sandbox``) and the licence signing keys (``licences.keys``), all of which
write private keys under ``VAR_DIR`` and must never leave one readable by others, nor half
written.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


def publish_file(path: Path, data: bytes, *, replace: bool, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` atomically with exactly ``mode`` (whatever the umask), creating
    missing parent directories with mode 0700.

    The data goes to a temporary file in the same directory first (fsynced), then is published:
    with ``replace`` it replaces ``path``; without, it is hard-linked to ``path`` only if
    ``path`` does not exist yet — when several processes create the same file at once, the
    first one wins and the others keep (and should then read) its file. ``OSError`` when the
    directory is not writable.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(descriptor, mode)  # exactly ``mode``, whatever the umask
            file.write(data)
            file.flush()
            os.fsync(descriptor)
        if replace:
            os.replace(temporary, path)
        else:
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def private_key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    """The key as unencrypted PKCS#8 PEM (protect the file instead: :func:`publish_file`)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def key_and_certificates_pem(
    key: ec.EllipticCurvePrivateKey, *certificates: x509.Certificate
) -> bytes:
    """One PEM file: the key (:func:`private_key_pem`), then the certificates in order."""
    return private_key_pem(key) + b"".join(
        c.public_bytes(serialization.Encoding.PEM) for c in certificates
    )


def key_usage(*, ca: bool) -> x509.KeyUsage:
    """A CA's key usage (certificate and CRL signing), or a signer's (digital signature and
    content commitment, a.k.a. non-repudiation)."""
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def self_signed_ca(
    key: ec.EllipticCurvePrivateKey,
    name: x509.Name,
    *,
    validity: timedelta,
    key_identifier: bool = True,
) -> x509.Certificate:
    """A root certificate for ``key`` (no intermediate below it: ``path_length=0``), valid
    from a day ago for ``validity``; with ``key_identifier``, a subject key identifier."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(key_usage(ca=True), critical=True)
    )
    if key_identifier:
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
    return builder.sign(key, hashes.SHA256())


def issue_signer_certificate(
    subject: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    *,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_name: x509.Name,
    not_after: datetime,
    not_before: datetime | None = None,
    key_identifiers: bool = True,
) -> x509.Certificate:
    """A signer's (end-entity) certificate issued by the CA ``ca_name`` / ``ca_key``, valid
    from ``not_before`` (default: an hour ago); with ``key_identifiers``, subject and authority
    key identifiers."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or datetime.now(UTC) - timedelta(hours=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(key_usage(ca=False), critical=True)
    )
    if key_identifiers:
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        ).add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    return builder.sign(ca_key, hashes.SHA256())
