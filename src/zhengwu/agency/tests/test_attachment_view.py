"""AG-6: a unit opens and downloads its own attachments — page and API — decrypted, with
the uploads app's headers; another unit gets 404; every view and refusal is audited."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengwu.agency.models import Attachment
from zhengwu.audit.models import AuditEvent
from zhengwu.documents.pdf import build_pdf
from zhengwu.uploads.tests.samples import jpeg

from .conftest import issue, signin_upload
from .factories import AgencyUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def signed_in(client, unit, staff):
    signin_upload(client, issue(unit, staff).png)
    client.post("/agency/commitment/", {"agree": "1"})


def with_attachments(client, unit, staff) -> tuple[Attachment, Attachment, bytes]:
    signed_in(client, unit, staff)
    client.post("/agency/workspace/", {"action": "start", "item": "reissue"})
    pdf = build_pdf(title="遗失声明")
    client.post(
        "/agency/attachments/",
        {"material": "遗失声明", "file": SimpleUploadedFile("遗失声明 2026.pdf", pdf)},
    )
    client.post(
        "/agency/attachments/",
        {"material": "情况说明", "file": SimpleUploadedFile("说明.jpg", jpeg())},
    )
    return (
        Attachment.objects.get(material="遗失声明"),
        Attachment.objects.get(material="情况说明"),
        pdf,
    )


def assert_upload_headers(response) -> None:  # type: ignore[no-untyped-def]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_unit_opens_and_downloads_its_attachments(client, staff):
    unit = AgencyUnitFactory()
    pdf_attachment, jpeg_attachment, pdf = with_attachments(client, unit, staff)
    # stored sealed, served decrypted
    with default_storage.open(pdf_attachment.storage_name, "rb") as fh:
        assert b"%PDF" not in fh.read()
    page = client.get("/agency/workspace/").content.decode()
    assert f"/agency/attachments/{pdf_attachment.pk}/" in page
    assert f"/agency/attachments/{jpeg_attachment.pk}/?download=1" in page

    opened = client.get(f"/agency/attachments/{pdf_attachment.pk}/")
    assert opened.status_code == 200
    assert opened["Content-Type"] == "application/pdf" and opened.content == pdf
    assert opened["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''%E9%81%97" in opened["Content-Disposition"]
    assert_upload_headers(opened)

    saved = client.get(f"/agency/attachments/{jpeg_attachment.pk}/?download=1")
    assert saved["Content-Type"] == "image/jpeg" and saved.content.startswith(b"\xff\xd8\xff")
    assert saved["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in saved["Content-Security-Policy"]
    assert_upload_headers(saved)

    views = AuditEvent.objects.filter(event_type="agency.attachment.viewed")
    assert views.count() == 2
    assert {e.after["attachment"] for e in views} == {
        str(pdf_attachment.pk),
        str(jpeg_attachment.pk),
    }


def test_another_unit_gets_404_and_the_refusal_is_audited(client, staff):
    owner = AgencyUnitFactory()
    pdf_attachment, _, _ = with_attachments(client, owner, staff)
    other = client.__class__()
    signed_in(other, AgencyUnitFactory(), staff)
    assert other.get(f"/agency/attachments/{pdf_attachment.pk}/").status_code == 404
    api = other.get(f"/api/v1/agency/attachments/{pdf_attachment.pk}")
    assert api.status_code == 404
    assert api.json()["code"] == "agency.attachment.not_found"
    assert AuditEvent.objects.filter(event_type="agency.attachment.view_denied").count() == 2
    assert not AuditEvent.objects.filter(event_type="agency.attachment.viewed").exists()
    # signed out: no file, the sign-in page
    anonymous = client.__class__()
    assert anonymous.get(f"/agency/attachments/{pdf_attachment.pk}/").status_code == 302
    assert anonymous.get(f"/api/v1/agency/attachments/{pdf_attachment.pk}").status_code == 401


def test_unit_opens_its_attachment_through_the_api(client, staff):
    unit = AgencyUnitFactory()
    pdf_attachment, _, pdf = with_attachments(client, unit, staff)
    listed = client.get("/api/v1/agency/application").json()["attachments"]
    url = next(a["url"] for a in listed if a["id"] == str(pdf_attachment.pk))
    assert url == f"/api/v1/agency/attachments/{pdf_attachment.pk}"
    response = client.get(url, {"download": "true"})
    assert response.status_code == 200 and response.content == pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert_upload_headers(response)
    assert AuditEvent.objects.filter(event_type="agency.attachment.viewed").count() == 1
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/agency/attachments/{attachment_id}" in paths


def test_office_view_has_the_same_headers_and_is_audited(client, staff):
    unit = AgencyUnitFactory()
    pdf_attachment, _, pdf = with_attachments(client, unit, staff)
    client.force_login(staff)
    response = client.get(f"/agency/office/attachments/{pdf_attachment.pk}/")
    assert response.content == pdf
    assert_upload_headers(response)
    event = AuditEvent.objects.get(event_type="agency.attachment.viewed")
    assert event.actor_id == staff.pk
