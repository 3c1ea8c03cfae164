"""``GET /uploads/<uuid>/``: the JPEG with safe headers to those who may see it, 404 to
everyone else; every view and every refusal is audited."""

from __future__ import annotations

import io
import uuid

import pytest
from django.urls import reverse
from PIL import Image

from zhengwu.audit.models import AuditEvent
from zhengwu.uploads.constants import OWNER_TOKEN_SESSION_KEY
from zhengwu.uploads.selectors import upload_read_content
from zhengwu.uploads.services import upload_store

from . import samples

pytestmark = pytest.mark.django_db


def url(upload) -> str:
    return reverse("uploads:file", args=[upload.pk])


def events(event_type: str):
    return AuditEvent.objects.filter(event_type=event_type).order_by("id")


def test_url_is_mounted_under_uploads(licence_upload):
    """The view lives at ``/uploads/<uuid>/``."""
    assert url(licence_upload) == f"/uploads/{licence_upload.pk}/"


def test_uploader_gets_the_jpeg_with_safe_headers(client, licence_upload, applicant):
    """The uploader gets the stored JPEG, inline, not cacheable, not sniffable."""
    client.force_login(applicant)
    response = client.get(url(licence_upload))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == upload_read_content(upload=licence_upload)
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "JPEG"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(licence_upload.size)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="{licence_upload.pk}.jpg"'
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_every_view_writes_one_audit_event(client, licence_upload, applicant):
    """Each successful view is one ``upload.viewed`` event: who, which file, on what basis."""
    client.force_login(applicant)
    before = AuditEvent.objects.count()
    for _ in range(3):
        assert client.get(url(licence_upload)).status_code == 200
    assert AuditEvent.objects.count() == before + 3
    viewed = list(events("upload.viewed"))
    assert len(viewed) == 3
    for event in viewed:
        assert event.outcome == "success"
        assert event.actor_id == applicant.pk
        assert (event.subject_type, event.subject_id) == (
            "uploads.privateupload",
            str(licence_upload.pk),
        )
        assert event.after == {"access": "uploader"}
        assert event.request_id


def test_reviewer_view_is_audited_as_reviewer(client, licence_upload, reviewer):
    """A reviewer sees the file; the event records the reviewer and the basis."""
    client.force_login(reviewer)
    assert client.get(url(licence_upload)).status_code == 200
    event = events("upload.viewed").get()
    assert event.actor_id == reviewer.pk
    assert event.after == {"access": "reviewer"}


def test_other_user_gets_404_and_the_refusal_is_audited(client, licence_upload, outsider):
    """Another user gets 404 (not 403); an ``upload.view_denied`` failure event is written."""
    client.force_login(outsider)
    response = client.get(url(licence_upload))
    assert response.status_code == 404
    assert not events("upload.viewed").exists()
    denied = events("upload.view_denied").get()
    assert denied.outcome == "failure"
    assert denied.actor_id == outsider.pk
    assert denied.subject_id == str(licence_upload.pk)


def test_anonymous_visitor_gets_404(client, licence_upload):
    """An anonymous visitor gets the same 404 as for an unknown id."""
    unknown = client.get(f"/uploads/{uuid.uuid4()}/")
    response = client.get(url(licence_upload))
    assert response.status_code == unknown.status_code == 404
    assert response.content == unknown.content
    assert events("upload.view_denied").count() == 2


def test_owner_token_in_the_session_opens_the_upload(client):
    """An anonymous wizard upload opens for the browser whose session holds the token."""
    session = client.session
    session[OWNER_TOKEN_SESSION_KEY] = "wizard-session-token"
    session.save()
    upload = upload_store(
        file=samples.uploaded(samples.jpeg()),
        kind="stamped_proof",
        owner_token="wizard-session-token",
    )
    response = client.get(url(upload))
    assert response.status_code == 200
    event = events("upload.viewed").get()
    assert event.actor_id is None
    assert event.after == {"access": "owner_token"}


def test_other_session_does_not_open_a_wizard_upload(client):
    """Another browser (another token, or none) gets 404."""
    upload = upload_store(
        file=samples.uploaded(samples.jpeg()), kind="stamped_proof", owner_token="token-a"
    )
    assert client.get(url(upload)).status_code == 404
    session = client.session
    session[OWNER_TOKEN_SESSION_KEY] = "token-b"
    session.save()
    assert client.get(url(upload)).status_code == 404


def test_only_get_is_allowed(client, licence_upload, applicant):
    """POST and the like are 405."""
    client.force_login(applicant)
    assert client.post(url(licence_upload)).status_code == 405


def test_missing_file_is_404_and_audited_as_failure(
    client, licence_upload, applicant, private_storage
):
    """If the file vanished from the storage the user gets 404; the event says it failed."""
    (private_storage / licence_upload.storage_name).unlink()
    client.force_login(applicant)
    assert client.get(url(licence_upload)).status_code == 404
    event = events("upload.viewed").get()
    assert event.outcome == "failure"
    assert event.after == {"access": "uploader", "error": "unavailable"}


def test_file_swapped_between_rows_does_not_decrypt(client, applicant, private_storage):
    """Each file is bound to its row: copying one upload's file onto another's name is
    detected (the encryption uses the upload id as associated data)."""
    first = upload_store(file=samples.uploaded(samples.jpeg()), kind="other", actor=applicant)
    second = upload_store(
        file=samples.uploaded(samples.jpeg(300, 300)), kind="other", actor=applicant
    )
    (private_storage / second.storage_name).write_bytes(
        (private_storage / first.storage_name).read_bytes()
    )
    client.force_login(applicant)
    assert client.get(url(second)).status_code == 404
    assert client.get(url(first)).status_code == 200
