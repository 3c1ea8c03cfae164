"""The workspace's own catalogue: every msgid translated, compiled; the page in English."""

from pathlib import Path

import pytest

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.portal.tests.test_i18n import _po_entries

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_msgid_is_translated_and_compiled():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = [(m, s) for m, s in _po_entries(text) if m]
    assert len(entries) > 50
    assert not [m for m, s in entries if not s or not all(s)]
    assert PO.with_suffix(".mo").is_file()


@pytest.mark.django_db
def test_workspace_in_english_once_chosen(client):
    client.force_login(UserFactory())
    client.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    body = client.get("/me/").content.decode()
    assert "My space" in body and "Account security" in body and "My units" in body
