"""The portal shell: home page entries, coming-soon pages, footer hotline, health."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

ENTRIES = ["法人注册", "个人注册", "登录", "企业码", "我的证照", "机关赋码"]


def test_home_page_shows_name_and_every_entry(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "政务服务网" in body
    for title in ENTRIES:
        assert title in body


@override_settings(ZHENGWU_HOTLINE="0571-12345")
def test_footer_shows_the_hotline_from_settings(client):
    assert "0571-12345" in client.get("/").content.decode()


def test_every_entry_leads_to_a_page(client):
    from zhengwu.portal.views import ENTRIES as SLUGS

    for slug in SLUGS:
        response = client.get(f"/soon/{slug}/")
        assert response.status_code == 200
        assert "即将开放" in response.content.decode()
    assert client.get("/soon/nothing/").status_code == 404


def test_english_translation_is_available(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_assets_are_local(client):
    """Portals run on intranets: no CDN links."""
    body = client.get("/").content.decode()
    assert "http://" not in body.replace("http://testserver", "")
    assert "https://" not in body
    assert "/static/portal/htmx.min.js" in body


def test_healthz(client):
    assert client.get("/healthz").content == b"ok"
