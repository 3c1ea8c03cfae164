"""The append-only audit log (ACC-8)."""

import pytest
from django.db import DatabaseError, connection, transaction

from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import flush_pending, record_event


@pytest.mark.django_db
def test_event_records_actor_subject_and_request(rf, django_user_model):
    """An event carries type, actor, subject, before/after, IP and request id."""
    user = django_user_model.objects.create_user("clerk", password="x")
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.request_id = "req-12345678"
    request.user = user
    event = record_event(
        "account.changed", subject=user, before={"a": 1}, after={"a": 2}, request=request
    )
    event.refresh_from_db()
    assert (event.actor_id, event.actor_label) == (user.pk, "clerk")
    assert (event.subject_type, event.subject_id) == ("accounts.user", str(user.pk))
    assert (event.ip, event.request_id) == ("10.1.2.3", "req-12345678")
    assert (event.before, event.after) == ({"a": 1}, {"a": 2})


@pytest.mark.django_db
def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = record_event("x.y", actor="system")
    event.event_type = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(event_type="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_database_refuses_update_on_postgresql():
    """On PostgreSQL a trigger refuses UPDATE/DELETE even in raw SQL."""
    if connection.vendor != "postgresql":
        pytest.skip("trigger exists on PostgreSQL only (see migration 0002)")
    record_event("x.y", actor="system")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET event_type = 'forged'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_durable_failure_survives_rollback():
    """A failure recorded inside a transaction that rolls back is still in the log."""
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event("auth.login_failed", actor="someone", outcome="failure", durable=True)
        record_event("ordinary.change", actor="someone")
        raise RuntimeError("request failed")
    flush_pending()  # the end-of-request hook (no-op on PostgreSQL)
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert "auth.login_failed" in types
    assert "ordinary.change" not in types


@pytest.mark.django_db
def test_request_middleware_sets_request_id_header(client):
    response = client.get("/", HTTP_X_REQUEST_ID="abcdef123456")
    assert response["X-Request-ID"] == "abcdef123456"
    response = client.get("/", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_admin_is_read_only(admin_client):
    event = record_event("x.y", actor="system")
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    resp = admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_the_prepared_insert_stores_what_the_orm_would(rf):
    """``record_event`` writes with an INSERT built once (audit.services._insert): every
    field reads back as an ORM ``save`` of the same event stores it — Chinese JSON, an IPv6
    address, the organisation, the time — and the row is a normal, append-only event."""
    request = rf.get("/", REMOTE_ADDR="2001:db8::1")
    request.request_id = "req-prepared"
    fast = record_event(
        "prepared.insert",
        actor="系统",
        subject=("registrations.registrationdraft", "f" * 32),
        before=None,
        after={"名称": "杭州测试有限公司", "n": [1, 2.5, None]},
        outcome=AuditEvent.Outcome.FAILURE,
        organisation=42,
        request=request,
    )
    assert fast.pk is not None and not fast._state.adding
    orm = AuditEvent(
        event_type="prepared.insert",
        outcome=AuditEvent.Outcome.FAILURE,
        actor_label="系统",
        subject_type="registrations.registrationdraft",
        subject_id="f" * 32,
        organisation_id=42,
        after={"名称": "杭州测试有限公司", "n": [1, 2.5, None]},
        ip="2001:db8::1",
        request_id="req-prepared",
        created_at=fast.created_at,
    )
    orm.save()
    fields = [f.attname for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    stored = AuditEvent.objects.values(*fields)
    assert stored.get(pk=fast.pk) == stored.get(pk=orm.pk)
    with pytest.raises(PermissionError):
        fast.save()


def _statements(run):  # type: ignore[no-untyped-def]
    """The SQL statements ``run()`` sends on the default connection."""
    sent: list[str] = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        run()
    return sent


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_relaxed_event_alone_commits_without_waiting_for_the_flush():
    """Decision 0028: the event of a request that changes nothing else (``relaxed=True``) is
    its own transaction, committed with ``synchronous_commit`` off for that transaction only;
    the session's setting is untouched afterwards, and the row is there."""
    assert _synchronous_commit() == "on"
    sent = _statements(lambda: record_event("lookup.viewed", actor="system", relaxed=True))
    (insert,) = [sql for sql in sent if "INSERT" in sql]
    assert "set_config('synchronous_commit', 'off', true)" in insert
    assert _synchronous_commit() == "on"
    assert AuditEvent.objects.filter(event_type="lookup.viewed").count() == 1
    # An ordinary event keeps the flush.
    sent = _statements(lambda: record_event("lookup.changed", actor="system"))
    assert not any("synchronous_commit" in sql for sql in sent)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_relaxed_event_inside_a_transaction_leaves_its_commit_alone():
    """Inside the caller's transaction ``relaxed`` is ignored: relaxing there would make the
    caller's own changes commit without the flush."""
    with transaction.atomic():
        sent = _statements(lambda: record_event("lookup.viewed", actor="system", relaxed=True))
        assert _synchronous_commit() == "on"
    assert not any("synchronous_commit" in sql for sql in sent)
    assert AuditEvent.objects.filter(event_type="lookup.viewed").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["²", "４２"])
def test_an_organisation_typed_in_other_digits_is_looked_up_as_a_code(typed):
    """``"²"`` passes ``str.isdigit`` and made ``int()`` raise in the back office's search."""
    from zhengwu.audit.selectors import _organisation_ids

    assert _organisation_ids(typed) == []
