"""The back office lists uploads read-only for reviewers; the file opens via the audited view."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:uploads_privateupload_changelist")


def test_reviewer_sees_the_list(client, reviewer, licence_upload):
    """The list shows kind, size and uploader to a reviewer."""
    client.force_login(reviewer)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "营业执照/证照页" in body
    assert "applicant01" in body
    assert "KB" in body


def test_detail_is_read_only_and_links_to_the_audited_view(client, reviewer, licence_upload):
    """The detail page has no save button and links to ``/uploads/<uuid>/``."""
    client.force_login(reviewer)
    url = reverse("admin:uploads_privateupload_change", args=[licence_upload.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/uploads/{licence_upload.pk}/"' in body
    assert 'name="_save"' not in body
    assert client.post(url, {}).status_code == 403


def test_nobody_adds_or_deletes_in_the_admin(admin_client, licence_upload):
    """Even a superuser cannot add or delete uploads here (only the services do)."""
    assert admin_client.get(reverse("admin:uploads_privateupload_add")).status_code == 403
    delete = reverse("admin:uploads_privateupload_delete", args=[licence_upload.pk])
    assert admin_client.get(delete).status_code == 403


def test_staff_without_the_permission_is_refused(client, staff_without_permission):
    """Staff without ``uploads.view_privateupload`` cannot open the list."""
    client.force_login(staff_without_permission)
    assert client.get(CHANGELIST).status_code == 403


def test_search_by_id_hash_or_case(client, reviewer, licence_upload):
    """Reviewers find an upload by its id, its SHA-256 or its case id; other text is no error."""
    client.force_login(reviewer)
    for term in (str(licence_upload.pk), licence_upload.sha256):
        response = client.get(CHANGELIST, {"q": term})
        assert response.status_code == 200
        assert str(licence_upload.pk) in response.content.decode()
    assert client.get(CHANGELIST, {"q": "营业执照 abc"}).status_code == 200
