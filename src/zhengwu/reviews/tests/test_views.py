"""Journey 6: the back office — access, queue, case page, decision, uploads."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.audit.models import AuditEvent
from zhengwu.registrations.manual.constants import ManualStatus
from zhengwu.reviews.constants import REVIEW_PERMISSION, REVIEWER_GROUP
from zhengwu.uploads.services import upload_attach, upload_store

from .factories import ManualVerificationFactory, jpeg_file, make_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return make_reviewer(username="reviewer1")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def case():
    case = ManualVerificationFactory(mobile="13757112345", operator_id_number="310101199003071230")
    upload = upload_store(file=jpeg_file(), kind="licence_page", actor=case.user)
    upload_attach(upload=upload, subject=case, owner=case.user)
    return case


def test_the_reviewer_group_holds_the_permission():
    """post_migrate creates 审核人员 with reviews.review_case."""
    group = Group.objects.get(name=REVIEWER_GROUP)
    assert group.permissions.filter(codename="review_case").exists()
    assert make_reviewer().has_perm(REVIEW_PERMISSION)


def test_anonymous_visitors_are_sent_to_sign_in(client, case):
    for url in ("/review/manual/", f"/review/manual/{case.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("kind", ["legal_person", "staff", "inactive_reviewer"])
def test_non_reviewers_get_404(client, case, kind):
    """A legal-person account, staff without the permission, an inactive reviewer: 404."""
    if kind == "inactive_reviewer":
        user = make_reviewer(is_active=False)
    else:
        user = UserFactory(staff=kind == "staff")
    client.force_login(user)
    assert client.get("/review/manual/").status_code in (404, 302)
    assert client.get(f"/review/manual/{case.pk}/").status_code in (404, 302)
    response = client.post(f"/review/manual/{case.pk}/decide", {"decision": "approve"})
    assert response.status_code in (404, 302)
    case.refresh_from_db()
    assert case.status == ManualStatus.PENDING


def test_queue_sorted_by_deadline_with_overdue_marked(reviewer_client):
    """Earliest deadline first; a pending case past its deadline shows 逾期."""
    now = timezone.now()
    later = ManualVerificationFactory(deadline_at=now + datetime.timedelta(days=2))
    late = ManualVerificationFactory(overdue=True)
    soon = ManualVerificationFactory(deadline_at=now + datetime.timedelta(hours=3))
    body = reviewer_client.get("/review/manual/").content.decode()
    positions = [body.index(c.reference) for c in (late, soon, later)]
    assert positions == sorted(positions)
    assert body.count("逾期") == 1


def test_queue_filters_by_status(reviewer_client):
    pending = ManualVerificationFactory()
    rejected = ManualVerificationFactory(rejected=True)
    body = reviewer_client.get("/review/manual/").content.decode()
    assert pending.reference in body and rejected.reference not in body
    body = reviewer_client.get("/review/manual/?status=rejected").content.decode()
    assert rejected.reference in body and pending.reference not in body
    body = reviewer_client.get("/review/manual/?status=").content.decode()
    assert rejected.reference in body and pending.reference in body


def test_queue_query_count_is_bounded(reviewer_client, django_assert_max_num_queries):
    """The queue costs the same few queries for 30 cases as for one."""
    ManualVerificationFactory.create_batch(30)
    with django_assert_max_num_queries(8):
        response = reviewer_client.get("/review/manual/?status=")
    assert response.status_code == 200


def test_case_page_masks_personal_data_shows_uploads_and_is_audited(
    reviewer_client, reviewer, case
):
    """ID number and mobile masked; the images come from /uploads/<uuid>/; the view is
    recorded as review.case_viewed (ACC-7, ACC-8)."""
    body = reviewer_client.get(f"/review/manual/{case.pk}/").content.decode()
    assert "310101199003071230" not in body and "310***********1230" in body
    assert "13757112345" not in body and "137****2345" in body
    upload = case_upload(case)
    assert f'src="/uploads/{upload.pk}/"' in body
    event = AuditEvent.objects.get(event_type="review.case_viewed")
    assert event.actor_id == reviewer.pk and event.subject_id == str(case.pk)


def case_upload(case):
    from zhengwu.registrations.manual.selectors import manual_uploads

    return manual_uploads(case)["licence_page"]


def test_reviewers_see_the_case_uploads_others_do_not(client, reviewer, case):
    """The viewer check: reviewers get the JPEG; a staff user without the permission 404."""
    upload = case_upload(case)
    client.force_login(reviewer)
    response = client.get(f"/uploads/{upload.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.force_login(UserFactory(staff=True))
    assert client.get(f"/uploads/{upload.pk}/").status_code == 404


def test_reject_through_the_page_then_a_second_decision_is_refused(
    reviewer_client, case, django_capture_on_commit_callbacks
):
    """The decision form rejects with a template reason; deciding again shows the refusal."""
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(
            f"/review/manual/{case.pk}/decide",
            {"decision": "reject", "reason_code": "no_stamp", "reason_text": ""},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == ManualStatus.REJECTED and case.reason == "未加盖公章"
    response = reviewer_client.post(f"/review/manual/{case.pk}/decide", {"decision": "approve"})
    assert response.status_code == 400 and "不能变更为" in response.content.decode()


def test_approve_through_the_page(reviewer_client, case):
    response = reviewer_client.post(f"/review/manual/{case.pk}/decide", {"decision": "approve"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == ManualStatus.APPROVED


def test_the_back_office_entry_leads_to_the_manual_queue(reviewer_client):
    """/review/ opens the first queue (the manual channel's)."""
    response = reviewer_client.get("/review/")
    assert response.status_code == 302 and response["Location"] == "/review/manual/"


def test_an_unknown_queue_is_404(reviewer_client):
    assert reviewer_client.get("/review/nosuchqueue/").status_code == 404


def test_channels_plug_their_queues_in_and_reviews_knows_none():
    """Each registration channel registers its queue from ``RegistrationsConfig.ready``;
    ``reviews.queues`` itself imports no kind of case."""
    import ast
    import inspect

    from zhengwu.reviews import queues as queues_module

    assert [queue.key for queue in queues_module.queues()] == ["manual", "natural", "agent"]
    tree = ast.parse(inspect.getsource(queues_module))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not any(name.startswith("zhengwu.registrations") for name in imported)
