"""Fixtures of the organisation-centre tests: the personas, a second organisation with its own
operator, and SMS codes read from the outbox as the person would read them."""

import re

import pytest

from zhengwu.accounts.tests.factories import MembershipFactory, make_personas
from zhengwu.notifications.services import verification_code_send


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def other_operator(personas):
    """An operator of the outsider's organisation (another organisation)."""
    outsider_org = personas.outsider.memberships.get().organisation
    return MembershipFactory(
        organisation=outsider_org, operator=True, user__username="other_op"
    ).user


@pytest.fixture
def send_code(django_capture_on_commit_callbacks):
    """Send a mobile code as the page would and return it, read from the SMS."""

    def run(mobile):
        with django_capture_on_commit_callbacks(execute=True):
            row = verification_code_send(mobile=mobile, purpose="mobile_change")
        return re.search(r"验证码(\d{6})", row.message.text).group(1)

    return run
