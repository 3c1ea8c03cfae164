"""添加经办人 (REG-8 administrator case, ACC-5): the account, the mobile claim, the set-password
link; the pending-application redirect; the REG-8 mobile limit."""

import re

import pytest

from zhengwu.accounts.constants import EVENT_OPERATOR_ADDED, Role
from zhengwu.accounts.errors import MobileTaken
from zhengwu.accounts.models import Membership, MobileClaim, User
from zhengwu.accounts.tests.factories import resident_id
from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhengwu.notifications.models import SmsMessage
from zhengwu.orgcentre import services
from zhengwu.orgcentre.errors import PendingApplicationExists
from zhengwu.registrations.tests.factories import OperatorApplicationFactory

NEW_ID = resident_id(-777)  # outside UserFactory's sequence (it reached 777 and collided)
NEW_MOBILE = "13957199001"


def _add(personas, code, *, actor=None, **overrides):
    data = {
        "real_name": "钱新人",
        "id_type": "resident_id",
        "id_number": NEW_ID,
        "mobile": NEW_MOBILE,
        "sms_code": code,
        "username": "qian_new",
    }
    return services.operator_add(
        actor=actor or personas.administrator,
        organisation=personas.organisation,
        **{**data, **overrides},
    )


def test_administrator_adds_an_operator_who_sets_a_password_by_sms_link(
    personas, send_code, django_capture_on_commit_callbacks, client
):
    """The account exists with no usable password, holds the mobile (REG-8), the event names
    actor, organisation and target, and the SMS link lets the person set a REG-4 password."""
    code = send_code(NEW_MOBILE)
    with django_capture_on_commit_callbacks(execute=True):
        membership = _add(personas, code)
    user = membership.user
    assert (membership.role, membership.organisation) == (Role.OPERATOR, personas.organisation)
    assert user.kind == User.Kind.LEGAL_PERSON and not user.has_usable_password()
    assert MobileClaim.objects.get(holder=f"accounts.user:{user.pk}").organisation_key == (
        personas.organisation.claim_key
    )
    event = AuditEvent.objects.get(event_type=EVENT_OPERATOR_ADDED)
    assert event.actor_id == personas.administrator.pk
    assert event.organisation_id == personas.organisation.pk
    assert event.subject_id == str(membership.pk)
    assert NEW_ID not in str(event.after) and NEW_MOBILE not in str(event.after)
    sms = SmsMessage.objects.filter(template_code="operator.account_opened").get()
    link = re.search(r"https?://\S+/org/activate/\S+/", sms.text).group(0)
    path = "/org/" + link.split("/org/", 1)[1]
    response = client.post(path, {"password": "Bq#2026pass", "password_confirm": "Bq#2026pass"})
    assert response.status_code == 200
    assert "密码已设置" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Bq#2026pass")
    # The link works once.
    assert client.get(path).status_code == 404


def test_the_set_password_link_applies_the_reg4_rules(personas, send_code, client):
    code = send_code(NEW_MOBILE)
    user = _add(personas, code).user
    from zhengwu.orgcentre.tokens import activation_link

    path = "/org/" + activation_link(user).split("/org/", 1)[1]
    response = client.post(path, {"password": "qian_new#A1x", "password_confirm": "qian_new#A1x"})
    assert "密码不能包含用户名" in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_adding_a_person_with_a_pending_application_sends_to_review_it(personas, send_code):
    """REG-8: nothing is created; the error carries the application to review."""
    application = OperatorApplicationFactory(organisation=personas.organisation, id_number=NEW_ID)
    with pytest.raises(PendingApplicationExists) as caught:
        _add(personas, "000000")
    assert caught.value.application_id == application.pk
    assert (
        caught.value.message == "当前添加的经办人已提交了账号注册申请，请前往【经办人申请】去审核"
    )
    assert not User.objects.filter(username="qian_new").exists()


def test_pending_application_in_another_organisation_does_not_count(personas, send_code):
    OperatorApplicationFactory(id_number=NEW_ID)  # another organisation
    assert _add(personas, send_code(NEW_MOBILE)).user.username == "qian_new"


def test_a_mobile_bound_in_the_organisation_is_refused(personas, send_code):
    """REG-8: the operator's mobile is already claimed by the operator persona."""
    with pytest.raises(MobileTaken) as caught:
        _add(personas, "000000", mobile=personas.operator.mobile)
    assert caught.value.message == "同一企业/组织下的账号绑定的手机号不可重复"
    assert not User.objects.filter(username="qian_new").exists()


def test_a_mobile_held_by_a_pending_application_is_refused(personas):
    application = OperatorApplicationFactory(organisation=personas.organisation)
    MobileClaim.objects.create(
        organisation_key=personas.organisation.claim_key,
        mobile_hash=application.mobile_hash,
        holder=application.claim_holder,
    )
    with pytest.raises(MobileTaken):
        _add(personas, "000000", mobile=application.mobile)


def test_the_sms_code_must_match(personas, send_code):
    send_code(NEW_MOBILE)
    with pytest.raises(ValidationFailed) as caught:
        _add(personas, "000001")
    assert caught.value.field == "sms_code"
    assert not Membership.objects.filter(user__username="qian_new").exists()


def test_wrong_inputs_name_the_field(personas):
    for overrides, field in [
        ({"real_name": " "}, "real_name"),
        ({"id_number": "330106198501011234"}, "id_number"),
        ({"mobile": "1234"}, "mobile"),
        ({"username": "ab"}, "username"),
        ({"username": "legal_rep"}, "username"),
        ({"id_number": personas.operator.id_number}, "id_number"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            _add(personas, "000000", **overrides)
        assert caught.value.field == field, overrides


def test_a_plain_operator_or_an_outsider_cannot_add(personas):
    with pytest.raises(PermissionDenied):
        _add(personas, "000000", actor=personas.operator)
    with pytest.raises(NotFound):
        _add(personas, "000000", actor=personas.outsider)


def test_sms_code_is_not_sent_to_a_mobile_already_bound(personas):
    with pytest.raises(MobileTaken):
        services.operator_sms_code_send(
            actor=personas.administrator,
            organisation=personas.organisation,
            mobile=personas.operator.mobile,
        )
