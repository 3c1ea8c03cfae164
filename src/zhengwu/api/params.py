"""Types of the API's path parameters."""

from __future__ import annotations

from typing import Annotated

from ninja import Path

from zhengwu.core.parsing import MAX_ID_DIGITS

#: A row id in a path: 1 to 18 digits (what PostgreSQL's bigint and SQLite's integer hold).
#: A larger number is refused as a wrong value of that field (422), not looked up: SQLite
#: cannot even bind it, and the embedded default would answer 500.
RowId = Annotated[int, Path(ge=1, le=10**MAX_ID_DIGITS - 1)]
