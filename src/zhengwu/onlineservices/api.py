"""JSON API of the online services for applicants (``/api/v1/services/``): the same services
as the pages, session authentication (with CSRF) for everything but the catalogue.

Errors: ``{code, message, field}`` with a 4xx status; another unit's case is a 404.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.http import Http404, HttpRequest
from django.utils.functional import empty
from ninja import Router, Schema
from ninja.responses import Status as HttpStatus
from ninja.security import SessionAuth, django_auth

from zhengwu.accounts.models import User, account_read_with
from zhengwu.api.errors import ErrorOut
from zhengwu.api.params import RowId
from zhengwu.core.errors import NotFound

from . import selectors, services
from .constants import Status
from .models import Application, ServiceItem

router = Router(tags=["services"])


class ItemOut(Schema):
    code: str
    name: str
    department: str
    section: str
    kind: str
    is_fully_online: bool
    is_high_frequency: bool
    statutory_days: int
    promised_days: int


class MaterialOut(Schema):
    id: int
    name: str
    is_required: bool
    licence_type: str


class GuideOut(ItemOut):
    conditions: str
    process: list[str]
    fee: str
    legal_basis: str
    contacts: str
    address: str
    materials: list[MaterialOut]
    form_schema: list[dict[str, Any]]


class ApplicationIn(Schema):
    item_code: str
    organisation_id: int | None = None


class FormIn(Schema):
    data: dict[str, Any]


class EvaluationIn(Schema):
    rating: int
    comment: str = ""


class ApplicationOut(Schema):
    id: int
    number: str | None
    item_code: str
    item_name: str
    status: str
    status_label: str
    form_data: dict[str, Any]
    submitted_at: datetime | None
    due_on: date | None
    suspended_days: int
    correction_notice: str
    decision: str
    decision_reason: str
    result_licence: str | None


def _user(request: HttpRequest) -> User:
    """The signed-in account itself rather than ``request.user``'s lazy proxy, once the
    authentication has loaded it: the services read the actor's fields dozens of times a
    request, each read through the proxy a call of its own."""
    user = request.user
    wrapped = getattr(user, "_wrapped", None)
    return cast(User, user if wrapped is None or wrapped is empty else wrapped)


def _item_out(item: ServiceItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "department": item.department.name,
        "section": item.section,
        "kind": item.kind,
        "is_fully_online": item.is_fully_online,
        "is_high_frequency": item.is_high_frequency,
        "statutory_days": item.statutory_days,
        "promised_days": item.promised_days,
    }


def _application_out(a: Application) -> ApplicationOut:
    return ApplicationOut(
        id=a.pk,
        number=a.number,
        item_code=a.item.code,
        item_name=a.item.name,
        status=a.status,
        # the member's label (get_status_display rebuilds the choices dict on every call)
        status_label=str(Status(a.status).label) if a.status in Status else a.status,
        form_data=a.form_data,
        submitted_at=a.submitted_at,
        due_on=a.due_on,
        suspended_days=a.suspended_days,
        correction_notice=a.correction_notice if a.status == "correction" else "",
        decision=a.decision,
        decision_reason=a.decision_reason,
        result_licence=a.result_licence.identifier if a.result_licence_id else None,  # type: ignore[union-attr]
    )


def _case(request: HttpRequest, pk: int) -> Application:
    try:
        return selectors.application_get_for_user(_user(request), pk)
    except Http404:
        raise NotFound("办件不存在", code="application.not_found") from None


@router.get("/items", response=list[ItemOut], summary="Search the catalogue (SVC-1)")
def items(
    request: HttpRequest,
    q: str = "",
    department: str = "",
    theme: str = "",
    online: bool = False,
    hf: bool = False,
) -> list[dict[str, Any]]:
    found = selectors.items_search(
        query=q[:50], department=department, theme=theme, fully_online=online, high_frequency=hf
    )
    return [_item_out(item) for item in found[:200]]


@router.get("/items/{code}", response={200: GuideOut, 404: ErrorOut}, summary="办事指南")
def guide(request: HttpRequest, code: str) -> dict[str, Any]:
    try:
        item = selectors.item_get(code)
    except Http404:
        raise NotFound("事项不存在", code="item.not_found") from None
    return {
        **_item_out(item),
        "conditions": item.conditions,
        "process": [str(step) for step in item.process],
        "fee": item.fee,
        "legal_basis": item.legal_basis,
        "contacts": item.contacts,
        "address": item.address,
        "materials": [
            {
                "id": m.pk,
                "name": m.name,
                "is_required": m.is_required,
                "licence_type": m.licence_type,
            }
            for m in item.materials.all()
        ],
        "form_schema": item.form_schema,
    }


@router.get("/applications", response=list[ApplicationOut], auth=django_auth, summary="我的办件")
def mine(request: HttpRequest) -> list[ApplicationOut]:
    return [_application_out(a) for a in selectors.applications_for_user(_user(request))[:200]]


@router.post(
    "/applications",
    response={201: ApplicationOut, 403: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    summary="Start a draft (暂存)",
)
def start(request: HttpRequest, payload: ApplicationIn) -> HttpStatus[ApplicationOut]:
    try:
        item = selectors.item_get(payload.item_code)
    except Http404:
        raise NotFound("事项不存在", code="item.not_found", field="item_code") from None
    organisation = None
    if payload.organisation_id is not None:
        organisation = next(
            (
                o
                for o in selectors.organisations_for_applicant(_user(request))
                if o.pk == payload.organisation_id
            ),
            None,
        )
        if organisation is None:
            raise NotFound("单位不存在", code="organisation.not_found", field="organisation_id")
    draft = services.application_start(actor=_user(request), item=item, organisation=organisation)
    return HttpStatus(201, _application_out(draft))


@router.get("/applications/{pk}", response={200: ApplicationOut, 404: ErrorOut}, auth=django_auth)
def detail(request: HttpRequest, pk: RowId) -> ApplicationOut:
    return _application_out(_case(request, pk))


@router.put(
    "/applications/{pk}/form",
    response={200: ApplicationOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=django_auth,
    summary="暂存 the form",
)
def save(request: HttpRequest, pk: RowId, payload: FormIn) -> ApplicationOut:
    case = services.application_save(
        actor=_user(request), application=_case(request, pk), data=payload.data
    )
    return _application_out(case)


class SubmitSessionAuth(SessionAuth):
    """``django_auth`` (the session, with CSRF) for 提交, with one read instead of two: when
    the session names an account, the case is read first with its applicant's account joined,
    and if that account is the session's, Django's ``get_user`` takes that row
    (``account_read_with``) and checks it as it checks its own read (active, the session's
    password hash). The view then uses the case read here; it decides whose the case is."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        raw = request.resolver_match.kwargs.get("pk") if request.resolver_match else None
        session_user = request.session.get(SESSION_KEY) if key else None
        if session_user is None or type(raw) is not str or not _PK.fullmatch(raw):
            return super().authenticate(request, key)
        found = services.submit_read(pk=int(raw))
        request._submit_read = found  # type: ignore[attr-defined]
        if found is not None and str(found.applicant_id) == str(session_user):
            with account_read_with(found.applicant):
                return super().authenticate(request, key)
        return super().authenticate(request, key)


_PK = re.compile(r"[1-9][0-9]{0,17}")  # an id PostgreSQL's bigint can hold


@router.post(
    "/applications/{pk}/submit",
    response={200: ApplicationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=SubmitSessionAuth(),
    summary="提交 (or resubmit after 补正)",
)
def submit(request: HttpRequest, pk: RowId, payload: FormIn) -> ApplicationOut:
    read = {"read": request._submit_read} if hasattr(request, "_submit_read") else {}
    try:
        case = services.application_submit_by_id(
            actor=_user(request), pk=pk, data=payload.data, **read
        )
    except Http404:
        raise NotFound("办件不存在", code="application.not_found") from None
    return _application_out(case)


@router.post(
    "/applications/{pk}/withdraw",
    response={200: ApplicationOut, 404: ErrorOut, 409: ErrorOut},
    auth=django_auth,
)
def withdraw(request: HttpRequest, pk: RowId) -> ApplicationOut:
    services.application_withdraw(actor=_user(request), application=_case(request, pk))
    return _application_out(_case(request, pk))


@router.post(
    "/applications/{pk}/evaluation",
    response={201: dict[str, Any], 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=django_auth,
    summary="好差评 (once, after 办结)",
)
def evaluate(request: HttpRequest, pk: RowId, payload: EvaluationIn) -> HttpStatus[dict[str, Any]]:
    evaluation = services.evaluation_create(
        actor=_user(request),
        application=_case(request, pk),
        rating=payload.rating,
        comment=payload.comment,
    )
    return HttpStatus(201, {"rating": evaluation.rating, "comment": evaluation.comment})
