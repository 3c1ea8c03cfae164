"""The row code's hot-path shortcuts agree with the reference implementations they replace."""

from __future__ import annotations

import datetime
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengwu.core.crypto import blind_index, decrypt_str, keyring
from zhengwu.identifiers import InvalidIdentifier, generate, mobile, resident_id, uscc
from zhengwu.registry.constants import (
    LEGAL_PERSON_TYPE,
    USCC_PREFIXES,
    EntityType,
    LegalPersonType,
    Status,
    parse_entity_type,
    parse_id_type,
    parse_status,
)
from zhengwu.registry.services.rows import (
    _Sealer,
    id_number_key,
    parse_date,
    resident_id_fast_valid,
)

TODAY = datetime.date(2026, 11, 23)


def test_sealer_tokens_decrypt_and_hashes_equal_core_blind_index():
    """The import's bulk encryption and HMAC give what zhengwu.core.crypto gives."""
    sealer = _Sealer(keyring())
    for value in ("330106198203154517", "13957100001", "", "H60218831", "测试"):
        token = sealer.encrypt(value)
        assert token.startswith(f"{sealer.key_id}$")
        assert decrypt_str(token) == value
        assert sealer.index_id(value) == blind_index(value, purpose="id_number")
        assert sealer.index_phone(value) == blind_index(value, purpose="mobile")
    assert sealer.encrypt("x") != sealer.encrypt("x")  # fresh nonce every time


def test_resident_id_fast_path_accepts_generated_numbers():
    """Valid numbers from the generator take the fast path."""
    rng = random.Random(7)
    numbers = [generate.resident_id(rng) for _ in range(2000)]
    assert all(resident_id_fast_valid(n, TODAY) for n in numbers)


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=17),
    st.sampled_from("0123456789X9"),
)
def test_resident_id_fast_path_never_accepts_what_the_reference_refuses(seed, pos, char):
    """Property: a mutated number accepted by the fast path is accepted by resident_id."""
    number = generate.resident_id(random.Random(seed))
    mutated = number[:pos] + char + number[pos + 1 :]
    if resident_id_fast_valid(mutated, TODAY):
        assert resident_id.is_valid(mutated, today=TODAY)


_BIRTHS: dict[str, bool] = {}  # one cache across the examples, as across an import's rows


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=6, max_value=13),
    st.sampled_from("0123456789"),
)
def test_resident_id_fast_path_with_the_birth_cache_decides_the_same(seed, pos, digit):
    """The birth-date cache changes no answer: mutated birth dates (impossible days, months,
    future and too early years), asked twice, the second time from the cache."""
    number = generate.resident_id(random.Random(seed))
    mutated = number[:pos] + digit + number[pos + 1 :]
    expected = resident_id_fast_valid(mutated, TODAY)
    assert resident_id_fast_valid(mutated, TODAY, _BIRTHS) is expected
    assert resident_id_fast_valid(mutated, TODAY, _BIRTHS) is expected
    assert _BIRTHS[mutated[6:14]] in (True, False)


def test_the_preparer_caches_birth_dates():
    """``RowPreparer`` checks each distinct birth date of its resident IDs once (the Python
    path: the native one checks them without a cache)."""
    import tempfile
    from pathlib import Path

    from zhengwu.registry.services.demo import generate_rows, write_csv

    preparer = _copy_preparer(native=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        write_csv(path, generate_rows(200, 5))
        body = path.read_bytes().split(b"\n", 1)[1]
    _payload, keys, _, errors = preparer.prepare_csv_bytes(body, 2)
    assert len(keys) == 200 and not errors
    births = {
        line.split(",")[8][6:14] for line in body.decode().splitlines() if "居民身份证" in line
    }
    # The 18-digit ones (a few rows hold legacy 15-digit numbers) take the fast path.
    assert len(preparer._births) > 100 and set(preparer._births) <= births
    assert all(preparer._births.values())


def test_resident_id_fast_path_defers_special_cases():
    """Residence permits (81/82/83), Taiwan (71), future births fall back to the reference."""
    rng = random.Random(3)
    assert not resident_id_fast_valid(generate.residence_permit(rng), TODAY)
    future = generate.resident_id(rng, birth_date=datetime.date(2027, 1, 1))
    assert not resident_id_fast_valid(future, TODAY)


def test_mobile_validity_is_a_property_of_the_5_digit_segment():
    """The import checks one 11-digit mobile per 5-digit prefix: that must be what
    identifiers.mobile decides (all 100,000 prefixes, random subscriber parts)."""
    rng = random.Random(5)
    for prefix in range(100_000):
        first, other = (f"{prefix:05d}{rng.randrange(10**6):06d}" for _ in range(2))
        assert mobile.is_valid(first) == mobile.is_valid(other), first


def test_uscc_prefix_table_agrees_with_the_identifiers_package():
    """The check constraint's prefix table says what uscc.legal_person_type says."""
    for prefix in uscc.VALID_PREFIXES:
        category = uscc.legal_person_type(prefix)
        assert any(prefix.startswith(p) for p in USCC_PREFIXES[category]), prefix
        others = [c for c in USCC_PREFIXES if c != category]
        assert not any(prefix.startswith(p) for c in others for p in USCC_PREFIXES[c]), prefix
    assert set(LEGAL_PERSON_TYPE.values()) == set(LegalPersonType.values)


def test_export_words_are_understood():
    """Detailed words of real exports fold into the stored keys; nonsense is None."""
    assert parse_entity_type("有限责任公司（自然人独资）") == EntityType.LIMITED_COMPANY
    assert parse_entity_type("有限责任公司(外国法人独资)") == EntityType.FOREIGN_INVESTED
    assert parse_entity_type("有限责任公司分公司（自然人投资或控股）") == EntityType.BRANCH
    assert parse_entity_type("股份有限公司（上市、自然人投资或控股）") == (
        EntityType.JOINT_STOCK_COMPANY
    )
    assert parse_entity_type("有限合伙企业") == EntityType.PARTNERSHIP
    assert parse_entity_type("社会服务机构") == EntityType.PRIVATE_NON_ENTERPRISE
    assert parse_entity_type("公司") is None
    assert parse_status("存续（在营、开业、在册）") == Status.ACTIVE
    assert parse_status("吊销，未注销") == Status.REVOKED
    assert parse_status("吊销，已注销") == Status.DEREGISTERED
    assert parse_status("迁出") is None
    assert parse_id_type("中华人民共和国居民身份证") == "resident_id"
    assert parse_id_type("外国(地区)护照") == "foreign_passport"
    assert parse_id_type("军官证") is None


def test_id_number_keys():
    """Comparison keys: the 18-digit upgrade of a legacy number, the normalised number else."""
    assert id_number_key("resident_id", "330106560712321") == (
        "330106560712321",
        "330106195607123211",
        True,
    )
    assert id_number_key("resident_id", "11010519491231002x", TODAY)[1] == "11010519491231002X"
    with pytest.raises(InvalidIdentifier, match="15 位旧身份证号码无效"):
        id_number_key("resident_id", "330106561332321")  # month 13
    assert id_number_key("hkmo_permit", "h6021883102")[1] == "H6021883102"
    assert id_number_key("tw_permit", "0561682001(d)")[1] == "0561682001(D)"
    assert id_number_key("foreign_passport", "ab-123 4567")[1] == "AB1234567"


def test_dates():
    """成立日期 formats; impossible dates are None."""
    assert parse_date("2020年6月30日") == datetime.date(2020, 6, 30)
    assert parse_date("2020 / 6 / 30") == datetime.date(2020, 6, 30)
    assert parse_date("2020-02-30") is None
    assert parse_date("30/06/2020") is None


def _copy_preparer(native: bool = True):
    from zhengwu.registry.services.demo import HEADER
    from zhengwu.registry.services.reading import _map_header
    from zhengwu.registry.services.rows import PreparerConfig, RowPreparer, native_available

    positions, headers = _map_header(list(HEADER))
    config = PreparerConfig(
        positions=positions,
        headers=headers,
        width=len(HEADER),
        output="copy",
        today=TODAY,
        native=native and native_available(),
    )
    return RowPreparer(config, keyring())


def _without_ciphertext(payload: bytes) -> list[list[bytes]]:
    rows = [line.split(b"\t") for line in payload.split(b"\n")[:-1]]
    for row in rows:
        row[9] = row[11] = b""  # random nonces
    return rows


@pytest.mark.parametrize(
    "cell",
    [" 个体", "个体 ", "个\u3000体", "a  b", "a\\b", "a\x0bb", "a\xa0b", "a\rb", "a\tb"],
)
def test_unclean_cells_are_seen_and_take_the_strip_and_fold_path(cell):
    """A chunk skips strip/fold/escape only when no cell could change under them."""
    from zhengwu.registry.services.rows import _is_clean

    assert _is_clean("a,b c,d\ne,f\n", ",")
    assert not _is_clean(f"x,{cell},y\n", ",")
    assert not _is_clean(f"{cell}\n", ",") or cell.strip() == cell


def _is_clean_by_definition(text: str, delimiter: str) -> bool:
    from zhengwu.registry.services.rows import _UNCLEAN

    return not (text.startswith(" ") or text.endswith(" ")) and not any(
        u in text for u in _UNCLEAN[delimiter]
    )


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["a", "个", " ", ",", "\t", "\n", "\\", "\u3000"])),
    st.sampled_from([",", "\t"]),
)
def test_is_clean_agrees_with_its_definition(text, delimiter):
    """The space-neighbour scan of ``_is_clean`` finds exactly the two-character entries."""
    from zhengwu.registry.services.rows import _is_clean

    assert _is_clean(text, delimiter) == _is_clean_by_definition(text, delimiter)


@pytest.mark.parametrize("pair", ["  ", " ,", ", ", " \n", "\n ", None])
def test_is_clean_with_many_spaces(pair):
    """Past the spaces it visits one by one, ``_is_clean`` searches the pairs instead."""
    from zhengwu.registry.services.rows import _SPACES_TO_VISIT, _is_clean

    text = "a b,c d\n" * (_SPACES_TO_VISIT + 1) + (f"x{pair}y\n" if pair else "")
    assert _is_clean(text, ",") is (pair is None)
    assert _is_clean(text[: 8 * 3] + (f"x{pair}y\n" if pair else ""), ",") is (pair is None)


def test_copy_lines_of_a_clean_chunk_equal_the_general_path():
    """The clean fast path gives the same COPY text as strip + fold + escape would."""
    from zhengwu.registry.services.demo import generate_rows, write_csv

    preparer = _copy_preparer()
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        write_csv(path, generate_rows(300, 5))
        data = path.read_bytes()
    body = data.split(b"\n", 1)[1]
    fast = preparer.prepare_csv_bytes(body, 2)
    rows = [(2 + i, line.split(",")) for i, line in enumerate(body.decode().split("\n")) if line]
    slow = preparer.prepare_rows(rows, clean=False)
    assert fast[1:] == slow[1:] and len(fast[1]) == 300
    assert _without_ciphertext(fast[0]) == _without_ciphertext(slow[0])
    # A backslash in a name is escaped for COPY on the general path.
    dirty = body.replace(b",", b",\\", 1)
    assert (
        b"\\\\" in preparer.prepare_csv_bytes(dirty, 2)[0]
        or preparer.prepare_csv_bytes(dirty, 2)[3]
    )


def test_a_mobile_in_full_width_digits_is_stored_in_ascii():
    """Eleven full-width digits pass ``str.isdigit``: the number is still normalised, so that
    its blind index is the one a search for the ASCII number computes (ACC-7)."""
    from zhengwu.registry.services.demo import HEADER
    from zhengwu.registry.services.reading import _map_header
    from zhengwu.registry.services.rows import PREPARED_COLUMNS, PreparerConfig, RowPreparer

    positions, headers = _map_header(list(HEADER))
    config = PreparerConfig(
        positions=positions, headers=headers, width=len(HEADER), output="rows", today=TODAY
    )
    preparer = RowPreparer(config, keyring())
    row = {
        "uscc": "91330382689768465F",
        "name": "温州之江科技有限公司",
        "entity_type": "有限责任公司",
        "status": "存续",
        "region_code": "330382",
        "supervision_unit": "乐清市市场监督管理局",
        "legal_rep_name": "毛洁",
        "legal_rep_id_type": "居民身份证",
        "legal_rep_id_number": "330106198203154517",
        "registered_phone": "１３９５７１００００１",
        "registered_on": "2015-11-26",
    }
    values = [row[key] for key in positions]
    for phone in ("１３９５７１００００１", "13957100001"):
        values[positions["registered_phone"]] = phone
        prepared = dict(zip(PREPARED_COLUMNS, preparer.prepare(values, 2), strict=True))
        assert decrypt_str(prepared["registered_phone"]) == "13957100001"
        assert prepared["registered_phone_hash"] == blind_index("13957100001", purpose="mobile")
