"""The one header (issue 11): sections, 组织中心 where it applies, 消息, one 退出, breadcrumbs."""

from __future__ import annotations

import pytest

from zhengwu.accounts.tests.factories import make_personas

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/me/", "/register/applications/", "/org/", "/licences/", "/code/", "/services/"]
)
def test_one_sign_out_on_every_signed_in_page(client, url):
    personas = make_personas()
    client.force_login(personas.legal_representative)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('action="/logout/"') == 1
    for label in ("首页", "办事服务", "企业码", "我的证照", "组织中心", "帮助", "消息"):
        assert f">{label}<" in body or f">{label} <" in body, label


def test_breadcrumbs_on_inner_pages_not_on_home(client):
    assert 'class="breadcrumbs"' not in client.get("/").content.decode()
    body = client.get("/help/").content.decode()
    assert 'class="breadcrumbs"' in body and 'aria-current="page">帮助<' in body
    body = client.get("/sandbox/sms/").content.decode()
    assert 'class="breadcrumbs"' in body and ">首页</a>" in body


def test_staff_header_has_no_organisation_centre(client):
    client.force_login(make_personas().reviewer)
    body = client.get("/").content.decode()
    assert ">组织中心<" not in body and body.count('action="/logout/"') == 1


def test_favicon_is_served_locally(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # ICO header
    assert 'rel="icon" href="/static/portal/favicon.svg"' in client.get("/").content.decode()
