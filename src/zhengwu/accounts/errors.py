"""Errors of the accounts domain."""

from __future__ import annotations

from zhengwu.core.errors import ValidationFailed


class MobileTaken(ValidationFailed):
    """REG-8: the mobile is bound to another account or application of the organisation."""

    code = "mobile.taken_in_organisation"
    message = "同一企业/组织下的账号绑定的手机号不可重复"

    def __init__(self) -> None:
        super().__init__(field="mobile")
