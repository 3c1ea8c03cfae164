"""JSON API of ``zhengwu.federation`` (mounted in ``zhengwu.api.api`` at ``/api/v1/federation/``).

Session based, like the pages: a client (the portal's mobile web app) lists the methods, starts
an e-licence scan and polls it; a confirmed scan signs the session in. Starting a scan changes
the session, so it needs the CSRF token (``X-CSRFToken``) like a form. Errors follow the API
contract ``{code, message, field}``.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status
from ninja.utils import check_csrf

from zhengwu.api.errors import ErrorOut
from zhengwu.core.errors import PermissionDenied

from . import services
from .constants import Method
from .errors import SignInFailed

router = Router(tags=["federation"])

_START_URLS = {
    Method.NATIONAL_ACCOUNT: "federation:national_start",
    Method.LICENCE_SCAN: "federation:licence",
    Method.CERTIFICATE: "federation:certificate",
}


class MethodOut(Schema):
    method: str
    label: str
    start_url: str


class ScanOut(Schema):
    qr_payload: str
    expires_at: datetime


class ScanStatusOut(Schema):
    status: str
    signed_in: bool
    next_url: str = ""


@router.get("/methods", response=list[MethodOut], summary="其他登录方式 (ACC-6)")
def methods(request: HttpRequest) -> list[MethodOut]:
    return [
        MethodOut(method=m.value, label=str(m.label), start_url=reverse(_START_URLS[m]))
        for m in Method
    ]


@router.post(
    "/licence-scans",
    response={201: ScanOut, 403: ErrorOut, 502: ErrorOut},
    summary="Start an e-business-licence scan sign-in (one-time QR payload)",
)
def licence_scan_start(request: HttpRequest) -> Status[ScanOut]:
    if check_csrf(request) is not None:
        raise PermissionDenied("CSRF 校验失败，请刷新页面后重试", code="csrf.failed")
    session = services.licence_scan_start(request=request, next_url="")
    return Status(201, ScanOut(qr_payload=session.qr_payload, expires_at=session.expires_at))


@router.get(
    "/licence-scans/current",
    response={200: ScanStatusOut, 400: ErrorOut, 404: ErrorOut, 502: ErrorOut},
    summary="Poll this session's scan; signs the session in once the legal representative "
    "confirmed",
)
def licence_scan_status(request: HttpRequest) -> ScanStatusOut:
    try:
        result, flow = services.licence_scan_poll(request=request)
    except SignInFailed as exc:
        services.sign_in_failure_record(request=request, method=Method.LICENCE_SCAN, error=exc)
        raise
    return ScanStatusOut(
        status=str(result.status),
        signed_in=flow is not None,
        next_url=(flow.next_url if flow else ""),
    )
