"""Field encryption and keyed hashes for personal data (ACC-7).

* ``encrypt_str`` / ``decrypt_str``: AES-256-GCM with a random 96-bit nonce. The token is
  ``<key id>$<base64url(nonce || ciphertext || tag)>``; the key id makes rotation possible:
  the first key of ``ZHENGWU_FIELD_KEYS`` encrypts, every listed key decrypts.
* ``blind_index``: HMAC-SHA256 under ``ZHENGWU_HASH_KEY`` of the normalised value, prefixed by
  a purpose so that equal values of different kinds do not share an index. This is the only
  way to search personal data (exact match).

The keys are read from settings (which read them from the environment); nothing is logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored token could not be decrypted (unknown key id or tampered data)."""


@dataclass(frozen=True)
class _Keyring:
    active_id: str
    ciphers: dict[str, AESGCM]
    hash_key: bytes
    # The raw active key, for the native row preparer (registry.services.rows), which keys its
    # own OpenSSL context; never shown in a repr.
    active_key: bytes = field(default=b"", repr=False)


def _b64(value: str) -> bytes:
    padded = value + "=" * (-len(value) % 4)
    try:
        return base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("Field-encryption keys must be base64.") from exc


@lru_cache(maxsize=4)
def _keyring(field_keys: str, hash_key: str) -> _Keyring:
    ciphers: dict[str, AESGCM] = {}
    active = ""
    active_key = b""
    for item in field_keys.split(","):
        item = item.strip()
        if not item:
            continue
        kid, sep, key = item.partition(":")
        if not sep or not kid or "$" in kid:
            raise ImproperlyConfigured("ZHENGWU_FIELD_KEYS entries look like 'kid:base64key'.")
        raw = _b64(key)
        if len(raw) != 32:
            raise ImproperlyConfigured(f"Field key {kid!r} must be 32 bytes (AES-256).")
        ciphers[kid] = AESGCM(raw)
        if not active:
            active, active_key = kid, raw
    if not active:
        raise ImproperlyConfigured("ZHENGWU_FIELD_KEYS holds no key.")
    hk = _b64(hash_key)
    if len(hk) < 16:
        raise ImproperlyConfigured("ZHENGWU_HASH_KEY must be at least 16 bytes.")
    return _Keyring(active_id=active, ciphers=ciphers, hash_key=hk, active_key=active_key)


def keyring() -> _Keyring:
    return _keyring(settings.ZHENGWU_FIELD_KEYS, settings.ZHENGWU_HASH_KEY)


def encrypt_str(plaintext: str, *, ring: _Keyring | None = None) -> str:
    """Encrypt ``plaintext``; the result differs on every call (random nonce)."""
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.ciphers[ring.active_id].encrypt(nonce, plaintext.encode(), None)
    return f"{ring.active_id}${base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def decrypt_str(token: str, *, ring: _Keyring | None = None) -> str:
    ring = ring or keyring()
    kid, sep, body = token.partition("$")
    if not sep or kid not in ring.ciphers:
        raise DecryptionError(f"unknown key id {kid!r}")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return ring.ciphers[kid].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise DecryptionError("ciphertext does not verify") from exc


def key_id(token: str) -> str:
    """The id of the key a token was encrypted with (for rotation reports)."""
    return token.partition("$")[0]


def blind_index(value: str, *, purpose: str, ring: _Keyring | None = None) -> str:
    """Keyed hash (hex, 64 chars) of ``value`` for exact-match search."""
    ring = ring or keyring()
    msg = purpose.encode() + b"\x00" + value.encode()
    return hmac.new(ring.hash_key, msg, hashlib.sha256).hexdigest()
