"""REG-8 under concurrency: two simultaneous step-2 submissions with the same mobile in the
same organisation; one wins, the other gets 同一企业/组织下的账号绑定的手机号不可重复.

Real threads with their own connections, PostgreSQL only (as notifications/test_concurrency:
the in-memory SQLite test database cannot make writers wait).
"""

import functools

import pytest
from django.db import connection

from zhengwu.accounts.errors import MobileTaken
from zhengwu.accounts.models import MobileClaim
from zhengwu.core.testing import run_together
from zhengwu.registrations.models import RegistrationDraft
from zhengwu.registrations.tests.conftest import step1_data, step2_data
from zhengwu.registrations.wizard import draft_store, selectors, services

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL"),
]


def _submit_together(submissions: list[tuple[object, dict]]) -> list[object]:
    """Each (draft, step-2 data) submitted in its own thread, released at the same moment;
    the results (drafts or exceptions) in completion order."""
    return run_together(
        *[
            functools.partial(services.registration_user_submit, draft=draft, sms_code="1", **data)
            for draft, data in submissions
        ]
    )


def test_two_simultaneous_applications_with_one_mobile_one_wins(entity, monkeypatch):
    """The unique constraint on (organisation, mobile) decides; the loser gets the seed text."""
    # The SMS code is not what is raced here (each wizard would have its own valid code).
    monkeypatch.setattr(services, "verification_code_check", lambda **kwargs: None)
    submissions = [
        (
            services.registration_start(**step1_data(entity)),
            step2_data(
                entity, as_legal_rep=False, username=f"racer_{n}", operator_id_number=number
            ),
        )
        for n, number in enumerate(["330106198501011231", "11010519491231002X"])
    ]
    results = _submit_together(submissions)
    won = [r for r in results if isinstance(r, RegistrationDraft)]
    lost = [r for r in results if isinstance(r, MobileTaken)]
    assert (len(won), len(lost)) == (1, 1), results
    assert lost[0].message == "同一企业/组织下的账号绑定的手机号不可重复"
    assert MobileClaim.objects.get().holder == won[0].claim_holder


def test_two_simultaneous_first_submissions_of_one_token_write_one_row(entity, monkeypatch):
    """A step-1 draft lives in its token (draft_store); two step-2 submissions of it at once
    (a double tap): the primary key lets one INSERT, the other continues under the row lock
    as a resubmission; nothing fails and one row remains."""
    monkeypatch.setattr(services, "verification_code_check", lambda **kwargs: None)
    draft = services.registration_start(**step1_data(entity))
    assert not RegistrationDraft.objects.exists()
    token = draft_store.seal(draft)
    results = _submit_together(
        [
            (selectors.draft_get(draft_id=draft.pk, token=token), step2_data(entity, username=name))
            for name in ("double_0", "double_1")
        ]
    )
    assert all(isinstance(r, RegistrationDraft) for r in results), results
    row = RegistrationDraft.objects.get()
    assert row.pk == draft.pk and row.step == "face"
    assert row.username in {"double_0", "double_1"}
