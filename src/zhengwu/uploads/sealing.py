"""Encryption of stored files at rest (等保 8.1.4.8; ID-card images are sensitive PI).

AES-256-GCM under the active field key of ``ZHENGWU_FIELD_KEYS`` (``zhengwu.core.crypto``),
with the upload's id as associated data, so that a file copied onto another row's name does
not decrypt. Layout: ``ZWU1 | len(key id) | key id | nonce (12) | ciphertext and tag``; the
key id in the header lets every configured key decrypt after a rotation.
"""

from __future__ import annotations

import os
import uuid

from cryptography.exceptions import InvalidTag

from zhengwu.core.crypto import NONCE_BYTES, DecryptionError, keyring

MAGIC = b"ZWU1"
_AAD_PREFIX = b"zhengwu.uploads:"


def _aad(upload_id: uuid.UUID) -> bytes:
    return _AAD_PREFIX + upload_id.bytes


_NAMESPACE = uuid.UUID("6f1d7c3e-5a0b-4c8e-9a61-2f4e8d0c7b15")


def sealed_id(label: str) -> uuid.UUID:
    """A stable id to bind a sealed file to, for files whose row has no UUID (an article's
    PDF: ``sealed_id(f"agency.article:{pk}")``)."""
    return uuid.uuid5(_NAMESPACE, label)


def seal(content: bytes, *, upload_id: uuid.UUID) -> tuple[bytes, str]:
    """Encrypt ``content`` for the upload ``upload_id``; returns (blob, key id)."""
    ring = keyring()
    kid = ring.active_id.encode()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.ciphers[ring.active_id].encrypt(nonce, content, _aad(upload_id))
    return MAGIC + bytes([len(kid)]) + kid + nonce + sealed, ring.active_id


def unseal(blob: bytes, *, upload_id: uuid.UUID) -> bytes:
    """Decrypt a blob written by ``seal`` for the same upload; ``DecryptionError`` otherwise."""
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 1:
        raise DecryptionError("not a sealed upload")
    start = len(MAGIC) + 1
    end = start + blob[len(MAGIC)]
    kid, body = blob[start:end].decode(errors="replace"), blob[end:]
    ring = keyring()
    if kid not in ring.ciphers:
        raise DecryptionError(f"unknown key id {kid!r}")
    try:
        return ring.ciphers[kid].decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], _aad(upload_id))
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("sealed upload does not verify") from exc
