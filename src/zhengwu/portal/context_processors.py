from typing import Any

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "portal_name": settings.ZHENGWU_PORTAL_NAME,
        "hotline": settings.ZHENGWU_HOTLINE,
        "sandbox": settings.ZHENGWU_SANDBOX,
    }
