"""The audit log back office /audit/ (ACC-8): auditors only, filters, keyset paging, CSV export
(UTF-8 with BOM, same filters, audited)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.tests.factories import MembershipFactory, UserFactory
from zhengwu.audit import selectors
from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event


@pytest.fixture
def auditor(db):
    user = UserFactory(staff=True, username="auditor")
    user.groups.add(Group.objects.get(name="安全审计员"))
    return user


@pytest.fixture
def events(db):
    """Events of two organisations by two actors over three days."""
    a = MembershipFactory(legal_representative=True, user__username="actor_a")
    b = MembershipFactory(legal_representative=True, user__username="actor_b")
    now = timezone.now()
    rows = []
    for n in range(6):
        m = (a, b)[n % 2]
        event = record_event(
            "orgcentre.operator_added" if n < 4 else "account.password_changed",
            actor=m.user,
            subject=m,
            organisation=m.organisation,
            after={"n": n},
        )
        rows.append(event)
    # Spread over days: insert copies with explicit times instead of updating.
    old = AuditEvent.objects.create(
        event_type="orgcentre.operator_added",
        actor_id=a.user.pk,
        actor_label="actor_a",
        organisation_id=a.organisation.pk,
        created_at=now - datetime.timedelta(days=3),
    )
    return {"a": a, "b": b, "rows": rows, "old": old}


def test_the_back_office_is_for_auditors_only(client, db, auditor):
    url = reverse("audit:list")
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(UserFactory(staff=True, username="plain_staff"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("audit:export")).status_code == 404
    client.force_login(MembershipFactory(legal_representative=True).user)
    assert client.get(url).status_code == 404
    client.force_login(auditor)
    assert client.get(url).status_code == 200


def test_filters_by_actor_organisation_type_and_time(client, auditor, events):
    client.force_login(auditor)
    a = events["a"]
    html = client.get(reverse("audit:list"), {"actor": "actor_a"}).content.decode()
    assert html.count("<tr><td>") == 4  # 3 recent + 1 old, all by actor_a
    by_org = client.get(reverse("audit:list"), {"organisation": a.organisation.uscc})
    assert by_org.content.decode().count("<tr><td>") == 4
    by_type = client.get(reverse("audit:list"), {"event_type": "account.*"})
    assert by_type.content.decode().count("<tr><td>") == 2
    today = timezone.localdate()
    recent = client.get(
        reverse("audit:list"),
        {"actor": "actor_a", "date_from": (today - datetime.timedelta(days=1)).isoformat()},
    )
    assert recent.content.decode().count("<tr><td>") == 3
    wrong = client.get(
        reverse("audit:list"), {"date_from": today.isoformat(), "date_to": "2020-01-01"}
    )
    assert wrong.status_code == 400 and "结束日期不能早于开始日期" in wrong.content.decode()


def test_keyset_paging_walks_every_event_once(events, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    seen, cursor = [], ""
    while True:
        page, cursor = selectors.audit_page(selectors.AuditFilter(), after=cursor)
        seen += [e.pk for e in page]
        if not cursor:
            break
    expected = list(AuditEvent.objects.order_by("-created_at", "-id").values_list("pk", flat=True))
    assert seen == expected


def test_a_page_is_one_query_without_count(events, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.audit_page(selectors.AuditFilter(event_type="orgcentre.operator_added"))


def test_csv_export_has_a_bom_the_filters_and_is_audited(client, auditor, events):
    client.force_login(auditor)
    response = client.get(reverse("audit:export"), {"actor": "actor_b"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff时间,事件类型,结果,操作人")
    lines = body.strip().splitlines()
    assert len(lines) == 1 + 3 and all("actor_b" in line for line in lines[1:])
    exported = AuditEvent.objects.get(event_type="audit.exported")
    assert exported.actor_id == auditor.pk
    assert exported.after == {"filters": {"actor": "actor_b"}}


def test_csv_cells_cannot_smuggle_formulas(client, auditor, db):
    record_event("test.formula", actor="=HYPERLINK(1)")
    client.force_login(auditor)
    response = client.get(reverse("audit:export"), {"event_type": "test.formula"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "'=HYPERLINK(1)" in body


def test_organisation_is_taken_from_the_subject(db):
    """record_event fills organisation_id from a subject that belongs to an organisation."""
    membership = MembershipFactory()
    event = record_event("test.inferred", subject=membership)
    assert event.organisation_id == membership.organisation_id
    assert record_event("test.org", subject=membership.organisation).organisation_id == (
        membership.organisation_id
    )
