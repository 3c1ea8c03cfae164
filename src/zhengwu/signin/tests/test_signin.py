"""ACC-1: sign-in by username or USCC (法人), by username, mobile or ID number (个人), with
password and captcha; session rotated; messages that do not reveal accounts; audit."""

from __future__ import annotations

import re
from unittest import mock

import pytest

from zhengwu.accounts.tests.factories import MembershipFactory, UserFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.signin import services
from zhengwu.signin.models import SignInState

pytestmark = pytest.mark.django_db


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_login_page_shows_both_tabs_captcha_and_other_methods(client):
    """The page offers 法人登录 / 个人登录, the image captcha with 换一张, the recovery links
    and the enterprise-code help link."""
    page = client.get("/login/").content.decode()
    for text in [
        "法人登录",
        "个人登录",
        "用户名/统一社会信用代码",
        "换一张",
        "忘记密码",
        "忘记用户名",
    ]:
        assert text in page
    assert 'class="captcha"' in page and 'href="/code/help/"' in page
    assert "用户名/身份证号/手机号" in client.get("/login/?tab=personal").content.decode()


def test_legal_person_signs_in_by_username(client, operator, sign_in):
    response = sign_in("zhang_ops")
    assert response.status_code == 302
    assert _signed_in_as(client) == str(operator.pk)


def test_legal_person_signs_in_by_uscc(client, operator, organisation, sign_in):
    """A USCC naming an organisation with one account signs that account in (lower case and
    spaces accepted: the code is normalised)."""
    response = sign_in(" " + organisation.uscc.lower() + " ")
    assert response.status_code == 302
    assert _signed_in_as(client) == str(operator.pk)
    event = AuditEvent.objects.get(event_type="signin.succeeded")
    assert event.actor_id == operator.pk and event.after["via"] == "uscc"


def test_uscc_with_several_accounts_needs_the_username(client, operator, organisation, sign_in):
    """With two accounts the USCC picks none (the username picks): the generic message,
    nothing counted against either account."""
    MembershipFactory(organisation=organisation, operator=True, user__username="li_ops")
    response = sign_in(organisation.uscc)
    assert response.status_code == 200 and _signed_in_as(client) is None
    assert "账号或密码错误" in response.content.decode()
    assert "单位有多个账号时，请使用用户名登录" in response.content.decode()
    assert not SignInState.objects.exists()
    assert sign_in("li_ops").status_code == 302


def test_natural_person_signs_in_by_mobile_username_and_id_number(client, person, sign_in):
    for principal in [person.mobile, person.username, person.id_number.lower()]:
        client.logout()
        assert sign_in(principal, tab="personal").status_code == 302, principal
        assert _signed_in_as(client) == str(person.pk)


def test_tabs_keep_kinds_apart(client, operator, person, sign_in):
    """A natural person's mobile does not sign in on 法人登录, nor a legal person on 个人登录."""
    assert sign_in(person.mobile, tab="legal").status_code == 200
    assert sign_in("zhang_ops", tab="personal").status_code == 200
    assert _signed_in_as(client) is None


def test_staff_sign_in_by_username_on_either_tab(client, sign_in):
    staff = UserFactory(staff=True, username="reviewer_wang")
    assert sign_in("reviewer_wang", tab="personal").status_code == 302
    assert _signed_in_as(client) == str(staff.pk)


def test_inactive_account_cannot_sign_in(client, operator, sign_in):
    operator.is_active = False
    operator.save()
    assert sign_in("zhang_ops").status_code == 200
    assert _signed_in_as(client) is None


def test_captcha_is_required(client, operator):
    response = client.post(
        "/login/",
        {
            "tab": "legal",
            "login": "zhang_ops",
            "password": "x",
            "captcha_0": "k",
            "captcha_1": "WRONG",
        },
    )
    assert "验证码错误" in response.content.decode() and _signed_in_as(client) is None


def test_session_key_is_rotated_at_sign_in(client, operator, sign_in):
    """No session fixation: the key before sign-in is not the key after."""
    client.get("/login/")
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    sign_in("zhang_ops")
    assert client.session.session_key != before
    assert _signed_in_as(client) == str(operator.pk)


def test_next_is_followed_only_on_this_site(client, operator, sign_in):
    assert sign_in("zhang_ops", next="/review/")["Location"] == "/review/"
    client.logout()
    assert sign_in("zhang_ops", next="https://evil.example/")["Location"] != "https://evil.example/"


def _page_without_tokens(response) -> str:
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'captcha_0" value="[^"]+"|/captcha/(image|audio)/[^"]+', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return re.sub(r'value="[^"]*"', "", text)


def test_unknown_account_and_wrong_password_get_the_same_page(client, operator, sign_in):
    """No user enumeration: the same status and page for a wrong password and an unknown
    account (values typed by the user aside)."""
    wrong_password = sign_in("zhang_ops", password="Wrong#2026x")
    unknown = sign_in("nobody_here", password="Wrong#2026x")
    assert wrong_password.status_code == unknown.status_code == 200
    assert _page_without_tokens(wrong_password) == _page_without_tokens(unknown)
    assert "账号或密码错误" in unknown.content.decode()


def test_unknown_account_costs_a_password_hash(client, sign_in):
    """The same work: an unknown principal still hashes the password once."""
    with mock.patch.object(services, "make_password", wraps=services.make_password) as hashed:
        sign_in("nobody_here", password="Wrong#2026x")
    hashed.assert_called_once_with("Wrong#2026x")


def test_failures_are_audited_durably_without_the_password(client, operator, sign_in):
    sign_in("zhang_ops", password="Wrong#2026x")
    sign_in("nobody_here", password="Wrong#2026x")
    events = list(AuditEvent.objects.filter(event_type="signin.failed").order_by("id"))
    assert [e.after["reason"] for e in events] == ["wrong_password", "unknown_principal"]
    assert events[0].actor_id == operator.pk and events[1].actor_id is None
    assert all(e.outcome == "failure" for e in events)
    assert "Wrong#2026x" not in str([e.after for e in events])
    assert "nobody_here" not in str([e.after for e in events]) + events[1].actor_label


def test_logout_is_post_only_and_audited(client, operator, sign_in):
    sign_in("zhang_ops")
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and _signed_in_as(client) is None
    assert AuditEvent.objects.filter(event_type="signin.signed_out", actor_id=operator.pk).exists()


def test_home_login_entry_is_live(client):
    assert 'href="/login/"' in client.get("/").content.decode()
