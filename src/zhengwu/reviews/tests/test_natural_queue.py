"""REG-11 in the back office: the 个人实名人工审核 queue, the case page and the decision."""

import datetime

import pytest
from django.utils import timezone

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.notifications.models import SmsMessage
from zhengwu.registrations.models.natural import NaturalReviewStatus

from .factories import NaturalPersonReviewFactory, make_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return make_reviewer(username="natural-reviewer")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def review():
    return NaturalPersonReviewFactory(
        draft__mobile="13957112345", draft__id_number="310101199003071230"
    )


def test_queue_sorted_by_deadline_with_overdue_marked(reviewer_client):
    """The queue lists pending reviews earliest deadline first; a late one shows 逾期."""
    now = timezone.now()
    later = NaturalPersonReviewFactory(deadline=now + datetime.timedelta(days=2))
    late = NaturalPersonReviewFactory(overdue=True)
    soon = NaturalPersonReviewFactory(deadline=now + datetime.timedelta(hours=3))
    response = reviewer_client.get("/review/natural/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "个人实名人工审核" in body
    positions = [body.index(r.reference) for r in (late, soon, later)]
    assert positions == sorted(positions)
    assert body.count("逾期") == 1
    assert f'href="/review/natural/{late.pk}/"' in body


def test_queue_filters_by_status(reviewer_client):
    """Pending by default; decided reviews under their status or 全部."""
    pending = NaturalPersonReviewFactory()
    returned = NaturalPersonReviewFactory(status=NaturalReviewStatus.RETURNED, reason="证件不清")
    body = reviewer_client.get("/review/natural/").content.decode()
    assert pending.reference in body and returned.reference not in body
    body = reviewer_client.get("/review/natural/?status=returned").content.decode()
    assert returned.reference in body and pending.reference not in body


def test_case_page_masks_id_number_and_mobile(reviewer_client, review):
    """The ID number and the mobile appear only masked (ACC-7)."""
    body = reviewer_client.get(f"/review/natural/{review.pk}/").content.decode()
    assert "310101199003071230" not in body and "310***********1230" in body
    assert "13957112345" not in body and "139****2345" in body
    assert review.draft.real_name in body


def test_every_view_of_a_case_is_audited(reviewer_client, reviewer, review):
    """Each opening of the case records review.case_viewed (ACC-8)."""
    reviewer_client.get(f"/review/natural/{review.pk}/")
    reviewer_client.get(f"/review/natural/{review.pk}/")
    events = AuditEvent.objects.filter(event_type="review.case_viewed")
    assert events.count() == 2
    event = events.first()
    assert event.actor_id == reviewer.pk and event.subject_id == str(review.pk)


def test_approve_opens_the_account_and_sends_the_sms(
    reviewer_client, reviewer, review, django_capture_on_commit_callbacks
):
    """通过: the review is approved by the reviewer, the account opens, the applicant is told."""
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(
            f"/review/natural/{review.pk}/decide", {"decision": "approve"}
        )
    assert response.status_code == 302 and response["Location"] == f"/review/natural/{review.pk}/"
    review.refresh_from_db()
    assert review.status == NaturalReviewStatus.APPROVED and review.decided_by == reviewer
    assert User.objects.get(kind="natural_person") == review.user
    [sms] = SmsMessage.objects.filter(template_code="manual_review.approved")
    assert review.reference in sms.text


def test_reject_with_a_template_reason_and_free_text(
    reviewer_client, review, django_capture_on_commit_callbacks
):
    """不通过: a reason is required; template plus free text goes into the review and the SMS."""
    response = reviewer_client.post(f"/review/natural/{review.pk}/decide", {"decision": "reject"})
    assert response.status_code == 400 and "请选择不通过原因" in response.content.decode()
    response = reviewer_client.post(
        f"/review/natural/{review.pk}/decide",
        {"decision": "reject", "reason_code": "other", "reason_text": " "},
    )
    assert response.status_code == 400 and "请填写不通过原因" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(
            f"/review/natural/{review.pk}/decide",
            {"decision": "reject", "reason_code": "id_expired", "reason_text": "请更换新证件"},
        )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == NaturalReviewStatus.RETURNED
    assert review.reason == "证件已过期：请更换新证件"
    [sms] = SmsMessage.objects.filter(template_code="manual_review.rejected")
    assert "证件已过期：请更换新证件" in sms.text
    assert not User.objects.filter(kind="natural_person").exists()


@pytest.mark.parametrize("kind", ["natural_person", "staff", "inactive_reviewer"])
def test_non_reviewers_get_404(client, review, kind):
    """A citizen, staff without reviews.review_case, an inactive reviewer: 404, nothing moves."""
    if kind == "inactive_reviewer":
        user = make_reviewer(is_active=False)
    else:
        user = UserFactory(staff=kind == "staff")
    client.force_login(user)
    for url in ("/review/natural/", f"/review/natural/{review.pk}/"):
        assert client.get(url).status_code in (404, 302)
    response = client.post(f"/review/natural/{review.pk}/decide", {"decision": "approve"})
    assert response.status_code in (404, 302)
    review.refresh_from_db()
    assert review.status == NaturalReviewStatus.PENDING
    assert not AuditEvent.objects.filter(event_type="review.case_viewed").exists()


def test_staff_without_the_permission_get_exactly_404(client, review):
    """A signed-in staff user who is no reviewer sees 404, not a redirect."""
    client.force_login(UserFactory(staff=True))
    assert client.get("/review/natural/").status_code == 404
    assert client.get(f"/review/natural/{review.pk}/").status_code == 404
    assert client.post(f"/review/natural/{review.pk}/decide", {}).status_code == 404


def test_a_second_decision_is_refused(reviewer_client, review, django_capture_on_commit_callbacks):
    """Once approved, neither a rejection nor another approval goes through; one SMS only."""
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(f"/review/natural/{review.pk}/decide", {"decision": "approve"})
        for data in (
            {"decision": "reject", "reason_code": "id_unclear", "reason_text": ""},
            {"decision": "approve"},
        ):
            response = reviewer_client.post(f"/review/natural/{review.pk}/decide", data)
            assert response.status_code == 400 and "不能变更为" in response.content.decode()
    review.refresh_from_db()
    assert review.status == NaturalReviewStatus.APPROVED
    assert SmsMessage.objects.filter(template_code__startswith="manual_review.").count() == 1
    assert User.objects.filter(kind="natural_person").count() == 1


def test_queue_query_count_is_bounded(reviewer_client, django_assert_max_num_queries):
    """The queue costs the same few queries for 30 reviews as for one (draft joined)."""
    NaturalPersonReviewFactory.create_batch(30)
    with django_assert_max_num_queries(8):
        response = reviewer_client.get("/review/natural/?status=")
    assert response.status_code == 200
    assert response.content.decode().count('href="/review/natural/') >= 30
