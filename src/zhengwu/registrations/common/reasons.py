"""The reason of a back-office refusal (不通过 / 退回), shared by every kind of case.

A reason is a template chosen from the case kind's choices plus free text: ``其他`` needs the
text and is the text alone; any other template is its label, followed by the text if given.
"""

from __future__ import annotations

from django.db import models

from zhengwu.core.errors import ValidationFailed

REASON_MAX = 200


def rejection_reason(
    reason_code: str, reason_text: str, *, reasons: type[models.TextChoices]
) -> str:
    """The reason to record and send, from ``reason_code`` (one of ``reasons``, which has an
    ``OTHER`` member) and ``reason_text``. Raises ``ValidationFailed`` on ``reason_code``
    (none chosen) or ``reason_text`` (missing for ``其他``, or the whole over 200 characters)."""
    if reason_code not in reasons.values:
        raise ValidationFailed("请选择不通过原因", code="reason.empty", field="reason_code")
    other = reasons.OTHER  # type: ignore[attr-defined]
    text = " ".join((reason_text or "").split())
    if reason_code == other and not text:
        raise ValidationFailed("请填写不通过原因", code="reason.text_empty", field="reason_text")
    label = str(reasons(reason_code).label)
    reason = label
    if text:
        reason = text if reason_code == other else f"{label}：{text}"
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            f"不通过原因不能超过{REASON_MAX}个字", code="reason.too_long", field="reason_text"
        )
    return reason
