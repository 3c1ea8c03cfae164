"""The factories and personas build a consistent cast."""

import pytest

from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership
from zhengwu.accounts.selectors import approvers_of, organisations_approvable_by

pytestmark = pytest.mark.django_db


def test_personas_roles(personas):
    """Legal representative and administrator approve; operator and outsider do not."""
    org = personas.organisation
    assert set(approvers_of(organisation=org)) == {
        personas.legal_representative,
        personas.administrator,
    }
    assert list(organisations_approvable_by(user=personas.administrator)) == [org]
    assert not organisations_approvable_by(user=personas.operator).exists()
    assert org not in organisations_approvable_by(user=personas.outsider)
    assert not organisations_approvable_by(user=personas.reviewer).exists()
    roles = set(Membership.objects.filter(organisation=org).values_list("role", flat=True))
    assert roles == set(Role.values)


def test_personal_data_is_encrypted_at_rest(personas):
    """ID numbers and mobiles are stored as ciphertext with a blind index (ACC-7)."""
    from django.db import connection

    user = personas.operator
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, mobile FROM accounts_user WHERE id = %s", [user.pk])
        raw_id, raw_mobile = cursor.fetchone()
    assert user.id_number not in raw_id and user.mobile not in raw_mobile
    assert user.id_number_hash and user.mobile_hash
