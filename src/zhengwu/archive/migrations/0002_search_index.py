"""PostgreSQL: a GIN index over the ``simple`` tsvector of ``search_tokens`` (CJK unigrams
and bigrams, Latin words — ``archive.search``), so full-text search is an index scan.
SQLite (the embedded default) searches the token string with LIKE."""

from django.db import migrations

PG_UP = (
    "CREATE INDEX archive_search_tokens_gin ON archive_archivefile "
    "USING GIN (to_tsvector('simple', search_tokens));"
)
PG_DOWN = "DROP INDEX IF EXISTS archive_search_tokens_gin;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
