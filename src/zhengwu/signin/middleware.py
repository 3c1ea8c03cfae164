"""The idle timeout of signed-in sessions (等保 2.0 level 3: 登录连接超时自动退出).

The server enforces it: a signed-in request more than ``SESSION_COOKIE_AGE`` seconds after
the previous one signs the session out (audited as ``signin.timed_out``) and sends the
browser to the login page. The page's script (``signin/session-timeout.js``) only warns
before that moment and offers to extend through ``/session/ping/``. The clock is written to
the session at most once a minute, so a busy page does not write the session on every request;
the session itself lives a few minutes longer than the idle limit so the timeout can be seen
and audited rather than silently dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from . import conf
from .services import LAST_ACTIVITY_KEY, session_end

WRITE_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A session that names an account; the account itself is read when the request
        # needs it (here only to time it out), not by every request for this check: an API
        # step may read it together with what it is about (onlineservices.api, 提交).
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) is not None:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > conf.idle_seconds():
                if not request.user.is_authenticated:  # no longer valid: as before, anonymous
                    return self.get_response(request)
                session_end(request, timed_out=True)
                return self._timed_out(request)
            if not isinstance(last, int) or now - last >= WRITE_EVERY_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
                request.session.set_expiry(conf.idle_seconds() + 300)
        return self.get_response(request)

    def _timed_out(self, request: HttpRequest) -> HttpResponse:
        login = reverse("signin:login")
        if (
            request.headers.get("HX-Request")
            or request.headers.get("X-Requested-With") == "XMLHttpRequest"
            or request.path.startswith("/api/")
        ):
            response = JsonResponse(
                {
                    "code": "session.timed_out",
                    "message": "长时间未操作，已自动退出，请重新登录",
                    "field": None,
                },
                status=401,
            )
            response["HX-Redirect"] = login + "?timeout=1"
            return response
        query = {"timeout": "1"}
        if request.method == "GET":
            query["next"] = request.get_full_path()
        return HttpResponseRedirect(f"{login}?{urlencode(query)}")
