"""Archive search at size (``archive.search``):

* every file's ``search_tokens`` gains its date tokens (``dm202401 dy2024``), which let a word
  search look in the newest window of the archive first; on PostgreSQL the GIN index is
  dropped for the rewrite and built again (much faster than maintaining it row by row);
* PostgreSQL: a trigram GIN index on ``entity_name`` (``pg_trgm``, a trusted extension) for
  the name search (``LIKE '%…%'``); skipped, with the search still correct, where the
  extension cannot be created.
"""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

GIN = "archive_search_tokens_gin"
PG_TOKENS = (
    "UPDATE archive_archivefile SET search_tokens = "
    "(CASE WHEN search_tokens = '' THEN ' ' ELSE search_tokens END) "
    "|| 'dm' || to_char(date, 'YYYYMM') || ' dy' || to_char(date, 'YYYY') || ' ';"
)
SQLITE_TOKENS = (
    "UPDATE archive_archivefile SET search_tokens = "
    "(CASE WHEN search_tokens = '' THEN ' ' ELSE search_tokens END) "
    "|| 'dm' || strftime('%Y%m', date) || ' dy' || strftime('%Y', date) || ' ';"
)
PG_UNTOKENS = (
    "UPDATE archive_archivefile SET search_tokens = "
    "regexp_replace(search_tokens, 'dm[0-9]{6} dy[0-9]{4} $', '');"
)
CREATE_GIN = (
    f"CREATE INDEX {GIN} ON archive_archivefile USING GIN (to_tsvector('simple', search_tokens));"
)
NAME_INDEX = "archive_entity_name_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(SQLITE_TOKENS)
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {GIN};")
    schema_editor.execute(PG_TOKENS)
    schema_editor.execute(CREATE_GIN)
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    except DatabaseError:
        return  # no pg_trgm here: the name search scans, as before
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME_INDEX} ON archive_archivefile "
        "USING GIN (entity_name gin_trgm_ops);"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME_INDEX};")
    schema_editor.execute(f"DROP INDEX IF EXISTS {GIN};")
    schema_editor.execute(PG_UNTOKENS)
    schema_editor.execute(CREATE_GIN)


class Migration(migrations.Migration):
    dependencies = [("archive", "0002_search_index")]
    operations = [migrations.RunPython(forwards, backwards)]
