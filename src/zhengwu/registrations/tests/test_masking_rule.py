"""The one masking rule (docs/security.md, ``zhengwu.core.masking``): approvers of the unit see an
operator applicant's full name and the last four characters of the ID number, audited; a person
sees their own name in full; everybody else sees the masked forms."""

import pytest
from django.urls import reverse

from zhengwu.audit.models import AuditEvent
from zhengwu.core.masking import (
    Viewer,
    id_number_for,
    mask_id_number_last_four,
    name_for,
)
from zhengwu.registrations.constants import EVENT_APPLICATION_VIEWED
from zhengwu.registrations.tests.agent_factories import AgentRegistrationFactory
from zhengwu.registrations.tests.factories import OperatorApplicationFactory

pytestmark = pytest.mark.django_db

ID = "330106199001011234"


def test_the_rule_as_functions():
    assert name_for("李小明", viewer=Viewer.SELF) == "李小明"
    assert name_for("李小明", viewer=Viewer.APPROVER) == "李小明"
    assert name_for("李小明", viewer=Viewer.OTHER) == "李**"
    assert id_number_for(ID, viewer=Viewer.APPROVER) == "*" * 14 + "1234"
    assert id_number_for(ID, viewer=Viewer.OTHER) == "330***********1234"
    assert id_number_for(ID, viewer=Viewer.SELF) == "330***********1234"
    assert mask_id_number_last_four("") == ""
    assert mask_id_number_last_four("1234") == "***4"


def _assert_approver_view(body, application):
    assert application.real_name in body
    assert "*" * 14 + application.id_number[-4:] in body
    assert application.id_number not in body
    assert application.masked_id_number not in body


def test_legal_representative_sees_the_applicant_on_the_registration_page(client, personas):
    application = OperatorApplicationFactory(organisation=personas.organisation, real_name="李小明")
    client.force_login(personas.legal_representative)
    body = client.get(reverse("registrations:applications")).content.decode()
    _assert_approver_view(body, application)
    assert "李**" not in body
    event = AuditEvent.objects.get(event_type=EVENT_APPLICATION_VIEWED)
    assert event.subject_id == str(application.pk)
    assert event.actor_id == personas.legal_representative.pk


def test_administrator_sees_the_applicant_in_orgcentre(client, personas):
    application = OperatorApplicationFactory(organisation=personas.organisation, real_name="李小明")
    client.force_login(personas.administrator)
    body = client.get(
        reverse("orgcentre:applications", kwargs={"org_id": personas.organisation.pk})
    ).content.decode()
    _assert_approver_view(body, application)
    assert AuditEvent.objects.filter(event_type=EVENT_APPLICATION_VIEWED).count() == 1


def test_no_audit_without_applications(client, personas):
    client.force_login(personas.legal_representative)
    client.get(reverse("registrations:applications"))
    assert not AuditEvent.objects.filter(event_type=EVENT_APPLICATION_VIEWED).exists()


def test_legal_representative_sees_agent_and_self_in_full_on_the_sign_page(client):
    application = AgentRegistrationFactory(signing=True)
    body = client.get(f"/register/agent/sign/{application.sign_token}/").content.decode()
    assert application.agent_name in body
    assert application.legal_rep_name in body
