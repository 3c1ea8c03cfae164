"""Refuse UPDATE and DELETE on reported snapshots in the database itself (PostgreSQL), like
the audit log (audit 0002). SQLite relies on the model and queryset guards: a trigger there
would also block the test runner's flush (DELETE)."""

from django.db import migrations

TABLES = ("campaigns_snapshot", "campaigns_snapshotrow")

PG_UP = """
CREATE OR REPLACE FUNCTION campaigns_snapshot_frozen() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'campaign snapshots are frozen once reported';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {t}_frozen BEFORE UPDATE OR DELETE ON {t} "
    f"FOR EACH ROW EXECUTE FUNCTION campaigns_snapshot_frozen();\n"
    for t in TABLES
)
PG_DOWN = "".join(f"DROP TRIGGER IF EXISTS {t}_frozen ON {t};\n" for t in TABLES) + (
    "DROP FUNCTION IF EXISTS campaigns_snapshot_frozen();"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
