"""Staff maintain the calendar in the back office; every change is audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import ValidationFailed
from zhengwu.workdays.constants import EVENT_DAY_CHANGED, EVENT_YEAR_CHANGED, DayKind, Source
from zhengwu.workdays.models import CalendarDay, CalendarYear
from zhengwu.workdays.selectors import add_working_days, is_working_day
from zhengwu.workdays.services import calendar_day_delete, calendar_day_set, calendar_year_set

pytestmark = pytest.mark.django_db


def test_staff_holiday_changes_the_result_and_is_audited(calendar_staff):
    """A day off added on Monday 2025-03-10 moves a deadline and writes workdays.day_changed."""
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)
    calendar_day_set(
        actor=calendar_staff, day=date(2025, 3, 10), kind=DayKind.HOLIDAY, name="临时放假"
    )
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 11)
    event = AuditEvent.objects.get(event_type=EVENT_DAY_CHANGED)
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        calendar_staff.pk,
        "workdays.calendarday",
        "2025-03-10",
    )
    assert event.before is None
    assert event.after == {
        "date": "2025-03-10",
        "kind": "holiday",
        "name": "临时放假",
        "source": "staff",
    }


def test_staff_cancel_a_library_day_with_regular(calendar_staff):
    """Setting 2025-10-08 to 按常规 makes it a working day; the audit keeps the library values."""
    calendar_day_set(actor=calendar_staff, day=date(2025, 10, 8), kind=DayKind.REGULAR)
    assert is_working_day(date(2025, 10, 8)) is True
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 8)
    row = CalendarDay.objects.get(date=date(2025, 10, 8))
    assert (row.source, row.updated_by) == (Source.STAFF, calendar_staff)
    event = AuditEvent.objects.get(event_type=EVENT_DAY_CHANGED)
    assert event.before == {
        "date": "2025-10-08",
        "kind": "holiday",
        "name": "国庆节",
        "source": "chinesecalendar",
    }


def test_unchanged_save_writes_no_audit_event(calendar_staff):
    """Saving the same values twice is one change, not two."""
    for _ in range(2):
        calendar_day_set(actor=calendar_staff, day=date(2025, 3, 10), kind=DayKind.HOLIDAY)
    assert AuditEvent.objects.filter(event_type=EVENT_DAY_CHANGED).count() == 1


def test_adjusted_working_day_must_be_a_weekend(calendar_staff):
    """调休上班 on a Wednesday is refused, naming the field and the weekday."""
    with pytest.raises(ValidationFailed) as exc:
        calendar_day_set(
            actor=calendar_staff, day=date(2025, 3, 12), kind=DayKind.ADJUSTED_WORKING_DAY
        )
    assert exc.value.field == "kind"
    assert "周三" in exc.value.message
    assert not CalendarDay.objects.filter(date=date(2025, 3, 12)).exists()


def test_library_days_cannot_be_deleted_but_staff_days_can(calendar_staff):
    """A deleted library row would return with the next seed: refused; staff rows go (audited)."""
    with pytest.raises(ValidationFailed) as exc:
        calendar_day_delete(actor=calendar_staff, day=date(2025, 10, 8))
    assert "按常规" in exc.value.message
    calendar_day_set(actor=calendar_staff, day=date(2025, 3, 10), kind=DayKind.HOLIDAY)
    calendar_day_delete(actor=calendar_staff, day=date(2025, 3, 10))
    assert is_working_day(date(2025, 3, 10)) is True
    deleted = AuditEvent.objects.filter(event_type=EVENT_DAY_CHANGED).first()
    assert (deleted.before["kind"], deleted.after) == ("holiday", None)


def test_year_change_is_audited_and_staff_owned(calendar_staff):
    """Marking a year is workdays.year_changed with before/after, and the year becomes staff's."""
    calendar_year_set(actor=calendar_staff, year=2027, is_complete=True, note="通知")
    row = CalendarYear.objects.get(year=2027)
    assert (row.is_complete, row.source, row.updated_by) == (True, Source.STAFF, calendar_staff)
    event = AuditEvent.objects.get(event_type=EVENT_YEAR_CHANGED)
    assert event.before is None
    assert event.after == {"year": 2027, "is_complete": True, "note": "通知", "source": "staff"}


# --- through the admin ------------------------------------------------------------------


def test_admin_add_day_goes_through_the_service(client, calendar_staff):
    """Adding a day in /admin/ stores a staff row and audits it with the signed-in user."""
    client.force_login(calendar_staff)
    response = client.post(
        reverse("admin:workdays_calendarday_add"),
        {"date": "2025-03-10", "kind": "holiday", "name": "临时放假"},
    )
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=date(2025, 3, 10))
    assert (row.kind, row.source, row.updated_by) == ("holiday", "staff", calendar_staff)
    assert AuditEvent.objects.get(event_type=EVENT_DAY_CHANGED).actor_id == calendar_staff.pk


def test_admin_rejects_adjusted_weekday_on_the_form(client, calendar_staff):
    """The form shows the weekday error; nothing is stored or audited."""
    client.force_login(calendar_staff)
    response = client.post(
        reverse("admin:workdays_calendarday_add"),
        {"date": "2025-03-12", "kind": "adjusted_working_day", "name": ""},
    )
    assert response.status_code == 200
    assert "只有周六、周日才能设为调休上班" in response.content.decode()
    assert not AuditEvent.objects.filter(event_type=EVENT_DAY_CHANGED).exists()


def test_admin_cannot_delete_a_library_day(client, calendar_staff):
    """The delete page of a seeded row is forbidden."""
    client.force_login(calendar_staff)
    row = CalendarDay.objects.get(date=date(2025, 10, 8))
    response = client.get(reverse("admin:workdays_calendarday_delete", args=[row.pk]))
    assert response.status_code == 403


def test_admin_year_list_and_marking_an_empty_year(client, calendar_staff):
    """The year list shows day counts; marking a year with no holidays complete warns."""
    client.force_login(calendar_staff)
    listing = client.get(reverse("admin:workdays_calendaryear_changelist"))
    assert listing.status_code == 200
    assert "?date__year=2025" in listing.content.decode()
    response = client.post(
        reverse("admin:workdays_calendaryear_add"),
        {"year": "2027", "is_complete": "on", "note": ""},
        follow=True,
    )
    assert "尚未录入任何放假日期" in response.content.decode()
    assert CalendarYear.objects.get(year=2027).is_complete
    assert AuditEvent.objects.get(event_type=EVENT_YEAR_CHANGED).actor_id == calendar_staff.pk
