"""REG-10 in the back office: the 代理注册 queue, the case page (masked, audited), the signed
letter (reviewers and the applicant only) and the decision with its SMS."""

import datetime

import pytest
from django.utils import timezone

from zhengwu.accounts.models import Membership
from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.notifications.models import SmsMessage
from zhengwu.registrations.agent.constants import AgentStatus
from zhengwu.registrations.tests.agent_factories import AgentRegistrationFactory

from .factories import make_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(client):
    client.force_login(make_reviewer(username="agent-reviewer"))
    return client


@pytest.fixture
def case():
    return AgentRegistrationFactory(
        pending=True,
        legal_rep_id_number="310101199003071230",
        agent_mobile="13957112345",
    )


def test_queue_sorted_by_deadline_with_overdue_marked(reviewer_client):
    """Signed registrations, earliest working-day deadline first; a late one shows 逾期; the
    agent's own steps (签名中) are not listed."""
    now = timezone.now()
    later = AgentRegistrationFactory(pending=True, deadline_at=now + datetime.timedelta(days=2))
    late = AgentRegistrationFactory(overdue=True)
    soon = AgentRegistrationFactory(pending=True, deadline_at=now + datetime.timedelta(hours=3))
    signing = AgentRegistrationFactory()
    body = reviewer_client.get("/review/agent/").content.decode()
    assert "代理注册" in body
    positions = [body.index(c.reference) for c in (late, soon, later)]
    assert positions == sorted(positions)
    assert body.count("逾期") == 1
    assert signing.reference not in body
    assert f'href="/review/agent/{late.pk}/"' in body


def test_case_page_masks_and_audits(reviewer_client, case):
    response = reviewer_client.get(f"/review/agent/{case.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "310101199003071230" not in body and "13957112345" not in body
    assert "3101**********1230" in body or "1230" in body
    assert AuditEvent.objects.filter(
        event_type="review.case_viewed", subject_id=str(case.pk)
    ).exists()


def test_letter_is_served_to_reviewers_only(reviewer_client, client, case):
    response = reviewer_client.get(f"/review/agent/{case.pk}/letter.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(event_type="agent_registration.letter_viewed").exists()
    outsider = UserFactory(username="outsider-staff", staff=True)
    client.force_login(outsider)
    assert client.get(f"/review/agent/{case.pk}/letter.pdf").status_code == 404
    assert client.get(f"/review/agent/{case.pk}/").status_code == 404


def test_approve_activates_and_sends_sms(reviewer_client, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(f"/review/agent/{case.pk}/decide", {"decision": "approve"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == AgentStatus.APPROVED
    assert case.user.is_active
    assert Membership.objects.filter(user=case.user, organisation__uscc=case.uscc).exists()
    assert SmsMessage.objects.get(template_code="registration.succeeded").mobile == "13957112345"


def test_reject_needs_a_reason_and_sends_it(reviewer_client, case):
    response = reviewer_client.post(
        f"/review/agent/{case.pk}/decide", {"decision": "reject", "reason_code": "other"}
    )
    assert response.status_code == 400
    assert "请填写不通过原因" in response.content.decode()
    response = reviewer_client.post(
        f"/review/agent/{case.pk}/decide",
        {"decision": "reject", "reason_code": "letter_invalid", "reason_text": "委托事项不全"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == AgentStatus.REJECTED
    assert case.reason == "授权委托书内容有误：委托事项不全"
    sms = SmsMessage.objects.get(template_code="registration.rejected")
    assert "委托事项不全" in sms.text and sms.mobile == "13957112345"
    assert not case.user.is_active


def test_queue_is_one_query_whatever_its_length(django_assert_num_queries):
    """The list reads its columns in one query, also for a case without 提交时间 (it shows
    the creation time instead, which must be among the columns read)."""
    from zhengwu.registrations.agent.reviews import _agent_items

    for _ in range(3):
        AgentRegistrationFactory(pending=True)
    AgentRegistrationFactory(pending=True, submitted_at=None)
    with django_assert_num_queries(1):
        items = _agent_items("")
    assert len(items) == 4 and all(item.submitted_at is not None for item in items)
