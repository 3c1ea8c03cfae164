"""Reads of the manual channel (REG-9): the uploads a case holds now."""

from __future__ import annotations

from zhengwu.uploads.models import PrivateUpload

from ..models import ManualVerification
from .constants import SUBJECT_TYPE


def manual_uploads(case: ManualVerification) -> dict[str, PrivateUpload]:
    """The current upload of each kind attached to ``case`` (the newest one)."""
    current: dict[str, PrivateUpload] = {}
    for upload in PrivateUpload.objects.filter(
        subject_type=SUBJECT_TYPE, subject_id=str(case.pk)
    ).order_by("created_at"):
        current[upload.kind] = upload
    return current
