"""The state diagram of ``Application`` generated from its TRANSITIONS (the diagram is data),
with the SMS sent on entering each state (``services.applications``)."""

from __future__ import annotations

from typing import Final

from zhengwu.registrations.diagrams import workflow_mermaid

from .models import Application

S = Application.Status
#: State entered → (SMS template, recipient); kept in step with services.applications by a test.
APPLICATION_SMS: Final[dict[str, tuple[str, str]]] = {
    S.IN_REVIEW: ("agency_coding.accepted", "领取人"),
    S.REJECTED: ("agency_coding.returned", "领取人"),
    S.TO_PRINT: ("agency_coding.to_print", "领取人"),
}


def application_mermaid() -> str:
    return workflow_mermaid(S, Application.TRANSITIONS, APPLICATION_SMS, S.DRAFT)
