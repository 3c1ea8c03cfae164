"""The issuer API (LIC-1 a): key authentication, validated fields, errors {code, message, field},
revocation of the issuer's own licences only."""

from __future__ import annotations

import json

import pytest

from zhengwu.accounts.tests.factories import uscc
from zhengwu.audit.models import AuditEvent
from zhengwu.identifiers import licence_id
from zhengwu.licences.models import Licence
from zhengwu.licences.services import issuer_key_create

from .factories import LicenceFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/licences/"


@pytest.fixture
def issuer_key():  # type: ignore[no-untyped-def]
    return issuer_key_create(
        issuer_uscc=uscc(500, prefix="11"), name="杭州市市场监督管理局", actor="t"
    )


def _post(client, url, body, key=None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json", headers=headers)


BODY = {
    "licence_type": "food_business",
    "holder_uscc": uscc(7),
    "holder_name": "杭州测试餐饮有限公司",
    "number": "JY13301060000001",
    "issued_on": "2025-05-01",
    "valid_until": "2030-04-30",
    "particulars": {"经营场所": "杭州市西湖区", "主体业态": "餐饮服务经营者"},
}


def test_issue_with_a_valid_key(client, issuer_key) -> None:  # type: ignore[no-untyped-def]
    issuer, key = issuer_key
    response = _post(client, URL, BODY, key)
    assert response.status_code == 201, response.content
    data = response.json()
    assert licence_id.is_valid(data["identifier"]) and data["status"] == "valid"
    assert data["verification_url"].startswith("https://zwfw.example.cn/licences/verify/")
    licence = Licence.objects.get()
    assert licence.issuer == issuer and licence.source == "api"
    assert issuer.key_hash != key and key not in json.dumps(
        list(AuditEvent.objects.values()), default=str
    )


@pytest.mark.parametrize("key", [None, "zwl_wrong", "Bearer"])
def test_wrong_key_is_401_and_audited(client, issuer_key, key) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, URL, BODY, key)
    assert response.status_code == 401
    assert response.json()["code"] == "issuer.unauthorised"
    assert AuditEvent.objects.filter(event_type="licences.issuer_auth_failed").exists()
    assert not Licence.objects.exists()


def test_inactive_issuer_is_refused(client, issuer_key) -> None:  # type: ignore[no-untyped-def]
    issuer, key = issuer_key
    issuer.is_active = False
    issuer.save()
    assert _post(client, URL, BODY, key).status_code == 401


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"holder_uscc": "91330106MA2CDE7K0Z"}, "holder_uscc", "uscc.char"),
        ({"licence_type": "x"}, "licence_type", "licence_type.invalid"),
        ({"issued_on": "01/05/2025"}, "issued_on", "issued_on.invalid"),
        ({"valid_until": "2020-01-01"}, "valid_until", "valid_until.before_start"),
        ({"holder_name": 5}, "holder_name", "holder_name.type"),
        ({"colour": "red"}, "colour", "field.unknown"),
    ],
)
def test_wrong_field_gives_code_message_field(client, issuer_key, change, field, code) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, URL, {**BODY, **change}, issuer_key[1])
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field and body["code"] == code and body["message"]
    assert not Licence.objects.exists()


def test_invalid_json(client, issuer_key) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, URL, "{nope", issuer_key[1])
    assert response.status_code == 400 and response.json()["code"] == "body.invalid_json"


def test_issuer_revokes_its_own_licence(client, issuer_key) -> None:  # type: ignore[no-untyped-def]
    identifier = _post(client, URL, BODY, issuer_key[1]).json()["identifier"]
    url = f"{URL}{identifier}/revoke"
    assert _post(client, url, {}, issuer_key[1]).json()["field"] == "reason"
    response = _post(client, url, {"reason": "申请注销"}, issuer_key[1])
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    again = _post(client, url, {"reason": "again"}, issuer_key[1])
    assert again.status_code == 409


def test_issuer_cannot_see_or_revoke_others_licences(client, issuer_key) -> None:  # type: ignore[no-untyped-def]
    other = LicenceFactory()
    key = issuer_key[1]
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(f"{URL}{other.identifier}", headers=headers).status_code == 404
    assert _post(client, f"{URL}{other.identifier}/revoke", {"reason": "x"}, key).status_code == 404
    other.refresh_from_db()
    assert other.status == "valid"


def test_bad_identifier_in_the_url_names_the_field(client, issuer_key) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {issuer_key[1]}"}
    body = client.get(f"{URL}1.2.156.3005.2.X", headers=headers).json()
    assert body["field"] == "identifier" and body["code"].startswith("licence_id.")
