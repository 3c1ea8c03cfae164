"""JSON API of the enterprise code (``/api/v1/code/``): the same services as the pages.

* ``GET verify/{token}`` — public scan result (EC-3), rate-limited per IP, no personal data.
* ``GET units`` / ``POST units/{organisation_id}/claim`` — the signed-in account's units and
  their codes, and 领码 (EC-1); session authentication (with CSRF), other units are 404.

Errors: ``{code, message, field}`` with a 4xx status (``zhengwu.api.api``).
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from zhengwu.api.errors import ErrorOut
from zhengwu.api.params import RowId
from zhengwu.core.errors import NotFound, RateLimited, ZhengwuError

from . import selectors, services
from .models import EnterpriseCode
from .ratelimit import verification_allowed

router = Router(tags=["enterprise"])


class VerificationOut(Schema):
    outcome: str
    name: str
    uscc: str
    registry_status: str
    claimed_at: datetime | None


class CodeOut(Schema):
    status: str
    version: int
    claimed_at: datetime
    verification_url: str


class UnitOut(Schema):
    organisation_id: int
    name: str
    uscc: str | None
    code: CodeOut | None


class CodeRevoked(ZhengwuError):
    code = "enterprise_code.revoked"
    message = "该企业码已作废"
    status = 410


class CodeSuperseded(ZhengwuError):
    code = "enterprise_code.superseded"
    message = "该二维码已失效：企业码已重新发放"
    status = 410


class TokenInvalid(NotFound):
    code = "enterprise_code.invalid_token"
    message = "二维码无效：不是本平台发放的企业码"


def _code_out(code: EnterpriseCode | None) -> CodeOut | None:
    if code is None:
        return None
    return CodeOut(
        status=code.status,
        version=code.version,
        claimed_at=code.claimed_at,
        verification_url=code.verification_url() if code.is_active else "",
    )


@router.get(
    "/verify/{token}",
    response={200: VerificationOut, 404: ErrorOut, 410: ErrorOut, 429: ErrorOut},
    summary="Verify a scanned enterprise code (public)",
)
def verify(request: HttpRequest, token: str) -> VerificationOut:
    if not verification_allowed(request):
        raise RateLimited("查询过于频繁，请稍后再试")
    result = selectors.verification_for_token(token)
    if result.outcome == "revoked":
        raise CodeRevoked()
    if result.outcome == "superseded":
        raise CodeSuperseded()
    if result.outcome != "valid":
        raise TokenInvalid()
    return VerificationOut(
        outcome=result.outcome,
        name=result.name,
        uscc=result.uscc,
        registry_status=result.registry_status,
        claimed_at=result.claimed_at,
    )


@router.get("/units", response=list[UnitOut], auth=django_auth, summary="My units and codes")
def units(request: HttpRequest) -> list[UnitOut]:
    return [
        UnitOut(
            organisation_id=org.pk,
            name=org.name,
            uscc=org.uscc,
            code=_code_out(selectors.code_for_organisation(org)),
        )
        for org in selectors.organisations_for_user(request.user)
    ]


@router.post(
    "/units/{organisation_id}/claim",
    response={201: UnitOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=django_auth,
    summary="Claim the unit's enterprise code (领码, once)",
)
def claim(request: HttpRequest, organisation_id: RowId) -> Status[UnitOut]:
    org = selectors.organisation_get_for_user(request.user, organisation_id)
    if org is None:
        raise NotFound("单位不存在", code="enterprise_code.unit_not_found")
    code = services.claim_code(organisation=org, actor=request.user)
    return Status(
        201, UnitOut(organisation_id=org.pk, name=org.name, uscc=org.uscc, code=_code_out(code))
    )
