"""The generators are deterministic and produce valid values."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from zhengwu.identifiers import generate

GENERATORS: list[Callable[[random.Random], str]] = [
    generate.uscc,
    generate.org_code,
    generate.resident_id,
    generate.resident_id_15,
    generate.residence_permit,
    generate.mobile,
    generate.landline,
    generate.project_code,
    generate.hkmo_permit,
    generate.tw_permit,
    generate.passport,
    generate.foreign_pr,
]


@pytest.mark.parametrize("gen", GENERATORS, ids=lambda g: g.__name__)
def test_same_seed_same_values(gen: Callable[[random.Random], str]) -> None:
    first = [gen(random.Random(42)) for _ in range(3)]
    again = [gen(random.Random(42)) for _ in range(3)]
    assert first == again
    rng = random.Random(1)
    values = {gen(rng) for _ in range(50)}
    assert len(values) > 10


def test_uscc_options() -> None:
    rng = random.Random(3)
    code = generate.uscc(rng, prefix="N2", region="330106", org_body8="MA2CDE7K")
    assert code.startswith("N2330106MA2CDE7K")


def test_resident_id_options() -> None:
    import datetime

    from zhengwu.identifiers import resident_id

    rng = random.Random(5)
    born = datetime.date(1990, 5, 17)
    for sex in ("male", "female"):
        number = generate.resident_id(rng, region="330106", birth_date=born, sex=sex)
        assert number.startswith("33010619900517")
        assert resident_id.sex(number) == sex
