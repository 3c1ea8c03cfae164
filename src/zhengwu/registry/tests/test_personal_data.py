"""ID numbers and phones are encrypted at rest and searchable only by blind index (ACC-7)."""

from __future__ import annotations

import pytest
from django.db import connection

from zhengwu.core.crypto import blind_index
from zhengwu.registry.models import MarketEntity
from zhengwu.registry.services.importing import registry_import

pytestmark = pytest.mark.django_db


def test_raw_database_rows_hold_neither_id_numbers_nor_phones(export, good_rows):
    """A raw SELECT of every column shows no ID number and no phone in clear."""
    registry_import(export(good_rows))

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_marketentity")
        dump = repr(cursor.fetchall())

    for row in good_rows:
        assert row[8] not in dump  # 法定代表人证件号码
        if row[9]:
            assert row[9] not in dump  # 联系电话
            assert row[9].replace("-", "") not in dump
    assert "王建国" in dump  # names are not encrypted: the check shows we read the table


def test_blind_index_finds_the_entity_and_the_legacy_id_by_its_18_digit_form(export, good_rows):
    """Exact-match search works through the hash columns only; a legacy 15-digit resident ID
    is indexed under its 18-digit upgrade (REG-5), and flagged."""
    registry_import(export(good_rows))

    by_id = MarketEntity.objects.filter(
        legal_rep_id_number_hash=blind_index("330106198203154517", purpose="id_number")
    )
    legacy = MarketEntity.objects.get(
        legal_rep_id_number_hash=blind_index("330106195607123211", purpose="id_number")
    )
    by_phone = MarketEntity.objects.get(
        registered_phone_hash=blind_index("13957101003", purpose="mobile")
    )

    assert [e.uscc for e in by_id] == ["91330106MA2KYUN10R"]
    assert legacy.uscc == "913301101430410293"
    assert legacy.is_id_number_legacy
    assert legacy.legal_rep_id_number == "330106560712321"  # kept as registered
    assert by_phone.uscc == "92330106MA2LW00120"


def test_landline_flag_and_canonical_landline(export, good_rows):
    """A landline in the phone column is accepted, flagged and stored in canonical form."""
    row = list(good_rows[0])
    row[9] = "（0571）8600 1007"

    registry_import(export([row]))

    entity = MarketEntity.objects.get()
    assert entity.is_phone_landline
    assert entity.registered_phone == "0571-86001007"


def test_id_hash_is_the_portal_wide_blind_index(export, good_rows):
    """The stored hash is accounts.identity.id_number_hash of the normalised number, so other
    apps can compare with it (here a HK/Macao permit with its issue count)."""
    row = next(list(r) for r in good_rows if r[8].startswith("H"))
    row[8] = "H6021883103"

    registry_import(export([row]))

    entity = MarketEntity.objects.get()
    assert entity.legal_rep_id_number == "H6021883103"
    assert entity.legal_rep_id_number_hash == blind_index("H6021883103", purpose="id_number")
