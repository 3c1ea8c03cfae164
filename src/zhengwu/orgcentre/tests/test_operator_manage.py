"""停用/启用, 变更使用人信息 (ACC-4) and administrators granted by the legal representative
(ACC-5): who may do what, the REG-8 mobile claims, the audit trail."""

import pytest
from django.contrib.auth import authenticate

from zhengwu.accounts.constants import (
    EVENT_ADMIN_GRANTED,
    EVENT_ADMIN_REVOKED,
    EVENT_OPERATOR_CHANGED,
    EVENT_OPERATOR_DISABLED,
    Role,
)
from zhengwu.accounts.errors import MobileTaken
from zhengwu.accounts.identity import mobile_hash
from zhengwu.accounts.models import Membership, MobileClaim
from zhengwu.accounts.selectors import organisations_approvable_by
from zhengwu.accounts.tests.factories import PASSWORD, resident_id
from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhengwu.notifications.models import SmsMessage
from zhengwu.orgcentre import services


def _member(personas, user):
    return Membership.objects.get(organisation=personas.organisation, user=user)


def _claims(user):
    return MobileClaim.objects.filter(holder=f"accounts.user:{user.pk}")


# --- 停用 / 启用 ---


def test_disabled_operator_cannot_sign_in_and_the_mobile_is_freed(personas, rf):
    member = _member(personas, personas.operator)
    services.operator_disable(
        actor=personas.administrator, organisation=personas.organisation, member_id=member.pk
    )
    member.refresh_from_db()
    personas.operator.refresh_from_db()
    assert not member.is_active and not personas.operator.is_active
    assert authenticate(rf.post("/"), username="operator1", password=PASSWORD) is None
    assert not _claims(personas.operator).exists()
    event = AuditEvent.objects.get(event_type=EVENT_OPERATOR_DISABLED)
    assert (event.actor_id, event.organisation_id, event.subject_id) == (
        personas.administrator.pk,
        personas.organisation.pk,
        str(member.pk),
    )


def test_disabled_operator_is_refused_by_the_sign_in_page_and_loses_the_session(client, personas):
    """Through /login/ (ACC-1) and an open session: both end at once."""
    login = {"tab": "legal", "login": "operator1", "password": PASSWORD}
    login.update(captcha_0="key", captcha_1="PASSED")
    before = client.__class__()
    before.post("/login/", login)
    assert "_auth_user_id" in before.session  # the positive twin: it works while enabled
    signed_in = client.__class__()
    signed_in.force_login(personas.operator)
    assert signed_in.get("/org/account/").status_code == 200
    member = _member(personas, personas.operator)
    services.operator_disable(
        actor=personas.administrator, organisation=personas.organisation, member_id=member.pk
    )
    assert signed_in.get("/org/account/").status_code == 302  # back to /login/
    response = client.post("/login/", login)
    assert response.status_code != 302 or "/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_reenabled_operator_signs_in_again_and_holds_the_mobile(personas, rf):
    member = _member(personas, personas.operator)
    kwargs = {"organisation": personas.organisation, "member_id": member.pk}
    services.operator_disable(actor=personas.administrator, **kwargs)
    services.operator_enable(actor=personas.administrator, **kwargs)
    assert authenticate(rf.post("/"), username="operator1", password=PASSWORD) is not None
    assert _claims(personas.operator).get().mobile_hash == personas.operator.mobile_hash


@pytest.mark.django_db(transaction=True, databases="__all__")  # durable audit event
def test_reenable_is_refused_when_the_mobile_was_taken_meanwhile(personas):
    """REG-8 holds on re-enabling: the freed mobile went to somebody else."""
    member = _member(personas, personas.operator)
    kwargs = {"organisation": personas.organisation, "member_id": member.pk}
    services.operator_disable(actor=personas.administrator, **kwargs)
    MobileClaim.objects.create(
        organisation_key=personas.organisation.claim_key,
        mobile_hash=personas.operator.mobile_hash,
        holder="registrations.operatorapplication:999",
    )
    with pytest.raises(MobileTaken):
        services.operator_enable(actor=personas.administrator, **kwargs)
    member.refresh_from_db()
    assert not member.is_active


@pytest.mark.parametrize(
    ("actor", "target", "error"),
    [
        ("administrator", "legal_representative", PermissionDenied),
        ("legal_representative", "legal_representative", PermissionDenied),
        ("administrator", "administrator", PermissionDenied),  # own account
        ("operator", "administrator", PermissionDenied),
        ("outsider", "operator", NotFound),
    ],
)
def test_who_may_not_disable_whom(personas, actor, target, error):
    member = _member(personas, getattr(personas, target))
    with pytest.raises(error):
        services.operator_disable(
            actor=getattr(personas, actor),
            organisation=personas.organisation,
            member_id=member.pk,
        )
    member.refresh_from_db()
    assert member.is_active


def test_an_administrator_cannot_disable_another_administrator(personas):
    other = _member(personas, personas.operator)
    Membership.objects.filter(pk=other.pk).update(role=Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied, match="只有法定代表人"):
        services.operator_disable(
            actor=personas.administrator, organisation=personas.organisation, member_id=other.pk
        )
    services.operator_disable(
        actor=personas.legal_representative,
        organisation=personas.organisation,
        member_id=other.pk,
    )


def test_a_member_of_another_organisation_is_not_found(personas, other_operator):
    other = Membership.objects.get(user=other_operator)
    with pytest.raises(NotFound):
        services.operator_disable(
            actor=personas.legal_representative,
            organisation=personas.organisation,
            member_id=other.pk,
        )


# --- 变更使用人信息 (ACC-4) ---

NEW_MOBILE = "13957188001"


def _change(personas, *, actor=None, member=None, **overrides):
    user = personas.operator
    data = {
        "real_name": user.real_name,
        "id_type": user.id_type,
        "id_number": user.id_number,
        "mobile": user.mobile,
        "sms_code": "",
    }
    return services.operator_details_change(
        actor=actor or personas.administrator,
        organisation=personas.organisation,
        member_id=(member or _member(personas, user)).pk,
        **{**data, **overrides},
    )


def test_new_mobile_needs_its_code_and_moves_the_claim(
    personas, send_code, django_capture_on_commit_callbacks
):
    old_mobile = personas.operator.mobile
    with pytest.raises(ValidationFailed) as caught:
        _change(personas, mobile=NEW_MOBILE, sms_code="")
    assert caught.value.field == "sms_code"
    code = send_code(NEW_MOBILE)
    with django_capture_on_commit_callbacks(execute=True):
        changed = _change(personas, mobile=NEW_MOBILE, sms_code=code)
    assert changed == ["mobile"]
    personas.operator.refresh_from_db()
    assert personas.operator.mobile == NEW_MOBILE
    assert personas.operator.mobile_hash == mobile_hash(NEW_MOBILE)
    assert _claims(personas.operator).get().mobile_hash == mobile_hash(NEW_MOBILE)
    # Old and new mobile are told; the password still works (same person).
    told = {m.mobile for m in SmsMessage.objects.filter(template_code="operator.details_changed")}
    assert told == {old_mobile, NEW_MOBILE}
    assert personas.operator.check_password(PASSWORD)
    event = AuditEvent.objects.get(event_type=EVENT_OPERATOR_CHANGED)
    assert event.organisation_id == personas.organisation.pk
    assert event.before["mobile"] == "139****" + old_mobile[-4:]
    assert NEW_MOBILE not in str(event.after)


def test_new_mobile_bound_in_the_organisation_is_refused(personas):
    """REG-8 applies to the new mobile (the administrator's)."""
    with pytest.raises(MobileTaken):
        _change(personas, mobile=personas.administrator.mobile, sms_code="123456")
    personas.operator.refresh_from_db()
    assert personas.operator.mobile != personas.administrator.mobile


def test_a_new_person_gets_a_set_password_link_and_the_old_password_stops(
    personas, send_code, django_capture_on_commit_callbacks
):
    """The operator left: the account passes to a new person (new ID, new mobile)."""
    code = send_code(NEW_MOBILE)
    with django_capture_on_commit_callbacks(execute=True):
        changed = _change(
            personas,
            real_name="孙接任",
            id_number=resident_id(4242),
            mobile=NEW_MOBILE,
            sms_code=code,
        )
    assert set(changed) == {"real_name", "id_number", "mobile"}
    personas.operator.refresh_from_db()
    assert not personas.operator.has_usable_password()
    sms = SmsMessage.objects.get(template_code="operator.account_opened")
    assert sms.mobile == NEW_MOBILE


def test_details_change_refuses_an_id_of_another_member(personas):
    with pytest.raises(ValidationFailed) as caught:
        _change(personas, id_number=personas.administrator.id_number)
    assert caught.value.field == "id_number"


def test_details_of_the_legal_representative_cannot_be_changed_here(personas):
    with pytest.raises(PermissionDenied):
        _change(personas, member=_member(personas, personas.legal_representative))


def test_an_operator_cannot_change_details(personas):
    other = _member(personas, personas.administrator)
    with pytest.raises(PermissionDenied):
        _change(personas, actor=personas.operator, member=other)


# --- 管理员 ---


def test_the_legal_representative_grants_and_withdraws_administrator_rights(personas):
    member = _member(personas, personas.operator)
    kwargs = {"organisation": personas.organisation, "member_id": member.pk}
    services.administrator_grant(actor=personas.legal_representative, **kwargs)
    assert personas.organisation in organisations_approvable_by(user=personas.operator)
    services.administrator_revoke(actor=personas.legal_representative, **kwargs)
    assert personas.organisation not in organisations_approvable_by(user=personas.operator)
    events = AuditEvent.objects.filter(organisation_id=personas.organisation.pk)
    assert events.filter(event_type=EVENT_ADMIN_GRANTED, actor_id=personas.legal_representative.pk)
    assert events.filter(event_type=EVENT_ADMIN_REVOKED).get().after["role"] == Role.OPERATOR


def test_an_administrator_cannot_grant_or_withdraw(personas):
    member = _member(personas, personas.operator)
    with pytest.raises(PermissionDenied, match="只有法定代表人"):
        services.administrator_grant(
            actor=personas.administrator,
            organisation=personas.organisation,
            member_id=member.pk,
        )
    member.refresh_from_db()
    assert member.role == Role.OPERATOR


def test_the_legal_representative_cannot_be_demoted(personas):
    member = _member(personas, personas.legal_representative)
    with pytest.raises(PermissionDenied):
        services.administrator_revoke(
            actor=personas.legal_representative,
            organisation=personas.organisation,
            member_id=member.pk,
        )
    member.refresh_from_db()
    assert member.role == Role.LEGAL_REPRESENTATIVE
