"""REG-9 decisions and resubmission: reject with a reason, approve, 重新提交."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership, MobileClaim
from zhengwu.accounts.tests.factories import OrganisationFactory, UserFactory
from zhengwu.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from zhengwu.core.workflow import history
from zhengwu.notifications.models import SmsMessage
from zhengwu.registrations.manual import reviews as review_services
from zhengwu.registrations.manual import selectors as manual_selectors
from zhengwu.registrations.manual import services as manual_services
from zhengwu.registrations.manual.constants import ManualStatus
from zhengwu.reviews.tests.factories import (
    ManualVerificationFactory,
    jpeg_file,
    make_reviewer,
    manual_data,
)
from zhengwu.uploads.models import PrivateUpload
from zhengwu.uploads.services import upload_attach, upload_store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture
def reviewer():
    return make_reviewer(username="reviewer1")


def _attach(case, kind):
    upload = upload_store(file=jpeg_file(f"{kind}.jpg"), kind=kind, actor=case.user)
    return upload_attach(upload=upload, subject=case, owner=case.user)


@pytest.fixture
def case():
    case = ManualVerificationFactory()
    _attach(case, "licence_page")
    _attach(case, "id_document")
    return case


def _reject(case, reviewer, capture, **kwargs):
    kwargs.setdefault("reason_code", "licence_unclear")
    with capture(execute=True):
        return review_services.manual_verification_reject(case=case, actor=reviewer, **kwargs)


def test_reject_records_the_reason_and_sends_it(case, reviewer, django_capture_on_commit_callbacks):
    """不通过: the template's label plus the free text becomes the reason; the material the
    template names is to be uploaded again; history row; the SMS carries the reason."""
    _reject(case, reviewer, django_capture_on_commit_callbacks, reason_text="四角未拍全")
    case.refresh_from_db()
    assert case.status == ManualStatus.REJECTED
    assert case.reason == "证照照片不清晰：四角未拍全"
    assert case.reupload_kinds == ["licence_page"]
    assert [(t.from_state, t.to_state) for t in history(case)] == [
        ("", "pending"),  # submitted (the factory writes the history the services would)
        ("pending", "rejected"),
    ]
    sms = SmsMessage.objects.get(template_code="manual_review.rejected")
    assert "证照照片不清晰：四角未拍全" in sms.text and sms.status == "sent"


def test_reason_other_needs_free_text(case, reviewer):
    """其他 alone says nothing: the free text is required."""
    with pytest.raises(ValidationFailed) as exc:
        review_services.manual_verification_reject(case=case, actor=reviewer, reason_code="other")
    assert exc.value.field == "reason_text"


def test_reject_needs_a_reason_template(case, reviewer):
    with pytest.raises(ValidationFailed) as exc:
        review_services.manual_verification_reject(case=case, actor=reviewer, reason_code="")
    assert exc.value.field == "reason_code"


@pytest.mark.parametrize("kind", ["legal_person", "staff_without_permission"])
def test_only_reviewers_decide(case, kind):
    """Journey 6: a legal-person account or staff without reviews.review_case is refused."""
    actor = UserFactory() if kind == "legal_person" else UserFactory(staff=True)
    with pytest.raises(PermissionDenied):
        review_services.manual_verification_approve(case=case, actor=actor)
    with pytest.raises(PermissionDenied):
        review_services.manual_verification_reject(case=case, actor=actor, reason_code="no_stamp")


def test_a_case_cannot_be_decided_twice(case, reviewer, django_capture_on_commit_callbacks):
    """The transition helper refuses a second decision, naming the current state."""
    _reject(case, reviewer, django_capture_on_commit_callbacks)
    with pytest.raises(IllegalTransition) as exc:
        review_services.manual_verification_approve(case=case, actor=reviewer)
    assert "不通过" in exc.value.message


def test_approve_creates_the_organisation_membership_and_mobile_binding(
    case, reviewer, django_capture_on_commit_callbacks
):
    """通过: the organisation with the USCC is created, the applicant becomes its
    administrator, the mobile is bound within it (REG-8), the SMS says so."""
    with django_capture_on_commit_callbacks(execute=True):
        review_services.manual_verification_approve(case=case, actor=reviewer)
    case.refresh_from_db()
    assert case.status == ManualStatus.APPROVED and case.decided_by == reviewer
    org = case.organisation
    assert org.uscc == case.unit_code and org.name == case.organisation_name
    membership = Membership.objects.get(user=case.user)
    assert membership.organisation == org and membership.role == Role.ADMINISTRATOR
    assert MobileClaim.objects.filter(organisation_key=org.claim_key, user=case.user).exists()
    assert SmsMessage.objects.filter(template_code="manual_review.approved").count() == 1


def test_approve_links_an_existing_organisation_as_operator(case, reviewer):
    """A unit already registered is linked, not duplicated; its newcomer is an operator."""
    from zhengwu.accounts.tests.factories import MembershipFactory

    org = OrganisationFactory(uscc=case.unit_code)
    MembershipFactory(organisation=org, legal_representative=True)
    review_services.manual_verification_approve(case=case, actor=reviewer)
    assert Membership.objects.get(user=case.user).role == Role.OPERATOR
    case.refresh_from_db()
    assert case.organisation == org


def test_approve_without_uscc_creates_a_unit_without_code(reviewer):
    """Organisation code or no code at all (projects): a unit of its own, USCC empty."""
    case = ManualVerificationFactory(has_code_certificate=False, unit_code="")
    review_services.manual_verification_approve(case=case, actor=reviewer)
    case.refresh_from_db()
    assert case.organisation.uscc is None


def _resubmit(case, capture, files=None, **data):
    with capture(execute=True):
        return manual_services.manual_verification_resubmit(
            case=case,
            data=manual_data(unit_code=case.unit_code, **data),
            files=files or {},
            actor=case.user,
        )


def test_resubmit_requires_the_rejected_material(
    case, reviewer, django_capture_on_commit_callbacks
):
    """重新提交: what the rejection named must be uploaded again."""
    _reject(case, reviewer, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationFailed) as exc:
        _resubmit(case, django_capture_on_commit_callbacks)
    assert exc.value.field == "licence_page" and "重新上传" in exc.value.message


def test_resubmit_keeps_the_uploads_that_were_right(
    case, reviewer, django_capture_on_commit_callbacks
):
    """The ID page was fine and is kept; the licence page is replaced (old file deleted); the
    case is pending again with a new deadline, history, and the 已受理 SMS again."""
    before = manual_selectors.manual_uploads(case)
    _reject(case, reviewer, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    _resubmit(
        case,
        django_capture_on_commit_callbacks,
        files={"licence_page": jpeg_file("new.jpg")},
        organisation_name="上海浦江贸易有限公司（更正）",
    )
    case.refresh_from_db()
    after = manual_selectors.manual_uploads(case)
    assert case.status == ManualStatus.PENDING and case.submission_count == 2
    assert case.organisation_name.endswith("（更正）") and case.reason == ""
    assert after["id_document"].pk == before["id_document"].pk
    assert after["licence_page"].pk != before["licence_page"].pk
    assert not PrivateUpload.objects.filter(pk=before["licence_page"].pk).exists()
    assert [t.to_state for t in history(case)] == ["pending", "rejected", "pending"]
    assert SmsMessage.objects.filter(template_code="manual_review.received").count() == 1


def test_only_the_applicant_resubmits(case, reviewer, django_capture_on_commit_callbacks):
    _reject(case, reviewer, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        manual_services.manual_verification_resubmit(
            case=case, data=manual_data(), files={}, actor=UserFactory()
        )


def test_a_pending_case_cannot_be_resubmitted(case, django_capture_on_commit_callbacks):
    """Only 不通过 → 待审核 exists."""
    with pytest.raises(IllegalTransition):
        _resubmit(
            case,
            django_capture_on_commit_callbacks,
            files={"licence_page": SimpleUploadedFile("a.jpg", jpeg_file().read())},
        )


def test_resubmit_page_shows_previous_values(
    case, reviewer, client, django_capture_on_commit_callbacks
):
    """The form is pre-filled with what was submitted, and says which uploads are kept."""
    _reject(case, reviewer, django_capture_on_commit_callbacks)
    client.force_login(case.user)
    body = client.get("/register/manual/resubmit/").content.decode()
    assert f'value="{case.organisation_name}"' in body
    assert "证照照片不清晰" in body and "已上传，可不重新上传" in body


def test_approve_completes_a_registration_assisted_at_the_counter(case, reviewer):
    """SVC-4 帮办: a counter visit that ended in 人工认证 is counted when the reviewer approves
    (the explicit ``campaigns.services.assist_complete`` call)."""
    from zhengwu.accounts.tests.factories import UserFactory
    from zhengwu.campaigns import services as campaigns
    from zhengwu.campaigns.models import AssistedRegistration

    helper = UserFactory(staff=True)
    campaigns.assist_start(uscc=case.unit_code, helper=helper)
    review_services.manual_verification_approve(case=case, actor=reviewer)
    case.refresh_from_db()
    record = AssistedRegistration.objects.get(uscc=case.unit_code)
    assert record.organisation == case.organisation and record.helped_by == helper
