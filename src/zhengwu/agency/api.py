"""JSON API of the unit's side (mounted at ``/api/v1/agency/``): image sign-in (AG-4), the
login commitment (AG-5) and the current application (AG-5 … AG-8). The unit session is the
same as the pages' (cookie; decision 0021). Errors: ``{code, message, field}``."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from zhengwu.api.errors import ErrorOut, captcha_check
from zhengwu.api.params import RowId
from zhengwu.core.context import client_ip
from zhengwu.core.errors import NotFound, PermissionDenied, ZhengwuError

from . import session
from .models import Application, LoginImage
from .services import applications, attachments, login

router = Router(tags=["agency"])
ERRORS: dict[int, Any] = {status: ErrorOut for status in (400, 401, 403, 404, 409, 429)}


class NotSignedIn(ZhengwuError):
    code = "agency.signin.required"
    message = "请先使用登录二维码图片登录"
    status = 401


class AgencyUnitOut(Schema):
    uscc: str
    name: str
    kind: str
    validity: str
    commitment_accepted: bool


class CommitmentOut(Schema):
    id: int
    body: str


class AttachmentOut(Schema):
    id: str
    material: str
    original_name: str
    content_type: str
    size: int
    url: str


class AgencyApplicationOut(Schema):
    id: int
    item: str
    status: str
    status_label: str
    reason: str
    changes: dict[str, str]
    reply: str
    version: int
    missing_materials: list[str]
    attachments: list[AttachmentOut]


class AgencyHistoryOut(Schema):
    """历史信息: a completed application and, if it issued one, its certificate."""

    id: int
    item: str
    item_label: str
    completed_at: datetime.datetime | None
    new_certificate_number: str
    licence_identifier: str
    certificate_url: str
    licence_verification_url: str


class StartIn(Schema):
    item: str


class DraftIn(Schema):
    version: int
    reason: str = ""
    changes: dict[str, str] = {}


def _image(request: HttpRequest, *, commitment: bool = True) -> LoginImage:
    image = session.current(request)
    if image is None:
        raise NotSignedIn()
    if commitment and not request.session.get(session.SESSION_COMMITTED):
        raise PermissionDenied("请先阅读并同意登录承诺", code="agency.commitment.required")
    return image


def _unit_out(request: HttpRequest, image: LoginImage) -> AgencyUnitOut:
    unit = image.unit
    return AgencyUnitOut(
        uscc=unit.uscc,
        name=unit.name,
        kind=unit.kind,
        validity=unit.validity_label,
        commitment_accepted=bool(request.session.get(session.SESSION_COMMITTED)),
    )


def _app_out(application: Application) -> AgencyApplicationOut:
    return AgencyApplicationOut(
        id=application.pk,
        item=application.item,
        status=application.status,
        status_label=application.get_status_display(),
        reason=application.reason,
        changes=application.changes,
        reply=application.reply,
        version=application.version,
        missing_materials=applications.missing_materials(application),
        attachments=[
            AttachmentOut(
                id=str(a.pk),
                material=a.material,
                original_name=a.original_name,
                content_type=a.content_type,
                size=a.size,
                url=reverse("api:agency_attachment", args=[a.pk]),
            )
            for a in application.attachments.all()
        ],
    )


def _current(request: HttpRequest) -> Application:
    application = applications.open_application(_image(request).unit)
    if application is None:
        raise NotFound("当前没有正在办理的申请", code="agency.application.none")
    return application


@router.post("/session", response={200: AgencyUnitOut, **ERRORS}, summary="Image sign-in (AG-4)")
def sign_in(
    request: HttpRequest,
    image: File[UploadedFile],
    captcha_key: Form[str],
    captcha: Form[str],
) -> Status[AgencyUnitOut]:
    captcha_check(captcha_key, captcha)
    data = login.read_upload(image)
    live = login.sign_in(data, ip=client_ip(request), request=request)
    session.start(request, live)
    return Status(200, _unit_out(request, live))


@router.delete("/session", response={204: None}, summary="Sign the unit out")
def sign_out(request: HttpRequest) -> Status[None]:
    session.end(request)
    return Status(204, None)


@router.get("/commitment", response={200: CommitmentOut, **ERRORS}, summary="登录承诺 (AG-5)")
def commitment(request: HttpRequest) -> CommitmentOut:
    _image(request, commitment=False)
    text = login.current_commitment()
    return CommitmentOut(id=text.pk, body=text.body)


@router.post(
    "/commitment", response={200: AgencyUnitOut, **ERRORS}, summary="Accept the commitment"
)
def accept_commitment(request: HttpRequest) -> AgencyUnitOut:
    image = _image(request, commitment=False)
    text = login.current_commitment()
    login.accept_commitment(image, text)
    request.session[session.SESSION_COMMITTED] = text.pk
    return _unit_out(request, image)


@router.get(
    "/application", response={200: AgencyApplicationOut, **ERRORS}, summary="The open application"
)
def current(request: HttpRequest) -> AgencyApplicationOut:
    return _app_out(_current(request))


@router.post(
    "/application", response={201: AgencyApplicationOut, **ERRORS}, summary="Start an application"
)
def start(request: HttpRequest, payload: StartIn) -> Status[AgencyApplicationOut]:
    application = applications.start(_image(request).unit, payload.item)
    return Status(201, _app_out(application))


@router.put(
    "/application", response={200: AgencyApplicationOut, **ERRORS}, summary="暂存 (save the draft)"
)
def save(request: HttpRequest, payload: DraftIn) -> AgencyApplicationOut:
    application = applications.save_draft(
        _current(request), version=payload.version, reason=payload.reason, changes=payload.changes
    )
    return _app_out(application)


@router.post("/application/submit", response={200: AgencyApplicationOut, **ERRORS}, summary="提交")
def submit(request: HttpRequest) -> AgencyApplicationOut:
    return _app_out(applications.submit(_current(request)))


@router.delete("/application", response={204: None, **ERRORS}, summary="删除申报材料 (AG-8)")
def delete(request: HttpRequest) -> Status[None]:
    applications.delete(_current(request))
    return Status(204, None)


@router.post(
    "/application/attachments",
    response={201: AgencyApplicationOut, **ERRORS},
    summary="上传附件 (AG-6: JPEG or PDF)",
)
def upload(
    request: HttpRequest, material: Form[str], file: File[UploadedFile]
) -> Status[AgencyApplicationOut]:
    application = _current(request)
    attachments.attach(application, material=material, file=file)
    return Status(201, _app_out(application))


@router.get(
    "/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    url_name="agency_attachment",
    summary="查看/下载 one of the unit's attachments (AG-6): the decrypted JPEG or PDF",
    description="The file itself (``image/jpeg`` or ``application/pdf``), inline, or as a "
    "download with ``?download=1``; attachments of the unit's earlier applications too. "
    "Another unit's attachment answers 404 ``agency.attachment.not_found``. Audited.",
)
def attachment(request: HttpRequest, attachment_id: str, download: bool = False) -> HttpResponse:
    from . import downloads

    unit = _image(request).unit
    found = downloads.attachment_for_unit(unit, attachment_id)
    if found is None:
        downloads.refuse(actor=applications.UNIT_ACTOR, attachment_id=attachment_id, unit=unit)
        raise NotFound("附件不存在", code="agency.attachment.not_found")
    return downloads.attachment_response(
        found, actor=applications.UNIT_ACTOR, as_attachment=download
    )


@router.get(
    "/application/form",
    response={200: None, **ERRORS},
    summary="下载表格 (AG-7): the item's form as PDF, at any state",
)
def form(request: HttpRequest) -> HttpResponse:
    from . import downloads

    return downloads.form_response(_current(request))


@router.get(
    "/applications",
    response={200: list[AgencyHistoryOut], **ERRORS},
    summary="历史信息: the unit's completed applications",
)
def history(request: HttpRequest) -> list[AgencyHistoryOut]:
    unit = _image(request).unit
    return [
        AgencyHistoryOut(
            id=a.pk,
            item=a.item,
            item_label=a.get_item_display(),
            completed_at=a.completed_at,
            new_certificate_number=a.new_certificate_number,
            licence_identifier=a.licence_identifier,
            certificate_url=reverse("api:agency_certificate", args=[a.pk])
            if a.licence_identifier
            else "",
            licence_verification_url=reverse(
                "licences:verify_identifier", args=[a.licence_identifier]
            )
            if a.licence_identifier
            else "",
        )
        for a in applications.past_applications(unit)
    ]


@router.get(
    "/certificates/{application_id}",
    response={200: None, **ERRORS},
    url_name="agency_certificate",
    summary="The signed electronic certificate (LIC-3) a completed application issued (PDF)",
)
def certificate(request: HttpRequest, application_id: RowId) -> HttpResponse:
    from . import downloads

    unit = _image(request).unit
    application = downloads.completed_for_unit(unit, application_id)
    response = (
        downloads.certificate_response(application, actor=applications.UNIT_ACTOR)
        if application is not None
        else None
    )
    if response is None:
        raise NotFound("电子证书不存在", code="agency.certificate.not_found")
    return response
