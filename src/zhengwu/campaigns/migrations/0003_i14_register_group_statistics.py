"""PostgreSQL: extended statistics (ndistinct) on the register's grouping columns, so the
planner knows how few (supervision unit, district, entity type, legal-person type) groups
there are and aggregates the campaign figures in a hash table instead of sorting a million
rows on disk (``campaigns.engine.grouped_counts``; the single-column statistics multiply to
the 100,000-group clamp). Costs nothing on imports: filled by ANALYZE. SQLite: nothing."""

from django.db import migrations

PG_UP = (
    "CREATE STATISTICS IF NOT EXISTS campaigns_register_groups (ndistinct) "
    "ON supervision_unit, region_code, entity_type, legal_person_type "
    "FROM registry_marketentity;"
)
PG_DOWN = "DROP STATISTICS IF EXISTS campaigns_register_groups;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_frozen_snapshot_trigger"),
        ("registry", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
