"""Reads of the archive: search by words in the scans, USCC, name, type and date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from . import search
from .models import ArchiveFile

PAGE_SIZE = search.FIRST_PAGE  # a word search on PostgreSQL gives this page only


@dataclass(frozen=True)
class Query:
    text: str = ""
    uscc: str = ""
    name: str = ""
    archive_type: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def empty(self) -> bool:
        return not any(
            (self.text, self.uscc, self.name, self.archive_type, self.date_from, self.date_to)
        )


def archive_search(query: Query, *, usccs: list[str] | None = None) -> QuerySet[ArchiveFile]:
    """Files matching every given criterion; ``usccs`` limits them to those units (a unit's own
    space), ``None`` means everything (staff)."""
    files = ArchiveFile.objects.all()
    if usccs is not None:
        files = files.filter(uscc__in=usccs)
    if query.uscc:
        files = files.filter(uscc=query.uscc.upper())
    if query.name:
        files = files.filter(entity_name__contains=query.name)
    if query.archive_type:
        files = files.filter(archive_type=query.archive_type)
    if query.date_from:
        files = files.filter(date__gte=query.date_from)
    if query.date_to:
        files = files.filter(date__lte=query.date_to)
    if query.text:
        files = search.full_text_filter(files, query.text)
    return files.defer("ocr_text", "search_tokens").order_by("-date", "-uploaded_at")
