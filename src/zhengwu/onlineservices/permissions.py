"""Who may do what on the department side (SVC-2)."""

from __future__ import annotations

from typing import Any

STAFF_GROUP = "办件审批人员"
STAFF_PERMISSIONS = ("handle_application", "decide_application")
HANDLE = "onlineservices.handle_application"
DECIDE = "onlineservices.decide_application"
EXTEND = "onlineservices.extend_application"
MANAGE_CATALOGUE = "onlineservices.manage_catalogue"


def _staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def can_handle(user: Any) -> bool:
    return _staff(user) and bool(user.has_perm(HANDLE))


def can_decide(user: Any) -> bool:
    return _staff(user) and bool(user.has_perm(DECIDE))


def can_extend(user: Any) -> bool:
    return _staff(user) and bool(user.has_perm(EXTEND))


def can_work_on(user: Any, department_id: int) -> bool:
    """Department staff see only their departments' cases; superusers see all."""
    if not (can_handle(user) or can_decide(user)):
        return False
    if user.is_superuser:
        return True
    return bool(user.service_departments.filter(pk=department_id).exists())


def staff_can_view_upload(user: Any, upload: Any) -> bool:
    """Uploads attached to a case may be viewed by the staff of the case's department."""
    if upload.subject_type != "onlineservices.application" or not _staff(user):
        return False
    from .models import Application

    department_id = (
        Application.objects.filter(pk=upload.subject_id)
        .values_list("department_id", flat=True)
        .first()
    )
    return department_id is not None and can_work_on(user, department_id)
