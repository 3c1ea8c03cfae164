"""The signed-in agency unit: a unit session beside ``accounts.User`` (decision 0021).

The Django session holds the id of the live login image that signed the unit in, and the id
of the commitment version it accepted. Every unit page re-reads the image: once it is revoked
(a new image issued, the unit 已撤销), the unit session ends at that request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from zhengwu.audit.services import record_event

from .models import LoginImage

SESSION_IMAGE = "agency_image"
SESSION_COMMITTED = "agency_commitment"
SESSION_ENDED = "agency_ended"


def start(request: HttpRequest, image: LoginImage) -> None:
    request.session.cycle_key()  # no session fixation
    request.session.pop(SESSION_COMMITTED, None)
    request.session.pop(SESSION_ENDED, None)
    request.session[SESSION_IMAGE] = image.pk


def end(request: HttpRequest, *, why: str = "") -> None:
    request.session.pop(SESSION_IMAGE, None)
    request.session.pop(SESSION_COMMITTED, None)
    if why:
        request.session[SESSION_ENDED] = why


def current(request: HttpRequest) -> LoginImage | None:
    """The live login image of this session, or ``None`` (ending a session whose image was
    revoked or whose unit was 已撤销 since)."""
    pk = request.session.get(SESSION_IMAGE)
    if pk is None:
        return None
    image = LoginImage.objects.select_related("unit").filter(pk=pk).first()
    if image is None or image.revoked_at is not None or not image.unit.is_active:
        # 撤销 revokes the image too: the unit's status is the reason the unit must read.
        why = (
            "该单位的统一社会信用代码已撤销，本次登录已结束"
            if image is not None and not image.unit.is_active
            else "登录二维码图片已作废，本次登录已结束，请使用最新领取的图片重新登录"
        )
        end(request, why=why)
        record_event(
            "agency.session.ended",
            actor="system",
            subject=image.unit if image else None,
            after={"image": pk},
        )
        return None
    return image


def unit_required(
    *, commitment: bool = True
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A unit page: signed in by a live image and (unless ``commitment=False``) the login
    commitment accepted in this session. Sets ``request.agency_image``."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            image = current(request)
            if image is None:
                return redirect("agency:signin")
            if commitment and not request.session.get(SESSION_COMMITTED):
                return redirect("agency:commitment")
            request.agency_image = image  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
