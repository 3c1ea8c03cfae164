"""docs/workflows/notifications.md lists every SMS template (vendors approve texts in advance,
so the table is what a province files with its SMS platform)."""

from pathlib import Path

from zhengwu.notifications.templates import TEMPLATES

DOC = Path(__file__).resolve().parents[4] / "docs" / "workflows" / "notifications.md"


def test_every_sms_template_is_in_the_notifications_doc():
    doc = DOC.read_text(encoding="utf-8")
    missing = [code for code in TEMPLATES if f"| `{code}` |" not in doc]
    assert missing == []
