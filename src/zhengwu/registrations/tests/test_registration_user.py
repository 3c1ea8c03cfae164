"""Step 2 创建用户: REG-4 username/password rules, REG-5 registry mobile, SMS code, REG-8."""

import datetime

import pytest

from zhengwu.accounts.errors import MobileTaken
from zhengwu.accounts.models import MobileClaim
from zhengwu.core.errors import ValidationFailed
from zhengwu.notifications.errors import VerificationCodeInvalid
from zhengwu.registrations.common import rules
from zhengwu.registrations.errors import DraftExpired, RegistryMobileRefused
from zhengwu.registrations.tests.conftest import step1_data
from zhengwu.registrations.tests.factories import MarketEntityFactory
from zhengwu.registrations.wizard import selectors, services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "username", ["abc123", "a_b_c_d_e_f", "A" * 18, "zhang@example.com", "13957100001"]
)
def test_valid_usernames(username):
    """REG-4: 6-18 letters/digits/underscore, or an e-mail address, or a mobile number."""
    assert rules.username_validate(username) == username


@pytest.mark.parametrize(
    "username", ["abc12", "A" * 19, "zhang-san", "张三公司账号", "a b c d e f"]
)
def test_invalid_usernames(username):
    """REG-4: anything else is refused with the rule in the message."""
    with pytest.raises(ValidationFailed) as exc:
        rules.username_validate(username)
    assert exc.value.field == "username" and "6-18位" in exc.value.message


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!", "password.length"),
        ("Ab1!" * 6, "password.length"),
        ("abcdefgh12", "password.classes"),
        ("ABCDEFGH!!", "password.classes"),
        ("Abcdef gh1", "password.characters"),
        ("Abc密码12345", "password.characters"),
        ("xZhangsan01!", "password.contains_username"),
        ("Ab!13957100001", "password.contains_mobile"),
        ("Ab!19900101x", "password.contains_birth_date"),
        ("Ab!900101xyz", "password.contains_birth_date"),
    ],
)
def test_password_rules(password, code):
    """REG-4: 8-20 characters, three of four classes, not containing the username; beyond the
    seed: not containing the operator's mobile or birth date."""
    with pytest.raises(ValidationFailed) as exc:
        rules.password_validate(
            password,
            username="ZhangSan01",
            mobile="13957100001",
            birth_date=datetime.date(1990, 1, 1),
        )
    assert exc.value.code == code and exc.value.field == "password"


@pytest.mark.parametrize(
    "password", ["Abcdefg1", "abcdefg1!", "ABCDEFG1!", "Abcdefgh!", "A1!" + "b" * 17]
)
def test_passwords_with_three_classes_pass(password):
    assert rules.password_validate(password, username="zhangsan01") == password


def test_confirmation_must_match(start, submit_user):
    """REG-4 确认密码."""
    with pytest.raises(ValidationFailed) as exc:
        submit_user(start(), password_confirm="Other@2026x", sms_code="000000")
    assert exc.value.field == "password_confirm"


def test_password_with_operators_birth_date_is_refused_in_the_wizard(start, submit_user, entity):
    """The birth date comes from the operator's resident ID."""
    birth = entity.legal_rep_id_number[6:14]
    with pytest.raises(ValidationFailed) as exc:
        submit_user(start(), password=f"Ab!{birth}", password_confirm=f"Ab!{birth}", sms_code="1")
    assert exc.value.code == "password.contains_birth_date"


def test_legal_rep_completes_step_2_and_claims_the_mobile(start, submit_user, entity):
    """A right code moves the draft to 实名认证 and binds the mobile until the draft expires."""
    draft = submit_user(start())
    assert draft.step == "face"
    claim = MobileClaim.objects.get()
    assert claim.holder == draft.claim_holder and claim.expires_at == draft.expires_at


def test_wrong_sms_code_is_refused(start, submit_user, send_code, entity):
    """The SMS code is checked (wrong, expired, used: notifications rules)."""
    code = send_code(entity.registered_phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(VerificationCodeInvalid) as exc:
        submit_user(start(), sms_code=wrong)
    assert exc.value.field == "sms_code"
    assert not MobileClaim.objects.exists()


def test_username_taken(start, submit_user, personas):
    """With the right SMS code, a taken username is named."""
    with pytest.raises(ValidationFailed) as exc:
        submit_user(start(), username="legal_rep")
    assert exc.value.code == "username.taken" and exc.value.field == "username"


def test_without_the_sms_code_a_taken_username_is_not_revealed(start, submit_user, personas):
    """Issue 11: the SMS code is checked before the username is looked up, so nobody learns
    which usernames exist without the code of a mobile they hold."""
    with pytest.raises(ValidationFailed) as exc:
        submit_user(start(), username="legal_rep", sms_code="000000")
    assert exc.value.field == "sms_code"


# --- REG-5 ---------------------------------------------------------------------------------------


def test_registry_mobile_differs(start, submit_user):
    """REG-5: the legal representative must use the register's mobile (masked hint)."""
    with pytest.raises(RegistryMobileRefused) as exc:
        submit_user(start(), mobile="13957188888", sms_code="1")
    assert exc.value.code == "registry_mobile.differs" and exc.value.field == "mobile"
    assert "****" in exc.value.message


def test_registry_holds_a_landline(submit_user, db):
    """REG-5: a landline in the register has its own message."""
    entity = MarketEntityFactory(registered_phone="0571-87654321", is_phone_landline=True)
    draft = services.registration_start(**step1_data(entity))
    with pytest.raises(RegistryMobileRefused) as exc:
        submit_user(draft, unit=entity, mobile="13957188888", sms_code="1")
    assert exc.value.code == "registry_mobile.landline" and "固定电话" in exc.value.message


def test_registry_holds_a_legacy_15_digit_id(submit_user, db):
    """REG-5: a 15-digit ID in the register has its own message."""
    from zhengwu import identifiers

    entity = MarketEntityFactory(legal_rep_id_number="330106800101123", is_id_number_legacy=True)
    upgraded = identifiers.resident_id.upgrade_15_to_18("330106800101123")
    draft = services.registration_start(**step1_data(entity, legal_rep_id_number=upgraded))
    with pytest.raises(RegistryMobileRefused) as exc:
        submit_user(draft, unit=entity, operator_id_number=upgraded, sms_code="1")
    assert exc.value.code == "registry_mobile.legacy_id" and "15位" in exc.value.message


@pytest.mark.parametrize("kind", ["social_organisation", "agency", "public_institution"])
def test_social_organisations_and_agencies_are_exempt(kind, submit_user, db):
    """REG-5: no registry mobile check for social organisations and agencies."""
    entity = MarketEntityFactory(kind=kind, registered_phone="")
    draft = services.registration_start(**step1_data(entity))
    draft = submit_user(draft, unit=entity, mobile="13957188888")
    assert draft.step == "face"


def test_individual_business_is_checked(submit_user, db):
    entity = MarketEntityFactory(kind="individual_business")
    draft = services.registration_start(**step1_data(entity))
    with pytest.raises(RegistryMobileRefused):
        submit_user(draft, unit=entity, mobile="13957188888", sms_code="1")


# --- REG-8 at step 2 -----------------------------------------------------------------------------


def test_mobile_bound_in_the_organisation_is_refused(start, submit_user):
    """REG-8: a second wizard with the same mobile in the same organisation."""
    submit_user(start(), as_legal_rep=False)
    with pytest.raises(MobileTaken) as exc:
        submit_user(
            start(),
            as_legal_rep=False,
            username="other_user",
            sms_code="1",
            operator_id_number="330106198501011231",
        )
    assert exc.value.message == "同一企业/组织下的账号绑定的手机号不可重复"


def test_abandoned_wizard_frees_the_mobile_after_expiry(start, submit_user, time_machine):
    """A wizard abandoned half-way leaves no account and no lock beyond its expiry."""
    from django.utils import timezone

    from zhengwu.accounts.models import User

    first = submit_user(start(), as_legal_rep=False)
    time_machine.move_to(first.expires_at + datetime.timedelta(seconds=1))
    second = submit_user(start(), as_legal_rep=False, username="second_try")
    assert MobileClaim.objects.get().holder == second.claim_holder
    assert not User.objects.exists()
    assert timezone.now() > first.expires_at


def test_no_sms_code_is_sent_to_a_mobile_bound_in_the_unit(start, entity):
    """Issue 11 / REG-8: the mobile is checked before the code leaves, not after the person
    typed it in."""
    from zhengwu.accounts.errors import MobileTaken
    from zhengwu.accounts.identity import mobile_hash
    from zhengwu.accounts.models import organisation_claim_key
    from zhengwu.notifications.models import VerificationCode

    draft = start()
    mobile = entity.registered_phone
    MobileClaim.objects.create(
        organisation_key=organisation_claim_key(uscc=draft.uscc),
        mobile_hash=mobile_hash(mobile),
        holder="registrations.operatorapplication:1",
    )
    with pytest.raises(MobileTaken):
        services.registration_sms_code_send(draft=draft, mobile=mobile)
    assert not VerificationCode.objects.exists()
    services.registration_sms_code_send(draft=draft, mobile="13957100777")  # a free one
    assert VerificationCode.objects.count() == 1


def test_the_same_person_coming_back_replaces_their_own_draft(start, submit_user, time_machine):
    """Issue 11 / REG-8: the tab closed at the face check; the same operator (same ID number)
    starts again with the same mobile: the new draft takes the mobile, the old one ends."""
    from django.utils import timezone

    first = submit_user(start(), as_legal_rep=False)
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=61))  # SMS rate limit
    second = submit_user(start(), as_legal_rep=False, username="second_try")
    assert MobileClaim.objects.get().holder == second.claim_holder
    first.refresh_from_db()
    assert first.is_expired
    with pytest.raises(DraftExpired):
        selectors.draft_get(draft_id=first.pk)
