"""Masking of personal data for screens and logs (ACC-7): 330***********1234, 138****5678."""

from __future__ import annotations


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
