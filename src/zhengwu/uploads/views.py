"""Serving a private upload: permission check, audit, then the bytes (REG-9)."""

from __future__ import annotations

import io
import uuid

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event

from .constants import CONTENT_TYPE, EVENT_VIEW_DENIED, EVENT_VIEWED, SUBJECT_TYPE
from .errors import UploadNotFound, UploadUnavailable
from .selectors import upload_access_for_user, upload_read_content
from .tokens import session_owner_token


@require_GET
def upload_file(request: HttpRequest, upload_id: uuid.UUID) -> FileResponse:
    """``GET /uploads/<uuid>/``: the JPEG, to its owner and to reviewers only.

    Every view is audited (``upload.viewed``, with the access rule); every refusal too
    (``upload.view_denied``), and answers 404 whether or not the id exists. The response is
    never cached and never sniffed into anything but an image.
    """
    user = request.user
    try:
        access = upload_access_for_user(
            upload_id=upload_id, user=user, owner_token=session_owner_token(request)
        )
    except UploadNotFound:
        record_event(
            EVENT_VIEW_DENIED,
            actor=user,
            subject=(SUBJECT_TYPE, str(upload_id)),
            outcome=AuditEvent.Outcome.FAILURE,
        )
        raise Http404 from None
    upload = access.upload
    try:
        content = upload_read_content(upload=upload)
    except UploadUnavailable:
        record_event(
            EVENT_VIEWED,
            actor=user,
            subject=upload,
            outcome=AuditEvent.Outcome.FAILURE,
            after={"access": access.basis, "error": "unavailable"},
        )
        raise Http404 from None
    record_event(EVENT_VIEWED, actor=user, subject=upload, after={"access": access.basis})

    response = FileResponse(io.BytesIO(content), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{upload.pk}.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Opened directly, the image may not run or load anything, nor be embedded elsewhere.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
