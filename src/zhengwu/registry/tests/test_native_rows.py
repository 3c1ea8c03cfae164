"""The native row preparer (``native/``, ``zhengwu_native._rows``) is the Python one, faster.

Differential tests: the same chunks, prepared with the native fast path and with the Python
path under the same nonces, give byte-identical COPY text, the same keys and lines and the
same errors (the rows the native code hands back are the Python code's to word).
"""

from __future__ import annotations

import datetime
import os
import random
from hashlib import blake2b

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from zhengwu.core.crypto import blind_index, decrypt_str, keyring
from zhengwu.identifiers import generate
from zhengwu.identifiers._checks import GB32100_ALPHABET, gb32100_check
from zhengwu.registry.constants import (
    _ENTITY_TYPE_EXACT,
    _ID_TYPE_EXACT,
    _STATUS_EXACT,
    HEADERS,
    LEGAL_PERSON_TYPE,
    USCC_PREFIXES,
    EntityType,
    IdType,
    Status,
    parse_entity_type,
)
from zhengwu.registry.services import rows
from zhengwu.registry.services.rows import NATIVE_ENV, PreparerConfig, RowPreparer

TODAY = datetime.date(2026, 11, 23)
# Without the extension only test_the_native_extension_is_built_and_used_for_clean_chunks fails
# (and says so); the comparisons have nothing to compare.
needs_native = pytest.mark.skipif(
    rows._NativePreparer is None, reason="zhengwu_native is not built (see native/setup.py)"
)
# fixed_nonces only patches os.urandom the same way for every example.
_SUPPRESS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
FIXED_NONCE = bytes(range(12))
KEYS = list(HEADERS)


def _preparer(
    native: bool,
    *,
    output: str = "copy",
    keys: list[str] = KEYS,
    delimiter: str = ",",
    extra_columns: int = 0,
) -> RowPreparer:
    positions = {key: i for i, key in enumerate(keys)}
    width = len(keys) + extra_columns
    config = PreparerConfig(
        positions=positions,
        headers={key: HEADERS[key] for key in keys},
        width=width,
        output=output,
        today=TODAY,
        delimiter=delimiter,
        native=native,
    )
    preparer = RowPreparer(config, keyring())
    assert (preparer.native is not None) is native
    return preparer


@pytest.fixture
def fixed_nonces(monkeypatch):
    """Every encryption of both paths uses FIXED_NONCE, so their outputs can be compared
    byte for byte whichever path prepared which row."""
    monkeypatch.setattr(rows.os, "urandom", lambda n: FIXED_NONCE * (n // 12))


def _fix(preparer: RowPreparer) -> RowPreparer:
    preparer.seal._nonces, preparer.seal._pos = b"", 0
    if preparer.native is not None:
        preparer.native._set_nonces(FIXED_NONCE, True)
    return preparer


# --- the values rows are made of: valid ones, every lookup text, and subtly wrong ones --------
_rng = random.Random(15)


def _with_check(first17: str) -> str:
    return first17 + gb32100_check(first17)


def _usccs() -> list[str]:
    codes = [generate.uscc(_rng, prefix=p) for p in generate.USCC_PREFIXES for _ in range(2)]
    good = codes[0]
    wrong_check = [
        c[:17] + GB32100_ALPHABET[(GB32100_ALPHABET.index(c[17]) + 1) % 31] for c in codes[:6]
    ]
    # A wrong organisation-code check (position 17) with a recomputed position 18.
    wrong_org = [_with_check(c[:16] + ("0" if c[16] != "0" else "1")) for c in codes[:6]]
    return [
        *codes,
        *wrong_check,
        *wrong_org,
        good.lower(),
        good[:17],
        good + "0",
        good[:5] + "I" + good[6:],
        good[:9] + "O" + good[10:],
        good.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        _with_check("00" + good[2:17]),  # an impossible prefix
        _with_check("9A" + good[2:17]),
        _with_check(good[:3] + "A" + good[4:17]),  # a letter in the region
        "",
    ]


def _resident_ids() -> list[str]:
    ids = [generate.resident_id(_rng) for _ in range(12)]
    special = [
        generate.resident_id(_rng, birth_date=datetime.date(2000, 2, 29)),
        generate.resident_id(_rng, birth_date=datetime.date(1800, 1, 1)),
        generate.resident_id(_rng, birth_date=TODAY),
        generate.resident_id(_rng, birth_date=TODAY + datetime.timedelta(days=1)),
        generate.resident_id(_rng, birth_date=datetime.date(1799, 12, 31)),
        generate.resident_id(_rng, region="710000"),
        generate.resident_id(_rng, region="810000"),
        generate.residence_permit(_rng),
        generate.resident_id_15(_rng),
        generate.passport(_rng),
        generate.hkmo_permit(_rng),
    ]
    x_ids = [n for n in (generate.resident_id(_rng) for _ in range(200)) if n.endswith("X")][:2]
    body = ids[0][:17]
    return [
        *ids,
        *special,
        *x_ids,
        *(n[:-1] + "x" for n in x_ids),
        body + ("0" if ids[0][17] != "0" else "1"),  # a wrong check character
        ids[0][:6] + "19000229" + ids[0][14:],  # not a leap year
        ids[0][:6] + "20231301" + ids[0][14:],
        "9" + ids[0][1:],
        ids[0].translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        ids[0][:17],
        # other ID types' numbers, well and badly formed
        "H12345678",
        "M1234567801",
        "HA1234567",
        "MA1234567",
        "HA12345678",
        "H123456780",
        "h12345678",
        "H1234-5678",
        "12345678",
        "1234567890",
        "0561682001(D)",
        "1234567",
        "AB123456",
        "ABCDE",
        "ABCD",
        "A" * 20,
        "A" * 21,
        "ab12345",
        "AB-12345",
        "E12345678",
        "",
    ]


def _phones() -> list[str]:
    mobiles = [generate.mobile(_rng) for _ in range(6)]
    return [
        *mobiles,
        "",
        "",
        "16101234567",
        "17405123456",
        "17406123456",
        "12012345678",
        "1380013800",
        "138001380001",
        "02012345678",
        generate.landline(_rng),
        generate.landline(_rng),
        generate.landline(_rng, extension=True),
        "010-62345678",
        "010-12345678",
        "011-62345678",
        "021-2345678",
        "0571-8765432",
        "0571-87654321",
        "0571-876543210",
        "0571-07654321",
        "0201-2345678",
        "057187654321",
        "0571 87654321",
        "(0571)87654321",
        "0571-8765432X",
        "85212345",
        mobiles[0].translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "+86 13800138000",
        "1380013800x",
    ]


def _dates() -> list[str]:
    return [
        "2015-11-26",
        "2000-02-29",
        "2019-02-29",
        "2100-02-29",
        "1800-01-01",
        "1799-12-31",
        TODAY.isoformat(),
        (TODAY + datetime.timedelta(days=1)).isoformat(),
        "2020-13-01",
        "2020-00-10",
        "2020-06-31",
        "2020/6/30",
        "20200630",
        "2020-6-30",
        "2020年6月30日",
        "２０２０-０６-３０",
        "0000-01-01",
        "",
    ]


USCCS = _usccs()
RESIDENT_IDS = _resident_ids()
PHONES = _phones()
DATES = _dates()
TYPES = sorted(
    {*_ENTITY_TYPE_EXACT, *(str(c.label) for c in EntityType), "有限责任公司（自然人独资）",
     "股份有限公司分公司", "未知类型", "", "limited_company"}
)  # fmt: skip
STATUSES = sorted({*_STATUS_EXACT, *(str(c.label) for c in Status), "存续（在营、开业、在册）",
                   "迁出", "", "active"})  # fmt: skip
ID_TYPES = sorted({*_ID_TYPE_EXACT, *(str(c.label) for c in IdType), "驾驶证", ""})
REGIONS = ["330106", "110101", "650102", "710000", "810000", "000000", "33010", "3301066",
           "33010a", "３３０１０６", ""]  # fmt: skip
# Cell text (clean: no surrounding or doubled spaces): CJK, ASCII, a character outside the BMP.
_CELL_CHARS = st.sampled_from(["张", "三", "公", "司", "a", "Z", "9", "·", "𠀀", "é", "-"])


@st.composite
def cell_text(draw, limit: int) -> str:
    length = draw(st.sampled_from([1, 2, 7, 7, 7, 7, limit - 1, limit, limit + 1]))
    words = draw(st.lists(_CELL_CHARS, min_size=length, max_size=length))
    text = "".join(words)
    if length > 3 and draw(st.booleans()):
        at = draw(st.integers(1, length - 2))
        text = text[:at] + " " + text[at + 1 :]
    return text


_PREFIX_OF = {t: LEGAL_PERSON_TYPE[v] for t in TYPES if (v := parse_entity_type(t))}


@st.composite
def register_row(draw) -> dict[str, str]:
    """A valid row in which each cell is replaced, one time in ten, by a tricky value (most
    rows take the native path, many are handed back)."""

    def tricky(valid: str, others: list[str]) -> str:
        return draw(st.sampled_from(others)) if draw(st.integers(0, 9)) == 0 else valid

    seed = draw(st.integers(0, 10**6))
    rng = random.Random(seed)
    entity_type = tricky(draw(st.sampled_from(sorted(_PREFIX_OF))), TYPES)
    if entity_type in _PREFIX_OF:
        prefixes = USCC_PREFIXES[_PREFIX_OF[entity_type]]
        prefix = rng.choice([p for p in generate.USCC_PREFIXES if p.startswith(prefixes)])
        code = tricky(generate.uscc(rng, prefix=prefix), USCCS)
    else:
        code = draw(st.sampled_from(USCCS))
    id_type, id_number = draw(
        st.sampled_from(
            [
                ("居民身份证", generate.resident_id(rng)),
                ("身份证", generate.resident_id(rng)),
                ("港澳居民来往内地通行证", generate.hkmo_permit(rng)),
                ("回乡证", generate.hkmo_permit(rng)),
                ("台湾居民来往大陆通行证", generate.tw_permit(rng)),
                ("外国（地区）护照", generate.passport(rng)),
                ("其他有效身份证件", generate.passport(rng)),
                ("中华人民共和国护照", generate.passport(rng)),
                ("港澳台居民居住证", generate.residence_permit(rng)),
                ("外国人永久居留身份证", generate.foreign_pr(rng)),
            ]
        )
    )
    return {
        "uscc": code,
        "name": draw(cell_text(200)),
        "entity_type": entity_type,
        "status": tricky(draw(st.sampled_from(["存续", "注销", "吊销"])), STATUSES),
        "region_code": tricky(draw(st.sampled_from(REGIONS[:3])), REGIONS),
        "supervision_unit": draw(st.one_of(st.just(""), cell_text(100))),
        "legal_rep_name": draw(cell_text(100)),
        "legal_rep_id_type": tricky(id_type, ID_TYPES),
        "legal_rep_id_number": tricky(id_number, RESIDENT_IDS),
        "registered_phone": tricky(
            draw(st.sampled_from(["", generate.mobile(rng), generate.landline(rng)])), PHONES
        ),
        "registered_on": tricky(draw(st.sampled_from(DATES[:2])), DATES),
    }


def _chunk(rows_: list[dict[str, str]], delimiter: str = ",", keys: list[str] = KEYS) -> str:
    return "".join(delimiter.join(row[k] for k in keys) + "\n" for row in rows_)


def _both(chunk: str, **kwargs) -> tuple[tuple, tuple, RowPreparer]:
    native, python = _fix(_preparer(True, **kwargs)), _fix(_preparer(False, **kwargs))
    data = chunk.encode()
    return native.prepare_csv_bytes(data, 2), python.prepare_csv_bytes(data, 2), native


# --- the differential tests -------------------------------------------------------------------
@needs_native
@settings(max_examples=300, deadline=None, suppress_health_check=_SUPPRESS)
@given(st.lists(register_row(), min_size=1, max_size=12))
def test_native_and_python_paths_give_the_same_copy_text_and_errors(fixed_nonces, rows_):
    chunk = _chunk(rows_)
    native, python, _ = _both(chunk)
    assert native[0] == python[0]
    assert native[1:] == python[1:]


@needs_native
@settings(max_examples=100, deadline=None, suppress_health_check=_SUPPRESS)
@given(st.lists(register_row(), min_size=1, max_size=8), st.sampled_from([",", "\t"]))
def test_the_same_for_rows_output_tabs_and_an_absent_optional_column(fixed_nonces, rows_, delim):
    """``output="rows"`` (SQLite), a tab-separated file, a file without 监管单位 and with an
    extra column the import does not read."""
    keys = [k for k in KEYS if k != "supervision_unit"]
    for kwargs, chunk in (
        ({"output": "rows", "delimiter": delim}, _chunk(rows_, delim)),
        ({"keys": keys}, _chunk(rows_, ",", keys)),
        ({"keys": keys, "output": "rows"}, _chunk(rows_, ",", keys)),
        ({"extra_columns": 1}, "".join(line + ",附注\n" for line in _chunk(rows_).splitlines())),
    ):
        native, python, _ = _both(chunk, **kwargs)
        assert native == python, kwargs


@needs_native
def test_valid_rows_are_prepared_natively_in_nonce_order(monkeypatch):
    """Rows with and without a phone, all handled by the native code, under one stream of
    distinct nonces: the phone is sealed before the ID number, as in ``prepare``."""
    rng = random.Random(3)
    rows_ = []
    for i in range(40):
        rows_.append(
            {
                "uscc": generate.uscc(rng, prefix="91"),
                "name": f"杭州第{i}科技有限公司",
                "entity_type": "有限责任公司",
                "status": "存续",
                "region_code": "330106",
                "supervision_unit": "" if i % 3 else "西湖区市场监督管理局",
                "legal_rep_name": "张三",
                "legal_rep_id_type": "居民身份证",
                "legal_rep_id_number": generate.resident_id(rng),
                "registered_phone": generate.mobile(rng) if i % 2 else "",
                "registered_on": "2015-11-26",
            }
        )
    stream = b"".join(i.to_bytes(12, "big") for i in range(1, 4097))
    monkeypatch.setattr(rows.os, "urandom", lambda n: stream[:n])
    native, python = _preparer(True), _preparer(False)
    native.native._set_nonces(stream)
    data = _chunk(rows_).encode()
    spy = _Spy(native.native)
    native.native = spy
    a, b = native.prepare_csv_bytes(data, 2), python.prepare_csv_bytes(data, 2)
    assert spy.handed_back == [] and len(a[1]) == 40
    assert a == b


class _Spy:
    def __init__(self, inner):
        self.inner = inner
        self.calls = 0
        self.handed_back: list = []

    def prepare(self, text, first_line):
        self.calls += 1
        result = self.inner.prepare(text, first_line)
        self.handed_back.extend(result[3])
        return result


@needs_native
def test_tokens_decrypt_and_indexes_are_blind_index():
    """The native tokens decrypt with core.crypto, the indexes are its blind_index, and the row
    hash is keyed BLAKE2b-128 of the fields."""
    rng = random.Random(5)
    row = {
        "uscc": generate.uscc(rng, prefix="92"),
        "name": "温州之江 小吃店",
        "entity_type": "个体工商户",
        "status": "存续",
        "region_code": "330382",
        "supervision_unit": "乐清市市场监督管理局",
        "legal_rep_name": "毛洁",
        "legal_rep_id_type": "居民身份证",
        "legal_rep_id_number": "330106198203154517",
        "registered_phone": "13957100001",
        "registered_on": "2015-11-26",
    }
    preparer = _preparer(True)
    payload, keys, lines, errors = preparer.native.prepare(_chunk([row, row]), 2)
    assert keys == [row["uscc"]] * 2 and lines == [2, 3] and errors == []
    first, second = (line.split("\t") for line in payload.decode().split("\n")[:-1])
    assert first[9] != second[9] and first[11] != second[11]  # fresh nonces
    assert first[9].startswith(keyring().active_id + "$")
    assert decrypt_str(first[9]) == "330106198203154517"
    assert decrypt_str(first[11]) == "13957100001"
    assert first[10] == blind_index("330106198203154517", purpose="id_number")
    assert first[12] == blind_index("13957100001", purpose="mobile")
    row_key = bytes.fromhex(blind_index("registry.row_hash", purpose="key"))
    fields = (row["uscc"], row["name"], "individual_business", "active", "330382",
              row["supervision_unit"], "毛洁", "resident_id", "330106198203154517",
              "13957100001", "2015-11-26", keyring().active_id)  # fmt: skip
    digest = blake2b("\x1f".join(fields).encode(), key=row_key, digest_size=16).hexdigest()
    assert first[16] == digest
    kinds = ["individual_business", "individual_business", "active"]
    assert first[:9] == [row["uscc"], row["name"], *kinds, "330382", row["supervision_unit"],
                         "毛洁", "resident_id"]  # fmt: skip
    assert first[13:16] == ["f", "f", "2015-11-26"]


# --- the path is really used, and can be switched off -----------------------------------------
def test_the_native_extension_is_built_and_used_for_clean_chunks():
    """Fails if the C path is silently not used where it is available: the extension is a
    dependency of the project (uv sync builds it), so it must import, and a clean chunk of
    valid rows must go through it without a row handed back."""
    if os.environ.get(NATIVE_ENV) == "0":
        pytest.skip(f"{NATIVE_ENV}=0: the Python path was asked for")
    import zhengwu_native._rows  # noqa: F401  (ImportError here: the build is missing)

    assert rows.native_available()
    preparer = RowPreparer(
        PreparerConfig(positions={k: i for i, k in enumerate(KEYS)}, headers=dict(HEADERS),
                       width=len(KEYS), output="copy", today=TODAY),
        keyring(),
    )  # fmt: skip
    assert preparer.config.native and preparer.native is not None
    spy = preparer.native = _Spy(preparer.native)
    rng = random.Random(9)
    row = {k: "" for k in KEYS} | {
        "uscc": generate.uscc(rng, prefix="91"),
        "name": "某公司",
        "entity_type": "有限责任公司",
        "status": "存续",
        "region_code": "110101",
        "legal_rep_name": "李四",
        "legal_rep_id_type": "居民身份证",
        "legal_rep_id_number": generate.resident_id(rng),
        "registered_on": "2020-01-02",
    }
    result = preparer.prepare_csv_bytes(_chunk([row] * 3).encode(), 2)
    assert spy.calls == 1 and spy.handed_back == [] and result[2] == [2, 3, 4]


def test_the_environment_switch_and_a_missing_extension_use_the_python_path(monkeypatch):
    config = dict(positions={k: i for i, k in enumerate(KEYS)}, headers=dict(HEADERS),
                  width=len(KEYS), output="copy", today=TODAY)  # fmt: skip
    monkeypatch.setenv(NATIVE_ENV, "0")
    assert not rows.native_available()
    preparer = RowPreparer(PreparerConfig(**config), keyring())  # type: ignore[arg-type]
    assert preparer.native is None
    monkeypatch.delenv(NATIVE_ENV)
    monkeypatch.setattr(rows, "_NativePreparer", None)
    assert not rows.native_available()
    preparer = RowPreparer(PreparerConfig(**config, native=True), keyring())  # type: ignore[arg-type]
    assert preparer.native is None
    row = ",".join(["91330382689768465F", "x", "有限责任公司", "存续", "330382", "", "毛洁",
                    "居民身份证", "330106198203154517", "", "2015-11-26"])  # fmt: skip
    _, keys, _, errors = preparer.prepare_csv_bytes(row.encode() + b"\n", 2)
    assert keys == ["91330382689768465F"] and errors == []


# --- bad input never crashes ------------------------------------------------------------------
_FUZZ_CHARS = st.sampled_from(
    [",", "\n", "\t", " ", "-", "X", "x", "0", "1", "3", "9", "1", "张", "𠀀", "\\", "\x00",
     "\x1f", "\ufffd", "\r", "存续", "居民身份证", "有限责任公司", "2020-02-29", "330106"]
)  # fmt: skip


@needs_native
@settings(max_examples=300, deadline=None, suppress_health_check=_SUPPRESS)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.lists(_FUZZ_CHARS, max_size=120).map(lambda parts: "".join(parts).encode()),
    )
)
@example(b"\n\n\n")
@example(b"," * 10 + b"\n")
@example(b"9" * 5000)
def test_random_chunks_never_crash_and_agree(fixed_nonces, data):
    native, python = _fix(_preparer(True)), _fix(_preparer(False))
    assert native.prepare_csv_bytes(data, 7) == python.prepare_csv_bytes(data, 7)


@needs_native
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.integers(0, 10**9))
def test_the_extension_takes_any_text(text, first_line):
    """Straight into the C code (no clean check first): never a crash; any text it cannot
    encode (lone surrogates) is an exception, not undefined behaviour."""
    preparer = _preparer(True)
    try:
        payload, keys, lines, back = preparer.native.prepare(text, first_line)
    except UnicodeEncodeError:
        return
    assert len(keys) == len(lines) == payload.count(b"\n")
    assert all(line >= first_line for line in lines + [line for line, _ in back])


@needs_native
def test_construction_refuses_bad_tables():
    from zhengwu_native._rows import Preparer

    good = _preparer(True)
    assert good.native is not None
    with pytest.raises((ValueError, TypeError)):
        Preparer(width=0, delimiter=",", positions=[0] * 11, types={}, statuses={}, id_types={},
                 prefixes={}, provinces=bytes(100),
                 segments=bytes(10_000), today=20261123, earliest_date=18000101,
                 earliest_birth=18000101, key_id="k1", aes_key=bytes(32), hash_key=bytes(32),
                 row_key=bytes(32))  # fmt: skip
    with pytest.raises(ValueError, match="two keys in one column"):
        Preparer(width=11, delimiter=",", positions=[0] * 11, types={}, statuses={},
                 id_types={}, prefixes={}, provinces=bytes(100), segments=bytes(10_000),
                 today=20261123, earliest_date=18000101, earliest_birth=18000101,
                 key_id="k1", aes_key=bytes(32), hash_key=bytes(32), row_key=bytes(32))  # fmt: skip
    with pytest.raises(RuntimeError):
        Preparer.__new__(Preparer).prepare("x", 1)  # never initialised
