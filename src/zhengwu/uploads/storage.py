"""A storage that seals every file before it reaches the ``default`` storage (issue 15).

For ``FileField``s (written by forms and the admin, not by ``upload_store``): the bytes are
sealed with ``uploads.sealing`` (AES-256-GCM under the active field key), bound to the file's
name, and only the ciphertext is handed to the ``default`` storage — the local disk or the
S3-compatible store — so the store only ever holds ciphertext (decision 0025). Reading
unseals; a file that does not verify raises ``OSError``. Everything else is delegated.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage
from django.utils.deconstruct import deconstructible

from zhengwu.core.crypto import DecryptionError

from .sealing import seal, sealed_id, unseal


def _bound_to(name: str) -> Any:
    return sealed_id(f"file:{name}")


@deconstructible(path="zhengwu.uploads.storage.SealedStorage")
class SealedStorage(Storage):
    """``default_storage`` (resolved at every call), with the content sealed."""

    @property
    def inner(self) -> Storage:
        return default_storage

    def _save(self, name: str, content: File) -> str:  # type: ignore[type-arg]
        content.seek(0)
        blob, _key_id = seal(content.read(), upload_id=_bound_to(name))
        stored = self.inner.save(name, ContentFile(blob))
        if stored != name:  # another writer took the name meanwhile: sealed to the wrong name
            self.inner.delete(stored)
            raise OSError(f"storage name {name!r} was taken while saving")
        return stored

    def _open(self, name: str, mode: str = "rb") -> File:  # type: ignore[type-arg]
        if "w" in mode or "a" in mode:
            raise ValueError("sealed files are written with save()")
        with self.inner.open(name, "rb") as handle:
            blob = handle.read()
        try:
            content = unseal(blob, upload_id=_bound_to(name))
        except DecryptionError as exc:
            raise OSError(f"stored file {name!r} does not unseal") from exc
        return ContentFile(content, name=name)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.inner.get_available_name(name, max_length=max_length)

    def delete(self, name: str) -> None:
        self.inner.delete(name)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.inner.listdir(path)

    def size(self, name: str) -> int:
        return self.inner.size(name)  # of the sealed file: 33 + len(key id) bytes more

    def get_modified_time(self, name: str) -> datetime.datetime:
        return self.inner.get_modified_time(name)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("sealed files are served by views, never by the store")
