"""Where the catalogue's blank forms and samples live: sealed in the ``default`` storage,
served by ``views.catalogue_file`` (the store never serves them, decision 0025)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.deconstruct import deconstructible

from zhengwu.uploads.storage import SealedStorage


@deconstructible(path="zhengwu.onlineservices.storage.CatalogueStorage")
class CatalogueStorage(SealedStorage):
    def url(self, name: str | None) -> str:
        return reverse("onlineservices:catalogue_file", args=[name or ""])


catalogue_storage = CatalogueStorage()
