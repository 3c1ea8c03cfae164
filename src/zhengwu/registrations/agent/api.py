"""JSON API of the agent path (代理人注册, REG-10), ``/api/v1/registrations/agent/``.

Same services as the pages. The form is ``multipart/form-data`` (the fields and the two
uploads of 上传证件). The client keeps the random ``application_id`` returned by the
form; the legal representative signs through the link of the SMS (pages). The image captcha
comes from ``GET /api/v1/registrations/captcha``. Errors: ``{code, message, field}`` with a
4xx status (``zhengwu.api.api``).
"""

from __future__ import annotations

import datetime
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.responses import Status

from zhengwu.api.errors import ErrorOut, captcha_check
from zhengwu.core.errors import NotFound

from ..common.api import FaceStartOut, MobileIn, face_start_out
from ..errors import DraftExpired
from ..models import AgentRegistration
from . import selectors, services, signing
from .constants import AgentStatus

router = Router(tags=["registrations: agent (e-signature)"])


class AgentIn(Schema):
    legal_person_type: str
    organisation_name: str
    uscc: str
    legal_rep_name: str
    legal_rep_id_type: str
    legal_rep_id_number: str
    legal_rep_mobile: str
    username: str
    password: str
    password_confirm: str
    agent_name: str
    agent_id_type: str
    agent_id_number: str
    landline: str = ""
    mobile: str
    sms_code: str
    agreement_accepted: bool
    captcha_key: str
    captcha: str


class AgentUpdateIn(Schema):
    legal_person_type: str
    organisation_name: str
    uscc: str
    legal_rep_name: str
    legal_rep_id_type: str
    legal_rep_id_number: str
    legal_rep_mobile: str
    landline: str = ""


class AgentOut(Schema):
    application_id: UUID
    reference: str
    status: str
    status_label: str
    organisation_name: str
    legal_rep_mobile: str  # masked
    sign_link: str = ""
    sign_deadline_at: datetime.datetime | None = None
    deadline_at: datetime.datetime | None = None
    reason: str = ""


class FaceStatusOut(Schema):
    status: str
    reason: str = ""


class ResultIn(Schema):
    key: str
    mobile: str


class ResultOut(Schema):
    reference: str
    organisation_name: str
    status: str
    status_label: str
    reason: str = ""
    deadline_at: datetime.datetime | None = None
    sign_deadline_at: datetime.datetime | None = None


def _get(application_id: UUID) -> AgentRegistration:
    try:
        application = AgentRegistration.objects.get(public_id=application_id)
    except (AgentRegistration.DoesNotExist, DjangoValidationError):
        raise NotFound("注册申请不存在", code="agent_registration.not_found") from None
    if application.is_draft_expired:
        raise DraftExpired()
    return signing.agent_registration_expire_if_due(application=application)


def _out(application: AgentRegistration) -> AgentOut:
    is_signing = application.status == AgentStatus.SIGNING
    return AgentOut(
        application_id=application.public_id,
        reference=application.reference,
        status=application.status,
        status_label=str(application.get_status_display()),
        organisation_name=application.organisation_name,
        legal_rep_mobile=application.masked_legal_rep_mobile,
        sign_link=signing.sign_link(application) if is_signing else "",
        sign_deadline_at=application.sign_deadline_at if is_signing else None,
        deadline_at=application.deadline_at,
        reason=application.reason,
    )


@router.post(
    "/sms-code",
    response={204: None, 400: ErrorOut, 429: ErrorOut},
    summary="Send the registration SMS code to the agent's mobile",
)
def sms_code(request: HttpRequest, payload: MobileIn) -> Status[None]:
    services.agent_sms_code_send(mobile=payload.mobile, actor=request.user)
    return Status(204, None)


@router.post(
    "/",
    response={201: AgentOut, 400: ErrorOut, 409: ErrorOut},
    summary="我是代理人: the form (multipart: fields and 上传证件, two JPEG/PNG uploads)",
)
def start(
    request: HttpRequest,
    payload: Form[AgentIn],
    id_document: UploadedFile | None = File(None),  # noqa: B008
    licence_page: UploadedFile | None = File(None),  # noqa: B008
) -> Status[AgentOut]:
    """REG-10: unit and legal representative checked against the register, the legal
    representative's mobile, the agent's account, the image captcha, 上传证件 (``id_document``:
    the agent's ID document; ``licence_page``: the unit's 营业执照 or other certificate; both
    required, JPEG or PNG by content, at most 5 MB; a refusal names its field) and the SMS code.
    The uploads belong to the agent's account once 确认提交 creates it."""
    data = payload.dict()
    captcha_check(data.pop("captcha_key"), data.pop("captcha"))
    application = services.agent_registration_start(
        **data,
        files={"id_document": id_document, "licence_page": licence_page},
        actor=request.user,
    )
    return Status(201, _out(application))


@router.post(
    "/result",
    response={200: ResultOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="法人注册结果: by USCC (or reference) and the agent's mobile",
)
def result(request: HttpRequest, payload: ResultIn) -> ResultOut:
    found = selectors.agent_result_lookup(key=payload.key, mobile=payload.mobile, request=request)
    return ResultOut(
        reference=found.reference,
        organisation_name=found.organisation_name,
        status=found.status,
        status_label=found.status_label,
        reason=found.reason,
        deadline_at=found.deadline_at,
        sign_deadline_at=found.sign_deadline_at,
    )


@router.get(
    "/{application_id}", response={200: AgentOut, 404: ErrorOut, 410: ErrorOut}, summary="Status"
)
def status(request: HttpRequest, application_id: UUID) -> AgentOut:
    """The state (签名超时 applied on read) and, while 签名中, the link to pass on."""
    return _out(_get(application_id))


@router.post(
    "/{application_id}/face-check",
    response={200: FaceStartOut, 400: ErrorOut, 404: ErrorOut, 410: ErrorOut, 503: ErrorOut},
    summary="实名认证 of the agent: start",
)
def face_start(request: HttpRequest, application_id: UUID) -> FaceStartOut:
    session = services.agent_face_start(application=_get(application_id), actor=request.user)
    return face_start_out(session)


@router.get(
    "/{application_id}/face-check",
    response={200: FaceStatusOut, 400: ErrorOut, 404: ErrorOut, 410: ErrorOut},
    summary="实名认证 of the agent: poll",
)
def face_status(request: HttpRequest, application_id: UUID) -> FaceStatusOut:
    result = services.agent_face_poll(application=_get(application_id), actor=request.user)
    return FaceStatusOut(status=str(result.status), reason=result.reason)


@router.post(
    "/{application_id}/submit",
    response={200: AgentOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut},
    summary="确认提交: send the signing SMS to the legal representative",
)
def submit(request: HttpRequest, application_id: UUID) -> AgentOut:
    application = services.agent_registration_submit(
        application=_get(application_id), actor=request.user
    )
    return _out(application)


@router.post(
    "/{application_id}/resend",
    response={200: AgentOut, 404: ErrorOut, 409: ErrorOut},
    summary="重新提交: a new signing link (the old one dies)",
)
def resend(request: HttpRequest, application_id: UUID) -> AgentOut:
    application = services.agent_registration_resend(
        application=_get(application_id), actor=request.user
    )
    return _out(application)


@router.put(
    "/{application_id}",
    response={200: AgentOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="返回修改 / 修改后重新提交 (key changes need a new signature)",
)
def update(request: HttpRequest, application_id: UUID, payload: AgentUpdateIn) -> AgentOut:
    application = services.agent_registration_update(
        application=_get(application_id), values=payload.dict(), actor=request.user
    )
    return _out(application)
