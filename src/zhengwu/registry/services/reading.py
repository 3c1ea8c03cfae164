"""Reading register exports as a stream: format and encoding detection, header, chunks.

CSV is split into chunks of whole records *as bytes* (a chunk ends at a line break outside
quotes), so the main process only reads and counts lines while the worker processes decode and
parse. That is safe for UTF-8 and GB18030: neither uses the bytes of ``\\n`` or ``"`` inside a
multi-byte character. XLSX is read row by row with openpyxl's read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from zhengwu.core.errors import ValidationFailed

from ..constants import HEADERS, OPTIONAL_COLUMNS, header_key

SAMPLE_BYTES: Final = 1 << 16
CHUNK_BYTES: Final = 1 << 20
CHUNK_ROWS: Final = 5000


class RegistryImportError(ValidationFailed):
    """The file cannot be imported at all (format, encoding, headers): nothing was imported."""

    code = "registry_import.invalid_file"
    message = "文件无法导入"


@dataclass
class Source:
    """An opened export: its format, encoding and header; ``tasks()`` streams the data rows."""

    path: Path
    format: str  # "csv" or "xlsx"
    header: list[str]
    positions: dict[str, int]
    headers: dict[str, str]  # column key -> header text as written in the file
    encoding: str = "utf-8"
    delimiter: str = ","
    data_offset: int = 0
    first_data_line: int = 2
    size: int = 0
    estimated_rows: int = 0
    progress_unit: str = "B"
    _sheet_rows: Any = field(default=None, repr=False)

    def close(self) -> None:
        """Release the workbook of an XLSX source (CSV files are opened per read)."""
        if self._sheet_rows is not None:
            self._sheet_rows[0].close()

    def tasks(
        self, chunk_bytes: int | None = None, chunk_rows: int | None = None
    ) -> Iterator[tuple[str, Any, int, int]]:
        """Work items for ``rows.run_task``: ``(kind, data, first_line, progress units)``."""
        if self.format == "csv":
            yield from _csv_chunks(self, chunk_bytes or CHUNK_BYTES)
        else:
            yield from _xlsx_chunks(self, chunk_rows or CHUNK_ROWS)


def open_source(path: str | Path) -> Source:
    """Open ``path``, detect its format and encoding, read and check the header row.

    Raises :class:`RegistryImportError` with a Chinese message naming the problem (unsupported
    format or encoding, missing or repeated columns).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(SAMPLE_BYTES)
    except OSError as exc:
        raise RegistryImportError(f"无法读取文件“{path.name}”：{exc.strerror}") from exc
    if not head.strip():
        raise RegistryImportError(f"文件“{path.name}”是空的")
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, size)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RegistryImportError("不支持 UTF-16 编码的文件，请另存为“CSV UTF-8（逗号分隔）”")
    if path.suffix.lower() in (".xls", ".xlsx", ".xlsm") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise RegistryImportError(
            "无法读取该 Excel 文件：只支持 .xlsx 格式（旧版 .xls 请另存为 .xlsx）"
        )
    return _open_csv(path, size, head)


def _detect_encoding(head: bytes) -> tuple[str, int]:
    """``(encoding, BOM length)``: UTF-8 (with or without BOM), else GB18030.

    Decided on the header line: the encoding under which it decodes and names known columns
    (mojibake names none). A stray line in another encoding further down is then reported as a
    bad row instead of making the whole file unreadable.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8)
    first = head.split(b"\n", 1)[0]
    for encoding in ("utf-8", "gb18030"):
        try:
            # Incremental and not final: a long header may be cut inside a character.
            text = codecs.getincrementaldecoder(encoding)().decode(first, final=False)
        except UnicodeDecodeError:
            continue
        if any(header_key(c.strip('" ')) for c in text.replace("\t", ",").split(",")):
            return encoding, 0
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding, 0
    raise RegistryImportError("无法识别文件编码：支持 UTF-8（含 BOM）和 GB18030（GBK）")


def _open_csv(path: Path, size: int, head: bytes) -> Source:
    encoding, bom = _detect_encoding(head)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head[bom:], final=False)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    for row in reader:
        if any(cell.strip() for cell in row):
            header = row
            break
    lines_used = reader.line_num
    if not header:
        raise RegistryImportError("文件中没有表头行")
    # Byte offset just after the header record's last line break.
    offset = bom
    for _ in range(lines_used):
        nl = head.find(b"\n", offset)
        if nl < 0:
            offset = len(head) if len(head) == size else -1
            break
        offset = nl + 1
    if offset < 0:
        raise RegistryImportError("表头行过长或格式不正确")
    positions, headers = _map_header(header)
    # Rough row count for the progress bar and the choice of bulk strategy.
    sample_rows = max(head.count(b"\n", offset), 1)
    estimated = int((size - offset) / max(len(head) - offset, 1) * sample_rows)
    return Source(
        path=path,
        format="csv",
        header=header,
        positions=positions,
        headers=headers,
        encoding=encoding,
        delimiter=delimiter,
        data_offset=offset,
        first_data_line=lines_used + 1,
        size=size,
        estimated_rows=estimated,
        progress_unit="B",
    )


def _map_header(header: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for pos, cell in enumerate(header):
        key = header_key(cell or "")
        if key is None:
            continue  # a column we do not read
        if key in positions:
            raise RegistryImportError(
                f"列“{HEADERS[key]}”出现了两次（第 {positions[key] + 1} 列和第 {pos + 1} 列）"
            )
        positions[key] = pos
        headers[key] = " ".join((cell or "").split()) or HEADERS[key]
    missing = [HEADERS[k] for k in HEADERS if k not in positions and k not in OPTIONAL_COLUMNS]
    if missing:
        raise RegistryImportError(
            "缺少必需的列：" + "、".join(missing) + "。没有导入任何数据。",
            code="registry_import.missing_columns",
        )
    return positions, headers


def _csv_chunks(source: Source, chunk_bytes: int) -> Iterator[tuple[str, Any, int, int]]:
    line = source.first_data_line
    with source.path.open("rb") as f:
        f.seek(source.data_offset)
        carry = b""
        while True:
            block = f.read(chunk_bytes)
            if not block:
                break
            buf = carry + block
            cut = _record_boundary(buf)
            if cut <= 0:
                carry = buf  # one record longer than a block (or inside quotes): read on
                continue
            chunk, carry = buf[:cut], buf[cut:]
            yield "csv", chunk, line, len(chunk)
            line += chunk.count(b"\n")
        if carry:
            yield "csv", carry, line, len(carry)


def _record_boundary(buf: bytes) -> int:
    """Length of the longest prefix of ``buf`` made of whole CSV records (0 if none).

    ``buf`` starts at a record boundary, so a line break ends a record when the number of
    quote characters before it is even.
    """
    pos = buf.rfind(b"\n")
    while pos >= 0:
        if buf.count(b'"', 0, pos) % 2 == 0:
            return pos + 1
        pos = buf.rfind(b"\n", 0, pos)
    return 0


# --- XLSX -------------------------------------------------------------------------------------
def _open_xlsx(path: Path, size: int) -> Source:
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegistryImportError("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header: list[str] = []
    line = 0
    for row in rows:
        line += 1
        cells = [cell_text(c) for c in row]
        if any(cells):
            header = cells
            break
    if not header:
        workbook.close()
        raise RegistryImportError("工作表中没有表头行")
    positions, headers = _map_header(header)
    total = max((sheet.max_row or 0) - line, 0)
    return Source(
        path=path,
        format="xlsx",
        header=header,
        positions=positions,
        headers=headers,
        first_data_line=line + 1,
        size=size,
        estimated_rows=total,
        progress_unit="行",
        _sheet_rows=(workbook, rows),
    )


def cell_text(value: Any) -> str:
    """A cell as the text a CSV export would hold: dates as ISO, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_chunks(source: Source, chunk_rows: int) -> Iterator[tuple[str, Any, int, int]]:
    workbook, rows = source._sheet_rows
    line = source.first_data_line - 1
    batch: list[tuple[int, list[str]]] = []
    seen = 0
    try:
        for row in rows:
            line += 1
            seen += 1
            cells = [cell_text(c) for c in row]
            if any(cells):
                batch.append((line, cells))
            if len(batch) >= chunk_rows:
                yield "rows", batch, 0, seen
                batch, seen = [], 0
        if batch or seen:
            yield "rows", batch, 0, seen
    finally:
        workbook.close()
