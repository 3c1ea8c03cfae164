"""The app's own catalogue: every msgid translated, nothing fuzzy, compiled."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

import zhengwu.agency

PO = Path(zhengwu.agency.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_msgid_is_translated() -> None:
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = text.split("\n\n")[1:]
    assert len(entries) > 50
    for entry in entries:
        assert not entry.rstrip().endswith('msgstr ""'), entry


def test_catalogue_is_compiled_and_used() -> None:
    with translation.override("en"):
        assert translation.gettext("图片登录") == "Image sign-in"
