"""ACC-7: masked everywhere in the back office; staff in 数据查看人员 reveal one field of one
account with an explicit POST and a reason; the reveal is audited (who, whose, what, why) and
the value is shown in that response only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from zhengwu.accounts import services
from zhengwu.accounts.constants import EVENT_PERSONAL_DATA_REVEALED
from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import PermissionDenied, ValidationFailed


@pytest.fixture
def viewer(db):
    user = UserFactory(staff=True, username="data_viewer")
    user.groups.add(Group.objects.get(name="数据查看人员"))
    return user


def test_the_admin_shows_masked_values_only(client, viewer, personas):
    client.force_login(viewer)
    change = client.get(
        reverse("admin:accounts_user_change", args=[personas.operator.pk])
    ).content.decode()
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    for html in (change, listing):
        assert personas.operator.id_number not in html and personas.operator.mobile not in html
    assert personas.operator.masked_mobile in change


def test_reveal_is_a_post_with_a_reason_and_is_audited(client, viewer, personas):
    client.force_login(viewer)
    url = reverse("admin:accounts_user_reveal", args=[personas.operator.pk])
    page = client.get(url)
    assert page.status_code == 200 and personas.operator.mobile not in page.content.decode()
    no_reason = client.post(url, {"field": "mobile", "reason": ""})
    assert personas.operator.mobile not in no_reason.content.decode()
    assert not AuditEvent.objects.filter(event_type=EVENT_PERSONAL_DATA_REVEALED).exists()
    shown = client.post(url, {"field": "mobile", "reason": "核实来电人身份"})
    html = shown.content.decode()
    assert personas.operator.mobile in html and personas.operator.id_number not in html
    assert "no-store" in shown["Cache-Control"]
    event = AuditEvent.objects.get(event_type=EVENT_PERSONAL_DATA_REVEALED)
    assert event.actor_id == viewer.pk
    assert (event.subject_type, event.subject_id) == ("accounts.user", str(personas.operator.pk))
    assert event.after == {"field": "mobile", "reason": "核实来电人身份"}
    # Shown once: the next page view is masked again.
    assert personas.operator.mobile not in client.get(url).content.decode()


def test_staff_without_the_permission_cannot_reveal(client, personas):
    staff = UserFactory(staff=True, username="other_staff", is_superuser=False)
    client.force_login(staff)
    url = reverse("admin:accounts_user_reveal", args=[personas.operator.pk])
    assert client.post(url, {"field": "mobile", "reason": "核实来电人身份"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.personal_data_reveal(
            actor=staff, user=personas.operator, field="mobile", reason="核实来电人身份"
        )
    with pytest.raises(PermissionDenied):  # a portal user, even a legal representative
        services.personal_data_reveal(
            actor=personas.legal_representative,
            user=personas.operator,
            field="mobile",
            reason="核实来电人身份",
        )
    assert not AuditEvent.objects.filter(event_type=EVENT_PERSONAL_DATA_REVEALED).exists()


def test_only_known_fields_with_a_reason(viewer, personas):
    for field, reason, error_field in [
        ("password", "核实来电人身份", "field"),
        ("mobile", "  ", "reason"),
        ("mobile", "x" * 201, "reason"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            services.personal_data_reveal(
                actor=viewer, user=personas.operator, field=field, reason=reason
            )
        assert caught.value.field == error_field
