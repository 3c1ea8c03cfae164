"""经办人申请 (REG-7, REG-8): approve with the approver's own face check, reject with a reason,
limits per operator and organisation, permissions."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from zhengwu.accounts.constants import Role
from zhengwu.accounts.models import Membership, MobileClaim, User
from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from zhengwu.core.models import Transition
from zhengwu.notifications.models import SmsMessage
from zhengwu.registrations.errors import ApplicationLimit
from zhengwu.registrations.models import OperatorApplication
from zhengwu.registrations.tests.factories import OperatorApplicationFactory
from zhengwu.registrations.wizard import reviews as services
from zhengwu.registrations.wizard import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(personas):
    from zhengwu.accounts.services import mobile_claim_acquire

    app = OperatorApplicationFactory(organisation=personas.organisation)
    mobile_claim_acquire(
        organisation_key=personas.organisation.claim_key,
        mobile=app.mobile,
        holder=app.claim_holder,
        expires_at=None,
    )
    return app


def _approve(application, approver):
    services.operator_application_approval_face_start(application=application, actor=approver)
    return services.operator_application_approval_face_poll(application=application, actor=approver)


def test_approval_needs_the_approvers_face_check(application, personas):
    """REG-7: no face check, no approval."""
    with pytest.raises(ValidationFailed) as exc:
        services.operator_application_approve(application=application, actor=personas.administrator)
    assert exc.value.code == "approval.face_required"


def test_approver_face_check_is_bound_to_the_approver(application, personas):
    """The check is started for the approver's own ID number; another approver cannot use it."""
    from zhengwu.integrations.models import SandboxFaceCheck

    session = services.operator_application_approval_face_start(
        application=application, actor=personas.administrator
    )
    assert (
        SandboxFaceCheck.objects.get(token=session.token).id_number
        == personas.administrator.id_number
    )
    with pytest.raises(ValidationFailed):
        services.operator_application_approve(
            application=application, actor=personas.legal_representative
        )


def test_failed_approver_face_check_does_not_approve(application, personas):
    personas.administrator.real_name = "管理员测试不通过"
    personas.administrator.save()
    result = _approve(application, personas.administrator)
    assert result.status == "failed"
    application.refresh_from_db()
    assert application.status == "pending"


def test_approve_creates_the_account_and_tells_the_applicant(
    application, personas, django_capture_on_commit_callbacks
):
    """REG-7: approved → active account, operator membership, mobile bound, SMS, history."""
    with django_capture_on_commit_callbacks(execute=True):
        result = _approve(application, personas.legal_representative)
    assert result.is_passed
    application.refresh_from_db()
    assert (
        application.status == "approved" and application.decided_by == personas.legal_representative
    )
    user = User.objects.get(username=application.username)
    assert user.is_active and user.check_password("Zw@2026pass")
    assert Membership.objects.get(user=user).role == Role.OPERATOR
    assert MobileClaim.objects.get(user=user).holder == f"accounts.user:{user.pk}"
    [sms] = SmsMessage.objects.filter(template_code="operator_application.approved")
    assert sms.mobile == application.mobile and application.username in sms.text
    row = Transition.objects.get(subject_id=str(application.pk))
    assert (row.from_state, row.to_state, row.actor) == (
        "pending",
        "approved",
        personas.legal_representative,
    )
    assert AuditEvent.objects.filter(
        event_type="registrations.operatorapplication.approved"
    ).exists()


def test_reject_needs_a_reason(application, personas):
    with pytest.raises(ValidationFailed) as exc:
        services.operator_application_reject(
            application=application, actor=personas.administrator, reason=" "
        )
    assert exc.value.field == "reason"


def test_reject_frees_the_mobile_and_tells_the_applicant(application, personas):
    """REG-7/REG-8: rejected → SMS with the reason; the mobile is free again."""
    services.operator_application_reject(
        application=application, actor=personas.administrator, reason="非本单位员工"
    )
    application.refresh_from_db()
    assert application.status == "rejected" and application.reason == "非本单位员工"
    [sms] = SmsMessage.objects.filter(template_code="operator_application.rejected")
    assert "非本单位员工" in sms.text and sms.mobile == application.mobile
    assert not MobileClaim.objects.filter(holder=application.claim_holder).exists()
    assert not User.objects.filter(username=application.username).exists()


def test_decided_application_cannot_be_decided_again(application, personas):
    services.operator_application_reject(
        application=application, actor=personas.administrator, reason="x"
    )
    with pytest.raises(IllegalTransition) as exc:
        services.operator_application_reject(
            application=application, actor=personas.administrator, reason="y"
        )
    assert "已拒绝" in exc.value.message


@pytest.mark.parametrize("who", ["operator", "outsider", "reviewer"])
def test_only_legal_rep_and_administrators_decide(application, personas, who):
    """Negative twins: an operator, another organisation's legal rep, a reviewer."""
    actor = getattr(personas, who)
    with pytest.raises(PermissionDenied):
        services.operator_application_reject(application=application, actor=actor, reason="x")
    with pytest.raises(PermissionDenied):
        services.operator_application_approval_face_start(application=application, actor=actor)
    assert not selectors.operator_applications_pending_for(user=actor).exists()
    with pytest.raises(NotFound):
        selectors.operator_application_get_for_approver(user=actor, pk=application.pk)


def test_approvers_see_pending_applications(application, personas):
    for approver in (personas.legal_representative, personas.administrator):
        assert list(selectors.operator_applications_pending_for(user=approver)) == [application]


# --- REG-8 limits ---------------------------------------------------------------------------------


def _wizard_as(register, entity, personas, **overrides):
    entity.uscc = personas.organisation.uscc
    entity.name = personas.organisation.name
    entity.save()
    return register(as_legal_rep=False, **overrides)


def test_one_pending_application_per_operator_per_organisation(register, entity, personas):
    """REG-8: the second application of the same operator is refused while one is pending."""
    _wizard_as(register, entity, personas)
    with pytest.raises(ApplicationLimit) as exc:
        _wizard_as(register, entity, personas, username="second_app", mobile="13957177777")
    assert exc.value.message.startswith("您在该企业下已有一条经办人账号申请还在审核中")


def test_pending_uniqueness_is_a_database_constraint(personas):
    from django.db import IntegrityError, transaction

    first = OperatorApplicationFactory(organisation=personas.organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        OperatorApplicationFactory(
            organisation=personas.organisation,
            id_number=first.id_number,
            id_number_hash=first.id_number_hash,
        )


def _rejected_today(personas, n, id_number):
    from zhengwu.accounts.identity import id_number_hash

    for _ in range(n):
        OperatorApplicationFactory(
            organisation=personas.organisation,
            rejected=True,
            id_number=id_number,
            id_number_hash=id_number_hash(id_number),
        )


def test_three_rejections_a_day_block_new_applications(register, entity, personas):
    """REG-8: rejected 3 times today by this organisation → no new application today."""
    from zhengwu.registrations.tests.conftest import OPERATOR_ID

    _rejected_today(personas, 3, OPERATOR_ID)
    with pytest.raises(ApplicationLimit) as exc:
        _wizard_as(register, entity, personas)
    assert exc.value.message == "您的经办人账号申请当天已达次数限制，请明天再尝试"


def test_two_rejections_still_allow_an_application(register, entity, personas):
    from zhengwu.registrations.tests.conftest import OPERATOR_ID

    _rejected_today(personas, 2, OPERATOR_ID)
    assert _wizard_as(register, entity, personas).outcome == "pending_approval"


@override_settings(ZHENGWU_REG_MAX_REJECTIONS_PER_DAY=1)
def test_the_daily_limit_is_configurable(register, entity, personas):
    from zhengwu.registrations.tests.conftest import OPERATOR_ID

    _rejected_today(personas, 1, OPERATOR_ID)
    with pytest.raises(ApplicationLimit):
        _wizard_as(register, entity, personas)


def test_yesterdays_rejections_do_not_count(register, entity, personas):
    from zhengwu.registrations.tests.conftest import OPERATOR_ID

    _rejected_today(personas, 3, OPERATOR_ID)
    OperatorApplication.objects.update(decided_at=timezone.now() - datetime.timedelta(days=1))
    assert _wizard_as(register, entity, personas).outcome == "pending_approval"


def test_mobile_of_a_pending_application_is_taken(application, personas, register, entity):
    """REG-8: pending applications count: the same mobile cannot be used in the organisation."""
    from zhengwu.accounts.errors import MobileTaken

    with pytest.raises(MobileTaken):
        _wizard_as(register, entity, personas, mobile=application.mobile)


def test_member_mobile_is_taken(personas, register, entity):
    from zhengwu.accounts.errors import MobileTaken

    with pytest.raises(MobileTaken):
        _wizard_as(register, entity, personas, mobile=personas.operator.mobile)
