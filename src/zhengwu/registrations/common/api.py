"""The API pieces every registration channel shares: the SMS-code request and the face check.

Each channel's router has its own ``/sms-code`` and ``/face-check`` paths (the URLs stay as
they were); their bodies and answers are these schemas, and ``face_start_out`` answers a
started check. The image captcha and ``ErrorOut`` are ``zhengwu.api.errors``.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from zhengwu.integrations.identity.base import FaceCheckSession

#: The longest sealed step-1 draft token accepted (``wizard.draft_store``: ~700 characters).
DRAFT_TOKEN_MAX_LENGTH = 4096

DraftToken = Field(
    "",
    max_length=DRAFT_TOKEN_MAX_LENGTH,
    description="The draft_token of step 1 (needed until step 2 has been submitted).",
)


class MobileIn(Schema):
    mobile: str
    draft_token: str = DraftToken


class FaceStartOut(Schema):
    qr_payload: str
    expires_at: datetime


class FaceStatusOut(Schema):
    status: str
    reason: str = ""
    step: str
    outcome: str


def face_start_out(session: FaceCheckSession) -> FaceStartOut:
    """The answer to a started face check: the QR payload and its expiry."""
    return FaceStartOut(qr_payload=session.qr_payload, expires_at=session.expires_at)
