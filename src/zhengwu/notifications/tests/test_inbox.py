"""消息: every SMS about an account is also a message in the portal (codes and links excepted)."""

from __future__ import annotations

import pytest
from django.db import transaction

from zhengwu.accounts.tests.factories import MembershipFactory, UserFactory
from zhengwu.notifications.models import InboxMessage
from zhengwu.notifications.selectors import inbox_unread_count
from zhengwu.notifications.services import inbox_mark_read, sms_send, verification_code_send
from zhengwu.notifications.services.inbox import inbox_excluded

pytestmark = pytest.mark.django_db


def _locked_sms(user):
    return sms_send(
        mobile=user.mobile,
        template="account.locked",
        params={"username": user.username},
        actor=user,
        subject=user,
    )


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
    assert not InboxMessage.objects.exists()
    assert inbox_excluded("verification_code.sign_in")
    assert inbox_excluded("operator.account_opened")  # carries the activation {link}
    assert inbox_excluded("mandate.signature_requested")
    assert not inbox_excluded("account.locked")


def test_an_organisation_subject_reaches_only_that_unit_s_account_of_the_mobile():
    """One person, two units, one mobile: the SMS about unit A is a message of the A account."""
    a = MembershipFactory(legal_representative=True)
    b = MembershipFactory(legal_representative=True, user__mobile=a.user.mobile)
    sms_send(
        mobile=a.user.mobile,
        template="operator_application.approval_requested",
        params={"applicant": "李四", "organisation": a.organisation.name},
        subject=a.organisation,
    )
    assert list(InboxMessage.objects.values_list("user_id", flat=True)) == [a.user_id]
    assert b.user_id != a.user_id


def test_a_mobile_without_account_gets_no_message_and_staff_none():
    UserFactory(staff=True)
    sms_send(
        mobile="13957109876",
        template="registration.rejected",
        params={"organisation": "某单位", "reason": "材料不清晰"},
    )
    assert not InboxMessage.objects.exists()


def test_a_rolled_back_change_leaves_no_message():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _locked_sms(user)
        raise RuntimeError
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
    sms_send(
        mobile=applicant.mobile,
        template="operator_application.approved",
        params={"organisation": "某单位", "username": applicant.username},
        subject=application,
    )
    assert list(InboxMessage.objects.values_list("user_id", flat=True)) == [applicant.pk]


@pytest.mark.parametrize("combined", [False, True])
@pytest.mark.django_db(transaction=True)
def test_copies_not_asked_for_are_written_all_the_same(combined):
    """``inbox_copy(copies=False)`` (what ``sms_send`` asks): the same row, no instances;
    inside a combined block (PostgreSQL) its part of the statement returns nothing."""
    from django.db import connection

    from zhengwu.core import sqlcache
    from zhengwu.notifications.services.inbox import inbox_copy

    if combined and connection.vendor != "postgresql":
        pytest.skip("combined writes are PostgreSQL's")
    user = UserFactory()
    first, second = _locked_sms(user), _locked_sms(user)
    InboxMessage.objects.all().delete()
    with sqlcache.combined() if combined else transaction.atomic():
        kept = inbox_copy(message=first, subject=user, copies=False)
        asked = inbox_copy(message=second, subject=user)
    assert kept == [] and [(c.user_id, c.sms_id) for c in asked] == [(user.pk, second.pk)]
    copies = InboxMessage.objects.order_by("sms_id")
    assert [(c.user_id, c.sms_id, c.text, c.template_code) for c in copies] == [
        (user.pk, first.pk, first.text, "account.locked"),
        (user.pk, second.pk, second.text, "account.locked"),
    ]
    assert asked[0].pk == copies[1].pk
