"""Shared pieces of :mod:`zhengwu.identifiers`: the error type and input normalisation.

Every identifier module builds on these two things:

* :class:`InvalidIdentifier` carries a stable, English, dotted ``code`` (for tests, logs, the API
  and translations) and a Chinese ``message`` that says exactly what is wrong and where, so a
  form can show it next to the field as-is.
* :func:`normalise` turns what people type or paste into the canonical machine form: Unicode
  NFKC (full-width ``９１３５`` and ``ＡＢＣ`` become ASCII, the ideographic space becomes a
  space), every whitespace and invisible formatting character removed, upper case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

__all__ = ["InvalidIdentifier", "normalise", "require_str"]

# Characters that survive NFKC and ``str.split()`` but are invisible in a browser; they arrive
# with text copied from PDFs, Word and chat apps.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"))


class InvalidIdentifier(ValueError):
    """An identifier failed validation.

    ``code`` is stable (e.g. ``"uscc.check_digit"``) and safe to branch on; ``message`` is a
    user-facing Chinese sentence naming the field and the exact problem (e.g. ``"统一社会信用代码
    校验位（第 18 位）应为 3，实际为 Z"``); ``params`` holds the values interpolated into the
    message (position, expected character, ...) for callers that render their own text.
    ``str(exc)`` is the message.
    """

    code: str
    message: str
    params: Mapping[str, Any]

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"InvalidIdentifier({self.code!r}, {self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the exception picklable (task queues, multiprocessing) despite the custom __init__.
        return (_rebuild, (self.code, self.message, dict(self.params)))


def _rebuild(code: str, message: str, params: dict[str, Any]) -> InvalidIdentifier:
    return InvalidIdentifier(code, message, **params)


def normalise(s: str) -> str:
    """Return ``s`` in NFKC form, without any whitespace or invisible characters, upper-cased.

    Raises ``TypeError`` for non-``str`` input: that is a programming error, not user input.
    """
    if not isinstance(s, str):
        raise TypeError(f"expected str, got {type(s).__name__}")
    if s.isascii():
        # NFKC is the identity on ASCII; skip it (the common case, and a hot path).
        return "".join(s.split()).upper()
    s = unicodedata.normalize("NFKC", s)
    return "".join(s.split()).translate(_INVISIBLE).upper()


def require_str(value: object, prefix: str, label: str) -> str:
    """Return ``value`` if it is a ``str``, else raise ``InvalidIdentifier(prefix + ".type")``."""
    if not isinstance(value, str):
        raise InvalidIdentifier(f"{prefix}.type", f"{label}必须是文本", type=type(value).__name__)
    return value
