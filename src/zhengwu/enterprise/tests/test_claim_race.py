"""EC-1 in the database: two simultaneous claims for one unit leave exactly one code.

PostgreSQL only: the second insert waits on the first transaction's unique-index entry and
fails once it commits. (SQLite serialises writers, so there is no race to test.)
"""

from __future__ import annotations

import functools
import threading
import time

import pytest
from django.db import connection, connections, transaction

from zhengwu.accounts.tests.factories import make_personas
from zhengwu.core.testing import run_together
from zhengwu.enterprise import services
from zhengwu.enterprise.errors import CodeAlreadyClaimed
from zhengwu.enterprise.models import EnterpriseCode

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level concurrency needs PostgreSQL"
    ),
]


def test_concurrent_claims_make_one_code():
    personas = make_personas()
    org = personas.organisation
    first_inserted = threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                outcomes["first"] = services.claim_code(
                    organisation=org, actor=personas.legal_representative
                )
                first_inserted.set()
                time.sleep(0.5)  # the second claim is now waiting on our index entry
        except Exception as exc:  # pragma: no cover - reported below
            outcomes["first"] = exc
        finally:
            first_inserted.set()
            connections.close_all()

    def second() -> None:
        first_inserted.wait(5)
        try:
            outcomes["second"] = services.claim_code(organisation=org, actor=personas.operator)
        except Exception as exc:
            outcomes["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert isinstance(outcomes["first"], EnterpriseCode)
    assert isinstance(outcomes["second"], CodeAlreadyClaimed)
    assert EnterpriseCode.objects.filter(organisation=org).count() == 1


def test_many_concurrent_claims_make_one_code():
    personas = make_personas()
    org = personas.organisation
    actors = [personas.legal_representative, personas.administrator, personas.operator] * 2
    results = run_together(
        *[functools.partial(services.claim_code, organisation=org, actor=a) for a in actors],
        timeout=10,
    )
    assert sum(isinstance(r, EnterpriseCode) for r in results) == 1
    assert sum(isinstance(r, CodeAlreadyClaimed) for r in results) == len(actors) - 1
    assert EnterpriseCode.objects.filter(organisation=org).count() == 1
