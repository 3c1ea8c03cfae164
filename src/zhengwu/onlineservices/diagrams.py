"""The case state diagram, generated from ``TRANSITIONS`` (the diagram is data)."""

from __future__ import annotations

from zhengwu.registrations.diagrams import workflow_mermaid

from .constants import CASE_SMS, TRANSITIONS, Status


def application_mermaid() -> str:
    """The mermaid ``stateDiagram-v2`` of ``Application`` with the SMS of each state."""
    return workflow_mermaid(Status, TRANSITIONS, CASE_SMS, Status.DRAFT)
