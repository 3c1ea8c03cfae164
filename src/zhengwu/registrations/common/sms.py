"""The htmx SMS-code endpoint every registration page shares (获取短信验证码).

A channel's view says how to send (its service, with the channel's own checks before the
code leaves); ``sms_code_sent`` answers with the ``_sms_sent`` fragment: the service's message
and status on a refusal, else "sending", which polls ``sms_state`` until the outbox says the
gateway took the message (sent) or gave up (failed — get a new code). Which message is polled
is kept in the session, not in the URL (the way the recovery pages poll their ticket).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengwu.core.errors import ZhengwuError
from zhengwu.notifications.models import SmsMessage

TEMPLATE = "registrations/_sms_sent.html"
SESSION_KEY = "registrations.sms_message"


def sms_code_sent(request: HttpRequest, send: Callable[[str], Any]) -> HttpResponse:
    """Call ``send(mobile)`` with the form's ``mobile``; the fragment says what happened.
    ``send`` returns the ``VerificationCode`` row whose outbox message is then polled."""
    try:
        row = send(request.POST.get("mobile", ""))
    except ZhengwuError as exc:
        return render(request, TEMPLATE, {"error": exc.message}, status=exc.status)
    return sms_sending(request, getattr(row, "message_id", None))


def sms_sending(request: HttpRequest, message_id: int | None) -> HttpResponse:
    """Remember the outbox message of the code just requested; answer "sending"."""
    request.session[SESSION_KEY] = message_id
    return render(request, TEMPLATE, {"error": "", "sms_state": "sending"})


def sms_message_state(message_id: int | None) -> str:
    """``sending``, ``sent`` or ``failed`` for an outbox message (expired unsent = failed)."""
    if message_id is None:
        return "failed"
    status = SmsMessage.objects.filter(pk=message_id).values_list("status", flat=True).first()
    if status == SmsMessage.Status.SENT:
        return "sent"
    if status in (SmsMessage.Status.FAILED, SmsMessage.Status.EXPIRED, None):
        return "failed"
    return "sending"


@never_cache
@require_GET
def sms_state(request: HttpRequest) -> HttpResponse:
    """htmx: the state of the last code this browser asked for (polled every 2 s)."""
    if SESSION_KEY not in request.session:
        return render(request, TEMPLATE, {"error": "", "sms_state": "failed"})
    state = sms_message_state(request.session[SESSION_KEY])
    return render(request, TEMPLATE, {"error": "", "sms_state": state})
