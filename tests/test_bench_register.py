"""bench/_register.py: the 10,000,000-entity generator builds valid entities that step 1 matches.

PostgreSQL only (the bulk is built in SQL); a few thousand rows from a pool of 1,000 so that
every entity after the first thousand is a numbered copy of a template.
"""

import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parent.parent / "bench"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator builds the register in SQL"
    ),
]


def _url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def register(monkeypatch):
    if str(BENCH) not in sys.path:
        monkeypatch.syspath_prepend(str(BENCH))
    import _register

    monkeypatch.setattr(_register, "POOL", 1000)
    _register.load(_url(), 3500, say=lambda _text: None)
    return _register


def test_every_generated_entity_is_valid_unique_and_matched_by_step_1(register):
    from zhengwu.identifiers import uscc
    from zhengwu.integrations.registry.base import RegistryQuery
    from zhengwu.integrations.registry.local import LocalRegistry
    from zhengwu.registry.models import MarketEntity

    rows = list(MarketEntity.objects.all())
    assert len(rows) == 3500
    assert all(uscc.is_valid(row.uscc) for row in rows)
    assert len({row.uscc for row in rows}) == 3500
    for row in rows:  # from the second round on, a template's name carries the round number
        round_ = (int(row.uscc[8:16]) - 1) // 1000
        assert round_ == 0 or str(round_) in row.name
    # The primary key is back after the load.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint "
            "WHERE conrelid = 'registry_marketentity'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT to_regclass('bench_register_pool')")
        assert cursor.fetchone()[0] is None  # the work table is gone
    # An entity of the fourth round (a copy of a template) passes REG-3's checks.
    copy = next(
        row
        for row in sorted(rows, key=lambda r: r.uscc[8:16], reverse=True)
        if row.status == "active" and row.legal_rep_id_type == "resident_id"
    )
    check = LocalRegistry().verify(
        RegistryQuery(
            uscc=copy.uscc,
            name=copy.name,
            legal_rep_name=copy.legal_rep_name,
            legal_rep_id_type=copy.legal_rep_id_type,
            legal_rep_id_number=copy.legal_rep_id_number,
        )
    )
    assert check.found and check.mismatches == ()
