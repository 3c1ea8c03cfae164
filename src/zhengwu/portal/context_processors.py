from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

#: URL namespace -> (header section, breadcrumb label, URL name of the section's first page).
SECTIONS: dict[str, tuple[str, Any, str]] = {
    # 办事服务 is the service catalogue (SVC-1); the registration channels sit under it.
    "onlineservices": ("services", _l("办事服务"), "onlineservices:index"),
    "registrations": ("services", _l("办事服务"), "onlineservices:index"),
    "agency": ("services", _l("办事服务"), "onlineservices:index"),
    "enterprise": ("enterprise", _l("企业码"), "enterprise:entry"),
    "licences": ("licences", _l("我的证照"), "licences:index"),
    "orgcentre": ("orgcentre", _l("组织中心"), "orgcentre:index"),
    "workspace": ("workspace", _l("用户空间"), "workspace:home"),
    "signin": ("", _l("登录"), "signin:login"),
    "federation": ("", _l("登录"), "signin:login"),
    "reviews": ("", _l("审核"), "reviews:index"),
    "audit": ("", _l("审计日志"), ""),
    "sandbox": ("", _l("沙箱"), ""),
    "sandbox_federation": ("", _l("沙箱"), ""),
}
#: Pages of the portal app itself: view name -> (section, breadcrumb label).
PORTAL_PAGES = {
    "portal:help": ("help", _l("帮助")),
    "portal:coming_soon": ("services", _l("办事服务")),
}


def _nav(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else ""
    namespace = match.namespace if match else ""
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    section, crumbs = "", []
    home = (_("首页"), reverse("portal:home"))
    if view == "portal:home":
        section = "home"
    elif view in PORTAL_PAGES:
        section, label = PORTAL_PAGES[view]
        crumbs = [home, (str(label), "")]
    elif namespace in SECTIONS:
        section, label, first = SECTIONS[namespace]
        url = reverse(first) if first else ""
        is_first = first == view
        crumbs = [home, (str(label), "" if is_first or not url else url)]
    org_centre = False
    unread = 0
    if authenticated and getattr(user, "kind", "") in ("legal_person", "natural_person"):
        # Staff have no inbox (messages copy SMS to portal accounts only) and no 组织中心.
        from zhengwu.accounts.selectors import memberships_of
        from zhengwu.notifications.selectors import inbox_unread_count

        org_centre = getattr(user, "kind", "") == "legal_person" and (
            memberships_of(user=user).exists()
        )
        unread = inbox_unread_count(user=user)
    return {
        "view": view,
        "section": section,
        "breadcrumbs": crumbs,
        "org_centre": org_centre,
        "unread": unread,
    }


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "portal_name": settings.ZHENGWU_PORTAL_NAME,
        "hotline": settings.ZHENGWU_HOTLINE,
        "sandbox": settings.ZHENGWU_SANDBOX,
        # The one header (UI-2): section, breadcrumbs, 组织中心 and the unread count; lazy, so
        # pages that do not extend portal/base.html pay nothing.
        "site_nav": SimpleLazyObject(lambda: _nav(request)),
    }
