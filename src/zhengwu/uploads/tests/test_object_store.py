"""Private files in an S3-compatible object store (issue 15, decision 0025).

The store is moto's server mode started by the test run (``s3_server`` in the root
conftest); the portal reaches it over HTTP through django-storages, as it reaches the
province's store. Every writer seals before the bytes leave the portal: each test reads the
raw object back from the server with its own S3 client and finds no plaintext in it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhengwu.settings.objectstore import private_storage
from zhengwu.uploads import selectors, services
from zhengwu.uploads.models import PrivateUpload, UploadKind

from .samples import jpeg

pytestmark = pytest.mark.django_db


def raw_object(client, bucket: str, name: str) -> bytes:
    return client.get_object(Bucket=bucket, Key=name)["Body"].read()


def assert_ciphertext(raw: bytes, plaintext: bytes) -> None:
    assert raw.startswith(b"ZWU1")  # the portal's sealed envelope
    assert plaintext[:64] not in raw and plaintext[-64:] not in raw


def test_the_embedded_default_is_the_local_disk(monkeypatch, tmp_path):
    monkeypatch.delenv("ZHENGWU_S3_BUCKET", raising=False)
    entry = private_storage(tmp_path)
    assert entry["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert entry["OPTIONS"]["location"] == str(tmp_path / "private")


def test_the_environment_chooses_the_object_store(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHENGWU_S3_BUCKET", "province-portal")
    monkeypatch.setenv("ZHENGWU_S3_ENDPOINT_URL", "https://oss.example.gov.cn")
    monkeypatch.setenv("ZHENGWU_S3_REGION", "cn-east-1")
    entry = private_storage(tmp_path)
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    options = entry["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "province-portal",
        "https://oss.example.gov.cn",
        "cn-east-1",
    )
    # never overwrite a name, never a public ACL
    assert options["file_overwrite"] is False and options["default_acl"] is None


def test_an_upload_is_stored_sealed_and_read_back(s3_storage):
    client, bucket = s3_storage
    content = jpeg()
    upload = services.upload_store(
        file=SimpleUploadedFile("id-front.jpg", content),
        kind=UploadKind.ID_DOCUMENT,
        owner_token="wizard-token",
    )
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    raw = raw_object(client, bucket, upload.storage_name)
    read = selectors.upload_read_content(upload=upload)
    assert read[:3] == b"\xff\xd8\xff"  # re-encoded JPEG
    assert_ciphertext(raw, read)


def test_two_uploads_never_share_an_object(s3_storage):
    client, bucket = s3_storage
    names = {
        services.upload_store(
            file=SimpleUploadedFile("a.jpg", jpeg()),
            kind=UploadKind.ID_DOCUMENT,
            owner_token="t",
        ).storage_name
        for _ in range(2)
    }
    listed = {o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert len(names) == 2 and names == listed


def test_orphan_purge_lists_and_deletes_in_the_store(s3_storage, time_machine):
    client, bucket = s3_storage
    kept = services.upload_store(
        file=SimpleUploadedFile("a.jpg", jpeg()), kind=UploadKind.ID_DOCUMENT, owner_token="t"
    )
    orphan = services.upload_store(
        file=SimpleUploadedFile("b.jpg", jpeg()), kind=UploadKind.ID_DOCUMENT, owner_token="t"
    )
    PrivateUpload.objects.filter(pk=orphan.pk).delete()
    # the store stamps objects with its own clock: look from two hours after now
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    report = services.upload_purge_orphans(older_than=timedelta(hours=1))
    assert report.orphans == (orphan.storage_name,)
    listed = {o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed == {kept.storage_name}


def test_an_archive_scan_is_stored_sealed(s3_storage):
    from zhengwu.archive import files

    client, bucket = s3_storage
    content = jpeg()
    file_id = uuid.uuid4()
    name, _key = files.write(file_id, timezone.now(), content)
    assert_ciphertext(raw_object(client, bucket, name), content)


def test_an_agency_attachment_is_stored_sealed(s3_storage):
    from zhengwu.agency.models import Item
    from zhengwu.agency.services import applications, attachments
    from zhengwu.agency.tests.factories import AgencyUnitFactory
    from zhengwu.documents.pdf import build_pdf

    client, bucket = s3_storage
    unit = AgencyUnitFactory()
    application = applications.start(unit, Item.CHANGE)
    content = build_pdf(title="批准文件", paragraphs=["同意变更。"])
    attachment = attachments.attach(
        application, material="变更事项的批准文件", file=SimpleUploadedFile("批准.pdf", content)
    )
    assert_ciphertext(raw_object(client, bucket, attachment.storage_name), content)
    assert attachments.content_of(attachment) == content


def test_a_published_article_pdf_is_stored_sealed(s3_storage, client):
    from zhengwu.agency.models import ArticleAttachment
    from zhengwu.agency.tests.conftest import office_user
    from zhengwu.documents.pdf import build_pdf

    s3, bucket = s3_storage
    content = build_pdf(title="关于年度报告的公告", paragraphs=["请按时报送。"])
    client.force_login(office_user())
    response = client.post(
        "/agency/office/articles/",
        {
            "category": "notice",
            "title": "关于年度报告的公告",
            "body": "请按时报送。",
            "pdf": SimpleUploadedFile("公告.pdf", content),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    attachment = ArticleAttachment.objects.get()
    assert_ciphertext(raw_object(s3, bucket, attachment.storage_name), content)
    served = client.get(f"/agency/article/attachments/{attachment.pk}/")
    assert served.status_code == 200 and served.content == content


def test_the_objects_carry_no_public_acl(s3_storage):
    client, bucket = s3_storage
    upload = services.upload_store(
        file=SimpleUploadedFile("a.jpg", jpeg()), kind=UploadKind.ID_DOCUMENT, owner_token="t"
    )
    grants = client.get_object_acl(Bucket=bucket, Key=upload.storage_name)["Grants"]
    assert not [g for g in grants if "AllUsers" in str(g.get("Grantee", {}).get("URI", ""))]


def test_a_catalogue_form_saved_through_its_file_field_is_stored_sealed(s3_storage, client):
    """FileFields (the admin's blank forms and samples) go through ``SealedStorage``."""
    from django.core.files.base import ContentFile

    from zhengwu.documents.pdf import build_pdf
    from zhengwu.onlineservices.demo import catalogue_demo_load
    from zhengwu.onlineservices.models import Material

    s3, bucket = s3_storage
    catalogue_demo_load()
    material = Material.objects.first()
    content = build_pdf(title="申请表（空白）", paragraphs=["申请人：＿＿＿＿"])
    material.blank_form.save("申请表.pdf", ContentFile(content))
    name = material.blank_form.name
    assert name.startswith("catalogue/forms/")
    assert_ciphertext(raw_object(s3, bucket, name), content)
    assert unquote(material.blank_form.url) == f"/services/files/{name}"
    served = client.get(material.blank_form.url)
    assert served.status_code == 200 and served.content == content
    assert served["Content-Type"] == "application/pdf"
    # a name no material refers to is not served, even if it exists in the store
    assert client.get("/services/files/uploads/2026/01/x.jpg.enc").status_code == 404
