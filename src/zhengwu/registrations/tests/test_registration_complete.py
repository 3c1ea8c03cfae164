"""Step 3 实名认证 and the end of the wizard (REG-6, REG-7): journeys 1 and 2 as services."""

import pytest

from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership, MobileClaim, Organisation, User
from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import ValidationFailed
from zhengwu.integrations.identity.base import FaceCheckStatus
from zhengwu.notifications.models import SmsMessage
from zhengwu.registrations.models import OperatorApplication
from zhengwu.registrations.wizard import draft_store, selectors, services

pytestmark = pytest.mark.django_db


def _texts(template):
    return [m.text for m in SmsMessage.objects.filter(template_code=template)]


def test_journey_1_legal_rep_gets_an_active_account_at_once(register, entity):
    """REG-7: operator = legal representative → active account, membership, SMS."""
    draft = register()
    assert draft.step == "done" and draft.outcome == "active"
    user = User.objects.get(username="hz_company")
    assert user.is_active and user.kind == "legal_person" and user.check_password("Zw@2026pass")
    assert user.real_name == entity.legal_rep_name and user.mobile == entity.registered_phone
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.LEGAL_REPRESENTATIVE
    assert membership.organisation.uscc == entity.uscc
    assert MobileClaim.objects.get().user == user  # REG-8: the account now holds the mobile
    [text] = _texts("registration.succeeded")
    assert entity.name in text and "hz_company" in text
    assert AuditEvent.objects.filter(event_type="registration.completed").exists()


def test_journey_2_employee_waits_for_approval(register, entity, personas):
    """REG-7: another operator → pending application, no account, SMS to approvers."""
    org = personas.organisation
    entity.uscc = org.uscc
    Organisation.objects.filter(pk=org.pk).update(name=entity.name)
    entity.save()
    draft = register(as_legal_rep=False)
    assert draft.outcome == "pending_approval"
    application = OperatorApplication.objects.get()
    assert application.status == "pending" and application.organisation == org
    assert not User.objects.filter(username="hz_company").exists()
    recipients = set(
        SmsMessage.objects.filter(
            template_code="operator_application.approval_requested"
        ).values_list("mobile_hash", flat=True)
    )
    assert recipients == {
        personas.legal_representative.mobile_hash,
        personas.administrator.mobile_hash,
    }
    assert MobileClaim.objects.filter(holder=application.claim_holder).exists()


def test_first_registrant_employee_notifies_the_registry_mobile(register, entity):
    """An organisation without accounts yet: the legal representative's register mobile."""
    register(as_legal_rep=False)
    [message] = SmsMessage.objects.filter(template_code="operator_application.approval_requested")
    assert message.mobile == entity.registered_phone


def test_face_check_is_started_for_the_operator(start, submit_user):
    """REG-6: the check is bound to the operator's name and ID number, token kept server-side."""
    from zhengwu.integrations.models import SandboxFaceCheck

    draft = submit_user(start(), as_legal_rep=False)
    session = services.registration_face_start(draft=draft)
    check = SandboxFaceCheck.objects.get(token=session.token)
    assert check.id_number == draft.operator_id_number and check.name == draft.operator_name
    draft.refresh_from_db()
    assert draft.face_token == session.token


def test_failed_face_check_completes_nothing(start, submit_user):
    """REG-6: 测试不通过 fails; no account, no application; the person may retry."""
    draft = submit_user(start(), as_legal_rep=False, operator_name="李测试不通过")
    services.registration_face_start(draft=draft)
    result = services.registration_face_poll(draft=draft)
    assert result.status == FaceCheckStatus.FAILED
    assert (
        not OperatorApplication.objects.exists()
        and not User.objects.filter(kind="legal_person").exists()
    )
    draft.refresh_from_db()
    assert draft.step == "face"


def test_pending_face_check_waits(start, submit_user):
    draft = submit_user(start(), as_legal_rep=False, operator_name="李四")
    services.registration_face_start(draft=draft)
    assert services.registration_face_poll(draft=draft).status == FaceCheckStatus.PENDING


def test_complete_refuses_without_a_passed_check(start, submit_user):
    """Nothing completes on the client's word."""
    draft = submit_user(start(), as_legal_rep=False, operator_name="李四")
    services.registration_face_start(draft=draft)
    with pytest.raises(ValidationFailed) as exc:
        services.registration_complete(draft=draft)
    assert exc.value.code == "registration.face_required"


def test_a_check_passed_for_someone_else_does_not_count(start, submit_user):
    """The draft's own token is the only one read: a passed check of another person (started
    outside this draft) cannot complete it."""
    from zhengwu.integrations.identity.base import FaceCheckRequest
    from zhengwu.integrations.loading import get_provider

    draft = submit_user(start(), as_legal_rep=False, operator_name="李四")
    services.registration_face_start(draft=draft)
    other = get_provider("ZHENGWU_IDENTITY_BACKEND").start_check(
        FaceCheckRequest(
            name="某测试通过",
            id_type="resident_id",
            id_number="11010519491231002X",
            purpose="registration",
        )
    )
    assert get_provider("ZHENGWU_IDENTITY_BACKEND").get_result(other.token).is_passed
    assert services.registration_face_poll(draft=draft).status == FaceCheckStatus.PENDING
    assert not OperatorApplication.objects.exists()


def test_expired_draft_cannot_continue(start, submit_user, time_machine):
    """A wizard is not resumed after its expiry."""
    from zhengwu.registrations.errors import DraftExpired

    draft = start()
    token = draft_store.seal(draft)
    time_machine.move_to(draft.expires_at)
    with pytest.raises(DraftExpired):
        selectors.draft_get(draft_id=draft.pk, token=token)


def test_a_passing_face_poll_asks_the_identity_provider_once(
    start, submit_user, monkeypatch, django_capture_on_commit_callbacks
):
    """REG-6: the poll that sees the pass completes with that result; it does not ask again."""
    from zhengwu.integrations.loading import get_provider

    provider = get_provider("ZHENGWU_IDENTITY_BACKEND")
    draft = start()
    submit_user(draft, as_legal_rep=True)
    services.registration_face_start(draft=draft)
    asked = []
    real = provider.get_result
    monkeypatch.setattr(provider, "get_result", lambda token: asked.append(token) or real(token))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registration_face_poll(draft=draft).is_passed
    assert len(asked) == 1
    draft.refresh_from_db()
    assert draft.step == "done"


def test_the_wizard_steps_are_recorded_as_transitions(register):
    """Every step move goes through core.workflow.transition: the draft's history reads
    创建用户 → 实名认证 → 注册成功."""
    from zhengwu.core.workflow import history

    draft = register()
    moves = [(row.from_state, row.to_state) for row in history(draft).order_by("at", "pk")]
    assert moves == [("user", "face"), ("face", "done")]


def test_an_assisted_registration_is_counted_when_the_wizard_completes(register, entity):
    """SVC-4 帮办: the wizard itself calls ``campaigns.services.assist_complete`` once it has
    created the organisation (no model signal): the account records who helped."""
    from zhengwu.accounts.tests.factories import UserFactory
    from zhengwu.campaigns import services as campaigns
    from zhengwu.campaigns.models import AssistedRegistration

    helper = UserFactory(staff=True, username="window9")
    campaigns.assist_start(uscc=entity.uscc, helper=helper)
    draft = register()
    assert draft.outcome == "active"
    record = AssistedRegistration.objects.get(uscc=entity.uscc)
    assert record.organisation == Organisation.objects.get(uscc=entity.uscc)
    assert record.helped_by == helper and record.completed_at is not None
    assert AuditEvent.objects.filter(event_type="campaigns.assist_recorded").count() == 1
