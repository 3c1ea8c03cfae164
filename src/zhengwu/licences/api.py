"""JSON API of ``zhengwu.licences`` (mounted at ``/api/v1/licences/``): issuing departments push
and revoke licences (LIC-1 a). Authenticated by the issuer's API key::

    Authorization: Bearer zwl_…

Errors follow the portal contract ``{code, message, field}`` with a 4xx status; the body is
parsed here (not by a schema) so that a wrong type is also a named-field error.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from zhengwu.api.errors import ErrorOut
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.identifiers import InvalidIdentifier, licence_id

from . import services
from .constants import Source
from .models import Issuer, Licence
from .verification import verification_url

router = Router(tags=["licences"])

FIELDS = (
    "licence_type",
    "holder_uscc",
    "holder_name",
    "number",
    "issued_on",
    "valid_from",
    "valid_until",
    "particulars",
)


class LicenceOut(Schema):
    identifier: str
    licence_type: str
    number: str
    holder_uscc: str
    holder_name: str
    issued_on: str
    valid_from: str
    valid_until: str | None
    status: str
    verification_url: str


def _out(licence: Licence) -> LicenceOut:
    return LicenceOut(
        identifier=licence.identifier,
        licence_type=licence.licence_type,
        number=licence.number,
        holder_uscc=licence.holder_uscc,
        holder_name=licence.holder_name,
        issued_on=licence.issued_on.isoformat(),
        valid_from=licence.valid_from.isoformat(),
        valid_until=licence.valid_until.isoformat() if licence.valid_until else None,
        status=licence.display_status(),
        verification_url=verification_url(licence),
    )


def _issuer(request: HttpRequest) -> Issuer:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    return services.issuer_authenticate(key=key.strip() if scheme.lower() == "bearer" else None)


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("请求体不是有效的 JSON", code="body.invalid_json") from None
    if not isinstance(data, dict):
        raise ValidationFailed("请求体应为 JSON 对象", code="body.not_object")
    for name, value in data.items():
        if name not in FIELDS and name != "reason":
            raise ValidationFailed(f"不支持的字段“{name[:40]}”", code="field.unknown", field=name)
        if name != "particulars" and value is not None and not isinstance(value, str):
            raise ValidationFailed(f"字段“{name}”应为文本", code=f"{name}.type", field=name)
    return data


def _own_licence(issuer: Issuer, identifier: str) -> Licence:
    try:
        normalised = licence_id.validate(identifier)
    except InvalidIdentifier as exc:
        raise ValidationFailed(exc.message, code=exc.code, field="identifier") from exc
    licence = Licence.objects.filter(identifier=normalised, issuer=issuer).first()
    if licence is None:  # another issuer's licence is "not found" too
        raise NotFound("证照不存在")
    return licence


@router.post(
    "/",
    response={201: LicenceOut, 400: ErrorOut, 401: ErrorOut},
    summary="Issue a licence (issuing department)",
    auth=None,
)
def licence_create(request: HttpRequest) -> Status:
    """Issue a licence. Body: ``licence_type`` (business_licence, food_business,
    special_equipment, credit_code_certificate), ``holder_uscc``, ``holder_name``, ``number``
    (optional for business licences), ``issued_on``, ``valid_from``, ``valid_until`` (ISO dates;
    empty = 长期), ``particulars`` (object of label → text)."""
    issuer = _issuer(request)
    data = _body(request)
    licence = services.licence_issue(
        issuer=issuer,
        licence_type=data.get("licence_type") or "",
        holder_uscc=data.get("holder_uscc") or "",
        holder_name=data.get("holder_name") or "",
        number=data.get("number") or "",
        issued_on=data.get("issued_on"),
        valid_from=data.get("valid_from"),
        valid_until=data.get("valid_until"),
        particulars=data.get("particulars"),
        source=Source.API,
        actor=f"issuer:{issuer.uscc}",
    )
    return Status(201, _out(licence))


@router.get(
    "/{identifier}",
    response={200: LicenceOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="One of the issuer's licences",
    auth=None,
)
def licence_get(request: HttpRequest, identifier: str) -> LicenceOut:
    issuer = _issuer(request)
    return _out(_own_licence(issuer, identifier))


@router.post(
    "/{identifier}/revoke",
    response={200: LicenceOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Revoke one of the issuer's licences",
    auth=None,
)
def licence_revoke(request: HttpRequest, identifier: str) -> LicenceOut:
    """Body: ``reason`` (注销原因, required)."""
    issuer = _issuer(request)
    data = _body(request)
    with transaction.atomic():
        licence = services.licence_revoke(
            licence=_own_licence(issuer, identifier),
            reason=data.get("reason") or "",
            actor=f"issuer:{issuer.uscc}",
            issuer=issuer,
        )
    return _out(licence)
