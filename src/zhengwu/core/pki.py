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
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
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
