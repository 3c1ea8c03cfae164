"""The back-office list of the register is read-only and shows personal data masked."""

from __future__ import annotations

import pytest

from zhengwu.registry.services.importing import registry_import

pytestmark = pytest.mark.django_db


def test_changelist_masks_id_numbers_and_phones(admin_client, export, good_rows):
    """Staff see 330***********4517 and 139****1001, never the numbers in clear."""
    registry_import(export(good_rows))

    page = admin_client.get("/admin/registry/marketentity/").content.decode()
    detail = admin_client.get("/admin/registry/marketentity/91330106MA2KYUN10R/change/")

    assert "330***********4517" in page and "139****1001" in page
    assert "330106198203154517" not in page and "13957101001" not in page
    assert detail.status_code == 200
    assert "330106198203154517" not in detail.content.decode()


def test_register_cannot_be_edited_from_the_back_office(admin_client, export, good_rows):
    """No add, change or delete: the import is the only writer."""
    registry_import(export(good_rows))

    assert admin_client.get("/admin/registry/marketentity/add/").status_code == 403
    response = admin_client.post(
        "/admin/registry/marketentity/91330106MA2KYUN10R/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
