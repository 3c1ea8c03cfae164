"""Validating and preparing register rows: the CPU-bound half of the import.

Pure functions over text, runnable in a worker process that has no database and no configured
Django project (see ``registry.services.importing``): one ``RowPreparer`` per process holds the
column positions and the crypto keyring, and turns each source row into either

* a prepared record (``PREPARED_COLUMNS``: normalised values, the ID number and phone encrypted,
  their blind indexes, the flags and the row hash), or
* the list of every problem of the row (``RowError``: line, field, Chinese reason).

``id_number_key`` is also used by the registry provider to compare ID numbers.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
from binascii import b2a_base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import blake2b, sha256
from operator import itemgetter
from typing import Any, Final

from zhengwu.core.crypto import NONCE_BYTES, blind_index, encrypt_str, key_id
from zhengwu.identifiers import (
    InvalidIdentifier,
    foreign_pr,
    hkmo_permit,
    mobile,
    passport,
    resident_id,
    tw_permit,
    uscc,
)
from zhengwu.identifiers import normalise as normalise_identifier

from ..constants import (
    _ENTITY_TYPE_EXACT,
    _ID_TYPE_EXACT,
    _STATUS_EXACT,
    HEADERS,
    LEGAL_PERSON_TYPE,
    EntityType,
    IdType,
    LegalPersonType,
    Status,
    parse_entity_type,
    parse_id_type,
    parse_status,
)

_NativePreparer: Any
try:  # the native fast path (native/, decision "native row preparer"); optional
    from zhengwu_native._rows import Preparer as _NativePreparer
except ImportError:  # not built: the Python code prepares every row
    _NativePreparer = None

#: Environment switch: ``ZHENGWU_NATIVE_ROWS=0`` forces the Python path.
NATIVE_ENV: Final = "ZHENGWU_NATIVE_ROWS"

#: Database columns of a prepared record, in order.
PREPARED_COLUMNS: Final[tuple[str, ...]] = (
    "uscc",
    "name",
    "entity_type",
    "legal_person_type",
    "status",
    "region_code",
    "supervision_unit",
    "legal_rep_name",
    "legal_rep_id_type",
    "legal_rep_id_number",
    "legal_rep_id_number_hash",
    "registered_phone",
    "registered_phone_hash",
    "is_phone_landline",
    "is_id_number_legacy",
    "registered_on",
    "row_hash",
)
REQUIRED: Final = (
    "uscc",
    "name",
    "entity_type",
    "status",
    "region_code",
    "legal_rep_name",
    "legal_rep_id_type",
    "legal_rep_id_number",
    "registered_on",
)
WHOLE_ROW: Final = "整行"
MAX_LENGTHS: Final = {"name": 200, "supervision_unit": 100, "legal_rep_name": 100}
EARLIEST_DATE: Final = datetime.date(1800, 1, 1)
ID_PURPOSE: Final = "id_number"
PHONE_PURPOSE: Final = "mobile"

# Province-level codes a domicile can be in (GB/T 2260, mainland). A county code is checked for
# form only: codes of merged or renamed counties stay on old records (STANDARDS.md §1.5).
_PROVINCES: Final = frozenset(
    f"{p}" for p in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                     45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65)
)  # fmt: skip
# Legal-person type of each of the 36 valid USCC prefixes, computed once by the identifiers
# package (decision 0003), so a row costs a dict lookup.
_PREFIX_TYPE: Final[dict[str, str]] = {p: uscc.legal_person_type(p) for p in uscc.VALID_PREFIXES}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE8 = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ISO_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FREE_ID = re.compile(r"[A-Z0-9]{5,20}")
_RID = re.compile(r"[1-8][0-9]{16}[0-9X]")
_MOD11_2: Final = "0123456789X"
_CACHE_LIMIT: Final = 2048
_DATE_CACHE_LIMIT: Final = 100_000
_MISSING: Final[Any] = object()
_SHA256_BLOCK: Final = 64
_URLSAFE: Final = bytes.maketrans(b"+/", b"-_")
# Whatever would make a cell of an unquoted chunk change under strip, whitespace folding or
# COPY escaping: whitespace other than single spaces (and the line breaks and tab delimiters
# between cells), a space at either end of a cell, or a backslash. Substring tests (a regular
# expression over a 1 MiB chunk cost 20 times more).
_WHITESPACE: Final = tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \n")
_UNCLEAN: Final = {
    d: (*(c for c in _WHITESPACE if c != d), "  ", f" {d}", f"{d} ", " \n", "\n ", "\\")
    for d in (",", "\t")
}
# The one-character entries (a search each, on memchr-like loops), and the characters that may
# not stand beside a space (the two-character entries: each cost 6 times a one-character search,
# so with few spaces in a chunk their neighbours are looked at instead).
_UNCLEAN_CHARS: Final = {
    d: tuple(u for u in unclean if len(u) == 1) for d, unclean in _UNCLEAN.items()
}
_UNCLEAN_PAIRS: Final = {
    d: tuple(u for u in unclean if len(u) == 2) for d, unclean in _UNCLEAN.items()
}
_NOT_BESIDE_SPACE: Final = {d: frozenset((" ", d, "\n")) for d in _UNCLEAN}
_SPACES_TO_VISIT: Final = 256


def native_available() -> bool:
    """Whether the native row preparer is built and not switched off (``NATIVE_ENV``)."""
    return _NativePreparer is not None and os.environ.get(NATIVE_ENV, "1") != "0"


def _date_number(day: datetime.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


@lru_cache(maxsize=1)
def _native_tables() -> dict[str, Any]:
    """The lookups the native path accepts, computed from the Python parsers (so the two
    agree by construction): a text the tables do not hold is handed back to Python."""
    types: dict[str, tuple[str, str]] = {}
    for text in {*_ENTITY_TYPE_EXACT, *(str(c.label) for c in EntityType)}:
        value = parse_entity_type(text)
        if value is not None:
            types[text] = (str(value), str(LEGAL_PERSON_TYPE[value]))
    statuses = {}
    for text in {*_STATUS_EXACT, *(str(c.label) for c in Status)}:
        status = parse_status(text)
        if status is not None:
            statuses[text] = str(status)
    # ID types whose numbers the native code checks, with the kind of check (see id_valid in
    # _rows.c): the others (residence permits, passports, permanent residence) are handed back.
    kinds: dict[str, str] = {
        IdType.RESIDENT_ID: "r",
        IdType.HKMO_PERMIT: "h",
        IdType.TW_PERMIT: "t",
        IdType.FOREIGN_PASSPORT: "f",
        IdType.OTHER: "f",
    }
    id_types = {
        text: (str(id_type), kinds[id_type])
        for text in {*_ID_TYPE_EXACT, *(str(c.label) for c in IdType)}
        if (id_type := parse_id_type(text)) in kinds
    }
    provinces = bytes(f"{i:02d}" in _PROVINCES for i in range(100))
    # Whether an 11-digit number is a mobile depends only on its first 5 digits (see prepare).
    segments = bytes(mobile.is_valid(f"1{i:04d}000000") for i in range(10_000))
    return {
        "types": types,
        "statuses": statuses,
        "id_types": id_types,
        "prefixes": dict(_PREFIX_TYPE),
        "provinces": provinces,
        "segments": segments,
    }


def _copy_record(line: str) -> tuple[Any, ...]:
    """The ``output="rows"`` record of a native COPY line (no escapes: a clean row)."""
    f = line.split("\t")
    return (*f[:13], f[13] == "t", f[14] == "t", f[15], f[16])


def _is_clean(text: str, delimiter: str) -> bool:
    """``True`` if no cell of ``text`` (unquoted records) needs strip, fold or escape: none of
    ``_UNCLEAN[delimiter]`` occurs in it and it neither starts nor ends with a space."""
    if text.startswith(" ") or text.endswith(" "):
        return False
    if any(c in text for c in _UNCLEAN_CHARS[delimiter]):
        return False
    spaces = text.count(" ")
    if spaces > _SPACES_TO_VISIT:
        return not any(pair in text for pair in _UNCLEAN_PAIRS[delimiter])
    # Every space has a neighbour on both sides (none at either end): the pairs are a space
    # beside a space, the delimiter or a line break.
    beside = _NOT_BESIDE_SPACE[delimiter]
    find = text.find
    i = find(" ")
    while i >= 0:
        if text[i - 1] in beside or text[i + 1] in beside:
            return False
        i = find(" ", i + 2)
    return True


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one source row; ``field`` is the column header as written in the file."""

    line: int
    field: str
    reason: str


def _born_in_bounds(n: str, today: datetime.date) -> bool:
    """Whether positions 7-14 of the 18-digit ``n`` are a real date in ``resident_id``'s
    birth-date bounds."""
    try:
        born = datetime.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return False
    return resident_id.EARLIEST_BIRTH_DATE <= born <= today


def resident_id_fast_valid(
    n: str, today: datetime.date, births: dict[str, bool] | None = None
) -> bool:
    """``True`` only if ``resident_id.validate`` accepts the normalised 18-character ``n``.

    A hot-path pre-check (~1 µs against ~4.5 µs): digits, a mainland province (a subset of the
    regions ``resident_id`` accepts), a real birth date in ``resident_id``'s bounds and the
    MOD 11-2 check character, computed as ``(1 - 2·int(body, 13)) mod 11`` (13 ≡ 2 mod 11).
    ``False`` means "ask ``resident_id.validate``", which words the error. A property test keeps
    it a subset of ``resident_id.is_valid``.

    ``births``: a cache of the birth-date check by its 8 digits, for one ``today`` (a register
    has some tens of thousands of distinct birth dates: a lookup instead of a date, ≈0.6 µs).
    """
    if _RID.fullmatch(n) is None or n[:2] not in _PROVINCES:
        return False
    if births is None:
        if not _born_in_bounds(n, today):
            return False
    else:
        birth = n[6:14]
        known = births.get(birth)
        if known is None:
            known = _born_in_bounds(n, today)
            if len(births) < _DATE_CACHE_LIMIT:
                births[birth] = known
        if not known:
            return False
    return _MOD11_2[(1 - 2 * int(n[:17], 13)) % 11] == n[17]


def id_number_key(
    id_type: str, number: str, today: datetime.date | None = None
) -> tuple[str, str, bool]:
    """``(stored, comparison key, is_legacy_15)`` of a valid ID number, or raise
    :class:`InvalidIdentifier` with a Chinese message.

    The comparison key is what the blind index is computed from, the same as everywhere in the
    portal (``accounts.identity.id_number_hash``): the normalised number, and for a legacy
    15-digit resident ID its 18-digit upgrade (REG-5), which is what the person types today.
    ``stored`` is the number as the register holds it. ``today`` bounds birth dates (default:
    the local date).
    """
    today = today or datetime.date.today()
    if id_type == IdType.RESIDENT_ID:
        n = (
            number.upper()
            if number.isascii() and number.isalnum()
            else resident_id.normalise(number)
        )
        if len(n) == 18 and resident_id_fast_valid(n, today):
            return n, n, False
        if len(n) == 15 and n.isdigit():
            if resident_id.is_legacy_15(n):
                return n, resident_id.upgrade_15_to_18(n), True
            # resident_id.validate would say "change it to 18 digits": wrong for a register row.
            raise InvalidIdentifier(
                "registry.legacy_15_invalid",
                "15 位旧身份证号码无效：地区码或出生日期不正确",
            )
        if n[:2] in ("81", "82", "83"):
            raise InvalidIdentifier(
                "registry.residence_permit",
                "这是港澳台居民居住证号码，证件类型应为“港澳台居民居住证”",
            )
        n = resident_id.validate(n)
        return n, n, False
    if id_type == IdType.RESIDENCE_PERMIT:
        n = resident_id.validate(number)
        if n[:6] not in resident_id.RESIDENCE_PERMIT_REGIONS:
            raise InvalidIdentifier(
                "registry.not_residence_permit",
                "港澳台居民居住证号码应以 810000、820000 或 830000 开头",
            )
        return n, n, False
    if id_type == IdType.HKMO_PERMIT:
        n = hkmo_permit.validate(number)
        return n, n, False
    if id_type == IdType.TW_PERMIT:
        n = tw_permit.validate(number)
        return n, n, False
    if id_type == IdType.PASSPORT:
        n = passport.validate(number)
        return n, n, False
    if id_type == IdType.FOREIGN_PR:
        n = foreign_pr.validate(number)
        return n, n, False
    # Foreign passports and other documents: no public format, letters and digits only.
    n = normalise_identifier(number).replace("-", "")
    if not _FREE_ID.fullmatch(n):
        raise InvalidIdentifier("registry.id_format", "证件号码应为 5-20 位英文字母或数字")
    return n, n, False


def _looks_like_date(text: str) -> bool:
    return bool(_DATE.fullmatch(text) or _DATE8.fullmatch(text) or _ISO_SHAPE.fullmatch(text))


def parse_date(text: str) -> datetime.date | None:
    """2020-06-30, 2020/6/30, 2020.6.30, 2020年6月30日 or 20200630; ``None`` if not a date."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    m = _DATE.fullmatch(text) or _DATE8.fullmatch(text)
    if m is None:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


@dataclass(frozen=True)
class PreparerConfig:
    """What a worker needs, picklable: column positions, output kind, keys, today."""

    positions: dict[str, int]
    headers: dict[str, str]
    width: int
    output: str  # "copy" (PostgreSQL COPY text) or "rows" (tuples for executemany)
    today: datetime.date
    field_keys: str = ""
    hash_key: str = ""
    encoding: str = "utf-8"
    delimiter: str = ","
    # Use the native fast path if it is built (decided where the import starts, so the
    # workers follow the environment of the importing process).
    native: bool = field(default_factory=native_available)


class _Sealer:
    """``encrypt_str`` and ``blind_index`` of ``zhengwu.core.crypto`` for many values.

    Same token format and same hashes (tests compare them with the core functions), cheaper
    per value: nonces are drawn from the OS in blocks, and each HMAC-SHA256 (RFC 2104) starts
    from inner and outer SHA-256 states keyed once per purpose, so a blind index costs two
    state copies instead of a key schedule. Together ~1 µs less per imported row.
    """

    def __init__(self, ring: Any) -> None:
        self.key_id = key_id(encrypt_str("", ring=ring))
        self._seal = ring.ciphers[self.key_id].encrypt
        self._nonces = b""
        self._pos = 0
        key = ring.hash_key
        if len(key) > _SHA256_BLOCK:
            key = sha256(key).digest()
        key = key.ljust(_SHA256_BLOCK, b"\0")
        self._outer = sha256(bytes(b ^ 0x5C for b in key))
        inner = sha256(bytes(b ^ 0x36 for b in key))
        self._id_inner = inner.copy()
        self._id_inner.update(ID_PURPOSE.encode() + b"\x00")
        self._phone_inner = inner.copy()
        self._phone_inner.update(PHONE_PURPOSE.encode() + b"\x00")

    def encrypt(self, text: str) -> str:
        # Random 96-bit nonces as in encrypt_str, drawn from the OS in blocks.
        pos = self._pos
        if pos >= len(self._nonces):
            self._nonces, pos = os.urandom(NONCE_BYTES * 4096), 0
        nonce = self._nonces[pos : pos + NONCE_BYTES]
        self._pos = pos + NONCE_BYTES
        sealed = b2a_base64(nonce + self._seal(nonce, text.encode(), None), newline=False)
        return f"{self.key_id}${sealed.translate(_URLSAFE).decode().rstrip('=')}"

    def _mac(self, inner: Any, value: str) -> str:
        h = inner.copy()
        h.update(value.encode())
        outer = self._outer.copy()
        outer.update(h.digest())
        return outer.hexdigest()

    def index_id(self, value: str) -> str:
        return self._mac(self._id_inner, value)

    def index_phone(self, value: str) -> str:
        return self._mac(self._phone_inner, value)


class RowPreparer:
    """Validates, encrypts and formats rows for one import (one instance per process).

    ``prepare`` is the hot loop of a million-row import, written for speed: one C-level
    ``itemgetter`` picks the 11 cells, the common (valid) path calls each check once, and the
    slow reference validators run only to word the message of a bad value.
    """

    def __init__(self, config: PreparerConfig, ring: Any) -> None:
        self.config = config
        self.ring = ring
        self.width = config.width
        self.labels = {key: config.headers.get(key, label) for key, label in HEADERS.items()}
        self.today = config.today
        # A missing optional column reads the empty cell appended after the row (index width).
        self.pick = itemgetter(*(config.positions.get(key, config.width) for key in HEADERS))
        self.needs_filler = any(key not in config.positions for key in HEADERS)
        self.seal = _Sealer(ring)
        self.copy = config.output == "copy"
        self.key_id = self.seal.key_id
        # Row hashes use keyed BLAKE2b (cheaper than HMAC) under a key derived from the
        # blind-index key, so they are not guessable from public data and change with it.
        row_key = bytes.fromhex(blind_index("registry.row_hash", purpose="key", ring=ring))
        self.row_mac = blake2b(key=row_key, digest_size=16)
        self._types: dict[str, str | None] = {}
        self._statuses: dict[str, str | None] = {}
        self._id_types: dict[str, str | None] = {}
        self._mobile_segments: dict[str, bool] = {}
        self._dates: dict[str, str] = {}
        self._births: dict[str, bool] = {}  # resident_id_fast_valid's cache, for self.today
        self.native = self._native(ring, row_key) if config.native else None

    def _native(self, ring: Any, row_key: bytes) -> Any:
        """The native preparer of clean chunks, or ``None`` (not built, or no raw key)."""
        config = self.config
        if _NativePreparer is None or not getattr(ring, "active_key", b""):
            return None
        if len(config.delimiter) != 1 or not config.delimiter.isascii():
            return None
        return _NativePreparer(
            width=config.width,
            delimiter=config.delimiter,
            positions=[config.positions.get(key, config.width) for key in HEADERS],
            today=_date_number(self.today),
            earliest_date=_date_number(EARLIEST_DATE),
            earliest_birth=_date_number(resident_id.EARLIEST_BIRTH_DATE),
            key_id=self.key_id,
            aes_key=ring.active_key,
            hash_key=ring.hash_key,
            row_key=row_key,
            **_native_tables(),
        )

    # -- one row ---------------------------------------------------------------------------
    def prepare(
        self, values: list[str], line: int, clean: bool = False
    ) -> tuple[Any, ...] | str | list[RowError]:
        """The prepared record of ``values``, or every problem found in it.

        The record is a tuple of ``PREPARED_COLUMNS``, or with ``output="copy"`` its line of
        PostgreSQL ``COPY`` text (which starts with the 18-character USCC and a tab).
        ``clean``: the caller checked that no cell has surrounding whitespace, whitespace other
        than single spaces or a backslash (``_UNCLEAN``), so strip, fold and escape are skipped.
        """
        width = self.width
        if len(values) != width:
            if len(values) > width and any(v.strip() for v in values[width:]):
                return [
                    RowError(
                        line,
                        WHOLE_ROW,
                        f"列数不符：表头有 {width} 列，本行有 {len(values)} 列"
                        "（名称等内容中的英文逗号需用双引号括起）",
                    )
                ]
            values = [*values[:width], *[""] * (width - len(values))]
        if self.needs_filler:
            values.append("")  # the cell of an absent optional column
        (
            raw_code, name, raw_type, raw_status, region, unit, legal_rep, raw_id_type, raw_id,
            raw_phone, raw_date,
        ) = self.pick(values) if clean else [v.strip() for v in self.pick(values)]  # fmt: skip
        problems: list[tuple[str, str]] = []
        fail = problems.append  # (column key, reason)

        if not (raw_code and name and raw_type and raw_status and region and legal_rep
                and raw_id_type and raw_id and raw_date):  # fmt: skip
            cells = dict(zip(HEADERS, (raw_code, name, raw_type, raw_status, region, unit,
                                       legal_rep, raw_id_type, raw_id, raw_phone, raw_date),
                             strict=True))  # fmt: skip
            for key in REQUIRED:
                if not cells[key]:
                    fail((key, f"{HEADERS[key]}为空"))

        code = ""
        prefix_type = None
        if raw_code:
            code = (
                raw_code.upper()
                if raw_code.isascii() and raw_code.isalnum()
                else (uscc.normalise(raw_code))
            )
            if uscc.is_valid(code):
                prefix_type = _PREFIX_TYPE[code[:2]]
            else:
                fail(("uscc", self._message(uscc.validate, code)))

        entity_type = self._types.get(raw_type, _MISSING)
        if entity_type is _MISSING:
            entity_type = self._remember(self._types, raw_type, parse_entity_type)
        if raw_type and entity_type is None:
            fail(
                (
                    "entity_type",
                    f"市场主体类型“{raw_type[:30]}”无法识别，可用：" + "、".join(EntityType.labels),
                )
            )
        category = LEGAL_PERSON_TYPE[entity_type] if entity_type else None
        if category and prefix_type and category != prefix_type:
            # REG-2: the code's prefix must fit the type.
            fail(("uscc", self._message(uscc.validate_for_legal_person_type, code, category)))

        status = self._statuses.get(raw_status, _MISSING)
        if status is _MISSING:
            status = self._remember(self._statuses, raw_status, parse_status)
        if raw_status and status is None:
            fail(("status", f"登记状态“{raw_status[:20]}”无法识别，应为存续、注销或吊销"))

        if region and not (len(region) == 6 and region.isascii() and region.isdigit()):
            fail(("region_code", "住所所在行政区划代码应为 6 位数字"))
        elif region and region[:2] not in _PROVINCES:
            fail(("region_code", f"住所所在行政区划代码前 2 位“{region[:2]}”不是有效的省级代码"))

        if not clean:
            # Fold whitespace runs (line breaks included) into one space.
            name = " ".join(name.split())
            unit = " ".join(unit.split())
            legal_rep = " ".join(legal_rep.split())
        if len(name) > 200 or len(unit) > 100 or len(legal_rep) > 100:
            for key, value in (("name", name), ("supervision_unit", unit),
                               ("legal_rep_name", legal_rep)):  # fmt: skip
                if len(value) > MAX_LENGTHS[key]:
                    fail((key, f"{HEADERS[key]}超过 {MAX_LENGTHS[key]} 个字符"))

        id_type = self._id_types.get(raw_id_type, _MISSING)
        if id_type is _MISSING:
            id_type = self._remember(self._id_types, raw_id_type, parse_id_type)
        if raw_id_type and id_type is None:
            fail(
                (
                    "legal_rep_id_type",
                    f"法定代表人证件类型“{raw_id_type[:20]}”无法识别，可用："
                    + "、".join(IdType.labels),
                )
            )
        id_number = id_key = ""
        is_legacy = False
        if (
            id_type == IdType.RESIDENT_ID
            and len(raw_id) == 18
            and resident_id_fast_valid(upper_id := raw_id.upper(), self.today, self._births)
        ):
            id_number = id_key = upper_id  # the common case, without the general path
        elif raw_id and id_type:
            try:
                id_number, id_key, is_legacy = id_number_key(id_type, raw_id, self.today)
            except InvalidIdentifier as exc:
                fail(("legal_rep_id_number", exc.message))

        phone = ""
        is_landline = False
        if raw_phone:
            if len(raw_phone) == 11 and raw_phone.isascii() and raw_phone.isdigit():
                # A plain 11-digit number: whether it is a mobile depends only on its number
                # segment (the first 3, or 5 for 1610x/1740x digits; STANDARDS.md §2.9), so
                # ask the identifiers package once per 5-digit prefix.
                segment = raw_phone[:5]
                valid = self._mobile_segments.get(segment)
                if valid is None:
                    valid = self._mobile_segments[segment] = mobile.is_valid(raw_phone)
            else:
                valid = mobile.is_valid(raw_phone)
            if valid:
                phone = (
                    raw_phone
                    if raw_phone.isascii() and raw_phone.isdigit()
                    else mobile.normalise(raw_phone)
                )
            elif mobile.is_landline(raw_phone):
                phone = mobile.validate_landline(raw_phone)
                is_landline = True  # accepted, flagged for REG-5
            else:
                fail(("registered_phone", "联系电话既不是有效的手机号码，也不是固定电话号码"))

        date_text = self._dates.get(raw_date)  # a few thousand distinct dates per file
        if date_text is None and raw_date:
            date_text = self._date_text(raw_date, fail)

        if problems:
            labels = self.labels
            return [RowError(line, labels[key], reason) for key, reason in problems]
        assert entity_type and category and status and id_type and date_text
        seal = self.seal
        row_mac = self.row_mac.copy()
        row_mac.update(
            "\x1f".join(
                (code, name, entity_type, status, region, unit, legal_rep, id_type, id_number,
                 phone, date_text, self.key_id)
            ).encode()
        )  # fmt: skip
        if self.copy:
            # The COPY line straight away (no record tuple): the sealing and the blind index
            # inlined, the second is _Sealer.index_id/index_phone without the calls.
            encrypt = seal.encrypt
            mac = seal._id_inner.copy()
            mac.update(id_key.encode())
            outer = seal._outer.copy()
            outer.update(mac.digest())
            if phone:
                pmac = seal._phone_inner.copy()
                pmac.update(phone.encode())
                pouter = seal._outer.copy()
                pouter.update(pmac.digest())
                sealed_phone = f"{encrypt(phone)}\t{pouter.hexdigest()}"
            else:
                sealed_phone = "\t"
            if not clean and ("\\" in name or "\\" in unit or "\\" in legal_rep):
                name, unit, legal_rep = _escape(name), _escape(unit), _escape(legal_rep)
            return (
                f"{code}\t{name}\t{entity_type}\t{category}\t{status}\t{region}\t{unit}\t"
                f"{legal_rep}\t{id_type}\t{encrypt(id_number)}\t{outer.hexdigest()}\t"
                f"{sealed_phone}\t{'t' if is_landline else 'f'}\t{'t' if is_legacy else 'f'}\t"
                f"{date_text}\t{row_mac.hexdigest()}\n"
            )
        return (
            code,
            name,
            entity_type,
            category,
            status,
            region,
            unit,
            legal_rep,
            id_type,
            seal.encrypt(id_number),
            seal.index_id(id_key),
            seal.encrypt(phone) if phone else "",
            seal.index_phone(phone) if phone else "",
            is_landline,
            is_legacy,
            date_text,
            row_mac.hexdigest(),
        )

    def _date_text(self, raw: str, fail: Any) -> str | None:
        """ISO text of a valid 成立日期 (remembered), or ``None`` after reporting why not."""
        registered_on = parse_date(raw)
        if registered_on is None and _looks_like_date(raw):
            fail(("registered_on", f"成立日期“{raw[:20]}”不是有效日期"))
        elif registered_on is None:
            fail(
                (
                    "registered_on",
                    "成立日期格式不正确，应为 2020-06-30、2020/6/30 或 2020年6月30日",
                )
            )
        elif not EARLIEST_DATE <= registered_on <= self.today:
            fail(("registered_on", "成立日期不能晚于今天，也不能早于 1800 年"))
        else:
            text = registered_on.isoformat()
            if len(self._dates) < _DATE_CACHE_LIMIT:
                self._dates[raw] = text
            return text
        return None

    @staticmethod
    def _remember(cache: dict[str, Any], raw: str, parse: Any) -> str | None:
        value = parse(raw) if raw else None
        if len(cache) < _CACHE_LIMIT:
            cache[raw] = value
        return value

    @staticmethod
    def _message(check: Any, *args: Any) -> str:
        try:
            check(*args)
        except InvalidIdentifier as exc:
            return exc.message
        return "格式不正确"

    # -- chunks ----------------------------------------------------------------------------
    def prepare_rows(
        self,
        rows: Sequence[tuple[int, list[str]]],
        *,
        check_encoding: bool = True,
        clean: bool = False,
    ) -> tuple[Any, list[str], list[int], list[RowError]]:
        """Prepare ``(line, values)`` rows; returns ``(payload, usccs, lines, errors)``.

        ``payload`` holds the good rows in the configured output form; ``usccs`` and ``lines``
        say which row each payload record came from (for the duplicate check). Errors are in
        line order.
        """
        copy = self.config.output == "copy"
        records: list[Any] = []
        keys: list[str] = []
        lines: list[int] = []
        errors: list[RowError] = []
        prepare = self.prepare
        for line, values in rows:
            if len(values) == 1 and not values[0].strip():
                continue  # a blank line
            if check_encoding and any("\ufffd" in v for v in values if v):
                errors.append(
                    RowError(
                        line,
                        WHOLE_ROW,
                        "含有无法识别的字符：文件编码可能不一致（应为 UTF-8 或 GB18030）",
                    )
                )
                continue
            result: Any = prepare(values, line, clean)
            if result.__class__ is list:
                errors.extend(result)
                continue
            # A COPY line starts with the 18-character USCC (is_valid checked the shape).
            keys.append(result[:18] if copy else result[0])
            lines.append(line)
            records.append(result)
        payload: Any = "".join(records).encode() if copy else records
        return payload, keys, lines, errors

    def prepare_csv_bytes(
        self, chunk: bytes, first_line: int
    ) -> tuple[Any, list[str], list[int], list[RowError]]:
        """Decode and parse a chunk of CSV records that starts on physical line ``first_line``."""
        text = chunk.decode(self.config.encoding, errors="replace")
        delimiter = self.config.delimiter
        rows: list[tuple[int, list[str]]] = []
        if '"' not in text:
            # No quoting anywhere in the chunk: a record is a line, a field is a split (what
            # the csv module would return, at a third of the cost).
            if "\r" in text:
                text = text.replace("\r\n", "\n")
            # One scan of the chunk instead of strip and fold per cell.
            clean = _is_clean(text, delimiter)
            undecoded = "\ufffd" in text
            if clean and not undecoded and self.native is not None:
                return self._prepare_native(text, first_line)
            rows = [
                (first_line + i, record.split(delimiter))
                for i, record in enumerate(text.split("\n"))
                if record
            ]
            return self.prepare_rows(rows, check_encoding=undecoded, clean=clean)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        consumed = 0
        for values in reader:
            line = first_line + consumed
            consumed = reader.line_num
            if values and any(values):
                rows.append((line, values))
        # A replacement character means bytes that did not decode; look row by row only then.
        return self.prepare_rows(rows, check_encoding="\ufffd" in text)

    def _prepare_native(
        self, text: str, first_line: int
    ) -> tuple[Any, list[str], list[int], list[RowError]]:
        """``prepare_csv_bytes`` of a clean, decoded chunk: the native code prepares the plain
        valid rows, ``prepare_rows`` the rows it hands back (and words their errors)."""
        assert self.native is not None
        payload, keys, lines, back = self.native.prepare(text, first_line)
        if self.copy:
            records: list[Any] = [payload] if payload else []
        else:
            records = [_copy_record(line) for line in payload.decode().split("\n")[:-1]]
        if not back:
            return (payload if self.copy else records), keys, lines, []
        delimiter = self.config.delimiter
        more, more_keys, more_lines, errors = self.prepare_rows(
            [(line, record.split(delimiter)) for line, record in back],
            check_encoding=False,
            clean=True,
        )
        if not more_keys:
            return (payload if self.copy else records), keys, lines, errors
        # Some handed-back rows were good (a landline, a legacy ID, another ID type ...): put
        # every record back in line order, as the Python path returns them.
        if self.copy:
            records = [line + b"\n" for line in payload.split(b"\n")[:-1]]
            records += [line + b"\n" for line in more.split(b"\n")[:-1]]
        else:
            records += more
        merged = sorted(zip(lines + more_lines, keys + more_keys, records, strict=True))
        lines = [m[0] for m in merged]
        keys = [m[1] for m in merged]
        out = [m[2] for m in merged]
        return (b"".join(out) if self.copy else out), keys, lines, errors


def _escape(text: str) -> str:
    # PostgreSQL COPY text format: only the backslash can occur (whitespace is folded).
    return text.replace("\\", "\\\\") if "\\" in text else text


# --- worker-process entry points (multiprocessing "forkserver" or "spawn") ---------------------
_preparer: RowPreparer | None = None


def init_worker(config: PreparerConfig) -> None:
    """Pool initializer: configure the keys (the worker has no Django project) and build the
    preparer once."""
    global _preparer
    import gc

    from django.conf import settings

    # The hot loop allocates many short-lived objects and builds no cycles: collect rarely
    # (~3 % of the worker's time otherwise).
    gc.set_threshold(100_000, 50, 100)

    from zhengwu.core.crypto import keyring

    if not settings.configured:
        settings.configure(ZHENGWU_FIELD_KEYS=config.field_keys, ZHENGWU_HASH_KEY=config.hash_key)
    _preparer = RowPreparer(config, keyring())


def work(task: tuple[str, Any, int, int]) -> tuple[Any, list[str], list[int], list[RowError], int]:
    """Process one task in a worker: ``("csv", bytes, first_line, units)`` or
    ``("rows", [(line, values), ...], 0, units)``; ``units`` is echoed for the progress bar."""
    assert _preparer is not None, "init_worker was not called"
    return run_task(_preparer, task)


def run_task(
    preparer: RowPreparer, task: tuple[str, Any, int, int]
) -> tuple[Any, list[str], list[int], list[RowError], int]:
    kind, data, first_line, units = task
    if kind == "csv":
        result = preparer.prepare_csv_bytes(data, first_line)
    else:
        result = preparer.prepare_rows(data)
    return (*result, units)


__all__ = [
    "PREPARED_COLUMNS",
    "LegalPersonType",
    "PreparerConfig",
    "RowError",
    "RowPreparer",
    "Status",
    "id_number_key",
    "init_worker",
    "parse_date",
    "work",
]
