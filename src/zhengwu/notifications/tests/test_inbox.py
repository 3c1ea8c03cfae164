"""消息: every SMS about an account is also a message in the portal (codes and links excepted).

``sms_send`` decides who gets the copy; the worker that takes the message writes it, on the
first claim only (decision 0034). Here the worker is ``sms_deliver`` (what the task runs) or
``sms_relay`` (what ``db_worker`` runs)."""

from __future__ import annotations

import pytest
from django.db import transaction

from zhengwu.accounts.tests.factories import MembershipFactory, UserFactory
from zhengwu.notifications.models import InboxMessage, SmsMessage
from zhengwu.notifications.selectors import inbox_unread_count
from zhengwu.notifications.services import (
    inbox_mark_read,
    sms_deliver,
    sms_relay,
    sms_send,
    verification_code_send,
)
from zhengwu.notifications.services.inbox import inbox_excluded

pytestmark = pytest.mark.django_db


def _taken(message):
    """The worker takes ``message`` (claim, portal copy, gateway)."""
    sms_deliver(message_id=message.pk)
    return message


def _locked_sms(user, *, taken=True):
    message = sms_send(
        mobile=user.mobile,
        template="account.locked",
        params={"username": user.username},
        actor=user,
        subject=user,
    )
    return _taken(message) if taken else message


def test_an_sms_about_an_account_is_a_message_of_that_account():
    user = UserFactory()
    other = UserFactory()
    message = _locked_sms(user)
    (copy,) = InboxMessage.objects.all()
    assert copy.user == user and copy.sms == message
    assert copy.text == message.text and "已被锁定" in copy.text
    assert not copy.is_read
    assert inbox_unread_count(user=user) == 1
    assert inbox_unread_count(user=other) == 0


def test_verification_codes_and_one_time_links_stay_on_the_phone():
    user = UserFactory()
    verification_code_send(mobile=user.mobile, purpose="sign_in")
    _taken(SmsMessage.objects.get())
    assert not InboxMessage.objects.exists()
    assert inbox_excluded("verification_code.sign_in")
    assert inbox_excluded("operator.account_opened")  # carries the activation {link}
    assert inbox_excluded("mandate.signature_requested")
    assert not inbox_excluded("account.locked")


def test_an_organisation_subject_reaches_only_that_unit_s_account_of_the_mobile():
    """One person, two units, one mobile: the SMS about unit A is a message of the A account."""
    a = MembershipFactory(legal_representative=True)
    b = MembershipFactory(legal_representative=True, user__mobile=a.user.mobile)
    _taken(
        sms_send(
            mobile=a.user.mobile,
            template="operator_application.approval_requested",
            params={"applicant": "李四", "organisation": a.organisation.name},
            subject=a.organisation,
        )
    )
    assert list(InboxMessage.objects.values_list("user_id", flat=True)) == [a.user_id]
    assert b.user_id != a.user_id


def test_a_mobile_without_account_gets_no_message_and_staff_none():
    UserFactory(staff=True)
    _taken(
        sms_send(
            mobile="13957109876",
            template="registration.rejected",
            params={"organisation": "某单位", "reason": "材料不清晰"},
        )
    )
    assert not InboxMessage.objects.exists()


def test_a_rolled_back_change_leaves_no_message():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _locked_sms(user, taken=False)
        raise RuntimeError
    assert sms_relay() == 0
    assert not InboxMessage.objects.exists()


def test_mark_read_touches_only_the_owner_s_messages():
    user, other = UserFactory(), UserFactory()
    _locked_sms(user)
    _locked_sms(other)
    theirs = InboxMessage.objects.get(user=other)
    assert inbox_mark_read(user=user, pk=theirs.pk) == 0
    assert inbox_unread_count(user=other) == 1
    assert inbox_mark_read(user=user) == 1
    assert inbox_unread_count(user=user) == 0


def test_a_subject_with_an_account_reaches_that_account_only():
    """An approved operator application: the applicant's account, not the same person's
    account in another unit."""
    from zhengwu.registrations.tests.factories import OperatorApplicationFactory

    applicant = MembershipFactory(operator=True).user
    MembershipFactory(legal_representative=True, user__mobile=applicant.mobile)
    application = OperatorApplicationFactory(user=applicant, mobile=applicant.mobile)
    _taken(
        sms_send(
            mobile=applicant.mobile,
            template="operator_application.approved",
            params={"organisation": "某单位", "username": applicant.username},
            subject=application,
        )
    )
    assert list(InboxMessage.objects.values_list("user_id", flat=True)) == [applicant.pk]


def test_the_copy_waits_for_the_worker_and_is_made_once(settings, frozen):
    """Relayed (the database task backend): the committed message has no copy yet; the
    relay's claim makes it. A retry after a transient failure (…0001) makes no second one."""
    settings.TASKS = {"default": {"BACKEND": "zhengwu.core.tasks.DatabaseBackend"}}
    user = UserFactory(mobile="13812340001")
    message = _locked_sms(user, taken=False)
    assert message.inbox_scope == f"user:{user.pk}"
    assert not InboxMessage.objects.exists()
    assert sms_relay() == 1
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.QUEUED  # the gateway failed once
    assert InboxMessage.objects.filter(user=user, sms=message).count() == 1
    frozen.shift(message.next_attempt_at - message.created_at)
    assert sms_relay() == 1
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT
    assert InboxMessage.objects.filter(sms=message).count() == 1


def test_a_message_the_gateway_refuses_still_has_its_copy():
    """…0000 is an empty number (空号): the SMS fails for good, the portal copy is there."""
    user = UserFactory(mobile="13812340000")
    message = _locked_sms(user)
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.FAILED
    assert InboxMessage.objects.get().user == user


def test_the_scope_is_decided_without_a_query(django_assert_num_queries):
    from zhengwu.notifications.services.inbox import inbox_scope

    member = MembershipFactory(legal_representative=True)
    with django_assert_num_queries(0):
        assert inbox_scope("account.locked", member.user) == f"user:{member.user_id}"
        assert inbox_scope("account.locked", member.organisation) == (
            f"unit:{member.organisation_id}"
        )
        assert inbox_scope("account.locked", member) == f"user:{member.user_id}"
        assert inbox_scope("account.locked", None) == "all"
        assert inbox_scope("account.locked", ("x.y", "1")) == "all"
        assert inbox_scope("verification_code.sign_in", member.user) == ""


@pytest.mark.parametrize("worker", ["relay", "deliver"])
def test_a_copy_that_cannot_be_written_holds_back_neither_its_sms_nor_the_queue(
    settings, monkeypatch, worker
):
    """The first due message's copy fails (a bug): its savepoint rolls back, the failure is
    audited, its SMS goes out, and the message behind it is sent with its copy. Without the
    savepoint the claim rolled back and the relay took the same message first, forever."""
    from zhengwu.audit.models import AuditEvent
    from zhengwu.notifications.services import inbox, outbox

    settings.TASKS = {"default": {"BACKEND": "zhengwu.core.tasks.DatabaseBackend"}}
    first, second = UserFactory(mobile="13812340012"), UserFactory(mobile="13812340013")
    broken, fine = _locked_sms(first, taken=False), _locked_sms(second, taken=False)

    def copy(*, message):
        if message.pk == broken.pk:
            InboxMessage.objects.create(user=first, sms=message, text="半条", template_code="x")
            raise RuntimeError("a bug in the copy")
        return inbox.inbox_copy(message=message)

    monkeypatch.setattr(outbox, "inbox_copy", copy)
    if worker == "relay":
        assert sms_relay() == 2
    else:
        for message in (broken, fine):
            sms_deliver(message_id=message.pk)
    for message in (broken, fine):
        message.refresh_from_db()
        assert message.status == SmsMessage.Status.SENT
    assert list(InboxMessage.objects.values_list("sms_id", flat=True)) == [fine.pk]
    event = AuditEvent.objects.get(event_type="sms.copy_failed")
    assert event.subject_id == str(broken.pk)
    assert event.outcome == AuditEvent.Outcome.FAILURE
    assert event.after == {"error": "RuntimeError", "scope": f"user:{first.pk}"}
