"""JSON API of ``zhengwu.signin`` (mounted at ``/api/v1/signin/``): sign-in for the mobile app.

The same rules as the page (ACC-1, ACC-2): captcha, the per-address throttle, the lock, one
message for unknown accounts and wrong passwords, a rotated session key, the audit events.
The app keeps the session cookie. The sign-in requires ``Content-Type: application/json``:
a cross-site form cannot send it without a CORS preflight, which stops login CSRF on an
endpoint that, like every sign-in, has no session to bind a CSRF token to yet.
"""

from __future__ import annotations

from captcha.helpers import captcha_image_url
from captcha.models import CaptchaStore
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from zhengwu.api.errors import ErrorOut, captcha_check
from zhengwu.core.context import client_ip
from zhengwu.core.errors import ValidationFailed

from . import conf, services
from .constants import Tab

router = Router(tags=["signin"])


class CaptchaOut(Schema):
    captcha_key: str
    image_url: str


class SignInIn(Schema):
    tab: str = Tab.LEGAL_PERSON
    login: str
    password: str
    captcha_key: str
    captcha: str


class SessionOut(Schema):
    username: str
    kind: str
    idle_seconds: int


@router.get("/captcha", response=CaptchaOut, summary="A new image captcha for sign-in")
def captcha(request: HttpRequest) -> CaptchaOut:
    key = CaptchaStore.generate_key()
    return CaptchaOut(captcha_key=key, image_url=request.build_absolute_uri(captcha_image_url(key)))


@router.post(
    "/session",
    response={
        200: SessionOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        415: ErrorOut,
        423: ErrorOut,
        429: ErrorOut,
    },
    summary="Sign in (ACC-1, ACC-2)",
)
def sign_in(request: HttpRequest, payload: SignInIn) -> Status[SessionOut | ErrorOut]:
    if request.content_type != "application/json":
        return Status(
            415,
            ErrorOut(code="content_type", message="请以 application/json 提交", field=None),
        )
    if payload.tab not in Tab.values:
        raise ValidationFailed("登录方式无效", code="signin.tab", field="tab")
    captcha_check(payload.captcha_key, payload.captcha)
    user = services.signin_check(
        tab=payload.tab, principal=payload.login, password=payload.password, ip=client_ip(request)
    )
    services.session_start(request, user, tab=payload.tab)
    return Status(
        200, SessionOut(username=user.username, kind=user.kind, idle_seconds=conf.idle_seconds())
    )


@router.delete("/session", response={204: None}, summary="Sign out")
def sign_out(request: HttpRequest) -> Status[None]:
    services.session_end(request)
    return Status(204, None)
