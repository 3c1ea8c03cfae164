"""The SMS texts of online applications (SVC-2), registered with ``notifications`` at start-up.

Every step the applicant must know sends one: received, accepted, not accepted, 补正, result.
They are listed in ``docs/workflows/notifications.md`` like every other template.
"""

from __future__ import annotations

from zhengwu.notifications.templates import TEMPLATES, SmsTemplate

APPLICATION_TEMPLATES = [
    SmsTemplate(
        "application.submitted",
        "您申请的“{item}”已提交，办件编号{number}，请留意{portal}的受理结果。",
        "SVC-2",
        "applicant",
    ),
    SmsTemplate(
        "application.accepted",
        "您的办件{number}（{item}）已受理，承诺于{due}前办结。",
        "SVC-2",
        "applicant",
    ),
    SmsTemplate(
        "application.not_accepted",
        "您的办件{number}（{item}）不予受理，原因：{reason}。",
        "SVC-2",
        "applicant",
    ),
    SmsTemplate(
        "application.correction",
        "您的办件{number}（{item}）需要补正材料，请登录{portal}查看一次性告知并补正后重新提交。",
        "SVC-2a",
        "applicant",
    ),
    SmsTemplate(
        "application.completed",
        "您的办件{number}（{item}）已办结，结果：{result}。请登录{portal}查看并评价。",
        "SVC-2, SVC-2b",
        "applicant",
    ),
    SmsTemplate(
        "application.assist_code",
        "工作人员正在为{organisation}帮办“{item}”，确认提交请将验证码{code}告知工作人员，"
        "{minutes}分钟内有效。如非本单位申请，请勿告知。",
        "SVC-2a",
        "the unit's legal representative (or the member the case is filed for)",
    ),
    SmsTemplate(
        "application.entity_deregistered",
        "{organisation}已准予注销登记（办件{number}），其企业码和电子证照同时注销。",
        "SVC-2",
        "every member account of the unit",
    ),
]


def register() -> None:
    for template in APPLICATION_TEMPLATES:
        TEMPLATES.setdefault(template.code, template)
