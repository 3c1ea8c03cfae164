"""The case diagram in docs/workflows/online-applications.md is the generated one."""

from pathlib import Path

from zhengwu.onlineservices.diagrams import application_mermaid

DOC = Path(__file__).resolve().parents[4] / "docs" / "workflows" / "online-applications.md"


def test_the_documented_diagram_is_generated_from_the_transitions():
    assert application_mermaid() in DOC.read_text(encoding="utf-8")
