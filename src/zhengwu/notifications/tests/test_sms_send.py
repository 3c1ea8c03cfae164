"""sms_send: the outbox row is written in the caller's transaction and delivered after commit."""

import pytest
from django.db import connection, transaction

from zhengwu.audit.models import AuditEvent
from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import ValidationFailed
from zhengwu.notifications.errors import TemplateParamMissing
from zhengwu.notifications.models import SmsMessage
from zhengwu.notifications.services import sms_send

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
PARAMS = {"organisation": "杭州甲乙科技有限公司", "reason": "材料不清晰"}


def _send(**kwargs):
    return sms_send(
        mobile=kwargs.pop("mobile", MOBILE),
        template=kwargs.pop("template", "operator_application.rejected"),
        params=kwargs.pop("params", PARAMS),
        **kwargs,
    )


def test_send_queues_and_delivers_only_after_commit(django_capture_on_commit_callbacks, delivered):
    """The row is queued at once; the gateway is called by the task after commit, not before."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = _send()
        assert SmsMessage.objects.get().status == SmsMessage.Status.QUEUED
        assert delivered() == []
    assert len(callbacks) == 1 and delivered() == []
    callbacks[0]()
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT
    assert message.attempts == 1 and message.sent_at and message.provider_message_id
    assert delivered() == [
        "【政务服务网】您申请成为杭州甲乙科技有限公司经办人的申请未通过，原因：材料不清晰。"
    ]


def test_nothing_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, delivered
):
    """A rolled-back change leaves no outbox row and sends nothing."""
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _send()
        raise RuntimeError("the approval failed")
    assert callbacks == []
    assert not SmsMessage.objects.exists()
    assert delivered() == []


def test_invalid_mobile_is_refused_before_anything_is_written():
    """A landline or a short number fails on the field ``mobile`` with the identifier's code."""
    with pytest.raises(ValidationFailed) as exc:
        _send(mobile="0571-87654321")
    assert (exc.value.field, exc.value.code) == ("mobile", "mobile.landline")
    with pytest.raises(ValidationFailed) as exc:
        _send(mobile="1381234")
    assert exc.value.code == "mobile.length" and "手机号码" in exc.value.message
    assert not SmsMessage.objects.exists()


def test_missing_parameter_is_refused_before_anything_is_written():
    """A template parameter left out fails naming it; no row is written."""
    with pytest.raises(TemplateParamMissing) as exc:
        _send(params={"organisation": "甲公司"})
    assert exc.value.field == "reason"
    assert not SmsMessage.objects.exists()


def test_mobile_is_normalised_and_indexed(django_capture_on_commit_callbacks):
    """+86 and separators are removed; the blind index finds the message by mobile."""
    with django_capture_on_commit_callbacks(execute=True):
        message = _send(mobile="+86 138-1234-5678")
    assert message.mobile == MOBILE
    assert SmsMessage.objects.get(mobile_hash=blind_index(MOBILE, purpose="mobile")) == message


def test_subject_actor_and_request_are_recorded(
    django_user_model, django_capture_on_commit_callbacks, rf
):
    """The message links to what it is about, who caused it and the request that queued it,
    whose own audit events carry the same id; it writes no audit event of its own (decision
    0035). Its outcome is audited, masked."""
    from zhengwu.core import context

    reviewer = django_user_model.objects.create_user("reviewer1", password="x")
    request = rf.post("/")
    request.request_id = "5f0c" * 8
    bound = context.bind(request)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            message = _send(actor=reviewer, subject=("registrations.application", 42))
    finally:
        context.unbind(bound)
    assert (message.subject_type, message.subject_id, message.actor_label) == (
        "registrations.application",
        "42",
        "reviewer1",
    )
    message.refresh_from_db()
    assert message.request_id == "5f0c" * 8
    assert not AuditEvent.objects.filter(event_type="sms.queued").exists()
    sent = AuditEvent.objects.get(event_type="sms.sent")
    assert sent.after["mobile"] == "138****5678"
    assert _send().request_id == ""  # queued outside a request (a command, the worker)


def test_no_clear_mobile_or_text_in_the_database(django_capture_on_commit_callbacks):
    """Raw SQL on the outbox and the audit log finds neither the number nor the text (ACC-7)."""
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile, mobile_hash, text FROM notifications_smsmessage")
        rows = cursor.fetchall()
        cursor.execute("SELECT after FROM audit_auditevent")
        rows += cursor.fetchall()
    dump = repr(rows)
    assert MOBILE not in dump
    assert "材料不清晰" not in dump and "杭州甲乙" not in dump
