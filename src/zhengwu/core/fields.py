"""Model fields for personal data (ACC-7).

``EncryptedTextField`` stores an AES-GCM token (see ``zhengwu.core.crypto``) and gives back the
clear text in Python. It cannot be searched: equality on ciphertext is meaningless, so every
lookup but ``isnull`` is refused. Pair it with a ``CharField`` holding ``blind_index(...)``
for exact-match search, filled by the service that writes the row.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from .crypto import decrypt_str, encrypt_str


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with AES-GCM"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_str(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_str(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(
                f"EncryptedTextField cannot be searched with {lookup_name!r}: "
                "use its blind-index companion field."
            )
        return super().get_lookup(lookup_name)


def hash_field(**kwargs: Any) -> models.CharField:
    """The companion blind-index column (HMAC-SHA256 hex)."""
    kwargs.setdefault("max_length", 64)
    kwargs.setdefault("db_index", True)
    kwargs.setdefault("editable", False)
    return models.CharField(**kwargs)
