"""Reads behind the sandbox pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from zhengwu.core.crypto import blind_index
from zhengwu.identifiers import mobile as mobile_ids

from .models import SandboxFaceCheck, SandboxSms


def sandbox_sms_list(*, mobile: str = "", limit: int = 100) -> QuerySet[SandboxSms]:
    """Newest sandbox messages first, for one mobile (any input form) or for all."""
    qs = SandboxSms.objects.order_by("-created_at", "-id")
    if mobile.strip():
        number = mobile_ids.normalise(mobile)
        qs = qs.filter(mobile_hash=blind_index(number, purpose="mobile"))
    return qs[:limit]


def sandbox_face_checks_open() -> QuerySet[SandboxFaceCheck]:
    """Checks waiting for the "phone": pending and not expired, oldest first."""
    return SandboxFaceCheck.objects.filter(
        status=SandboxFaceCheck.Status.PENDING, expires_at__gt=timezone.now()
    ).order_by("created_at", "id")


def sandbox_face_checks_recent(*, limit: int = 20) -> QuerySet[SandboxFaceCheck]:
    """The latest checks that can no longer be decided (decided or expired), newest first."""
    now = timezone.now()
    return (
        SandboxFaceCheck.objects.exclude(
            status=SandboxFaceCheck.Status.PENDING, expires_at__gt=now
        ).order_by("-created_at", "-id")
    )[:limit]


def sandbox_face_check_get(*, token: str) -> SandboxFaceCheck | None:
    return SandboxFaceCheck.objects.filter(token=token).first()
