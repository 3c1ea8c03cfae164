"""State diagrams generated from the transition tables (the diagram is data)."""

from __future__ import annotations

from .constants import APPLICATION_SMS, APPLICATION_TRANSITIONS, ApplicationStatus


def operator_application_mermaid() -> str:
    """The mermaid ``stateDiagram-v2`` of ``OperatorApplication`` with the SMS of each state."""
    lines = ["stateDiagram-v2", f"    [*] --> {ApplicationStatus.PENDING.value}"]
    for state in ApplicationStatus:
        lines.append(f"    {state.value}: {state.label}")
    for source, targets in APPLICATION_TRANSITIONS.items():
        for target in sorted(targets):
            lines.append(f"    {source} --> {target}")
        if not targets:
            lines.append(f"    {source} --> [*]")
    for sms_state, (template, recipient) in APPLICATION_SMS.items():
        lines.append(f"    note right of {sms_state}: SMS {template} → {recipient}")
    return "\n".join(lines)
