"""SQL built once (``core.sqlcache``): the same rows as the ORM, without rebuilding the SQL."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import CharField, Count, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.db.models.signals import pre_save
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from zhengwu.core import sqlcache
from zhengwu.core.models import Transition
from zhengwu.core.sqlcache import CompiledQuery
from zhengwu.core.tests.testapp.models import Case

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _history(case: Case, state: str = "submitted") -> Transition:
    return Transition.objects.create(
        subject_type="core_testapp.case",
        subject_id=str(case.pk),
        from_state="draft",
        to_state=state,
    )


def test_a_compiled_query_gives_the_orm_s_objects_with_their_annotations():
    user = get_user_model().objects.create_user("actor1", password="x")
    cases = [Case.objects.create() for _ in range(3)]
    _history(cases[1])
    _history(cases[1], "approved")
    Transition.objects.filter(subject_id=str(cases[1].pk)).update(actor=user)
    builds = []

    def build(pk: int, subject_type: str):
        builds.append(pk)
        moves = Transition.objects.filter(
            subject_type=subject_type, subject_id=Cast(OuterRef("pk"), CharField())
        )
        return Case._default_manager.annotate(
            moves=Subquery(moves.values("subject_id").annotate(n=Count("pk")).values("n")[:1]),
            last_state=Subquery(moves.order_by("-id").values("to_state")[:1]),
        ).filter(pk=pk)

    query = CompiledQuery(build, pk=int, subject_type=str)
    for case in cases:
        expected = build(case.pk, "core_testapp.case").get()
        with CaptureQueriesContext(connection) as queries:
            found = query.first(pk=case.pk, subject_type="core_testapp.case")
        assert len(queries) == 1
        assert (found.pk, found.status, found.moves, found.last_state) == (
            expected.pk,
            expected.status,
            expected.moves,
            expected.last_state,
        )
        assert found._state.db == "default" and not found._state.adding
    assert len(builds) == 1 + len(cases)  # compiled once; the other builds are the ORM's
    assert query.first(pk=cases[-1].pk + 100, subject_type="core_testapp.case") is None


def test_related_objects_and_values_lists():
    user = get_user_model().objects.create_user("actor2", password="x", first_name="张")
    case = Case.objects.create()
    Transition.objects.create(
        subject_type="core_testapp.case", subject_id=str(case.pk), to_state="x", actor=user
    )
    rows = CompiledQuery(
        lambda sid: Transition.objects.select_related("actor").filter(subject_id=sid), sid=str
    )
    (row,) = rows.rows(sid=str(case.pk))
    with CaptureQueriesContext(connection) as queries:
        assert row.actor.first_name == "张"  # joined, no second read
    assert not queries
    values = CompiledQuery(
        lambda sid: Transition.objects.filter(subject_id=sid).values_list("to_state", "actor_id"),
        sid=str,
    )
    assert values.rows(sid=str(case.pk)) == [("x", user.pk)]
    assert values.rows(sid="nothing") == []


def test_a_value_the_orm_transforms_is_not_cached_and_still_right():
    """``contains`` sends ``%value%``: the stand-in is not found, the ORM runs every time."""
    case = Case.objects.create()
    Transition.objects.create(subject_type="a", subject_id=str(case.pk), reason="首次提交材料")
    query = CompiledQuery(
        lambda text: Transition.objects.filter(reason__contains=text).values_list("reason"),
        text=str,
    )
    assert query.rows(text="提交") == [("首次提交材料",)]
    assert query.rows(text="补正") == []
    assert query.sql(text="提交") is None


def test_a_locking_read_needs_a_transaction():
    case = Case.objects.create()
    query = CompiledQuery(
        lambda pk: Case.objects.select_for_update().filter(pk=pk).values_list("status"), pk=int
    )
    with transaction.atomic():
        assert query.rows(pk=case.pk) == [("draft",)]
    connection.in_atomic_block, saved = False, connection.in_atomic_block  # as in autocommit
    try:
        with pytest.raises(TransactionManagementError):
            query.rows(pk=case.pk)
    finally:
        connection.in_atomic_block = saved


def test_insert_writes_what_save_would():
    row = sqlcache.insert(Transition(subject_type="t", subject_id="1", to_state="s"))
    assert row.pk is not None and not row._state.adding
    saved = Transition.objects.get(pk=row.pk)
    assert saved.at == row.at and saved.at is not None  # the field default, kept on the object
    assert (saved.subject_type, saved.to_state, saved.actor_id) == ("t", "s", None)


def test_insert_leaves_models_with_save_receivers_to_the_orm():
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.to_state)

    pre_save.connect(receiver, sender=Transition)
    try:
        sqlcache.insert(Transition(subject_type="t", subject_id="1", to_state="with"))
        sqlcache.insert(
            Transition(subject_type="t", subject_id="1", to_state="without"), signals=False
        )
    finally:
        pre_save.disconnect(receiver, sender=Transition)
    assert seen == ["with"]
    assert Transition.objects.filter(to_state__in=["with", "without"]).count() == 2


def test_update_is_the_orm_s_conditional_update():
    case = Case.objects.create()
    assert sqlcache.update(Case, case.pk, {"status": "submitted"}, where={"status": "x"}) == 0
    assert sqlcache.update(Case, case.pk, {"status": "submitted"}, where={"status": "draft"}) == 1
    case.refresh_from_db()
    assert case.status == "submitted"
    # expressions go through the ORM
    assert sqlcache.update(Case, case.pk, {"status": F("status")}) == 1


@on_postgresql
def test_compiled_statements_are_prepared_on_postgresql(settings):
    settings.ZHENGWU_DB_PREPARED_STATEMENTS = True
    case = Case.objects.create()
    query = CompiledQuery(lambda pk: Case.objects.filter(pk=pk).values_list("status"), pk=int)
    assert query.rows(pk=case.pk) == [("draft",)]
    sql, _params = query.sql(pk=case.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(statement.startswith(sql.split(" WHERE ")[0]) for statement in prepared), prepared


# --- combined writes (one statement of data-modifying CTEs, PostgreSQL) -------------------------


def test_combined_writes_are_not_offered_on_other_databases():
    assert sqlcache.combinable() is (connection.vendor == "postgresql")


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_combined_writes_are_one_statement_with_the_ids_of_earlier_rows():
    """A transition (UPDATE, history, audit) and rows naming the id of a row of the same
    statement (as an id, as text, inside JSON): one statement, no BEGIN/COMMIT, each object
    with its real id afterwards, and callbacks only once it has run."""
    from zhengwu.audit.models import AuditEvent
    from zhengwu.audit.services import record_event
    from zhengwu.core.workflow import transition

    case = Case.objects.create()
    ran = []
    with CaptureQueriesContext(connection) as queries, sqlcache.combined():
        transition(case, "submitted", actor="system", on_commit=lambda: ran.append("commit"))
        first = sqlcache.insert(Transition(subject_type="t", subject_id="1", to_state="a"))
        second = sqlcache.insert(
            Transition(subject_type="t", subject_id=str(first.pk), to_state="b")
        )
        event = record_event("test.combined", subject=first, after={"id": first.pk})
        sqlcache.after_write("default", lambda: ran.append("written"))
        assert ran == [] and case.status == "submitted"
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1 and "WITH w0 AS (UPDATE" in statements[0], statements
    assert ran == ["commit", "written"]  # in the order registered, after the statement
    case.refresh_from_db()
    assert case.status == "submitted"
    assert Transition.objects.get(pk=second.pk).subject_id == str(first.pk)
    saved = AuditEvent.objects.get(pk=event.pk)
    assert (saved.subject_id, saved.after) == (str(first.pk), {"id": first.pk})
    assert AuditEvent.objects.filter(event_type="core_testapp.case.submitted").count() == 1
    assert Transition.objects.filter(subject_id=str(case.pk), to_state="submitted").count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_combined_block_whose_update_matches_nothing_writes_nothing():
    from zhengwu.core.workflow import transition

    case = Case.objects.create()
    Case.objects.filter(pk=case.pk).update(status="submitted")  # changed since it was read
    ran = []
    with pytest.raises(sqlcache.NotCombined), sqlcache.combined():
        transition(case, "submitted", actor="system", on_commit=lambda: ran.append(1))
        row = sqlcache.insert(Transition(subject_type="t", subject_id="1", to_state="x"))
    assert case.status == "draft" and row.pk is None and row._state.adding  # as before
    assert ran == [] and not Transition.objects.exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_statement_run_inside_a_combined_block_is_refused_before_anything_is_written():
    case = Case.objects.create()
    with pytest.raises(sqlcache.NotCombined), sqlcache.combined():
        sqlcache.insert(Transition(subject_type="t", subject_id="1", to_state="x"))
        Case.objects.filter(pk=case.pk).update(status="approved")  # would write at once
    assert not Transition.objects.exists()
    case.refresh_from_db()
    assert case.status == "draft"


@on_postgresql
def test_a_failing_combined_statement_leaves_the_caller_s_transaction_usable():
    """Inside a transaction the statement runs in a savepoint, as ``atomic()`` would."""
    from django.db import IntegrityError

    case = Case.objects.create()
    with pytest.raises(IntegrityError), sqlcache.combined():
        sqlcache.update(Case, case.pk, {"status": "submitted"}, where={"status": "draft"})
        sqlcache.insert(Transition(subject_type="t", subject_id="1", to_state=None))
    assert Case.objects.get(pk=case.pk).status == "draft"


def test_db_value_is_django_s_conversion():
    """The shortcut for plain values gives what ``get_db_prep_save`` gives, and leaves every
    other field (an encrypted one, JSON, dates) and every other value to Django."""
    import datetime

    from django.core.exceptions import ValidationError

    from zhengwu.accounts.models import Organisation
    from zhengwu.audit.models import AuditEvent
    from zhengwu.notifications.models import SmsMessage

    values = [
        None,
        "",
        "文本",
        0,
        7,
        True,
        False,
        1.5,
        {"a": [1]},
        datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC),
        datetime.datetime(2026, 1, 2, 8, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
        "127.0.0.1",
        "2001:db8::1",
        "::ffff:10.0.0.1",
    ]
    for model in (Transition, AuditEvent, SmsMessage, Organisation):
        for field in model._meta.concrete_fields:
            for value in values:
                try:
                    expected = field.get_db_prep_save(value, connection)
                except (TypeError, ValueError, AttributeError, ValidationError):
                    continue
                found = sqlcache.db_value(field, value, connection)
                assert type(found) is type(expected), (model, field.name, value)
                if field._zw_value_kind:  # the shortcut (the rest is Django's own call)
                    assert found == expected, (model, field.name, value)
    kinds = {f._zw_value_kind for m in (Transition, AuditEvent) for f in m._meta.concrete_fields}
    assert {1, 2, 4, 5, 6} <= kinds  # text, keys, integers, times, addresses: the shortcut
    encrypted = Organisation._meta.get_field("legal_rep_id_number")
    assert sqlcache.db_value(encrypted, "110101199003074258", connection) != "110101199003074258"


def test_db_value_keeps_an_address_s_conversion_per_field_kind():
    """The kept conversion of an IP address is the field's own: ``unpack_ipv4`` is part of
    it, and a second call gives the same value as Django's."""
    from django.db import models

    plain = models.GenericIPAddressField(null=True)
    unpacking = models.GenericIPAddressField(null=True, unpack_ipv4=True)
    for field in (plain, unpacking, plain, unpacking):
        for value in ("::ffff:10.0.0.1", "10.0.0.2", "", None):
            expected = field.get_db_prep_save(value, connection)
            found = sqlcache.db_value(field, value, connection)
            assert type(found) is type(expected) and found == expected, (field, value)
    assert str(sqlcache.db_value(unpacking, "::ffff:10.0.0.1", connection)) == "10.0.0.1"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_combined_block_inside_another_is_refused():
    with pytest.raises(sqlcache.NotCombined), sqlcache.combined():
        sqlcache.insert(Transition(subject_type="t", subject_id="1", to_state="outer"))
        with sqlcache.combined():
            pass  # pragma: no cover
    assert not Transition.objects.exists()
    assert sqlcache.combining("default") is None and sqlcache.combinable()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_json_value_holding_two_new_ids_gets_both():
    from zhengwu.audit.models import AuditEvent
    from zhengwu.audit.services import record_event

    case = Case.objects.create()
    with sqlcache.combined():
        sqlcache.update(Case, case.pk, {"status": "submitted"}, where={"status": "draft"})
        first = sqlcache.insert(Transition(subject_type="t", subject_id="1", to_state="a"))
        second = sqlcache.insert(Transition(subject_type="t", subject_id="2", to_state="b"))
        event = record_event("test.combined", after={"ids": [first.pk, second.pk]})
    assert first.pk < sqlcache._INT_BASE and second.pk < sqlcache._INT_BASE
    assert AuditEvent.objects.get(pk=event.pk).after == {"ids": [first.pk, second.pk]}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_typed_value_is_never_taken_for_a_new_id():
    """Stand-ins start at a random point of their range: a 19-digit number a person typed
    (here the one a fixed base would give the block's second row) is written as typed."""
    from zhengwu.audit.models import AuditEvent
    from zhengwu.audit.services import record_event

    case = Case.objects.create()
    typed = str(sqlcache._INT_BASE + 1)
    with sqlcache.combined():
        sqlcache.update(Case, case.pk, {"status": "submitted"}, where={"status": "draft"})
        first = sqlcache.insert(Transition(subject_type="t", subject_id="1", to_state="a"))
        second = sqlcache.insert(Transition(subject_type="t", subject_id=typed, to_state="b"))
        event = record_event("test.typed", after={"typed": int(typed), "text": typed})
    assert Transition.objects.get(pk=second.pk).subject_id == typed
    assert AuditEvent.objects.get(pk=event.pk).after == {"typed": int(typed), "text": typed}
    assert first.pk != int(typed)
