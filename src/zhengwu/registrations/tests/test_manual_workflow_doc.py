"""docs/workflows/manual-review.md carries the ManualVerification diagram generated from
TRANSITIONS (REG-9)."""

from pathlib import Path

from django.core.management import call_command

from zhengwu.registrations.diagrams import manual_verification_mermaid
from zhengwu.registrations.models import ManualVerification

DOC = Path(__file__).resolve().parents[4] / "docs" / "workflows" / "manual-review.md"


def test_doc_diagram_is_the_generated_one():
    """Edit TRANSITIONS, run manage.py workflow_diagram manual_verification, paste."""
    block = DOC.read_text().split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert block == manual_verification_mermaid()


def test_diagram_lists_every_transition():
    diagram = manual_verification_mermaid()
    for source, targets in ManualVerification.TRANSITIONS.items():
        for target in targets:
            assert f"{source} --> {target}" in diagram


def test_command_prints_it(capsys):
    call_command("workflow_diagram", "manual_verification")
    assert capsys.readouterr().out.strip() == manual_verification_mermaid()
