"""JSON API of the organisation centre (``/api/v1/org/``), same services as the pages.

Session authentication (the signed-in portal user, CSRF token required on writes). Like the
pages, everything of an organisation answers 404 ``organisation.not_found`` to somebody who
is not its legal representative or administrator. Errors: ``{code, message, field}``.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from zhengwu.accounts.models import Membership
from zhengwu.accounts.selectors import is_manager, members_of, membership_get_for_user
from zhengwu.api.errors import ErrorOut
from zhengwu.api.params import RowId
from zhengwu.core.errors import NotFound

from . import services
from .errors import PendingApplicationExists

router = Router(tags=["orgcentre"], auth=django_auth)


class PendingOut(ErrorOut):
    application_id: int


class OperatorOut(Schema):
    member_id: int
    username: str
    real_name: str
    role: str
    is_active: bool
    id_number: str  # masked (ACC-7)
    mobile: str  # masked (ACC-7)
    has_password: bool


class OperatorIn(Schema):
    real_name: str
    id_type: str
    id_number: str
    mobile: str
    sms_code: str
    username: str


class MobileIn(Schema):
    mobile: str


def _manager(request: HttpRequest, org_id: RowId) -> Membership:
    membership = membership_get_for_user(user=request.user, organisation_id=org_id)
    if not is_manager(membership):
        raise NotFound("单位不存在", code="organisation.not_found")
    return membership


def _out(m: Membership) -> OperatorOut:
    return OperatorOut(
        member_id=m.pk,
        username=m.user.username,
        real_name=m.user.real_name,
        role=m.role,
        is_active=m.is_active,
        id_number=m.user.masked_id_number,
        mobile=m.user.masked_mobile,
        has_password=m.user.has_usable_password(),
    )


@router.get("/{org_id}/operators", response={200: list[OperatorOut], 404: ErrorOut})
def operators(request: HttpRequest, org_id: RowId) -> list[OperatorOut]:
    """经办人管理: the organisation's accounts, ID numbers and mobiles masked."""
    membership = _manager(request, org_id)
    return [_out(m) for m in members_of(organisation=membership.organisation)]


@router.post(
    "/{org_id}/sms-code",
    response={204: None, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
)
def sms_code(request: HttpRequest, org_id: RowId, payload: MobileIn) -> Status[None]:
    """Send the code that proves the new operator holds the mobile (REG-8 checked first)."""
    membership = _manager(request, org_id)
    services.operator_sms_code_send(
        actor=request.user,  # type: ignore[arg-type]
        organisation=membership.organisation,
        mobile=payload.mobile,
    )
    return Status(204, None)


@router.post(
    "/{org_id}/operators",
    response={201: OperatorOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: PendingOut},
)
def operator_add(
    request: HttpRequest, org_id: RowId, payload: OperatorIn
) -> Status[OperatorOut] | Status[PendingOut]:
    """添加经办人. 409 ``operator.pending_application`` with ``application_id`` when the person
    has a pending 经办人申请 here (review it instead)."""
    membership = _manager(request, org_id)
    try:
        added = services.operator_add(
            actor=request.user,  # type: ignore[arg-type]
            organisation=membership.organisation,
            **payload.dict(),
        )
    except PendingApplicationExists as exc:
        return Status(
            409,
            PendingOut(
                code=exc.code,
                message=exc.message,
                field=exc.field,
                application_id=exc.application_id,
            ),
        )
    return Status(201, _out(added))


def _action(request: HttpRequest, org_id: RowId, member_id: RowId, service: object) -> OperatorOut:
    membership = _manager(request, org_id)
    changed = service(  # type: ignore[operator]
        actor=request.user, organisation=membership.organisation, member_id=member_id
    )
    return _out(changed)


_ACTION_RESPONSES = {200: OperatorOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post("/{org_id}/operators/{member_id}/disable", response=_ACTION_RESPONSES)
def operator_disable(request: HttpRequest, org_id: RowId, member_id: RowId) -> OperatorOut:
    """停用 (the mobile is freed, REG-8)."""
    return _action(request, org_id, member_id, services.operator_disable)


@router.post("/{org_id}/operators/{member_id}/enable", response=_ACTION_RESPONSES)
def operator_enable(request: HttpRequest, org_id: RowId, member_id: RowId) -> OperatorOut:
    """启用 (the mobile is bound again, or 400 ``mobile.taken_in_organisation``)."""
    return _action(request, org_id, member_id, services.operator_enable)


@router.post("/{org_id}/operators/{member_id}/administrator", response=_ACTION_RESPONSES)
def administrator_grant(request: HttpRequest, org_id: RowId, member_id: RowId) -> OperatorOut:
    """设为管理员 — the legal representative only (403 otherwise)."""
    return _action(request, org_id, member_id, services.administrator_grant)


@router.delete("/{org_id}/operators/{member_id}/administrator", response=_ACTION_RESPONSES)
def administrator_revoke(request: HttpRequest, org_id: RowId, member_id: RowId) -> OperatorOut:
    """取消管理员 — the legal representative only (403 otherwise)."""
    return _action(request, org_id, member_id, services.administrator_revoke)
