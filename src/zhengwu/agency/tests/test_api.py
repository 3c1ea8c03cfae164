"""The unit's side over the JSON API: OpenAPI, {code, message, field} errors."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhengwu.agency.models import Application

from .conftest import issue
from .factories import AgencyUnitFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/agency"


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()


def sign_in(client, png, captcha="PASSED"):
    return client.post(
        f"{BASE}/session",
        {"image": SimpleUploadedFile("i.png", png), "captcha_key": "k", "captcha": captcha},
    )


def test_openapi_lists_the_unit_side(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {f"{BASE}/session", f"{BASE}/application", f"{BASE}/application/submit"} <= set(paths)


def test_unit_side_over_the_api(client, staff):
    unit = AgencyUnitFactory(long_term=True)
    png = issue(unit, staff).png
    assert client.get(f"{BASE}/application").json()["code"] == "agency.signin.required"
    response = sign_in(client, png)
    assert response.status_code == 200 and response.json()["uscc"] == unit.uscc
    denied = client.post(f"{BASE}/application", {"item": "revoke"}, content_type="application/json")
    assert denied.status_code == 403 and denied.json()["code"] == "agency.commitment.required"
    assert "妥善保管" in client.get(f"{BASE}/commitment").json()["body"]
    client.post(f"{BASE}/commitment")
    created = client.post(
        f"{BASE}/application", {"item": "revoke"}, content_type="application/json"
    )
    assert created.status_code == 201
    empty = client.post(f"{BASE}/application/submit")
    assert empty.status_code == 400
    assert empty.json() == {
        "code": "agency.reason.required",
        "message": "请填写申请理由并暂存后再提交",
        "field": "reason",
    }
    saved = client.put(
        f"{BASE}/application", {"version": 1, "reason": "机构撤并"}, content_type="application/json"
    )
    assert saved.json()["version"] == 2
    stale = client.put(
        f"{BASE}/application", {"version": 1, "reason": "x"}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "agency.application.stale"
    assert client.post(f"{BASE}/application/submit").json()["status"] == "pending"
    refused = client.delete(f"{BASE}/application")
    assert (
        refused.status_code == 409 and refused.json()["code"] == "agency.application.not_deletable"
    )
    assert Application.objects.get().status == "pending"


def test_bad_image_errors_name_the_field(client):
    response = sign_in(client, b"not an image")
    assert response.status_code == 400
    assert response.json()["code"] == "agency.signin.not_image"
    assert response.json()["field"] == "image"
    wrong = sign_in(client, b"x", captcha="wrong")
    assert wrong.json()["code"] == "captcha.wrong"


def test_history_form_and_certificate_over_the_api(client, staff):
    """The unit's 下载表格, 历史信息 and electronic certificate through the API; another
    unit's certificate is a 404 with the usual error body."""
    from zhengwu.agency.services import applications as svc

    from .conftest import office_user

    unit = AgencyUnitFactory(long_term=True)
    png = issue(unit, staff).png
    sign_in(client, png)
    client.post(f"{BASE}/commitment")
    missing = client.get(f"{BASE}/application/form")
    assert missing.status_code == 404 and missing.json()["code"] == "agency.application.none"
    client.post(f"{BASE}/application", {"item": "replace"}, content_type="application/json")
    form = client.get(f"{BASE}/application/form")
    assert form["Content-Type"] == "application/pdf" and form.content.startswith(b"%PDF")
    assert form["Content-Disposition"].startswith("attachment;")
    assert client.get(f"{BASE}/applications").json() == []

    application = Application.objects.get()
    svc.save_draft(application, version=1, reason="证书污损")
    svc.submit(application)
    reviewer = office_user()
    svc.accept(application, actor=staff)
    svc.review(application, actor=reviewer, approve=True)
    svc.notify(application, actor=staff)
    svc.complete(application, actor=staff)
    application.refresh_from_db()

    (past,) = client.get(f"{BASE}/applications").json()
    assert past["item"] == "replace" and past["licence_identifier"]
    assert past["licence_verification_url"] == (
        f"/licences/verify/{application.licence_identifier}/"
    )
    certificate = client.get(past["certificate_url"])
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF")

    other = Client()
    other_unit = AgencyUnitFactory(long_term=True)
    sign_in(other, issue(other_unit, staff).png)
    other.post(f"{BASE}/commitment")
    denied = other.get(past["certificate_url"])
    assert denied.status_code == 404
    assert denied.json()["code"] == "agency.certificate.not_found"
    assert other.get(f"/agency/certificate/{application.pk}.pdf").status_code == 404
