"""The portal shell: home page and the entries whose issues have not landed yet."""

from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control

# Entry slug -> title. Each becomes a real page when its issue lands.
ENTRIES = {
    "register-legal-person": _("法人注册"),
    "register-person": _("个人注册"),
    "login": _("登录"),
    "enterprise-code": _("企业码"),
    "licences": _("我的证照"),
    "agency-coding": _("机关赋码"),
}


# Entries whose feature has landed: slug -> URL name.
LIVE_ENTRIES = {
    "register-legal-person": "registrations:agent_role",  # REG-10 role choice first
    "register-person": "registrations:natural",
    "licences": "licences:index",
    "login": "signin:login",
    "enterprise-code": "enterprise:entry",
    "agency-coding": "agency:home",
}


def _entries() -> list[tuple[str, Any]]:
    return [
        (
            reverse(LIVE_ENTRIES[slug])
            if slug in LIVE_ENTRIES
            else reverse("portal:coming_soon", args=[slug]),
            title,
        )
        for slug, title in ENTRIES.items()
    ]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"entries": _entries()})


def help_page(request: HttpRequest) -> HttpResponse:
    """帮助: the hotline, the guides of each service, and (sandbox) the test pages."""
    return render(request, "portal/help.html")


FAVICON = Path(__file__).parent / "static" / "portal" / "favicon.ico"


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, served locally (browsers ask for it whatever the page links)."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")


def coming_soon(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in ENTRIES:
        raise Http404
    return render(request, "portal/coming_soon.html", {"title": ENTRIES[slug]})


def healthz(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
