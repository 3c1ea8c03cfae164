"""Chinese first (UI-1): the portal speaks zh-hans unless the visitor chose English.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``; a headless browser or
an English-language system then gets an English portal with no way back. Here the language is
the visitor's own choice only: the ``LANGUAGE_COOKIE_NAME`` cookie that Django's
``set_language`` view writes (the 中文 / English switch in the header), else ``LANGUAGE_CODE``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request: HttpRequest) -> str:
    """The language of the cookie when it names a supported one, else ``LANGUAGE_CODE``."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """``LocaleMiddleware`` without ``Accept-Language``: the cookie or Chinese."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # The answer depends on the language cookie, not on Accept-Language.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every response (Django has no setting for it): the browser
    features the portal never uses are switched off for it and for anything it embeds
    (``ZHENGWU_PERMISSIONS_POLICY``). A response that sets its own header keeps it."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.ZHENGWU_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
