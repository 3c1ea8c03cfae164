"""``get_upload_for_user``: the uploader, the owner-token holder, reviewers and registered
viewers see an upload; everyone else gets ``UploadNotFound`` (404), as for an unknown id."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from zhengwu.core.errors import NotFound
from zhengwu.uploads.access import register_viewer_check, unregister_viewer_check
from zhengwu.uploads.errors import UploadNotFound
from zhengwu.uploads.selectors import get_upload_for_user, upload_access_for_user
from zhengwu.uploads.services import upload_store

from . import samples

pytestmark = pytest.mark.django_db


def visible(upload, user, owner_token: str = "") -> bool:
    try:
        found = get_upload_for_user(upload_id=upload.pk, user=user, owner_token=owner_token)
    except UploadNotFound as exc:
        assert isinstance(exc, NotFound) and exc.status == 404
        return False
    assert found == upload
    return True


@pytest.fixture
def wizard_upload():
    """An upload made on an anonymous wizard step, owned by a session token."""
    return upload_store(
        file=samples.uploaded(samples.jpeg()), kind="id_document", owner_token="wizard-token"
    )


def test_uploader_sees_the_upload(licence_upload, applicant):
    """The account that uploaded the file sees it."""
    assert visible(licence_upload, applicant)
    access = upload_access_for_user(upload_id=str(licence_upload.pk), user=applicant)
    assert access.basis == "uploader"


def test_other_user_does_not_see_the_upload(licence_upload, outsider):
    """Another signed-in user gets 404."""
    assert not visible(licence_upload, outsider)


def test_anonymous_visitor_does_not_see_the_upload(licence_upload):
    """An anonymous visitor gets 404."""
    assert not visible(licence_upload, AnonymousUser())
    assert not visible(licence_upload, None)


def test_deactivated_uploader_does_not_see_the_upload(licence_upload, applicant):
    """A deactivated account loses access to its own uploads."""
    applicant.is_active = False
    applicant.save()
    assert not visible(licence_upload, applicant)


def test_owner_token_holder_sees_the_upload(wizard_upload, outsider):
    """The holder of the owner token sees the upload, anonymous or signed in."""
    assert visible(wizard_upload, AnonymousUser(), owner_token="wizard-token")
    assert visible(wizard_upload, outsider, owner_token="wizard-token")


def test_wrong_or_missing_owner_token_is_refused(wizard_upload, licence_upload):
    """Another token, or no token, gets 404; an upload without a token matches no token."""
    assert not visible(wizard_upload, AnonymousUser(), owner_token="other-token")
    assert not visible(wizard_upload, AnonymousUser())
    assert not visible(licence_upload, AnonymousUser(), owner_token="")


def test_reviewer_with_the_permission_sees_every_upload(licence_upload, wizard_upload, reviewer):
    """Staff holding ``uploads.view_privateupload`` see every upload."""
    assert visible(licence_upload, reviewer)
    assert visible(wizard_upload, reviewer)
    assert upload_access_for_user(upload_id=licence_upload.pk, user=reviewer).basis == "reviewer"


def test_staff_without_the_permission_does_not_see_uploads(
    licence_upload, staff_without_permission
):
    """Being staff is not enough: without the permission it is 404."""
    assert not visible(licence_upload, staff_without_permission)


def test_permission_without_staff_status_is_not_enough(licence_upload, reviewer):
    """The permission counts only for staff members."""
    reviewer.is_staff = False
    reviewer.save()
    assert not visible(licence_upload, type(reviewer).objects.get(pk=reviewer.pk))


def test_registered_viewer_check_grants_access(licence_upload, outsider, applicant):
    """A check registered by another app (e.g. the case's reviewers) grants access to the
    users it accepts and to no one else; unregistering it takes the access away."""

    def case_reviewer(user, upload):
        return user.username == "outsider01" and upload.kind == "licence_page"

    register_viewer_check(case_reviewer)
    register_viewer_check(case_reviewer)  # twice is harmless
    assert visible(licence_upload, outsider)
    assert upload_access_for_user(upload_id=licence_upload.pk, user=outsider).basis == (
        "viewer_check"
    )
    unregister_viewer_check(case_reviewer)
    assert not visible(licence_upload, outsider)


def test_viewer_checks_are_not_asked_for_anonymous_visitors(licence_upload):
    """Checks are asked only about signed-in, active users."""
    asked = []

    @register_viewer_check
    def permissive(user, upload):
        asked.append(user)
        return True

    assert not visible(licence_upload, AnonymousUser())
    assert asked == []


def test_unknown_and_malformed_ids_are_not_found(reviewer):
    """An id that does not exist, or is no UUID, is 404 even for a reviewer."""
    for upload_id in (uuid.uuid4(), "not-a-uuid", ""):
        with pytest.raises(UploadNotFound):
            get_upload_for_user(upload_id=upload_id, user=reviewer)
