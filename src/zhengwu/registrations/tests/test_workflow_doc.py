"""docs/workflows/registration.md carries the diagram generated from TRANSITIONS."""

from pathlib import Path

from zhengwu.registrations.diagrams import operator_application_mermaid
from zhengwu.registrations.models import OperatorApplication

DOC = Path(__file__).resolve().parents[4] / "docs" / "workflows" / "registration.md"


def test_doc_diagram_is_the_generated_one():
    """Edit TRANSITIONS, run manage.py workflow_diagram, paste: the doc never drifts."""
    text = DOC.read_text()
    block = text.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert block == operator_application_mermaid()


def test_diagram_lists_every_transition():
    diagram = operator_application_mermaid()
    for source, targets in OperatorApplication.TRANSITIONS.items():
        for target in targets:
            assert f"{source} --> {target}" in diagram
