"""PostgreSQL: the search GIN index without a pending list (``fastupdate = off``).

A word search looks in its date pieces one GIN lookup after the other (``archive.search``),
and every GIN lookup reads the whole pending list of not yet merged entries: 8,000 newly
imported files (146 pending pages) made the search of a rare word read 3,617 index pages
instead of 259 (20 ms instead of 5). Without the list each insert updates the index at once
(≈0.5 ms more per file of the bench's size, in the OCR task), and a search's cost no longer
depends on when the index was last vacuumed. The list already there is merged now."""

from django.db import migrations

GIN = "archive_search_tokens_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {GIN} SET (fastupdate = off);")
        schema_editor.execute(f"SELECT gin_clean_pending_list('{GIN}'::regclass);")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {GIN} RESET (fastupdate);")


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_i14_date_tokens_and_name_index")]
    operations = [migrations.RunPython(forwards, backwards)]
