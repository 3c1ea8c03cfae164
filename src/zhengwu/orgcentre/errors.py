"""Errors of the organisation centre."""

from __future__ import annotations

from zhengwu.core.errors import ZhengwuError

#: Seed 001 三.4, word for word.
PENDING_APPLICATION_MESSAGE = "当前添加的经办人已提交了账号注册申请，请前往【经办人申请】去审核"


class PendingApplicationExists(ZhengwuError):
    """REG-8 administrator case: the person added has a pending 经办人申请 in this
    organisation; the administrator is sent to review it instead of creating an account."""

    code = "operator.pending_application"
    message = PENDING_APPLICATION_MESSAGE
    status = 409

    def __init__(self, *, application_id: int) -> None:
        super().__init__(field="id_number")
        self.application_id = application_id
