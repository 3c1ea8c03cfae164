"""After sign-in without ``next``: each kind of account lands where its work is."""

import pytest
from django.contrib.auth.models import Group

from zhengwu.accounts.tests.factories import UserFactory, make_personas

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/welcome/")["Location"].startswith("/login/")


def test_legal_person_lands_on_the_workspace(client):
    """用户空间 (issue 11), not the bare 经办人申请 page."""
    client.force_login(make_personas().legal_representative)
    assert client.get("/welcome/")["Location"] == "/me/"


def test_natural_person_lands_on_the_workspace(client):
    client.force_login(UserFactory(kind="natural_person"))
    assert client.get("/welcome/")["Location"] == "/me/"


def test_reviewer_lands_on_the_queues_and_other_staff_on_home(client):
    reviewer = UserFactory(staff=True)
    reviewer.groups.add(Group.objects.get(name="审核人员"))
    client.force_login(reviewer)
    assert client.get("/welcome/")["Location"] == "/review/"
    client.force_login(UserFactory(staff=True))
    assert client.get("/welcome/")["Location"] == "/"
