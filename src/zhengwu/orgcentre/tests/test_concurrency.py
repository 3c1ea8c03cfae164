"""REG-8 under concurrency: two administrators add two people with one mobile at the same
moment; the database decides — one account is opened, the other add gets
同一企业/组织下的账号绑定的手机号不可重复 and leaves nothing behind.

Real threads with their own connections, PostgreSQL only (the in-memory SQLite test database
cannot make writers wait).
"""

import functools

import pytest
from django.db import connection

from zhengwu.accounts.errors import MobileTaken
from zhengwu.accounts.models import Membership, MobileClaim, User
from zhengwu.accounts.tests.factories import make_personas, resident_id
from zhengwu.core.testing import run_together
from zhengwu.orgcentre import services

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL"),
]


def test_two_simultaneous_adds_with_one_mobile_one_wins(monkeypatch):
    personas = make_personas()
    # The SMS code is not what is raced here (each add would have its own valid code), nor
    # the early, non-locking answer: the unique constraint must decide.
    monkeypatch.setattr(services, "verification_code_check", lambda **kwargs: None)
    monkeypatch.setattr(services, "_mobile_free", lambda **kwargs: None)
    actors = [personas.legal_representative, personas.administrator]

    def add(n):
        return services.operator_add(
            actor=actors[n],
            organisation=personas.organisation,
            real_name=f"并发{n}",
            id_type="resident_id",
            id_number=resident_id(880 + n),
            mobile="13957144001",
            sms_code="1",
            username=f"racer_{n}",
        )

    results = run_together(functools.partial(add, 0), functools.partial(add, 1))
    won = [r for r in results if isinstance(r, Membership)]
    lost = [r for r in results if isinstance(r, MobileTaken)]
    assert (len(won), len(lost)) == (1, 1), results
    assert lost[0].message == "同一企业/组织下的账号绑定的手机号不可重复"
    assert User.objects.filter(username__startswith="racer_").count() == 1
    claims = MobileClaim.objects.filter(organisation_key=personas.organisation.claim_key)
    assert claims.filter(holder=f"accounts.user:{won[0].user_id}").exists()
