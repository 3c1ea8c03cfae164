"""docs/workflows/agent-registration.md carries the AgentRegistration diagram generated from
TRANSITIONS (REG-10), and the command prints it."""

from pathlib import Path

from django.core.management import call_command

from zhengwu.registrations.diagrams import agent_registration_mermaid
from zhengwu.registrations.models import AgentRegistration

DOC = Path(__file__).resolve().parents[4] / "docs" / "workflows" / "agent-registration.md"


def test_doc_diagram_is_the_generated_one():
    """Edit AGENT_TRANSITIONS, run manage.py workflow_diagram agent_registration, paste."""
    block = DOC.read_text().split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert block == agent_registration_mermaid()


def test_diagram_lists_every_transition():
    diagram = agent_registration_mermaid()
    for source, targets in AgentRegistration.TRANSITIONS.items():
        for target in targets:
            assert f"{source} --> {target}" in diagram


def test_command_prints_it(capsys):
    call_command("workflow_diagram", "agent_registration")
    assert capsys.readouterr().out.strip() == agent_registration_mermaid()


def test_expiry_command_runs(db, capsys):
    call_command("agent_signatures_expire")
    assert "签名超时：0 件" in capsys.readouterr().out
