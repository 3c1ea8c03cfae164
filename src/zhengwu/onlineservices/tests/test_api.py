"""The applicants' JSON API: errors as {code, message, field}; another unit's case is 404."""

from __future__ import annotations

import pytest

from .factories import FOOD_DATA, FOOD_LICENCE, attach_all

pytestmark = pytest.mark.django_db


def test_catalogue_search_and_guide(client, catalogue):
    found = client.get("/api/v1/services/items", {"q": "注销"}).json()
    assert {"企业普通注销登记", "企业简易注销登记"} <= {i["name"] for i in found}
    guide = client.get(f"/api/v1/services/items/{FOOD_LICENCE}").json()
    assert guide["promised_days"] == 10 and len(guide["materials"]) == 4
    missing = client.get("/api/v1/services/items/none")
    assert missing.status_code == 404 and missing.json()["code"] == "item.not_found"


def test_apply_submit_with_field_errors_then_success(client, catalogue, personas, clock):
    from zhengwu.onlineservices.models import Application

    client.force_login(personas.operator)
    started = client.post(
        "/api/v1/services/applications",
        {"item_code": FOOD_LICENCE, "organisation_id": personas.organisation.pk},
        content_type="application/json",
    )
    assert started.status_code == 201
    pk = started.json()["id"]
    attach_all(Application.objects.get(pk=pk), personas.operator)
    bad = client.post(
        f"/api/v1/services/applications/{pk}/submit",
        {"data": {**FOOD_DATA, "safety_officer_id": "123"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "safety_officer_id"
    assert bad.json()["message"].startswith("管理人员身份证号")
    good = client.post(
        f"/api/v1/services/applications/{pk}/submit",
        {"data": FOOD_DATA},
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["status"] == "submitted"
    again = client.post(
        f"/api/v1/services/applications/{pk}/submit",
        {"data": FOOD_DATA},
        content_type="application/json",
    )
    assert again.status_code == 409
    client.force_login(personas.outsider)
    stranger = client.get(f"/api/v1/services/applications/{pk}")
    assert stranger.status_code == 404 and stranger.json()["code"] == "application.not_found"
    assert client.get("/api/v1/services/applications").json() == []


def test_the_services_get_the_signed_in_account_itself(rf, personas):
    """``api._user``: the account behind ``request.user``'s lazy proxy once loaded (the
    services read the actor without a call per attribute); the proxy while not loaded."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import SimpleLazyObject

    from zhengwu.accounts.models import User
    from zhengwu.onlineservices.api import _user

    request = rf.post("/")
    request.user = SimpleLazyObject(lambda: User.objects.get(pk=personas.operator.pk))
    lazy = _user(request)
    assert lazy is request.user  # not loaded yet: nothing forced here
    assert request.user.is_authenticated  # loads it, as the authentication does
    actor = _user(request)
    assert type(actor) is User and actor.pk == personas.operator.pk
    request.user = AnonymousUser()
    assert _user(request) is request.user
