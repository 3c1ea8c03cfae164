"""Writes of uploads: store, attach to a case, delete, purge orphan files.

Storing is file first, row second, inside one transaction: if the row (or the audit event)
cannot be written, the file is deleted before the error propagates. If a caller's outer
transaction rolls back after ``upload_store`` returned, its file has no row: such orphans are
removed by ``upload_purge_orphans`` (``manage.py upload_purge_orphans``, run daily).
"""

from __future__ import annotations

import logging
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from zhengwu.audit.services import record_event
from zhengwu.core.errors import IllegalTransition

from .constants import (
    CONTENT_TYPE,
    EVENT_ATTACHED,
    EVENT_DELETED,
    EVENT_STORED,
    STORAGE_PREFIX,
    STORAGE_SUFFIX,
)
from .images import Readable, prepare_jpeg, read_limited
from .models import PrivateUpload, UploadKind
from .sealing import seal
from .tokens import owner_token_hash

logger = logging.getLogger(__name__)

ORIGINAL_NAME_MAX = 120


def upload_store(
    *,
    file: Readable,
    kind: UploadKind | str,
    actor: Any = None,
    owner_token: str = "",
    field: str | None = None,
    label: str = "",
    allow_png: bool = False,
) -> PrivateUpload:
    """Check, re-encode, encrypt and store an uploaded image; return its row.

    ``file`` is an uploaded file (or any binary file object); its name is kept only as a
    sanitised display name and its declared content type is ignored. The owner is ``actor``
    (a signed-in user) and/or the holder of ``owner_token``; one of them is required.
    With ``allow_png`` a PNG is accepted too and stored re-encoded as a JPEG.
    Refusals are ``UploadRejected`` subclasses (codes ``upload.*``) whose message names
    ``label`` (default: the kind's label) and whose ``field`` is ``field``.
    """
    kind = UploadKind(kind)
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is None and not owner_token:
        raise ValueError("upload_store needs a signed-in actor or an owner token")
    label = label or str(kind.label)
    prepared = prepare_jpeg(
        read_limited(file, label=label, field=field),
        label=label,
        field=field,
        allow_png=allow_png,
    )

    upload = PrivateUpload(
        id=uuid.uuid4(),
        kind=kind,
        uploaded_by=user,
        owner_token_hash=owner_token_hash(owner_token),
        original_name=display_name(getattr(file, "name", "") or ""),
        content_type=CONTENT_TYPE,
        size=prepared.size,
        sha256=prepared.sha256,
        width=prepared.width,
        height=prepared.height,
        created_at=timezone.now(),
    )
    blob, upload.key_id = seal(prepared.content, upload_id=upload.pk)
    stored_name = ""
    try:
        with transaction.atomic():
            stored_name = default_storage.save(
                storage_name(upload.pk, upload.created_at), ContentFile(blob)
            )
            upload.storage_name = stored_name
            upload.save(force_insert=True)
            record_event(
                EVENT_STORED,
                actor=user,
                subject=upload,
                after={"kind": kind.value, "size": upload.size, "sha256": upload.sha256},
            )
    except BaseException:
        if stored_name:
            _delete_file(stored_name)
        raise
    return upload


def upload_attach(
    *, upload: PrivateUpload, subject: Any, owner: Any = None, actor: Any = None
) -> PrivateUpload:
    """Attach ``upload`` to the case ``subject`` (a model instance or a ``(type, id)`` pair)
    and, when given, make the account ``owner`` its uploader (an anonymous wizard upload
    whose applicant now has an account). Attaching it again to the same subject is a no-op;
    to another subject, ``IllegalTransition``."""
    if isinstance(subject, tuple):
        subject_type, subject_id = str(subject[0]), str(subject[1])
    else:
        subject_type, subject_id = subject._meta.label_lower, str(subject.pk)
    with transaction.atomic():
        locked = PrivateUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.subject_type and (locked.subject_type, locked.subject_id) != (
            subject_type,
            subject_id,
        ):
            raise IllegalTransition("该材料已关联其他业务", code="upload.already_attached")
        changed = (locked.subject_type, locked.subject_id) != (subject_type, subject_id)
        locked.subject_type, locked.subject_id = subject_type, subject_id
        if owner is not None and locked.uploaded_by_id is None:
            locked.uploaded_by = owner
            changed = True
        if changed:
            locked.save(update_fields=["subject_type", "subject_id", "uploaded_by"])
            record_event(
                EVENT_ATTACHED,
                actor=actor,
                subject=locked,
                after={"subject_type": subject_type, "subject_id": subject_id},
            )
    return locked


def upload_delete(*, upload: PrivateUpload, actor: Any = None, reason: str = "") -> None:
    """Delete an upload (PIPL Art. 47: when its purpose is achieved). The row goes now, the
    file after commit, so a rolled-back deletion leaves both in place."""
    with transaction.atomic():
        deleted, _ = PrivateUpload.objects.filter(pk=upload.pk).delete()
        if not deleted:
            return
        record_event(
            EVENT_DELETED,
            actor=actor,
            subject=upload,
            before={"kind": upload.kind, "sha256": upload.sha256},
            after={"reason": reason} if reason else None,
        )
        name = upload.storage_name
        transaction.on_commit(lambda: _delete_file(name))


@dataclass(frozen=True)
class PurgeReport:
    """What ``upload_purge_orphans`` found: orphan files deleted (or, dry run, to delete)."""

    orphans: tuple[str, ...]
    dry_run: bool


def upload_purge_orphans(
    *, older_than: timedelta = timedelta(hours=1), dry_run: bool = False
) -> PurgeReport:
    """Delete stored files that have no row and are older than ``older_than``.

    They come from transactions that rolled back after ``upload_store`` wrote the file, or
    from a process that died between the two. Young files are left alone: their row may be
    about to commit.
    """
    cutoff = timezone.now() - older_than
    candidates = [
        name for name in _stored_names() if default_storage.get_modified_time(name) < cutoff
    ]
    known = set(
        PrivateUpload.objects.filter(storage_name__in=candidates).values_list(
            "storage_name", flat=True
        )
    )
    orphans = tuple(sorted(name for name in candidates if name not in known))
    if not dry_run:
        for name in orphans:
            _delete_file(name)
    return PurgeReport(orphans=orphans, dry_run=dry_run)


def storage_name(upload_id: uuid.UUID, created_at: datetime) -> str:
    """``uploads/YYYY/MM/<uuid hex>.jpg.enc``: nothing in it comes from the user."""
    local = timezone.localtime(created_at)
    return f"{STORAGE_PREFIX}/{local:%Y}/{local:%m}/{upload_id.hex}{STORAGE_SUFFIX}"


def display_name(name: str) -> str:
    """The browser's file name reduced to something safe to show: last path component,
    no control or bidirectional-override characters (``U+202E`` makes ``gpj.exe`` read as
    ``exe.jpg``), whitespace collapsed, at most 120 characters."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    return " ".join(kept.split())[:ORIGINAL_NAME_MAX]


def _stored_names(directory: str = STORAGE_PREFIX) -> list[str]:
    try:
        dirs, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}/{name}" for name in files if name.endswith(STORAGE_SUFFIX)]
    for sub in dirs:
        names.extend(_stored_names(f"{directory}/{sub}"))
    return names


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.exception("upload file %s could not be deleted", name)
