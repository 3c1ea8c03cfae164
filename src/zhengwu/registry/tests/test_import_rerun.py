"""Re-imports: unchanged rows are not written, changed rows are updated, all is audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import override_settings

from zhengwu.audit.models import AuditEvent
from zhengwu.registry.constants import Status
from zhengwu.registry.models import MarketEntity
from zhengwu.registry.services.importing import registry_import

pytestmark = pytest.mark.django_db


def snapshot():
    return {e.uscc: (e.updated_at, e.row_hash, e.created_at) for e in MarketEntity.objects.all()}


def test_second_run_of_the_same_file_changes_nothing(export, good_rows):
    """Counts say unchanged; no row is updated (updated_at and row_hash stay)."""
    path = export(good_rows)
    first = registry_import(path)
    before = snapshot()

    second = registry_import(path)

    assert (first.inserted, first.updated, first.unchanged) == (11, 0, 0)
    assert (second.inserted, second.updated, second.unchanged, second.rejected) == (0, 0, 11, 0)
    assert snapshot() == before


def test_changed_rows_are_updated_and_new_rows_inserted(export, good_rows):
    """A changed status, a changed phone and a new entity: 2 updated, 1 inserted, 8 unchanged."""
    registry_import(export(good_rows[:10], "v1.csv"))
    before = snapshot()
    rows = [list(r) for r in good_rows]
    rows[0][3] = "注销"
    rows[1][9] = "13957100099"

    result = registry_import(export(rows, "v2.csv"))

    assert (result.inserted, result.updated, result.unchanged) == (1, 2, 8)
    company = MarketEntity.objects.get(uscc=rows[0][0])
    assert company.status == Status.DEREGISTERED
    assert MarketEntity.objects.get(uscc=rows[1][0]).registered_phone == "13957100099"
    after = snapshot()
    assert after[rows[0][0]][2] == before[rows[0][0]][2]  # created_at kept
    assert after[rows[0][0]][1] != before[rows[0][0]][1]
    assert after[rows[2][0]] == before[rows[2][0]]


def test_no_row_is_rewritten_on_a_rerun(export, good_rows):
    """The database writes no row version for unchanged rows: on PostgreSQL every row keeps
    its ``xmin`` (no new tuple); on SQLite the only change is the audit event."""
    path = export(good_rows)
    registry_import(path)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT uscc, xmin::text FROM registry_marketentity ORDER BY uscc")
            before = cursor.fetchall()
    else:
        before = connection.connection.total_changes

    registry_import(path)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT uscc, xmin::text FROM registry_marketentity ORDER BY uscc")
            assert cursor.fetchall() == before
    else:
        assert connection.connection.total_changes - before == 1  # the audit row


def test_import_is_audited_with_counts_and_file_name(export, good_rows):
    """One registry.import event per run, actor registry_import, counts and file in ``after``."""
    registry_import(export(good_rows, "registry-2026.csv"))

    event = AuditEvent.objects.get(event_type="registry.import")
    assert event.actor_label == "registry_import"
    assert event.after["file"] == "registry-2026.csv"
    assert event.after["inserted"] == 11
    assert event.after["rejected"] == 0
    assert "13957101001" not in str(event.after)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL bulk path")
def test_first_large_load_rebuilds_the_primary_key(export, good_rows):
    """The first bulk load drops and rebuilds the primary key; duplicates still rejected."""
    rows = [*good_rows, good_rows[0]]
    with override_settings(ZHENGWU_REGISTRY_BULK_LOAD_ROWS=1):
        result = registry_import(export(rows))

    assert "key-rebuild" in result.method
    assert (result.inserted, result.duplicates) == (11, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint "
            "WHERE conrelid = 'registry_marketentity'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == 1
