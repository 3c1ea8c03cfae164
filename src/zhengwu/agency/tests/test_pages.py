"""The unit's application page and the back office, over HTTP (AG-5 … AG-8)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengwu.agency.models import Application
from zhengwu.documents.pdf import build_pdf

from .conftest import issue, office_user, signin_upload
from .factories import AgencyUnitFactory

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def signed_in(client, unit, staff):
    signin_upload(client, issue(unit, staff).png)
    client.post("/agency/commitment/", {"agree": "1"})


def test_change_journey_over_http(client, unit, staff):
    reviewer = office_user()
    signed_in(client, unit, staff)
    page = client.get("/agency/workspace/").content.decode()
    for word in ("最新信息", "申请信息录入", "历史信息"):
        assert word in page
    client.post("/agency/workspace/", {"action": "start", "item": "change"})
    page = client.get("/agency/workspace/").content.decode()
    for button in ("暂存", "提交", "上传附件", "下载表格", "删除申报材料", "未提交", "复核退回"):
        assert button in page
    response = client.post(
        "/agency/workspace/",
        {"action": "save", "version": "1", "change_name": "1", "new_name": "新名称局"},
    )
    assert response["Location"].endswith("?done=save")
    response = client.post(
        "/agency/workspace/",
        {"action": "submit", "version": "2", "change_name": "1", "new_name": "新名称局"},
    )
    assert response.status_code == 400
    assert "提交前请上传附件：变更事项的批准文件" in response.content.decode()
    client.post(
        "/agency/attachments/",
        {
            "material": "变更事项的批准文件",
            "file": SimpleUploadedFile("批文.pdf", build_pdf(title="批文")),
        },
    )
    response = client.post(
        "/agency/workspace/",
        {"action": "submit", "version": "3", "change_name": "1", "new_name": "新名称局"},
    )
    assert response["Location"].endswith("?done=submit")
    form = client.get("/agency/form.pdf")
    assert form["Content-Type"] == "application/pdf" and form.content.startswith(b"%PDF")
    application = Application.objects.get()
    # the authority
    client.force_login(staff)
    page = client.get(f"/agency/office/applications/{application.pk}/").content.decode()
    assert "新名称局" in page and "办理时限" in page
    client.post(f"/agency/office/applications/{application.pk}/", {"action": "accept"})
    same = client.post(f"/agency/office/applications/{application.pk}/", {"action": "approve"})
    assert same.status_code == 400 and "受理人以外" in same.content.decode()
    client.force_login(reviewer)
    client.post(f"/agency/office/applications/{application.pk}/", {"action": "approve"})
    client.post(f"/agency/office/applications/{application.pk}/", {"action": "notify"})
    client.post(f"/agency/office/applications/{application.pk}/", {"action": "complete"})
    application.refresh_from_db()
    assert application.status == S.DONE
    unit.refresh_from_db()
    assert unit.name == "新名称局"
    client.logout()
    signed_in(client, unit, staff)
    page = client.get("/agency/workspace/").content.decode()
    assert "下载电子证书" in page
    cert = client.get(f"/agency/certificate/{application.pk}.pdf")
    assert cert["Content-Type"] == "application/pdf"


def test_edit_after_submit_and_delete_after_acceptance_are_refused(client, staff):
    unit = AgencyUnitFactory(long_term=True)
    signed_in(client, unit, staff)
    client.post("/agency/workspace/", {"action": "start", "item": "reissue"})
    client.post("/agency/workspace/", {"action": "save", "version": "1", "reason": "遗失"})
    client.post("/agency/workspace/", {"action": "submit", "version": "2", "reason": "遗失"})
    response = client.post("/agency/workspace/", {"action": "save", "version": "3", "reason": "改"})
    assert response.status_code == 400 and "申请已提交" in response.content.decode()
    response = client.post("/agency/workspace/", {"action": "delete", "confirm": "1"})
    assert response.status_code == 400 and "不能删除申报材料" in response.content.decode()
    assert Application.objects.get().reason == "遗失"


def test_delete_needs_confirmation_then_deletes(client, unit, staff):
    signed_in(client, unit, staff)
    client.post("/agency/workspace/", {"action": "start", "item": "replace"})
    response = client.post("/agency/workspace/", {"action": "delete"})
    assert response.status_code == 400 and Application.objects.exists()
    client.post("/agency/workspace/", {"action": "delete", "confirm": "1"})
    assert not Application.objects.exists()


def test_office_needs_the_permission(client, unit):
    from zhengwu.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(staff=True))
    assert client.get("/agency/office/applications/").status_code == 403
