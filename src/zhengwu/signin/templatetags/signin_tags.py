"""``{% session_timeout %}``: the idle-timeout warning script for signed-in pages."""

from __future__ import annotations

from typing import Any

from django import template

from zhengwu.signin import conf

register = template.Library()


@register.inclusion_tag("signin/_session_timeout.html", takes_context=True)
def session_timeout(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "active": bool(user is not None and user.is_authenticated),
        "idle": conf.idle_seconds(),
        "warn": conf.warning_seconds(),
        "csrf_token": context.get("csrf_token"),
    }
