"""Read side of the user space (用户空间)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY

from zhengwu.accounts.constants import APPROVER_ROLES
from zhengwu.accounts.models import Membership
from zhengwu.accounts.selectors import memberships_of

from . import constants
from .models import SignInRecord


@dataclass(frozen=True)
class UnitCard:
    """One unit the account acts for, as the workspace shows it."""

    membership: Membership
    code: Any  # enterprise.EnterpriseCode or None
    manages: bool
    pending_applications: int


def units_of(*, user: Any) -> list[UnitCard]:
    from zhengwu.enterprise.models import EnterpriseCode
    from zhengwu.registrations.models import OperatorApplication

    memberships = list(memberships_of(user=user))
    org_ids = [m.organisation_id for m in memberships]
    codes = {
        c.organisation_id: c for c in EnterpriseCode.objects.filter(organisation_id__in=org_ids)
    }
    managed = [m.organisation_id for m in memberships if m.role in APPROVER_ROLES]
    pending: dict[int, int] = {}
    for org_id in OperatorApplication.objects.filter(
        organisation_id__in=managed, status=OperatorApplication.Status.PENDING
    ).values_list("organisation_id", flat=True):
        pending[org_id] = pending.get(org_id, 0) + 1
    return [
        UnitCard(
            membership=m,
            code=codes.get(m.organisation_id),
            manages=m.role in APPROVER_ROLES,
            pending_applications=pending.get(m.organisation_id, 0),
        )
        for m in memberships
    ]


def recent_signins(*, user: Any, limit: int = constants.RECENT_SIGNINS) -> list[SignInRecord]:
    return list(SignInRecord.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


def open_sessions(*, user: Any) -> list[SignInRecord]:
    """The sign-ins whose session is still live: in the session store, not expired (``load``
    returns nothing for an expired or missing session) and still signed in as ``user``."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = SignInRecord.objects.filter(user=user, ended_at__isnull=True).exclude(session_key="")
    live = []
    for record in rows.order_by("-created_at")[:50]:
        data = store(session_key=record.session_key).load()
        if data.get(SESSION_KEY) == str(user.pk):
            live.append(record)
    return live


def device_label(user_agent: str) -> str:
    """A short "browser on system" from a User-Agent (no library: a few well-known tokens)."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("MicroMessenger", "微信"),
                ("Edg/", "Edge"),
                ("Firefox/", "Firefox"),
                ("HeadlessChrome", "Chromium"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in ua
        ),
        "",
    )
    system = next(
        (
            name
            for token, name in (
                ("Android", "Android"),
                ("iPhone", "iOS"),
                ("iPad", "iPadOS"),
                ("Windows", "Windows"),
                ("Mac OS X", "macOS"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        "",
    )
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or (ua[:40] if ua else "—")
