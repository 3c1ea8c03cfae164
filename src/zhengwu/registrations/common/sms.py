"""The htmx SMS-code endpoint every registration page shares (获取短信验证码).

A channel's view says how to send (its service, with the channel's own checks before the
code leaves); ``sms_code_sent`` answers with the ``_sms_sent`` fragment: the countdown, or
the service's message and status.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhengwu.core.errors import ZhengwuError

TEMPLATE = "registrations/_sms_sent.html"


def sms_code_sent(request: HttpRequest, send: Callable[[str], None]) -> HttpResponse:
    """Call ``send(mobile)`` with the form's ``mobile``; the fragment says what happened."""
    try:
        send(request.POST.get("mobile", ""))
    except ZhengwuError as exc:
        return render(request, TEMPLATE, {"error": exc.message}, status=exc.status)
    return render(request, TEMPLATE, {"error": ""})
