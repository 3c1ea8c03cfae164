"""The sign-in app's own catalogue (new strings of issue 11): complete, compiled, used."""

from pathlib import Path

import pytest
from django.conf import settings

from zhengwu.portal.tests.test_i18n import _po_entries

PO_FILE = Path(__file__).parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.django_db


def test_every_msgid_is_translated_and_compiled():
    text = PO_FILE.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = [(msgid, strs) for msgid, strs in _po_entries(text) if msgid]
    assert entries and all(strs and all(strs) for _, strs in entries)
    assert PO_FILE.with_suffix(".mo").is_file()


def test_the_recovery_routes_in_english(client):
    # English only by choice (the language cookie), never by Accept-Language (UI-1).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/recover/password/").content.decode()
    assert "By mobile number and unit code" in page


def test_chinese_by_default(client):
    assert "通过手机号和单位编号找回" in client.get("/recover/password/").content.decode()
