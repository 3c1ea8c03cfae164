"""Journey 6 under concurrency: two reviewers decide the same case at the same moment; one
decision wins, the other is refused by the transition helper (PostgreSQL row locks)."""

import pytest
from django.db import connection

from zhengwu.core.errors import IllegalTransition
from zhengwu.core.testing import run_together
from zhengwu.core.workflow import history
from zhengwu.registrations.manual import reviews as review_services
from zhengwu.registrations.models import ManualVerification
from zhengwu.reviews.tests.factories import ManualVerificationFactory, make_reviewer

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL"),
]


def test_two_reviewers_deciding_at_once_one_wins():
    """Approve and reject race: exactly one transition row, the loser names the state."""
    case = ManualVerificationFactory()
    reviewers = [make_reviewer(username=f"rev_{n}") for n in range(2)]

    def approve():
        mine = ManualVerification.objects.get(pk=case.pk)
        return review_services.manual_verification_approve(case=mine, actor=reviewers[0])

    def reject():
        mine = ManualVerification.objects.get(pk=case.pk)
        return review_services.manual_verification_reject(
            case=mine, actor=reviewers[1], reason_code="no_stamp"
        )

    results = run_together(approve, reject)
    won = [r for r in results if isinstance(r, ManualVerification)]
    lost = [r for r in results if isinstance(r, IllegalTransition)]
    assert (len(won), len(lost)) == (1, 1), results
    # The submission row the factory writes, then exactly one decision.
    assert history(case).exclude(from_state="").count() == 1
