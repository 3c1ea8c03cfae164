"""Errors of the enterprise code; each names the state or the field that stops the action."""

from __future__ import annotations

from zhengwu.core.errors import NotFound, PermissionDenied, ValidationFailed, ZhengwuError


class CodeAlreadyClaimed(ZhengwuError):
    """EC-1: the unit's code was claimed before (by this or another member)."""

    code = "enterprise_code.already_claimed"
    message = "本单位已领取企业码，无需重复领码"
    status = 409


class ClaimNotAllowed(PermissionDenied):
    code = "enterprise_code.claim_not_allowed"
    message = "只有本单位的法人账号（法定代表人、管理员或经办人）可以领取企业码"


class OrganisationClosed(ValidationFailed):
    code = "enterprise_code.organisation_closed"
    message = "单位已注销，不能领取企业码"
    status = 409


class CodeNotFound(NotFound):
    code = "enterprise_code.not_found"
    message = "企业码不存在"


class ReasonRequired(ValidationFailed):
    code = "enterprise_code.reason_required"
    message = "请填写原因"
    field = "reason"


class ManageNotAllowed(PermissionDenied):
    code = "enterprise_code.manage_not_allowed"
    message = "只有企业码管理员可以作废或重新发放企业码"


class AgencyUnitRevoked(ValidationFailed):
    code = "enterprise_code.agency_unit_revoked"
    message = "该单位的统一社会信用代码已撤销，不能领取企业码"
    status = 409
