"""Factories of the back office: reviewers, manual verifications with a trait per state, and
natural-person manual reviews."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from zhengwu.accounts.constants import IdType, LegalPersonType, Location
from zhengwu.accounts.identity import id_number_hash, mobile_hash
from zhengwu.accounts.tests.factories import UserFactory, resident_id
from zhengwu.registrations.manual.constants import ManualApplicantKind, ManualStatus
from zhengwu.registrations.models import ManualVerification, NaturalPersonDraft, NaturalPersonReview
from zhengwu.registrations.models.natural import (
    NaturalDraftOutcome,
    NaturalIdType,
    NaturalReviewStatus,
)
from zhengwu.reviews.constants import REVIEWER_GROUP


def make_reviewer(**kwargs):  # type: ignore[no-untyped-def]
    """An active staff user in the group 审核人员 (holding ``reviews.review_case``)."""
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    return user


class ManualVerificationFactory(factory.django.DjangoModelFactory):
    """A manual-channel case of an out-of-province enterprise; traits per state."""

    class Meta:
        model = ManualVerification

    reference = factory.Sequence(lambda n: f"RG20261120{n:06d}")
    status = ManualStatus.PENDING
    applicant_kind = ManualApplicantKind.OUT_OF_PROVINCE
    location = Location.OUT_OF_PROVINCE
    legal_person_type = LegalPersonType.ENTERPRISE
    organisation_name = factory.Sequence(lambda n: f"上海测试贸易有限公司{n}")
    has_code_certificate = True
    unit_code = "913100009141777692"
    operator_name = factory.Sequence(lambda n: f"赵测试{n}")
    operator_id_type = IdType.RESIDENT_ID
    operator_id_number = factory.Sequence(lambda n: resident_id(50000 + n))
    operator_id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.operator_id_number))
    mobile = factory.Sequence(lambda n: f"137571{n + 1000:05d}")  # not a sandbox failure input
    mobile_hash = factory.LazyAttribute(lambda o: mobile_hash(o.mobile))
    email = "op@example.com"
    user = factory.SubFactory(
        UserFactory,
        real_name=factory.SelfAttribute("..operator_name"),
        id_number=factory.SelfAttribute("..operator_id_number"),
        mobile=factory.SelfAttribute("..mobile"),
    )
    submitted_at = factory.LazyFunction(timezone.now)
    deadline_at = factory.LazyAttribute(lambda o: o.submitted_at + datetime.timedelta(days=1))

    class Params:
        pending = factory.Trait(status=ManualStatus.PENDING)
        rejected = factory.Trait(
            status=ManualStatus.REJECTED,
            reason="证照照片不清晰",
            reason_code="licence_unclear",
            reupload_kinds=["licence_page"],
        )
        approved = factory.Trait(status=ManualStatus.APPROVED)
        overdue = factory.Trait(
            deadline_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
        )


# --- what an applicant submits (used by the registrations and reviews tests) ------------------

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


# --- 个人实名人工审核 (REG-11) -----------------------------------------------------------------


class NaturalPersonDraftFactory(factory.django.DjangoModelFactory):
    """A finished 个人注册 wizard whose face check failed (what a manual review points at)."""

    class Meta:
        model = NaturalPersonDraft

    step = NaturalPersonDraft.Step.DONE
    outcome = NaturalDraftOutcome.REVIEW
    id_type = NaturalIdType.RESIDENT_ID
    real_name = factory.Sequence(lambda n: f"钱测试{n}")
    id_number = factory.Sequence(lambda n: resident_id(60000 + n))
    id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.id_number))
    valid_from = datetime.date(2020, 1, 1)
    valid_until = datetime.date(2040, 1, 1)
    region_code = "330106"
    region_name = "浙江省杭州市西湖区"
    mobile = factory.Sequence(lambda n: f"139571{n + 2000:05d}")
    mobile_hash = factory.LazyAttribute(lambda o: mobile_hash(o.mobile))
    password_hash = factory.LazyFunction(lambda: make_password("Sh#2026natural"))
    face_failure_reason = "人脸比对不一致"
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=1))


class NaturalPersonReviewFactory(factory.django.DjangoModelFactory):
    """A pending 人工审核 of a natural person; ``overdue`` puts the deadline in the past."""

    class Meta:
        model = NaturalPersonReview

    draft = factory.SubFactory(NaturalPersonDraftFactory)
    status = NaturalReviewStatus.PENDING
    submitted_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(lambda o: o.submitted_at + datetime.timedelta(days=2))

    class Params:
        overdue = factory.Trait(
            deadline=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
        )
