"""The audit log back office (ACC-8): list with filters and keyset paging, CSV export.
Security auditors only (``audit.view_audit_log``, group 安全审计员): anonymous visitors are
sent to sign in, everybody else gets 404."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .forms import AuditFilterForm
from .models import AuditEvent
from .permissions import is_auditor
from .selectors import AuditFilter, audit_page, audit_rows
from .services import record_event

EVENT_EXPORTED = "audit.exported"
CSV_HEADER = [
    "时间",
    "事件类型",
    "结果",
    "操作人",
    "操作人ID",
    "单位ID",
    "对象类型",
    "对象ID",
    "IP地址",
    "请求ID",
    "变更前",
    "变更后",
]


def auditor_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_auditor(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilter | None]:
    form = AuditFilterForm(request.GET or None)
    if not request.GET:
        return form, AuditFilter()
    return form, form.filters() if form.is_valid() else None


@auditor_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    events: list[AuditEvent] = []
    next_cursor = ""
    if filters is not None:
        events, next_cursor = audit_page(filters, after=request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "events": events,
            "next_cursor": next_cursor,
            "query": query.urlencode(),
            "is_first_page": not request.GET.get("after"),
        },
        status=200 if filters is not None else 400,
    )


def _cell(value: Any) -> str:
    """One CSV cell; a leading = + - @ is neutralised (spreadsheet formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(filters: AuditFilter) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel then reads the file as UTF-8 (Chinese headers and labels)
    yield writer.writerow(CSV_HEADER)
    for event in audit_rows(filters):
        yield writer.writerow(
            [
                _cell(timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S")),
                _cell(event.event_type),
                _cell(event.get_outcome_display()),
                _cell(event.actor_label),
                _cell(event.actor_id),
                _cell(event.organisation_id),
                _cell(event.subject_type),
                _cell(event.subject_id),
                _cell(event.ip),
                _cell(event.request_id),
                _cell(json.dumps(event.before, ensure_ascii=False) if event.before else ""),
                _cell(json.dumps(event.after, ensure_ascii=False) if event.after else ""),
            ]
        )


@auditor_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """CSV (UTF-8 with BOM) of every event matching the list's filters; the export itself is
    an audit event naming who exported what."""
    form, filters = _filters(request)
    if filters is None:
        return render(request, "audit/event_list.html", {"form": form, "events": []}, status=400)
    record_event(EVENT_EXPORTED, actor=request.user, after={"filters": filters.as_dict()})
    response = StreamingHttpResponse(_csv_lines(filters), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
