"""REG-10, the agent path through its services: submission, the signing link, the legal
representative's face check and PAdES signature, 签名超时 at 48 hours, 拒签, 重新提交, the
re-signing rule after a rejection, and the resident-ID rule."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from zhengwu.accounts.models import Membership, MobileClaim, User
from zhengwu.accounts.tests.factories import PASSWORD, resident_id
from zhengwu.core.errors import IllegalTransition, NotFound, ValidationFailed
from zhengwu.core.models import Transition
from zhengwu.integrations.esign import get_esign
from zhengwu.integrations.esign.pades import _asn1_certificate
from zhengwu.notifications.models import SmsMessage
from zhengwu.registrations.agent import reviews as agent_reviews
from zhengwu.registrations.agent import services, signing
from zhengwu.registrations.agent.constants import AgentStatus
from zhengwu.registrations.models import AgentRegistration
from zhengwu.registrations.tests.agent_factories import AgentRegistrationFactory, agent_files

pytestmark = pytest.mark.django_db

LEGAL_REP_MOBILE = "13957100001"
AGENT_MOBILE = "13957100002"
AGENT_ID = resident_id(777)


@pytest.fixture(autouse=True)
def esign_keys(settings, tmp_path):
    """The sandbox e-signature keys live under the test's temporary VAR_DIR."""
    settings.VAR_DIR = tmp_path
    settings.ZHENGWU_SITE_URL = "https://zw.example.gov.cn"


def agent_data(entity, **overrides):
    data = {
        "legal_person_type": entity.legal_person_type,
        "organisation_name": entity.name,
        "uscc": entity.uscc,
        "legal_rep_name": entity.legal_rep_name,
        "legal_rep_id_type": "resident_id",
        "legal_rep_id_number": entity.legal_rep_id_number,
        "legal_rep_mobile": LEGAL_REP_MOBILE,
        "username": "agent_user",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "agent_name": "钱测试通过",
        "agent_id_type": "resident_id",
        "agent_id_number": AGENT_ID,
        "landline": "",
        "mobile": AGENT_MOBILE,
        "agreement_accepted": True,
    }
    return {**data, **overrides}


@pytest.fixture
def start(entity, send_code):
    def run(**overrides):
        data = agent_data(entity, **overrides)
        data.setdefault("sms_code", send_code(data["mobile"]))
        data.setdefault("files", agent_files())
        return services.agent_registration_start(**data)

    return run


@pytest.fixture
def submitted(start, django_capture_on_commit_callbacks):
    """Form → the agent's face check (passes at once: 测试通过) → 确认提交."""

    def run(**overrides):
        application = start(**overrides)
        services.agent_face_start(application=application)
        assert services.agent_face_poll(application=application).is_passed
        with django_capture_on_commit_callbacks(execute=True):
            return services.agent_registration_submit(application=application)

    return run


def link_token(mobile=LEGAL_REP_MOBILE):
    """The token of the newest signing link sent to ``mobile``, read from the SMS text."""
    message = (
        SmsMessage.objects.filter(template_code="mandate.signature_requested")
        .order_by("-pk")
        .first()
    )
    assert message.mobile == mobile
    return re.search(r"/register/agent/sign/([^/\s]+)/", message.text).group(1)


def sign(application, token):
    signing.agent_sign_face_start(application=application, token=token)
    assert signing.agent_sign_face_poll(application=application, token=token).is_passed
    return signing.agent_letter_sign(application=application, token=token)


def test_submission_sends_the_legal_representative_a_link_without_personal_data(submitted):
    """确认提交: 签名中, an inactive agent account, the letter, and the SMS with a signed random
    token: neither ID numbers nor mobiles in the URL; the mobile is held within the unit."""
    application = submitted()
    assert application.status == AgentStatus.SIGNING
    assert application.user.is_active is False
    assert application.letter_pdf[:5] == b"%PDF-"
    assert application.sign_deadline_at - application.sign_sent_at == datetime.timedelta(hours=48)
    token = link_token()
    for secret in (AGENT_ID, LEGAL_REP_MOBILE, AGENT_MOBILE, application.legal_rep_id_number):
        assert secret not in token
    assert application.sign_token_hash and application.sign_token_hash != token
    assert signing.agent_sign_get(token=token).pk == application.pk
    assert MobileClaim.objects.filter(holder=application.claim_holder, expires_at=None).exists()
    assert signing.sign_link(application).endswith(f"/register/agent/sign/{token}/")


def test_forged_or_unknown_tokens_are_refused(submitted):
    application = submitted()
    token = link_token()
    with pytest.raises(NotFound):
        signing.agent_sign_get(token=token[:-1] + ("A" if token[-1] != "A" else "B"))
    with pytest.raises(NotFound):
        signing.agent_sign_get(token="abc.def")
    assert AgentRegistration.objects.get(pk=application.pk).status == AgentStatus.SIGNING


def test_signing_produces_a_pades_signature_that_pyhanko_validates(submitted):
    """签署 after the face check: 待审核, and the stored PDF carries a PAdES signature that
    pyHanko validates against the sandbox CA; one changed byte breaks it."""
    application = submitted()
    application = sign(application, link_token())
    assert application.status == AgentStatus.PENDING
    assert application.deadline_at is not None and application.signed_at is not None
    pdf = bytes(AgentRegistration.objects.get(pk=application.pk).signed_pdf)
    assert pdf.startswith(bytes(application.letter_pdf))  # an incremental update

    ca = get_esign().key_store().ca().certificate
    context = ValidationContext(trust_roots=[_asn1_certificate(ca)], allow_fetching=False)
    (embedded,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(embedded, context)
    assert status.intact and status.valid and status.trusted
    assert embedded.signer_cert.subject.native["common_name"] == application.legal_rep_name
    assert application.legal_rep_id_number not in str(embedded.signer_cert.subject.native)

    tampered = bytearray(pdf)
    index = pdf.index(b"/Type", 0)  # a byte inside the signed range
    assert index < embedded.byte_range[1]
    tampered[index + 1] = ord("X")
    (broken,) = PdfFileReader(io.BytesIO(bytes(tampered))).embedded_signatures
    assert not validate_pdf_signature(broken, context).intact


def test_signing_requires_the_legal_representatives_face_check(submitted):
    application = submitted()
    with pytest.raises(ValidationFailed) as exc:
        signing.agent_letter_sign(application=application, token=link_token())
    assert exc.value.code == "agent_sign.face_required"


def test_the_face_check_is_bound_to_the_legal_representatives_id_number(submitted):
    from zhengwu.integrations.models import SandboxFaceCheck

    application = submitted()
    token = link_token()
    signing.agent_sign_face_start(application=application, token=token)
    check = SandboxFaceCheck.objects.get(token=application.sign_face_token)
    assert check.name == application.legal_rep_name
    assert (check.id_type, check.id_number) == ("resident_id", application.legal_rep_id_number)
    assert check.purpose == "mandate_signature"
    assert check.purpose_label == "签署授权委托书"  # words on the face page, not the code


def test_signature_times_out_after_48_hours(
    submitted, time_machine, django_capture_on_commit_callbacks
):
    """签名超时 48 h after the link was sent: true on read even before the worker ran, and
    applied by the task; the link dies; the agent gets ``mandate.signature_timed_out``."""
    time_machine.move_to(timezone.now(), tick=False)
    application = submitted()
    token = link_token()
    time_machine.shift(datetime.timedelta(hours=47, minutes=59))
    assert signing.agent_sign_get(token=token).status == AgentStatus.SIGNING
    time_machine.shift(datetime.timedelta(minutes=1))
    stale = AgentRegistration.objects.get(pk=application.pk)
    assert stale.status == AgentStatus.SIGNING  # the worker has not run …
    assert stale.effective_status == AgentStatus.TIMED_OUT  # … but the state is true on read
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotFound):
        signing.agent_sign_get(token=token)
    assert AgentRegistration.objects.get(pk=application.pk).status == AgentStatus.TIMED_OUT
    assert SmsMessage.objects.filter(
        template_code="mandate.signature_timed_out", mobile_hash=_mobile_hash(AGENT_MOBILE)
    ).exists()
    assert signing.agent_signatures_expire() == 0  # already applied


def _mobile_hash(mobile):
    from zhengwu.accounts.identity import mobile_hash

    return mobile_hash(mobile)


def test_the_expiry_task_moves_every_overdue_signing(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    overdue = AgentRegistrationFactory(
        sign_sent_at=timezone.now() - datetime.timedelta(hours=48, seconds=1)
    )
    fresh = AgentRegistrationFactory()
    assert signing.agent_signatures_expire() == 1
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    assert overdue.status == AgentStatus.TIMED_OUT and fresh.status == AgentStatus.SIGNING
    assert Transition.objects.filter(
        subject_id=str(overdue.pk), from_state="signing", to_state="timed_out"
    ).exists()


def test_refusal_tells_the_agent_and_kills_the_link(submitted, django_capture_on_commit_callbacks):
    application = submitted()
    token = link_token()
    with django_capture_on_commit_callbacks(execute=True):
        application = signing.agent_letter_refuse(application=application, token=token)
    assert application.status == AgentStatus.REFUSED
    assert SmsMessage.objects.filter(template_code="mandate.signature_refused").count() == 1
    with pytest.raises(NotFound):
        signing.agent_sign_get(token=token)


def test_resubmission_sends_a_new_link_and_kills_the_old_one(submitted):
    """重新提交 after 拒签: 签名中 again with a new link; the old link is dead."""
    application = submitted()
    old = link_token()
    application = signing.agent_letter_refuse(application=application, token=old)
    application = services.agent_registration_resend(application=application)
    new = link_token()
    assert application.status == AgentStatus.SIGNING and new != old
    with pytest.raises(NotFound):
        signing.agent_sign_get(token=old)
    assert signing.agent_sign_get(token=new).pk == application.pk
    assert sign(application, new).status == AgentStatus.PENDING


def test_resubmission_after_a_timeout(submitted, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    application = submitted()
    time_machine.shift(datetime.timedelta(hours=49))
    application = signing.agent_registration_expire_if_due(application=application)
    assert application.status == AgentStatus.TIMED_OUT
    application = services.agent_registration_resend(application=application)
    assert application.status == AgentStatus.SIGNING
    assert application.sign_deadline_at == timezone.now() + datetime.timedelta(hours=48)


def _rejected(submitted, reviewer):
    application = submitted()
    application = sign(application, link_token())
    return agent_reviews.agent_registration_reject(
        application=application, actor=reviewer, reason_code="other", reason_text="请核对"
    )


def _values(application, **changes):
    names = (
        "legal_person_type",
        "organisation_name",
        "uscc",
        "legal_rep_name",
        "legal_rep_id_type",
        "legal_rep_id_number",
        "legal_rep_mobile",
        "landline",
    )
    return {**{name: getattr(application, name) for name in names}, **changes}


def test_after_rejection_a_key_field_change_needs_a_new_signature(submitted, personas):
    """REG-10: changing the legal representative's mobile after 不通过 → 签名中 (new link)."""
    application = _rejected(submitted, personas.reviewer)
    assert application.status == AgentStatus.REJECTED
    application = services.agent_registration_update(
        application=application, values=_values(application, legal_rep_mobile="13957100009")
    )
    assert application.status == AgentStatus.SIGNING
    assert application.signed_pdf == b""
    assert link_token(mobile="13957100009")


def test_after_rejection_another_change_goes_straight_back_to_review(submitted, personas):
    """A landline change after 不通过 keeps the signature: straight back to 待审核."""
    application = _rejected(submitted, personas.reviewer)
    signed = bytes(application.signed_pdf)
    application = services.agent_registration_update(
        application=application, values=_values(application, landline="0571-87654321")
    )
    assert application.status == AgentStatus.PENDING
    assert bytes(application.signed_pdf) == signed
    assert application.landline == "0571-87654321"
    assert MobileClaim.objects.filter(holder=application.claim_holder).exists()


@pytest.mark.parametrize("id_type", ["passport", "hkmo_permit", "tw_permit", "foreign_pr"])
def test_a_legal_representative_without_resident_id_is_sent_to_the_manual_channel(start, id_type):
    """E-signature only for a resident ID card; the others take the manual channel."""
    with pytest.raises(ValidationFailed) as exc:
        start(legal_rep_id_type=id_type, sms_code="000000")
    assert exc.value.code == "registration.manual_channel"
    assert exc.value.field == "legal_rep_id_type"
    assert "人工认证渠道" in exc.value.message
    assert not AgentRegistration.objects.exists()


def test_the_register_must_confirm_the_legal_representative(start):
    with pytest.raises(ValidationFailed) as exc:
        start(legal_rep_name="张三", sms_code="000000")
    assert exc.value.code == "registry.legal_rep_mismatch"


def test_the_agent_cannot_be_the_legal_representative(start, entity):
    with pytest.raises(ValidationFailed) as exc:
        start(agent_id_number=entity.legal_rep_id_number, sms_code="000000")
    assert exc.value.field == "agent_id_number"


def test_reg8_the_agents_mobile_is_bound_within_the_unit(start, entity):
    """REG-8: a mobile already bound to an account of the unit cannot be used by an agent;
    refused before the SMS code is spent."""
    from zhengwu.accounts.models import organisation_claim_key

    MobileClaim.objects.create(
        organisation_key=organisation_claim_key(uscc=entity.uscc),
        mobile_hash=_mobile_hash(AGENT_MOBILE),
        holder="accounts.user:1",
    )
    with pytest.raises(ValidationFailed) as exc:
        start(sms_code="000000")
    assert exc.value.code == "mobile.taken" and exc.value.field == "mobile"
    assert not AgentRegistration.objects.exists()


def test_approval_activates_the_account_and_creates_the_membership(
    submitted, personas, django_capture_on_commit_callbacks
):
    application = submitted()
    application = sign(application, link_token())
    with django_capture_on_commit_callbacks(execute=True):
        application = agent_reviews.agent_registration_approve(
            application=application, actor=personas.reviewer
        )
    user = User.objects.get(username="agent_user")
    assert user.is_active and user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user)
    assert membership.organisation.uscc == application.uscc
    assert membership.role == "administrator"
    assert SmsMessage.objects.filter(template_code="registration.succeeded").exists()
    with pytest.raises(IllegalTransition):
        agent_reviews.agent_registration_approve(application=application, actor=personas.reviewer)
