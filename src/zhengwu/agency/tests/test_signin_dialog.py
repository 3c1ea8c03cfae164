"""AG-3: the four online items of 机关用户服务 open the image sign-in dialog; without script
their links lead to the sign-in page with the item preselected (progressive enhancement)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache

from .conftest import issue, signin_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_services_page_has_the_dialog_and_links_that_work_without_script(client):
    text = client.get("/agency/services/").content.decode()
    assert '<dialog id="signin-dialog"' in text and 'aria-labelledby="signin-dialog-title"' in text
    assert re.search(r'<script src="[^"]*agency/signin-dialog\.js" defer>', text)
    for item in ("change", "reissue", "replace", "revoke"):
        link = re.search(rf'<a [^>]*id="btn-{item}"[^>]*>', text)[0]  # type: ignore[index]
        assert f'href="/agency/signin/?item={item}"' in link
        assert "data-signin-dialog" in link and 'aria-haspopup="dialog"' in link
    for item in ("initial", "renew"):
        link = re.search(rf'<a [^>]*id="btn-{item}"[^>]*>', text)[0]  # type: ignore[index]
        assert f"/agency/services/on-site/{item}/" in link and "data-signin-dialog" not in link
    assert finders.find("agency/signin-dialog.js")


def test_dialog_fragment_is_the_bare_form_with_the_item(client):
    response = client.get("/agency/signin/", {"item": "reissue", "dialog": "1"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and "<h1" not in text  # a fragment for the dialog
    assert 'id="agency-signin"' in text and 'name="dialog" value="1"' in text
    assert 'action="/agency/signin/?item=reissue"' in text
    assert "申请补领" in text and 'name="captcha_1"' in text
    assert client.session["agency_item"] == "reissue"


def test_dialog_errors_come_back_in_the_fragment(client, unit, staff):
    issue(unit, staff)
    response = signin_upload(client, b"not an image", name="x.png", dialog="1")
    text = response.content.decode()
    assert response.status_code == 400 and "<html" not in text
    assert "上传的文件不是图片" in text and 'name="dialog" value="1"' in text
    assert 'class="field has-error"' in text


def test_dialog_success_answers_with_the_next_page(client, unit, staff):
    png = issue(unit, staff).png
    client.get("/agency/signin/", {"item": "revoke", "dialog": "1"})
    response = signin_upload(client, png, dialog="1")
    assert response.status_code == 204
    assert response["X-Agency-Redirect"] == "/agency/commitment/"
    client.post("/agency/commitment/", {"agree": "1"})
    page = client.get("/agency/workspace/").content.decode()
    assert '<option value="revoke" selected>' in page


def test_sign_in_page_without_script_still_works(client, unit, staff):
    png = issue(unit, staff).png
    page = client.get("/agency/signin/", {"item": "change"}).content.decode()
    assert "<h1>机关用户登录</h1>" in page and "申请变更" in page
    assert signin_upload(client, png)["Location"] == "/agency/commitment/"
