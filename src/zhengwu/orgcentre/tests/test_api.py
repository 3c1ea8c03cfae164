"""The organisation-centre JSON API: same rules as the pages, errors as {code, message, field}."""

from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership
from zhengwu.accounts.tests.factories import resident_id
from zhengwu.registrations.tests.factories import OperatorApplicationFactory

BASE = "/api/v1/org"


def test_operators_are_listed_masked_for_managers_only(client, personas, other_operator):
    url = f"{BASE}/{personas.organisation.pk}/operators"
    assert client.get(url).status_code == 401
    for stranger in (personas.outsider, other_operator, personas.operator):
        client.force_login(stranger)
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "organisation.not_found"
    client.force_login(personas.administrator)
    rows = client.get(url).json()
    assert {r["username"] for r in rows} == {"legal_rep", "org_admin", "operator1"}
    assert personas.operator.mobile not in str(rows)
    assert rows[0]["role"] == Role.LEGAL_REPRESENTATIVE


def test_grant_is_for_the_legal_representative(client, personas):
    member = Membership.objects.get(user=personas.operator)
    url = f"{BASE}/{personas.organisation.pk}/operators/{member.pk}/administrator"
    client.force_login(personas.administrator)
    refused = client.post(url)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    client.force_login(personas.legal_representative)
    assert client.post(url).json()["role"] == Role.ADMINISTRATOR
    assert client.delete(url).json()["role"] == Role.OPERATOR


def test_add_answers_409_with_the_pending_application(client, personas):
    application = OperatorApplicationFactory(
        organisation=personas.organisation, id_number=resident_id(2468)
    )
    client.force_login(personas.administrator)
    response = client.post(
        f"{BASE}/{personas.organisation.pk}/operators",
        {
            "real_name": "赵测试通过",
            "id_type": "resident_id",
            "id_number": resident_id(2468),
            "mobile": "13957133001",
            "sms_code": "123456",
            "username": "zhao_api",
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "operator.pending_application"
    assert body["application_id"] == application.pk


def test_add_with_a_taken_mobile_names_the_field(client, personas):
    client.force_login(personas.administrator)
    response = client.post(
        f"{BASE}/{personas.organisation.pk}/sms-code",
        {"mobile": personas.operator.mobile},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "mobile.taken_in_organisation",
        "message": "同一企业/组织下的账号绑定的手机号不可重复",
        "field": "mobile",
    }


def test_writes_need_the_csrf_token(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.legal_representative)
    member = Membership.objects.get(user=personas.operator)
    url = f"{BASE}/{personas.organisation.pk}/operators/{member.pk}/administrator"
    assert client.post(url).status_code == 403
    member.refresh_from_db()
    assert member.role == Role.OPERATOR
