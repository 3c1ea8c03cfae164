"""EC-4: a narrow partial index for the enterprise-code campaign figures.

``enterprise.campaign.campaign_figures`` groups the active (存续) entities by division-code
prefix and legal-person type and joins them to organisations by USCC. This index holds exactly
those columns for exactly those rows, so PostgreSQL reads it with an index-only scan (≈50 MB for
1M entities) instead of the table (≈520 MB): ``docs/performance.md``.

Created in SQL rather than declared in ``MarketEntity.Meta.indexes`` because the index belongs
to the enterprise-code feature (added by its issue, in a new migration of this app); the model
state is unchanged, so ``makemigrations`` stays quiet. Both backends support partial indexes.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX registry_me_campaign ON registry_marketentity "
    "(region_code, legal_person_type, uscc) WHERE status = 'active'"
)
DROP = "DROP INDEX registry_me_campaign"


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP, elidable=False)]
