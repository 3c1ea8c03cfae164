"""JSON API of the manual channel (人工认证渠道, REG-9), ``/api/v1/registrations/manual/``.

The same steps and services as the pages (``manual_views``): send the SMS code, submit the
unit, operator and account data with the JPEG uploads (``multipart/form-data``), read the
applicant's case, and 重新提交 after a rejection. Submission creates the applicant's account;
the status and resubmission endpoints belong to that account, signed in with the portal's
session (cookie + CSRF token on POST, like the pages). The image captcha comes from
``GET /api/v1/registrations/captcha``. Errors: ``{code, message, field}`` with a 4xx status
(``zhengwu.api.api``); upload refusals carry the upload's field name (``licence_page``,
``id_document``, ``stamped_proof``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.responses import Status
from ninja.utils import check_csrf

from zhengwu.accounts.identity import mobile_validate
from zhengwu.accounts.models import User
from zhengwu.api.errors import ErrorOut, captcha_check
from zhengwu.core.errors import NotFound, PermissionDenied, ValidationFailed, ZhengwuError
from zhengwu.notifications.services import verification_code_send
from zhengwu.uploads.images import prepare_jpeg, read_limited
from zhengwu.uploads.models import UploadKind

from ..constants import SMS_CODE_PURPOSE
from ..models import ManualVerification
from . import selectors as manual_selectors
from . import services as manual_services
from .constants import MANUAL_UPLOAD_KINDS
from .forms import ManualInfoForm

router = Router(tags=["registrations: manual channel"])


class SignInRequired(ZhengwuError):
    code = "auth.required"
    message = "请先登录提交申请时创建的账号"
    status = 401


class MobileIn(Schema):
    mobile: str = ""


class ManualInfoIn(Schema):
    """单位信息 and 经办人信息 (seed 001 一.3-4); every field is checked by the service, which
    names the field in its error. ``has_code_certificate``: ``yes`` / ``no``."""

    applicant_kind: str = ""
    location: str = ""
    legal_person_type: str = ""
    organisation_name: str = ""
    organisation_name_en: str = ""
    has_code_certificate: str = ""
    unit_code: str = ""
    project_code: str = ""
    operator_name: str = ""
    operator_id_type: str = ""
    operator_id_number: str = ""
    operator_ethnicity: str = ""
    email: str = ""


class ManualSubmitIn(ManualInfoIn):
    """The first submission: the case, then 创建用户 (REG-4) with the captcha and SMS code."""

    mobile: str = ""
    username: str = ""
    password: str = ""
    password_confirm: str = ""
    sms_code: str = ""
    captcha_key: str = ""
    captcha: str = ""
    agreement_accepted: str = ""  # true / 1 / on / yes; a string, so that any answer gets our error


class UploadOut(Schema):
    kind: str
    label: str
    url: str


class ManualCaseOut(Schema):
    reference: str
    status: str
    status_label: str
    submitted_at: datetime.datetime
    deadline_at: datetime.datetime
    submission_count: int
    organisation_name: str
    operator_name_masked: str
    mobile_masked: str
    reason_code: str = ""
    reason: str = ""
    reupload_kinds: list[str] = []
    uploads: list[UploadOut] = []


INFO_FIELDS = tuple(ManualInfoIn.model_fields)


def _case_out(case: ManualVerification) -> ManualCaseOut:
    uploads = manual_selectors.manual_uploads(case)
    return ManualCaseOut(
        reference=case.reference,
        status=case.status,
        status_label=str(case.get_status_display()),
        submitted_at=case.submitted_at,
        deadline_at=case.deadline_at,
        submission_count=case.submission_count,
        organisation_name=case.organisation_name,
        operator_name_masked=case.masked_operator_name,
        mobile_masked=case.masked_mobile,
        reason_code=case.reason_code,
        reason=case.reason,
        reupload_kinds=list(case.reupload_kinds or []),
        uploads=[
            UploadOut(
                kind=kind,
                label=str(UploadKind(kind).label),
                url=reverse("uploads:file", args=[upload.pk]),
            )
            for kind, upload in uploads.items()
        ],
    )


def _files(**files: UploadedFile | None) -> dict[str, Any]:
    """The uploads given, each checked now (JPEG by content, size, dimensions) so that a
    refused file is reported with its field, labelled as on the page, before the SMS code is
    spent; the service checks again when storing."""
    checked: dict[str, Any] = {}
    for kind in MANUAL_UPLOAD_KINDS:
        file = files.get(kind)
        if file is None:
            continue
        label = str(ManualInfoForm.base_fields[kind].label or UploadKind(kind).label)
        try:
            prepare_jpeg(read_limited(file, label=label, field=kind), label=label, field=kind)
        finally:
            file.seek(0)
        checked[kind] = file
    return checked


def _applicant(request: HttpRequest, *, write: bool = False) -> User:
    """The signed-in account; a state-changing call also needs the CSRF token (the session
    cookie alone must not be enough)."""
    user = request.user
    if not user.is_authenticated:
        raise SignInRequired()
    if write and check_csrf(request) is not None:
        raise PermissionDenied("CSRF 校验失败，请刷新页面后重试", code="csrf.failed")
    return user  # type: ignore[return-value]


def _own_case(user: User) -> ManualVerification:
    case = ManualVerification.objects.filter(user=user).order_by("-created_at").first()
    if case is None:
        raise NotFound("该账号没有人工认证申请", code="manual_verification.not_found")
    return case


@router.post(
    "/sms-code",
    response={204: None, 400: ErrorOut, 429: ErrorOut},
    summary="Send the SMS code to the operator's mobile",
)
def sms_code(request: HttpRequest, payload: MobileIn) -> Status[None]:
    number = mobile_validate(number=payload.mobile)
    verification_code_send(mobile=number, purpose=SMS_CODE_PURPOSE, actor=request.user)
    return Status(204, None)


@router.post(
    "/",
    response={201: ManualCaseOut, 400: ErrorOut, 429: ErrorOut},
    summary="Submit the manual channel (multipart: fields and JPEG uploads)",
)
def submit(
    request: HttpRequest,
    payload: Form[ManualSubmitIn],
    licence_page: UploadedFile | None = File(None),  # noqa: B008
    id_document: UploadedFile | None = File(None),  # noqa: B008
    stamped_proof: UploadedFile | None = File(None),  # noqa: B008
) -> Status[ManualCaseOut]:
    """REG-9: the unit, the operator, the uploads (licence page or stamped proof, ID page) and
    the account. Returns the case; the account can sign in at once to follow it."""
    data = payload.dict()
    if data.pop("agreement_accepted").strip().lower() not in ("true", "1", "on", "yes"):
        raise ValidationFailed(
            "请阅读并同意《用户注册协议》", code="agreement.required", field="agreement"
        )
    captcha_check(data.pop("captcha_key"), data.pop("captcha"))
    files = _files(licence_page=licence_page, id_document=id_document, stamped_proof=stamped_proof)
    case = manual_services.manual_verification_submit(
        data={name: data[name] for name in INFO_FIELDS},
        files=files,
        username=data["username"],
        password=data["password"],
        password_confirm=data["password_confirm"],
        mobile=data["mobile"],
        sms_code=data["sms_code"],
        actor=request.user,
    )
    return Status(201, _case_out(case))


@router.get(
    "/status",
    response={200: ManualCaseOut, 401: ErrorOut, 404: ErrorOut},
    summary="The signed-in applicant's case: 待审核 / 通过 / 不通过 with the reason",
)
def status(request: HttpRequest) -> ManualCaseOut:
    return _case_out(_own_case(_applicant(request)))


@router.post(
    "/resubmit",
    response={200: ManualCaseOut, (400, 401, 403, 404, 409): ErrorOut},
    summary="重新提交 after a rejection (multipart; the uploads the rejection named are required)",
)
def resubmit(
    request: HttpRequest,
    payload: Form[ManualInfoIn],
    licence_page: UploadedFile | None = File(None),  # noqa: B008
    id_document: UploadedFile | None = File(None),  # noqa: B008
    stamped_proof: UploadedFile | None = File(None),  # noqa: B008
) -> ManualCaseOut:
    """不通过 → 待审核: all fields again; uploads not named by the rejection are kept unless a
    new file replaces them."""
    user = _applicant(request, write=True)
    case = manual_services.manual_verification_resubmit(
        case=_own_case(user),
        data=payload.dict(),
        files=_files(
            licence_page=licence_page, id_document=id_document, stamped_proof=stamped_proof
        ),
        actor=user,
    )
    return _case_out(case)
