"""Fixtures of the sign-in tests: accounts of each kind and a page-posting helper."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group

from zhengwu.accounts.identity import mobile_hash
from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from zhengwu.notifications.models import SmsMessage

CAPTCHA = {"captcha_0": "key", "captcha_1": "PASSED"}


@pytest.fixture
def operator(db):
    """The only account of its organisation (so its USCC signs it in)."""
    return MembershipFactory(legal_representative=True, user__username="zhang_ops").user


@pytest.fixture
def organisation(operator):
    return operator.memberships.get().organisation


@pytest.fixture
def person(db):
    return UserFactory(kind=User.Kind.NATURAL_PERSON, username="13957100999", mobile="13957100999")


@pytest.fixture
def support(db):
    user = UserFactory(staff=True, username="kefu_li")
    user.groups.add(Group.objects.get(name="客服人员"))
    return user


@pytest.fixture
def sign_in(client):
    """POST the login page like the browser does; returns the response."""

    def run(login, password=PASSWORD, tab="legal", **extra):
        return client.post(
            "/login/", {"tab": tab, "login": login, "password": password, **CAPTCHA, **extra}
        )

    return run


@pytest.fixture
def last_code():
    """The code of the newest SMS of ``template`` sent to ``mobile``."""

    def read(mobile, purpose):
        message = (
            SmsMessage.objects.filter(
                mobile_hash=mobile_hash(mobile), template_code=f"verification_code.{purpose}"
            )
            .order_by("id")
            .last()
        )
        assert message is not None, "no code was sent"
        return re.search(r"验证码(\d{6})", message.text).group(1)

    return read
