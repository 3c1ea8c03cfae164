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
