"""The workflow transition helper: legal moves, history, audit, on-commit effects."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import IllegalTransition
from zhengwu.core.models import Transition
from zhengwu.core.tests.testapp.models import Case
from zhengwu.core.workflow import history, transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return get_user_model().objects.create_user("reviewer1", password="x")


def test_legal_move_updates_state_history_and_audit(reviewer):
    """draft → submitted writes the state, one history row and one audit event."""
    case = Case.objects.create()
    transition(case, Case.Status.SUBMITTED, actor=reviewer, reason="首次提交")
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED
    row = history(case).get()
    assert (row.from_state, row.to_state, row.actor, row.reason) == (
        "draft",
        "submitted",
        reviewer,
        "首次提交",
    )
    event = AuditEvent.objects.get(event_type="core_testapp.case.submitted")
    assert event.actor_id == reviewer.pk
    assert event.before == {"status": "draft"}
    assert event.subject_id == str(case.pk)


def test_illegal_move_is_refused_naming_the_current_state(reviewer):
    """draft → approved is not in the mapping: nothing changes, the error names 草稿."""
    case = Case.objects.create()
    with pytest.raises(IllegalTransition) as exc:
        transition(case, Case.Status.APPROVED, actor=reviewer)
    assert "草稿" in exc.value.message and "通过" in exc.value.message
    assert exc.value.code == "illegal_transition"
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT
    assert not Transition.objects.exists()
    assert not AuditEvent.objects.exists()


def test_stale_object_cannot_repeat_a_move(reviewer):
    """Two reviewers holding the same submitted case: the second decision is refused."""
    case = Case.objects.create(status=Case.Status.SUBMITTED)
    stale = Case.objects.get(pk=case.pk)
    transition(case, Case.Status.APPROVED, actor=reviewer)
    with pytest.raises(IllegalTransition):
        transition(stale, Case.Status.REJECTED, actor=reviewer)
    assert Case.objects.get(pk=case.pk).status == Case.Status.APPROVED
    assert history(case).count() == 1


def test_extra_changes_are_written_in_the_same_update(reviewer):
    from django.utils import timezone

    now = timezone.now()
    case = Case.objects.create(status=Case.Status.SUBMITTED)
    transition(case, Case.Status.APPROVED, actor=reviewer, changes={"decided_at": now})
    assert Case.objects.get(pk=case.pk).decided_at == now


def test_side_effects_run_only_after_commit(reviewer, django_capture_on_commit_callbacks):
    """Effects are registered with on_commit: not run before commit, run after."""
    case = Case.objects.create()
    sent = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition(case, Case.Status.SUBMITTED, actor=reviewer, on_commit=lambda: sent.append(1))
        assert sent == []
    assert len(callbacks) == 1
    assert sent == [1]


def test_rolled_back_transition_leaves_nothing(reviewer, django_capture_on_commit_callbacks):
    """If the surrounding transaction fails, state, history, audit and effects all vanish."""
    case = Case.objects.create()
    sent = []
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        transition(case, Case.Status.SUBMITTED, actor=reviewer, on_commit=lambda: sent.append(1))
        raise RuntimeError("boom")
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT
    assert not Transition.objects.exists()
    assert not AuditEvent.objects.exists()
    assert sent == []


def test_system_actor_label(reviewer):
    """Scheduled jobs pass a label instead of a user."""
    case = Case.objects.create()
    transition(case, Case.Status.SUBMITTED, actor="system")
    row = history(case).get()
    assert row.actor is None and row.actor_label == "system"


def test_no_savepoint_inside_the_caller_s_transaction(reviewer):
    """Inside a transaction the move adds no SAVEPOINT/RELEASE round trips of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = Case.objects.create()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        transition(case, Case.Status.SUBMITTED, actor=reviewer)
    assert not [q["sql"] for q in queries.captured_queries if "SAVEPOINT" in q["sql"]]
    assert history(case).count() == 1


def test_a_refused_move_leaves_the_caller_s_transaction_usable(reviewer):
    """Refusals come before any write: a caller that catches one carries on and commits."""
    case = Case.objects.create()
    with transaction.atomic():
        with pytest.raises(IllegalTransition):
            transition(case, Case.Status.APPROVED, actor=reviewer)
        transition(case, Case.Status.SUBMITTED, actor=reviewer)
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED
    assert list(history(case).values_list("to_state", flat=True)) == ["submitted"]


def test_a_failed_write_rolls_back_the_caller_s_transaction(reviewer):
    """Without a savepoint of its own, a database error in the move's writes leaves the
    caller's transaction to roll back as a whole (nothing half-written survives)."""
    from django.db import IntegrityError

    case = Case.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(decided_at=None)
        transition(case, Case.Status.SUBMITTED, actor=reviewer, changes={"status": None})
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT and not history(case).exists()
