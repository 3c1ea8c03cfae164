"""docs/workflows/registration.md carries the NaturalPersonReview diagram generated from
TRANSITIONS (REG-11)."""

from pathlib import Path

from django.core.management import call_command

from zhengwu.registrations.diagrams import natural_person_review_mermaid
from zhengwu.registrations.models import NaturalPersonReview

DOC = Path(__file__).resolve().parents[4] / "docs" / "workflows" / "registration.md"


def test_doc_diagram_is_the_generated_one():
    """Edit TRANSITIONS, run manage.py workflow_diagram natural_person_review, paste."""
    text = DOC.read_text().split("## Natural-person registration", 1)[1]
    block = text.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert block == natural_person_review_mermaid()


def test_diagram_lists_every_transition():
    diagram = natural_person_review_mermaid()
    for source, targets in NaturalPersonReview.TRANSITIONS.items():
        for target in targets:
            assert f"{source} --> {target}" in diagram


def test_command_prints_it(capsys):
    """The existing command generalises with a workflow argument."""
    call_command("workflow_diagram", "natural_person_review")
    assert capsys.readouterr().out.strip() == natural_person_review_mermaid()
