"""Words as the seeds say them (issue 11): 单位名称 for the unit's name on every form, the SMS
to approvers names the menu that exists, face purposes in words."""

import pytest
from django.urls import reverse

from zhengwu.integrations.identity.base import PURPOSE_LABELS
from zhengwu.licences.services import FACE_PURPOSE as LICENCE_PURPOSE
from zhengwu.notifications.templates import TEMPLATES
from zhengwu.registrations.agent.constants import FACE_PURPOSE_MANDATE
from zhengwu.registrations.agent.forms import AgentForm
from zhengwu.registrations.constants import FACE_PURPOSE_APPROVAL, FACE_PURPOSE_REGISTRATION
from zhengwu.registrations.wizard.forms import InfoForm


def test_unit_name_is_called_the_same_on_both_forms():
    assert str(InfoForm().fields["organisation_name"].label) == "单位名称"
    assert str(AgentForm().fields["organisation_name"].label) == "单位名称"


@pytest.mark.django_db
def test_wizard_page_says_unit_name(client):
    body = client.get("/register/").content.decode()
    assert "单位名称" in body and "企业名称" not in body


def test_approval_sms_names_the_org_centre_menu():
    text = TEMPLATES["operator_application.approval_requested"].text
    assert "组织中心—经办人申请" in text and "单位中心" not in text
    assert reverse("orgcentre:applications", kwargs={"org_id": 1})  # the menu exists


@pytest.mark.parametrize(
    "purpose",
    [FACE_PURPOSE_MANDATE, FACE_PURPOSE_REGISTRATION, FACE_PURPOSE_APPROVAL, LICENCE_PURPOSE],
)
def test_every_face_purpose_has_words(purpose):
    assert purpose in PURPOSE_LABELS
