"""JSON API of the legal-person registration wizard (``/api/v1/registrations/``).

Same services as the pages. The client keeps the draft id returned by step 1 (a random UUID:
holding it is what lets a client continue that wizard) and, until step 2 has been submitted,
the ``draft_token`` step 1 returns: the verified step-1 data, sealed by the server, sent back
in the body of ``…/sms-code`` and ``…/user`` (decision 0017; the server keeps no row for a
step 1 nobody continues). Errors: ``{code, message, field}`` with a 4xx status
(``zhengwu.api.api``).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from captcha.helpers import captcha_image_url
from captcha.models import CaptchaStore
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from zhengwu.api.errors import ErrorOut, captcha_check

from ..common.api import DraftToken, FaceStartOut, FaceStatusOut, MobileIn, face_start_out
from . import draft_store, selectors, services

router = Router(tags=["registrations"])


class InfoIn(Schema):
    location: str
    legal_person_type: str
    organisation_name: str
    uscc: str
    legal_rep_name: str
    legal_rep_id_type: str
    legal_rep_id_number: str
    agreement_accepted: bool


class DraftOut(Schema):
    draft_id: UUID
    step: str
    outcome: str
    expires_at: datetime
    draft_token: str | None = Field(
        None,
        description="Step 1 only: send it back as draft_token in the step-2 calls (sms-code, "
        "user) until step 2 has been submitted. Opaque, sealed by the server.",
    )


class CaptchaOut(Schema):
    captcha_key: str
    image_url: str


class UserIn(Schema):
    username: str
    password: str
    password_confirm: str
    operator_name: str
    operator_id_type: str
    operator_id_number: str
    landline: str = ""
    mobile: str
    captcha_key: str
    captcha: str
    sms_code: str
    draft_token: str = DraftToken


def _out(draft: services.RegistrationDraft, token: str | None = None) -> DraftOut:
    return DraftOut(
        draft_id=draft.pk,
        step=draft.step,
        outcome=draft.outcome,
        expires_at=draft.expires_at,
        draft_token=token,
    )


@router.post("/", response={201: DraftOut, 400: ErrorOut}, summary="Step 1 信息认证")
def info(request: HttpRequest, payload: InfoIn) -> Status[DraftOut]:
    """Check the unit against the register (REG-1…REG-3); returns the draft to continue."""
    draft = services.registration_start(**payload.dict(), actor=request.user)
    return Status(201, _out(draft, draft_store.seal(draft)))


@router.get("/captcha", response=CaptchaOut, summary="A new image captcha for step 2")
def captcha(request: HttpRequest) -> CaptchaOut:
    key = CaptchaStore.generate_key()
    return CaptchaOut(captcha_key=key, image_url=request.build_absolute_uri(captcha_image_url(key)))


@router.post(
    "/{draft_id}/sms-code",
    response={204: None, 400: ErrorOut, 404: ErrorOut, 410: ErrorOut, 429: ErrorOut},
    summary="Send the step-2 SMS code",
)
def sms_code(request: HttpRequest, draft_id: UUID, payload: MobileIn) -> Status[None]:
    draft = selectors.draft_get(draft_id=draft_id, token=payload.draft_token)
    services.registration_sms_code_send(draft=draft, mobile=payload.mobile, actor=request.user)
    return Status(204, None)


@router.post(
    "/{draft_id}/user",
    response={200: DraftOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut},
    summary="Step 2 创建用户",
)
def user(request: HttpRequest, draft_id: UUID, payload: UserIn) -> DraftOut:
    """REG-4/REG-5/REG-8; the image captcha and the SMS code are both required."""
    data = payload.dict()
    draft = selectors.draft_get(draft_id=draft_id, token=data.pop("draft_token"))
    captcha_check(data.pop("captcha_key"), data.pop("captcha"))
    services.registration_user_submit(draft=draft, **data, actor=request.user)
    return _out(draft)


@router.post(
    "/{draft_id}/face-check",
    response={200: FaceStartOut, 400: ErrorOut, 404: ErrorOut, 410: ErrorOut, 503: ErrorOut},
    summary="Step 3 实名认证: start the operator's face check",
)
def face_start(request: HttpRequest, draft_id: UUID) -> FaceStartOut:
    draft = selectors.draft_get(draft_id=draft_id)
    session = services.registration_face_start(draft=draft, actor=request.user)
    return face_start_out(session)


@router.get(
    "/{draft_id}/face-check",
    response={200: FaceStatusOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut},
    summary="Step 3: poll the face check; completes the registration when passed",
)
def face_status(request: HttpRequest, draft_id: UUID) -> FaceStatusOut:
    draft = selectors.draft_get(draft_id=draft_id)
    result = services.registration_face_poll(draft=draft, actor=request.user)
    draft.refresh_from_db()
    return FaceStatusOut(
        status=str(result.status), reason=result.reason, step=draft.step, outcome=draft.outcome
    )
