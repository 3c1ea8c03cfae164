"""Masking of personal data for screens and logs (ACC-7): 330***********1234, 138****5678.

The one rule of who sees what (docs/security.md, "Who sees a person's name and ID number"):

* the person themselves (``Viewer.SELF``) sees their own name in full;
* an approver of the person's own unit (``Viewer.APPROVER``: its legal representative or an
  administrator, deciding an operator's application or signing for an agent) sees the name in
  full and the last four characters of the ID number; the page that shows them is audited;
* everybody else (``Viewer.OTHER``), and every log line, gets the masked forms below.
"""

from __future__ import annotations

from enum import StrEnum


class Viewer(StrEnum):
    """Who looks at a person's data (the one masking rule above)."""

    SELF = "self"
    APPROVER = "approver"
    OTHER = "other"


def mask_middle(value: str, *, keep_start: int, keep_end: int, char: str = "*") -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        # Too short to show both ends: show at most the last character.
        return char * (len(value) - 1) + value[-1:]
    return value[:keep_start] + char * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id_number(value: str) -> str:
    """Resident ID and other document numbers: first 3 and last 4 characters shown."""
    return mask_middle(value, keep_start=3, keep_end=4)


def mask_mobile(value: str) -> str:
    """Mobile numbers: 138****5678. Landlines keep their area code and last 4 digits."""
    if len(value) == 11 and value.startswith("1"):
        return mask_middle(value, keep_start=3, keep_end=4)
    digits_start = 4 if value.startswith("0") else 3
    return mask_middle(value, keep_start=min(digits_start, len(value) // 3), keep_end=4)


def mask_name(value: str) -> str:
    """Chinese names: 张*三 style, first character kept (张**)."""
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)


def mask_id_number_last_four(value: str) -> str:
    """Only the last four characters: **************1234 (what an approver sees)."""
    if not value:
        return ""
    if len(value) <= 4:
        return mask_middle(value, keep_start=0, keep_end=1)
    return "*" * (len(value) - 4) + value[-4:]


def name_for(value: str, *, viewer: Viewer) -> str:
    """A person's name as ``viewer`` may see it: full for the person and their approvers."""
    if viewer in (Viewer.SELF, Viewer.APPROVER):
        return value
    return mask_name(value)


def id_number_for(value: str, *, viewer: Viewer) -> str:
    """An ID number as ``viewer`` may see it: approvers see the last four characters only;
    everybody else (the person included, on a screen) 330***********1234."""
    if viewer is Viewer.APPROVER:
        return mask_id_number_last_four(value)
    return mask_id_number(value)
