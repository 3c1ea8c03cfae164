"""The account read of every signed-in request (``User.objects.get(pk=…)``, Django's
``ModelBackend.get_user``) runs a statement built once and gives what Django's ``get`` gives."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from zhengwu.accounts import models
from zhengwu.accounts.models import User

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_get_by_id_is_django_s_get_from_a_statement_built_once():
    user = UserFactory(real_name="李明", mobile="13957100001")
    with CaptureQueriesContext(connection) as queries:
        found = User.objects.get(pk=user.pk)
    assert len(queries) == 1
    assert models._USER_BY_PK._compiled[connections["default"]] is not None  # compiled path
    assert found == user and found._state.db == "default" and not found._state.adding
    assert (found.real_name, found.mobile, found.kind) == ("李明", "13957100001", user.kind)
    with pytest.raises(User.DoesNotExist, match="User matching query does not exist"):
        User.objects.get(pk=user.pk + 1000)
    assert User.objects.get(username=user.username) == user  # any other get: Django's
    assert User.objects.get(pk=str(user.pk)) == user


def test_a_signed_in_request_reads_its_account(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/api/v1/services/applications")
    assert response.status_code == 200
