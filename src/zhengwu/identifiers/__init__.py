"""Chinese identifiers used by the portal: pure Python, no Django.

One module per identifier, each with the same public contract:

* ``normalise(s) -> str``: canonical form of user input (NFKC, no whitespace, upper case, plus
  the module's own separators); raises ``TypeError`` on non-``str``;
* ``validate(s) -> str``: the normalised value, or :class:`InvalidIdentifier` with a stable
  ``.code`` and a Chinese ``.message`` naming the exact problem;
* ``is_valid(s) -> bool``: never raises, also not on non-``str`` input.

Modules: :mod:`.uscc` (GB 32100), :mod:`.orgcode` (GB 11714), :mod:`.resident_id` (GB 11643,
residence permits), :mod:`.foreign_pr`, :mod:`.hkmo_permit`, :mod:`.tw_permit`,
:mod:`.passport`, :mod:`.mobile` (and landlines), :mod:`.project_code` (SPEC REG-9),
:mod:`.licence_id` (GB/T 36904 e-licence identifier);
:mod:`.generate` makes valid values from a ``random.Random``.
"""

from . import (
    foreign_pr,
    generate,
    hkmo_permit,
    licence_id,
    mobile,
    orgcode,
    passport,
    project_code,
    resident_id,
    tw_permit,
    uscc,
)
from ._base import InvalidIdentifier, normalise

__all__ = [
    "InvalidIdentifier",
    "foreign_pr",
    "generate",
    "hkmo_permit",
    "licence_id",
    "mobile",
    "normalise",
    "orgcode",
    "passport",
    "project_code",
    "resident_id",
    "tw_permit",
    "uscc",
]
