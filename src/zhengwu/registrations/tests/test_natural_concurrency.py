"""REG-11 under concurrency: two simultaneous natural-person registrations with one mobile;
the claim table's unique constraint lets one win, the other gets 该手机号已注册个人账号.

Real threads with their own connections, PostgreSQL only (the in-memory SQLite test
database cannot make writers wait).
"""

import datetime
import threading

import pytest
from django.db import connection, connections

from zhengwu.accounts.models import MobileClaim
from zhengwu.accounts.tests.factories import PASSWORD, resident_id
from zhengwu.core.errors import ValidationFailed
from zhengwu.registrations.models import NaturalPersonDraft
from zhengwu.registrations.models.natural import NATURAL_PERSON_CLAIM_KEY
from zhengwu.registrations.natural import services

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL"),
]


def test_two_simultaneous_registrations_with_one_mobile_one_wins(monkeypatch):
    """Both pass the early check; the database decides; the loser gets the message."""
    # The SMS code is not what is raced here (each person would have a valid code).
    monkeypatch.setattr(services, "verification_code_check", lambda **kwargs: None)
    barrier = threading.Barrier(2)
    results: list[object] = []
    real_check = services._mobile_free_or_mine

    def early_check_then_wait(**kwargs):
        real_check(**kwargs)
        barrier.wait()  # both threads are past the early check before either claims

    monkeypatch.setattr(services, "_mobile_free_or_mine", early_check_then_wait)

    def run(n):
        try:
            results.append(
                services.natural_registration_submit(
                    id_type="resident_id",
                    real_name=f"并发{n}",
                    id_number=resident_id(900 + n),
                    valid_from=datetime.date(2020, 1, 1),
                    valid_until=None,
                    long_term=True,
                    region="330106",
                    mobile="13957166666",
                    sms_code="1",
                    password=PASSWORD,
                    password_confirm=PASSWORD,
                    agreement_accepted=True,
                )
            )
        except Exception as exc:  # collected for the assertion
            results.append(exc)
        finally:
            connections.close_all()  # the audit alias too

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    won = [r for r in results if isinstance(r, NaturalPersonDraft)]
    lost = [r for r in results if isinstance(r, ValidationFailed)]
    assert (len(won), len(lost)) == (1, 1), results
    assert lost[0].code == "mobile.taken" and lost[0].field == "mobile"
    claim = MobileClaim.objects.get(organisation_key=NATURAL_PERSON_CLAIM_KEY)
    assert claim.holder == won[0].claim_holder
    assert NaturalPersonDraft.objects.count() == 1  # the loser's draft was rolled back
