"""The enterprise-code JSON API: public verification, my units, 领码; errors as JSON."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.enterprise import services
from zhengwu.enterprise.models import EnterpriseCode

pytestmark = pytest.mark.django_db


def _token(code: EnterpriseCode) -> str:
    return code.verification_path().rstrip("/").rsplit("/", 1)[1]


def test_verify_valid_code(client, personas):
    code = services.claim_code(organisation=personas.organisation, actor=personas.operator)
    response = client.get(f"/api/v1/code/verify/{_token(code)}")
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "valid" and body["name"] == personas.organisation.name
    assert body["uscc"] == personas.organisation.uscc and body["registry_status"] == "存续"
    assert set(body) == {"outcome", "name", "uscc", "registry_status", "claimed_at"}


def test_verify_errors(client, personas):
    code = services.claim_code(organisation=personas.organisation, actor=personas.operator)
    token = _token(code)
    response = client.get(f"/api/v1/code/verify/{token[:-2]}xx")
    assert response.status_code == 404
    assert response.json()["code"] == "enterprise_code.invalid_token"
    admin = UserFactory(staff=True)
    admin.groups.add(Group.objects.get(name="企业码管理员"))
    services.revoke_code(code=code, actor=admin, reason="冒用")
    response = client.get(f"/api/v1/code/verify/{token}")
    assert response.status_code == 410
    assert response.json() == {
        "code": "enterprise_code.revoked",
        "message": "该企业码已作废",
        "field": None,
    }
    services.reissue_code(code=code, actor=admin, reason="恢复")
    response = client.get(f"/api/v1/code/verify/{token}")
    assert response.status_code == 410
    assert response.json()["code"] == "enterprise_code.superseded"


@override_settings(ZHENGWU_CODE_VERIFY_LIMIT_PER_MINUTE=1)
def test_verify_rate_limited(client, personas):
    code = services.claim_code(organisation=personas.organisation, actor=personas.operator)
    client.get(f"/api/v1/code/verify/{_token(code)}")
    response = client.get(f"/api/v1/code/verify/{_token(code)}")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def test_claim_and_list(client, personas):
    org = personas.organisation
    client.force_login(personas.operator)
    assert client.get("/api/v1/code/units").json()[0]["code"] is None
    response = client.post(f"/api/v1/code/units/{org.pk}/claim")
    assert response.status_code == 201
    body = response.json()
    code = EnterpriseCode.objects.get(organisation=org)
    assert body["code"]["verification_url"] == code.verification_url()
    response = client.post(f"/api/v1/code/units/{org.pk}/claim")
    assert response.status_code == 409
    assert response.json()["code"] == "enterprise_code.already_claimed"
    [unit] = client.get("/api/v1/code/units").json()
    assert unit["organisation_id"] == org.pk and unit["code"]["status"] == "active"


def test_claim_for_another_unit_is_not_found(client, personas):
    client.force_login(personas.outsider)
    response = client.post(f"/api/v1/code/units/{personas.organisation.pk}/claim")
    assert response.status_code == 404
    assert response.json()["code"] == "enterprise_code.unit_not_found"
    assert not EnterpriseCode.objects.exists()


def test_signed_in_endpoints_need_a_session(client, personas):
    assert client.get("/api/v1/code/units").status_code == 401
    assert client.post(f"/api/v1/code/units/{personas.organisation.pk}/claim").status_code == 401


def test_claim_needs_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.operator)
    response = client.post(f"/api/v1/code/units/{personas.organisation.pk}/claim")
    assert response.status_code == 403
    assert not EnterpriseCode.objects.exists()
