"""Numbers typed or posted as text.

``str.isdigit`` is true for more than ``0``-``9``: superscripts (``"²"``) pass it and then make
``int()`` raise, and full-width digits (``"１２"``) pass it and reach queries and stored values
in a form nobody searches for. Request values and codes go through these instead.
"""

from __future__ import annotations

#: An id in a request has at most 18 digits (a PostgreSQL bigint holds every 18-digit number).
MAX_ID_DIGITS = 18


def is_ascii_digits(text: object) -> bool:
    """``True`` if ``text`` is a non-empty string of the ASCII digits ``0``-``9`` only."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def id_from_text(text: object) -> int | None:
    """The row id written in ``text`` (ASCII digits, at most 18 of them), or ``None``."""
    if isinstance(text, str) and is_ascii_digits(text) and len(text) <= MAX_ID_DIGITS:
        return int(text)
    return None
