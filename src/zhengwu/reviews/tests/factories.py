"""Factories of the back office: reviewers and what a manual-channel applicant submits. The
cases themselves (manual verifications, natural-person reviews, agent registrations) are the
registrations factories, defined once with their history (re-exported here)."""

from __future__ import annotations

from django.contrib.auth.models import Group

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.registrations.tests.factories import (  # noqa: F401  (re-exported)
    ManualVerificationFactory,
    NaturalPersonDraftFactory,
    NaturalPersonReviewFactory,
)
from zhengwu.reviews.constants import REVIEWER_GROUP


def make_reviewer(**kwargs):  # type: ignore[no-untyped-def]
    """An active staff user in the group 审核人员 (holding ``reviews.review_case``)."""
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    return user


APPLICANT_PASSWORD = "Sh#2026manual"
OPERATOR_ID = "310101199003071230"


def jpeg_file(name: str = "scan.jpg", width: int = 400, height: int = 300):  # type: ignore[no-untyped-def]
    """A real JPEG upload (Pillow), as a browser sends it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhengwu.uploads.tests.samples import jpeg

    return SimpleUploadedFile(name, jpeg(width, height), content_type="image/jpeg")


def manual_data(**overrides):  # type: ignore[no-untyped-def]
    """The unit and operator fields of an out-of-province enterprise (REG-9)."""
    data = {
        "applicant_kind": "out_of_province",
        "location": "out_of_province",
        "legal_person_type": "enterprise",
        "organisation_name": "上海浦江贸易有限公司",
        "organisation_name_en": "",
        "has_code_certificate": "yes",
        "unit_code": "913100009141777692",
        "project_code": "",
        "operator_name": "赵一鸣",
        "operator_id_type": "resident_id",
        "operator_id_number": OPERATOR_ID,
        "operator_ethnicity": "",
        "email": "zhao@example.com",
    }
    return {**data, **overrides}


def manual_files(*kinds: str):  # type: ignore[no-untyped-def]
    return {kind: jpeg_file(f"{kind}.jpg") for kind in kinds or ("licence_page", "id_document")}
