"""Back office for the working-day calendar: staff correct days and mark new years covered.

Every save and delete goes through ``services`` (audited as ``workdays.day_changed`` /
``workdays.year_changed``); the admin only parses and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from zhengwu.core.errors import ZhengwuError

from .constants import DayKind, Source
from .models import WEEKDAY_NAMES, CalendarDay, CalendarYear
from .services import calendar_day_delete, calendar_day_set, calendar_year_set


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """One row per exception; library rows are cancelled by setting 按常规, never deleted."""

    list_display = ("date", "weekday", "kind", "name", "source", "updated_by", "updated_at")
    list_filter = ("kind", "source")
    date_hierarchy = "date"
    search_fields = ("name",)
    fields = ("date", "kind", "name", "source", "updated_by", "updated_at")
    list_select_related = ("updated_by",)

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return WEEKDAY_NAMES[obj.date.weekday()]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The date is the row's identity (and its audit subject): change it by a new row.
        base = ("source", "updated_by", "updated_at")
        return ("date", *base) if obj is not None else base

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.source == Source.STAFF)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        saved = calendar_day_set(actor=request.user, day=obj.date, kind=obj.kind, name=obj.name)
        obj.pk, obj.source, obj.updated_by = saved.pk, saved.source, saved.updated_by
        obj.updated_at = saved.updated_at

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_delete(actor=request.user, day=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for obj in queryset:
            try:
                calendar_day_delete(actor=request.user, day=obj.date)
            except ZhengwuError as exc:
                self.message_user(request, exc.message, messages.ERROR)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Which years are covered; a year is never deleted, only marked incomplete."""

    list_display = (
        "year",
        "is_complete",
        "holiday_days",
        "adjusted_working_days",
        "source",
        "note",
        "updated_by",
        "updated_at",
    )
    list_filter = ("is_complete", "source")
    fields = ("year", "is_complete", "note", "source", "updated_by", "updated_at")
    list_select_related = ("updated_by",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        def count(kind: str) -> Coalesce:
            days = (
                CalendarDay.objects.filter(date__year=OuterRef("year"))
                .order_by()
                .values("date__year")
                .annotate(n=Count("pk", filter=Q(kind=kind)))
                .values("n")
            )
            return Coalesce(Subquery(days, output_field=IntegerField()), 0)

        return (
            super()
            .get_queryset(request)
            .annotate(
                holiday_count=count(DayKind.HOLIDAY),
                adjusted_count=count(DayKind.ADJUSTED_WORKING_DAY),
            )
        )

    @admin.display(description="放假天数", ordering="holiday_count")
    def holiday_days(self, obj: CalendarYear) -> str:
        url = reverse("admin:workdays_calendarday_changelist")
        return format_html(
            '<a href="{}?date__year={}">{}</a>', url, obj.year, getattr(obj, "holiday_count", "")
        )

    @admin.display(description="调休上班天数", ordering="adjusted_count")
    def adjusted_working_days(self, obj: CalendarYear) -> int:
        return getattr(obj, "adjusted_count", 0)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        base = ("source", "updated_by", "updated_at")
        return ("year", *base) if obj is not None else base

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        saved = calendar_year_set(
            actor=request.user, year=obj.year, is_complete=obj.is_complete, note=obj.note
        )
        obj.pk, obj.source, obj.updated_by = saved.pk, saved.source, saved.updated_by
        obj.updated_at = saved.updated_at
        if (
            saved.is_complete
            and not CalendarDay.objects.filter(date__year=saved.year, kind=DayKind.HOLIDAY).exists()
        ):
            self.message_user(
                request,
                f"{saved.year}年已标记为完整录入，但尚未录入任何放假日期：系统将只按周末计算。"
                "如非有意，请先录入放假与调休日期。",
                messages.WARNING,
            )
