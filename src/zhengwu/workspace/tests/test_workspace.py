"""用户空间: the page a sign-in lands on, the message centre and account security."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.accounts.tests.factories import MembershipFactory, UserFactory, make_personas
from zhengwu.audit.models import AuditEvent
from zhengwu.notifications.models import InboxMessage
from zhengwu.notifications.services import sms_deliver, sms_send
from zhengwu.signin.models import SignInState
from zhengwu.workspace.cases import CaseItem, cases_for, register_case_source
from zhengwu.workspace.models import SignInRecord
from zhengwu.workspace.selectors import device_label

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_sign_in(client):
    for url in ("/me/", "/me/messages/", "/me/security/"):
        assert client.get(url)["Location"].startswith("/login/")


def test_legal_person_workspace_shows_the_unit_role_code_and_entries():
    personas = make_personas()
    org = personas.organisation
    body = _client(personas.legal_representative).get("/me/").content.decode()
    assert org.name in body and org.uscc in body
    assert "法定代表人" in body
    assert "申领企业码" in body and f"/code/u/{org.pk}/" in body
    assert "我的证照" in body and "我的办件" in body and "账号安全" in body
    assert f"/org/{org.pk}/" in body  # 组织中心 for those who manage it


def test_a_plain_operator_sees_the_unit_but_not_the_organisation_centre_card():
    personas = make_personas()
    body = _client(personas.operator).get("/me/").content.decode()
    assert personas.organisation.name in body and "经办人" in body
    assert f'href="/org/{personas.organisation.pk}/"' not in body


def test_natural_person_gets_their_own_workspace():
    user = UserFactory(kind="natural_person", real_name="周个人")
    response = _client(user).get("/me/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "周个人" in body and user.masked_mobile in body and user.mobile not in body
    assert "我的单位" not in body and "我的办件" in body


def test_my_cases_lists_operator_applications_and_new_kinds_plug_in():
    from zhengwu.registrations.tests.factories import OperatorApplicationFactory

    user = UserFactory()
    OperatorApplicationFactory(user=user)
    kinds = [c.kind for c in cases_for(user)]
    assert "经办人申请" in kinds
    register_case_source(
        "test.other", lambda u: [CaseItem("机关赋码", "某单位", "已受理", None, "/x/")]
    )
    try:
        assert "机关赋码" in [c.kind for c in cases_for(user)]
        assert "机关赋码" in _client(user).get("/me/").content.decode()
    finally:
        from zhengwu.workspace import cases

        cases._SOURCES.pop("test.other")


def test_messages_page_count_in_header_and_mark_read():
    user = UserFactory()
    message = sms_send(
        mobile=user.mobile,
        template="account.locked",
        params={"username": user.username},
        subject=user,
    )
    sms_deliver(message_id=message.pk)  # the worker takes it: the portal copy (decision 0034)
    client = _client(user)
    home = client.get("/").content.decode()
    assert 'class="count">1<' in home
    page = client.get("/me/messages/").content.decode()
    assert "已被锁定" in page and "未读" in page
    message = InboxMessage.objects.get(user=user)
    assert client.post("/me/messages/read", {"pk": message.pk}).status_code == 302
    message.refresh_from_db()
    assert message.is_read
    assert 'class="count"' not in client.get("/").content.decode()


def test_sign_ins_are_recorded_and_listed_with_method_and_device():
    user = UserFactory()
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile")
    client.force_login(user)
    record = SignInRecord.objects.get(user=user)
    assert record.session_key == client.session.session_key
    page = client.get("/me/security/").content.decode()
    assert "本设备" in page


def test_sign_out_everywhere_else_ends_the_other_sessions_only():
    user = UserFactory()
    here, there = _client(user), _client(user)
    assert there.get("/me/").status_code == 200
    assert "还有 1 个设备" in here.get("/me/security/").content.decode()
    response = here.post("/me/security/sign-out-others")
    assert response.status_code == 302
    assert there.get("/me/")["Location"].startswith("/login/")
    assert here.get("/me/").status_code == 200
    assert AuditEvent.objects.filter(event_type="workspace.sessions_ended").exists()
    assert SignInRecord.objects.filter(user=user, ended_at__isnull=False).count() == 1


def test_this_was_not_me_locks_the_account_ends_sessions_and_tells_support():
    user = UserFactory()
    here, there = _client(user), _client(user)
    record = SignInRecord.objects.filter(user=user).order_by("-pk").first()
    response = here.post("/me/security/not-me", {"record": record.pk})
    assert response.status_code == 200 and "账号已锁定" in response.content.decode()
    assert SignInState.objects.get(user=user).locked_at is not None
    assert here.get("/me/")["Location"].startswith("/login/")
    assert there.get("/me/")["Location"].startswith("/login/")
    event = AuditEvent.objects.get(event_type="workspace.reported_not_me")
    assert event.actor_id == user.pk and event.after["record"] == record.pk
    # support sees it on the locked-accounts list
    from zhengwu.signin.selectors import locked_accounts

    assert user.pk in [s.user_id for s in locked_accounts()]


def test_another_account_s_record_is_not_revealed_by_not_me():
    user, other = UserFactory(), UserFactory()
    _client(other)
    theirs = SignInRecord.objects.get(user=other)
    _client(user).post("/me/security/not-me", {"record": theirs.pk})
    event = AuditEvent.objects.get(event_type="workspace.reported_not_me")
    assert event.after["record"] is None


def test_device_label():
    assert device_label("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1") == "Safari · iOS"
    assert device_label("") == "—"


def test_org_membership_controls_the_header_entry():
    member = MembershipFactory(operator=True).user
    assert "组织中心" in _client(member).get("/").content.decode()
    person = UserFactory(kind="natural_person")
    assert "组织中心" not in _client(person).get("/").content.decode()


def test_an_expired_session_is_not_listed_as_open():
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    user = UserFactory()
    here, there = _client(user), _client(user)
    Session.objects.filter(session_key=there.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    assert "只有本设备登录着您的账号" in here.get("/me/security/").content.decode()


@pytest.mark.parametrize("raw", ["²", "４２", "9" * 30])
def test_a_message_id_that_is_not_ascii_digits_marks_nothing(raw):
    """``"²"`` passes ``str.isdigit`` and made ``int()`` raise: a 500 for a posted value."""
    user = UserFactory()
    sms = sms_send(
        mobile=user.mobile, template="account.locked", params={"username": "x"}, subject=user
    )
    sms_deliver(message_id=sms.pk)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    assert client.post("/me/messages/read", {"pk": raw}).status_code == 302
    assert not InboxMessage.objects.get(user=user).is_read
