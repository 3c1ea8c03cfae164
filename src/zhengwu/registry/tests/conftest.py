"""Fixtures for the register tests: export files built in ``tmp_path``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from zhengwu.registry.services.demo import HEADER, persona_rows

Rows = Sequence[Sequence[str]]


def write_export(
    path: Path,
    rows: Rows,
    *,
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\n",
) -> Path:
    """Write an export file: ``encoding`` ``utf-8``, ``utf-8-sig`` (BOM) or ``gb18030``;
    ``.xlsx`` paths become a workbook."""
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        book.save(path)
        return path
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def good_rows() -> list[list[str]]:
    """The demo personas' register rows: 11 valid rows of every kind (legacy ID, landline,
    HK permit, deregistered, revoked, agency, ...)."""
    return persona_rows()


@pytest.fixture
def export(tmp_path: Path) -> Callable[..., Path]:
    """``export(rows, name="registry.csv", **options)`` writes a file and returns its path."""

    def make(rows: Rows, name: str = "registry.csv", **options: object) -> Path:
        return write_export(tmp_path / name, rows, **options)  # type: ignore[arg-type]

    return make


# --- both row paths ---------------------------------------------------------------------------
# The import tests run twice: with the native row preparer (when built) and with the Python
# path alone (ZHENGWU_NATIVE_ROWS=0), which must give the same results.
_BOTH_PATHS = ("test_import_", "test_personal_data", "test_demo")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.module.__name__.rpartition(".")[2].startswith(_BOTH_PATHS):
        metafunc.parametrize("row_path", ["native", "python"], indirect=True)


@pytest.fixture(autouse=True)
def row_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    from zhengwu.registry.services.rows import NATIVE_ENV, native_available

    path = getattr(request, "param", "native")
    if path == "python":
        monkeypatch.setenv(NATIVE_ENV, "0")
    elif path == "native" and getattr(request, "param", None) and not native_available():
        pytest.skip("the native row preparer is not built (or switched off)")
    return path
