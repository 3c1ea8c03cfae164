"""English translation of the portal: zh-hans for every visitor whatever the browser asks
(UI-1, Chinese first), English only when chosen with the header's 中文 / English switch, the
choice kept in Django's language cookie."""

import ast
import re
from pathlib import Path

import pytest

import zhengwu

PO_FILE = Path(zhengwu.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.django_db


def _entries_nav(body: str) -> str:
    match = re.search(r'<nav class="entries".*?</nav>', body, re.S)
    assert match, "home page has no entries navigation"
    return match.group(0)


def test_home_entries_in_english_once_chosen(client, settings):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get("/")
    assert response.status_code == 200
    nav = _entries_nav(response.content.decode())
    assert "Legal-person registration" in nav
    assert "Personal registration" in nav
    assert "法人注册" not in nav


def test_home_entries_default_to_chinese(client):
    nav = _entries_nav(client.get("/").content.decode())
    assert "法人注册" in nav
    assert "Legal-person registration" not in nav


@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9", "fr, en;q=0.5"])
def test_a_browser_asking_for_english_still_gets_chinese(client, accept):
    """Headless Chromium sends Accept-Language: en-US; the portal stays Chinese (UI-1)."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    body = response.content.decode()
    assert 'lang="zh-hans"' in body
    assert "法人注册" in _entries_nav(body)
    assert response["Content-Language"] == "zh-hans"


def test_the_switch_goes_back_to_chinese(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert 'lang="zh-hans"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert 'lang="zh-hans"' in client.get("/").content.decode()


def test_the_header_offers_the_language_switch(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'action="/i18n/setlang/"' in body
    assert 'name="language" value="en"' in body
    assert 'name="language" value="zh-hans"' in body


def _po_entries(text: str) -> list[tuple[str, list[str]]]:
    """(msgid, [msgstr, ...]) for every entry; msgstr[n] forms are included for plurals."""
    entries: list[tuple[str, list[str]]] = []
    msgid: list[str] | None = None
    strs: list[list[str]] = []
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None:
            entries.append(("".join(msgid), ["".join(s) for s in strs]))

    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#~"):  # obsolete entries are not used at runtime
            continue
        if line.startswith("msgid "):
            flush()
            msgid, strs = [ast.literal_eval(line[6:])], []
            current = msgid
        elif line.startswith("msgid_plural "):
            current = [ast.literal_eval(line[13:])]
        elif line.startswith("msgstr"):
            current = [ast.literal_eval(line.split(" ", 1)[1])]
            strs.append(current)
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
    flush()
    return entries


def test_every_msgid_in_the_po_file_is_translated():
    text = PO_FILE.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, "fuzzy entries are ignored by compilemessages"
    entries = [(msgid, strs) for msgid, strs in _po_entries(text) if msgid]
    assert entries
    untranslated = [msgid for msgid, strs in entries if not strs or not all(strs)]
    assert not untranslated, f"untranslated msgids in {PO_FILE.name}: {untranslated}"


def test_compiled_catalogue_is_present():
    assert PO_FILE.with_suffix(".mo").is_file()
