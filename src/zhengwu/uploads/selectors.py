"""Reads of uploads, scoped to the person asking: the only way to an upload or its bytes.

Access rules (REG-9: "served only to the applicant and reviewers"), first match wins:

* ``uploader``: the signed-in, active account that uploaded it;
* ``owner_token``: the holder of the owner token it was uploaded with (anonymous wizard steps);
* ``reviewer``: an active staff member with the permission ``uploads.view_privateupload``;
* ``viewer_check``: a signed-in, active user accepted by a check registered in ``access``.

Everyone else gets ``UploadNotFound`` (404, never 403): nobody learns whether an id exists.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from zhengwu.core.crypto import DecryptionError

from .access import viewer_checks
from .constants import VIEW_PERMISSION
from .errors import UploadNotFound, UploadUnavailable
from .models import PrivateUpload
from .sealing import unseal
from .tokens import owner_token_matches

logger = logging.getLogger(__name__)

BASIS_UPLOADER = "uploader"
BASIS_OWNER_TOKEN = "owner_token"
BASIS_REVIEWER = "reviewer"
BASIS_VIEWER_CHECK = "viewer_check"


@dataclass(frozen=True)
class UploadAccess:
    """An upload and the rule that lets the caller see it (recorded in the audit event)."""

    upload: PrivateUpload
    basis: str


def _signed_in(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def upload_access_basis(*, upload: PrivateUpload, user: Any, owner_token: str = "") -> str | None:
    """The name of the rule that lets ``user`` (or the holder of ``owner_token``) see
    ``upload``, or ``None``."""
    signed_in = _signed_in(user)
    if signed_in and upload.uploaded_by_id is not None and upload.uploaded_by_id == user.pk:
        return BASIS_UPLOADER
    if owner_token_matches(owner_token, upload.owner_token_hash):
        return BASIS_OWNER_TOKEN
    if not signed_in:
        return None
    if user.is_staff and user.has_perm(VIEW_PERMISSION):
        return BASIS_REVIEWER
    if any(check(user, upload) for check in viewer_checks()):
        return BASIS_VIEWER_CHECK
    return None


def upload_access_for_user(
    *, upload_id: uuid.UUID | str, user: Any, owner_token: str = ""
) -> UploadAccess:
    """The upload ``upload_id`` with the rule that grants access; ``UploadNotFound`` if it does
    not exist or the caller may not see it."""
    not_found = UploadNotFound(_("文件不存在"))
    try:
        pk = upload_id if isinstance(upload_id, uuid.UUID) else uuid.UUID(str(upload_id))
    except ValueError:
        raise not_found from None
    upload = PrivateUpload.objects.filter(pk=pk).first()
    if upload is None:
        raise not_found
    basis = upload_access_basis(upload=upload, user=user, owner_token=owner_token)
    if basis is None:
        raise not_found
    return UploadAccess(upload=upload, basis=basis)


def get_upload_for_user(
    *, upload_id: uuid.UUID | str, user: Any, owner_token: str = ""
) -> PrivateUpload:
    """The upload ``upload_id`` if ``user`` (or the holder of ``owner_token``) may see it;
    ``UploadNotFound`` otherwise. Reading its bytes is ``upload_read_content``."""
    return upload_access_for_user(upload_id=upload_id, user=user, owner_token=owner_token).upload


def upload_read_content(*, upload: PrivateUpload) -> bytes:
    """The JPEG bytes of an upload already obtained through ``get_upload_for_user``.

    Decrypts and checks the SHA-256 recorded at upload time; a missing, undecryptable or
    altered file raises ``UploadUnavailable`` (and is logged as an error).
    """
    try:
        with default_storage.open(upload.storage_name, "rb") as handle:
            blob = handle.read()
        content = unseal(blob, upload_id=upload.pk)
    except (OSError, DecryptionError) as exc:
        logger.error("upload %s unreadable: %s", upload.pk, type(exc).__name__)
        raise UploadUnavailable(_("文件已不存在或无法读取")) from exc
    if hashlib.sha256(content).hexdigest() != upload.sha256:
        logger.error("upload %s: content does not match its SHA-256", upload.pk)
        raise UploadUnavailable(_("文件已不存在或无法读取"))
    return content
