"""State diagrams generated from the transition tables (the diagram is data)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models

from .constants import APPLICATION_SMS, APPLICATION_TRANSITIONS, ApplicationStatus


def workflow_mermaid(
    states: type[models.TextChoices],
    transitions: Mapping[str, frozenset[str]],
    sms: Mapping[str, tuple[str, str]],
    initial: str,
) -> str:
    """The mermaid ``stateDiagram-v2`` of a workflow with the SMS sent on entering each state."""
    lines = ["stateDiagram-v2", f"    [*] --> {initial}"]
    for state in states:
        lines.append(f"    {state.value}: {state.label}")
    for source, targets in transitions.items():
        for target in sorted(targets):
            lines.append(f"    {source} --> {target}")
        if not targets:
            lines.append(f"    {source} --> [*]")
    for sms_state, (template, recipient) in sms.items():
        lines.append(f"    note right of {sms_state}: SMS {template} → {recipient}")
    return "\n".join(lines)


def operator_application_mermaid() -> str:
    """The mermaid ``stateDiagram-v2`` of ``OperatorApplication`` with the SMS of each state."""
    return workflow_mermaid(
        ApplicationStatus, APPLICATION_TRANSITIONS, APPLICATION_SMS, ApplicationStatus.PENDING
    )


def natural_person_review_mermaid() -> str:
    """The diagram of ``NaturalPersonReview`` (REG-11 人工审核)."""
    from .models.natural import NATURAL_REVIEW_SMS, NATURAL_REVIEW_TRANSITIONS, NaturalReviewStatus

    return workflow_mermaid(
        NaturalReviewStatus,
        NATURAL_REVIEW_TRANSITIONS,
        NATURAL_REVIEW_SMS,
        NaturalReviewStatus.PENDING,
    )


def manual_verification_mermaid() -> str:
    """The diagram of ``ManualVerification`` (REG-9 人工认证渠道)."""
    from .manual.constants import MANUAL_SMS, MANUAL_TRANSITIONS, ManualStatus

    return workflow_mermaid(ManualStatus, MANUAL_TRANSITIONS, MANUAL_SMS, ManualStatus.PENDING)


def agent_registration_mermaid() -> str:
    """The diagram of ``AgentRegistration`` (REG-10 代理人注册 with the e-signature)."""
    from .agent.constants import AGENT_SMS, AGENT_TRANSITIONS, AgentStatus

    return workflow_mermaid(AgentStatus, AGENT_TRANSITIONS, AGENT_SMS, AgentStatus.DRAFT)


#: ``manage.py workflow_diagram <name>``
DIAGRAMS = {
    "agent_registration": agent_registration_mermaid,
    "operator_application": operator_application_mermaid,
    "natural_person_review": natural_person_review_mermaid,
    "manual_verification": manual_verification_mermaid,
}
