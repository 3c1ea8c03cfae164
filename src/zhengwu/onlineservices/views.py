"""Pages of the online services. Thin: parse, check, call one service or selector, render.

Catalogue pages are public; a case is visible to its applicant and the members of its unit
(others: 404); the department desk (``/services/desk/``) to staff of the case's department.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhengwu.accounts.models import User
from zhengwu.core.errors import ZhengwuError
from zhengwu.core.parsing import id_from_text
from zhengwu.core.workflow import history

from . import assist, catalogue_io, fanout, permissions, selectors, services
from .constants import Decision, Rating, Status
from .entities import liquidation_notice_publish
from .formschema import FormInvalid, is_shown
from .models import Application, Department, LiquidationNotice
from .pdf import decision_pdf, guide_pdf


def _user(request: HttpRequest) -> User:
    """The signed-in account (views here are behind ``login_required`` or a staff check)."""
    return cast(User, request.user)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    return response


def _flag(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name) in ("1", "on", "true")


# --- catalogue (SVC-1), public ------------------------------------------------------------------


def catalogue_file(request: HttpRequest, name: str) -> HttpResponse:
    """A material's blank form or sample (public), unsealed from the private store; only names
    a material refers to."""
    from django.db.models import Q

    from .models import Material

    material = Material.objects.filter(Q(blank_form=name) | Q(sample=name)).first()
    if material is None or not name.startswith("catalogue/"):
        raise Http404
    field = material.blank_form if material.blank_form.name == name else material.sample
    try:
        with field.open("rb") as handle:
            content = handle.read()
    except OSError as exc:
        raise Http404 from exc
    import mimetypes

    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    return response


def index(request: HttpRequest) -> HttpResponse:
    """Browse by department and theme, filter 全程网办 / 高频, search by a name fragment."""
    query = request.GET.get("q", "").strip()[:50]
    department = request.GET.get("department", "")[:32]
    theme = request.GET.get("theme", "")[:32]
    items = selectors.items_search(
        query=query,
        department=department,
        theme=theme,
        fully_online=_flag(request, "online"),
        high_frequency=_flag(request, "hf"),
    )
    return render(
        request,
        "onlineservices/index.html",
        {
            "items": items[:200],
            "departments": selectors.departments_with_counts(),
            "themes": selectors.themes_with_counts(),
            "query": query,
            "department": department,
            "theme": theme,
            "online": _flag(request, "online"),
            "hf": _flag(request, "hf"),
        },
    )


def guide(request: HttpRequest, code: str) -> HttpResponse:
    """The 办事指南 of one item, with 在线办理."""
    item = selectors.item_get(code)
    return render(
        request,
        "onlineservices/guide.html",
        {"item": item, "organisations": selectors.organisations_for_applicant(_user(request))},
    )


def guide_download(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.item_get(code)
    return _pdf(guide_pdf(item), f"{item.name}办事指南.pdf")


def notices(request: HttpRequest) -> HttpResponse:
    """清算公告 published on the portal (public, newest first)."""
    return render(
        request, "onlineservices/notices.html", {"notices": LiquidationNotice.objects.all()[:200]}
    )


@login_required
@require_POST
def notice_publish(request: HttpRequest) -> HttpResponse:
    org_id = request.POST.get("organisation", "")
    organisation = next(
        (o for o in selectors.organisations_for_applicant(_user(request)) if str(o.pk) == org_id),
        None,
    )
    if organisation is None:
        raise Http404
    try:
        liquidation_notice_publish(
            actor=_user(request), organisation=organisation, text=request.POST.get("text", "")
        )
        messages.success(request, "清算公告已发布，公告期 45 日")
    except ZhengwuError as exc:
        messages.error(request, exc.message)
    return redirect("onlineservices:notices")


# --- the applicant ------------------------------------------------------------------------------


@login_required
@require_POST
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """在线办理: open a draft for the chosen unit (or the person) and go to its form."""
    item = selectors.item_get(code)
    organisation = None
    org_id = request.POST.get("organisation", "")
    if org_id:
        organisation = next(
            (
                o
                for o in selectors.organisations_for_applicant(_user(request))
                if str(o.pk) == org_id
            ),
            None,
        )
        if organisation is None:
            raise Http404
    try:
        application = services.application_start(
            actor=_user(request), item=item, organisation=organisation
        )
    except ZhengwuError as exc:
        messages.error(request, exc.message)
        return redirect("onlineservices:guide", code=item.code)
    return redirect("onlineservices:case", pk=application.pk)


def _form_rows(
    application: Application, data: dict[str, Any], known: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for spec in application.item.form_schema:
        source = spec.get("prefill")
        value = known.get(source, "") if source else data.get(spec["name"], "")
        rows.append(
            {
                **spec,
                "value": "" if value is None else value,
                "locked": bool(source),
                "shown": is_shown(spec, data),
                "choice_pairs": [
                    (str(c[0]), str(c[1])) if isinstance(c, list | tuple) else (str(c), str(c))
                    for c in spec.get("choices", [])
                ],
            }
        )
    return rows


def _case_context(request: HttpRequest, application: Application, **extra: Any) -> dict[str, Any]:
    known = services.known_facts(user=application.applicant, organisation=application.organisation)
    attached = {m.material_id: m for m in application.materials.select_related("licence")}
    materials = [
        {
            "material": material,
            "attached": attached.get(material.pk),
            "licences": services.licences_for_material(application=application, material=material),
        }
        for material in application.item.materials.all()
    ]
    data = extra.pop("data", None) or application.form_data
    return {
        "application": application,
        "rows": _form_rows(application, data, known),
        "materials": materials,
        "history": history(application).order_by("at", "pk"),
        "suspensions": application.suspensions.all(),
        "extensions": application.extensions.all(),
        "editable": application.status in (Status.DRAFT, Status.CORRECTION),
        "evaluation": getattr(application, "evaluation", None),
        "ratings": Rating.choices,
        "errors": {},
        **extra,
    }


@login_required
@never_cache
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """One case of the applicant: the form while it is a draft or 待补正, else its progress."""
    application = selectors.application_get_for_editor(_user(request), pk)
    return render(request, "onlineservices/case.html", _case_context(request, application))


def _form_data(request: HttpRequest, application: Application) -> dict[str, Any]:
    return {
        spec["name"]: request.POST.get(spec["name"], "") for spec in application.item.form_schema
    }


@login_required
@require_POST
def case_save(request: HttpRequest, pk: int) -> HttpResponse:
    """暂存, 提交 or (after 补正) 重新提交, by the button pressed."""
    application = selectors.application_get_for_editor(_user(request), pk)
    data = _form_data(request, application)
    action = request.POST.get("action", "save")
    try:
        if action == "submit" and application.status == Status.CORRECTION:
            services.application_resubmit(actor=_user(request), application=application, data=data)
            messages.success(request, "补正材料已重新提交")
        elif action == "submit":
            services.application_submit(actor=_user(request), application=application, data=data)
            messages.success(request, "申请已提交，请留意短信通知")
        else:
            services.application_save(actor=_user(request), application=application, data=data)
            messages.success(request, "已暂存")
    except FormInvalid as exc:
        context = _case_context(request, application, data=data, errors=exc.errors)
        return render(request, "onlineservices/case.html", context, status=400)
    except ZhengwuError as exc:
        context = _case_context(
            request, application, data=data, errors={exc.field or "": exc.message}
        )
        context["error"] = exc.message
        return render(request, "onlineservices/case.html", context, status=exc.status)
    return redirect("onlineservices:case", pk=application.pk)


@login_required
@require_POST
def case_material(request: HttpRequest, pk: int, material_id: int) -> HttpResponse:
    """Attach one material: an uploaded file, or a licence from 我的证照 (电子证照免提交)."""
    application = selectors.application_get_for_editor(_user(request), pk)
    try:
        if request.POST.get("licence"):
            services.application_attach_licence(
                actor=_user(request),
                application=application,
                material_id=material_id,
                licence_id=int(request.POST["licence"]),
            )
        else:
            upload = request.FILES.get("file")
            if upload is None:
                raise FormInvalid({f"material_{material_id}": ("material.missing", "请选择文件")})
            services.application_attach_file(
                actor=_user(request), application=application, material_id=material_id, file=upload
            )
        messages.success(request, "材料已添加")
    except ValueError:
        raise Http404 from None
    except ZhengwuError as exc:
        messages.error(request, exc.message)
    return redirect("onlineservices:case", pk=application.pk)


@login_required
@require_POST
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(_user(request), pk)
    try:
        services.application_withdraw(actor=_user(request), application=application)
        messages.success(request, "申请已撤回")
    except ZhengwuError as exc:
        messages.error(request, exc.message)
    return redirect("onlineservices:case", pk=application.pk)


@login_required
def case_decision(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(_user(request), pk)
    if application.status != Status.COMPLETED:
        raise Http404
    return _pdf(decision_pdf(application), f"{application.number}决定书.pdf")


@login_required
@require_POST
def case_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """好差评 (SVC-2b): once per case, after 办结."""
    application = selectors.application_get_for_user(_user(request), pk)
    try:
        services.evaluation_create(
            actor=_user(request),
            application=application,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, "感谢您的评价")
    except ZhengwuError as exc:
        messages.error(request, exc.message)
    return redirect("onlineservices:case", pk=application.pk)


@login_required
@never_cache
def mine(request: HttpRequest) -> HttpResponse:
    """我的办件: every case of the account and its units, with its progress."""
    cases = selectors.applications_for_user(_user(request))[:200]
    return render(request, "onlineservices/mine.html", {"cases": cases})


# --- the department desk ------------------------------------------------------------------------


def _staff_or_login(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (permissions.can_handle(_user(request)) or permissions.can_decide(_user(request))):
        raise Http404
    return None


@never_cache
def desk(request: HttpRequest) -> HttpResponse:
    """The department queue: open cases with their working-day deadline, overdue marked."""
    if (response := _staff_or_login(request)) is not None:
        return response
    departments = list(selectors.departments_for_staff(_user(request)))
    chosen: Department | None = next(
        (d for d in departments if str(d.pk) == request.GET.get("department")),
        departments[0] if departments else None,
    )
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    before = request.GET.get("before", "")
    cases = (
        selectors.queue(
            department=chosen,
            status=status,
            overdue_only=_flag(request, "overdue"),
            before_id=id_from_text(before),
            today=timezone.localdate(),
        )
        if chosen
        else []
    )
    return render(
        request,
        "onlineservices/desk.html",
        {
            "departments": departments,
            "chosen": chosen,
            "cases": cases,
            "status": status,
            "statuses": Status.choices,
            "overdue": _flag(request, "overdue"),
            "next_before": cases[-1].pk if len(cases) == 50 else None,
            "can_manage": _user(request).has_perm(permissions.MANAGE_CATALOGUE),
            "assist_items": chosen.items.filter(is_published=True) if chosen else [],
            "tasks": selectors.open_tasks(department=chosen) if chosen else [],
        },
    )


@never_cache
def desk_case(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _staff_or_login(request)) is not None:
        return response
    application = selectors.application_get_for_staff(_user(request), pk)
    return render(
        request,
        "onlineservices/desk_case.html",
        _case_context(
            request,
            application,
            can_decide=permissions.can_decide(_user(request)),
            can_extend=permissions.can_extend(_user(request)),
            decisions=Decision.choices,
        ),
    )


@require_POST
def desk_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """受理 / 不予受理 / 补正 / 延长 / 决定 / 办结 on the version the person saw."""
    if (response := _staff_or_login(request)) is not None:
        return response
    application = selectors.application_get_for_staff(_user(request), pk)
    version_text = request.POST.get("version", "")
    posted_version = id_from_text(version_text)
    version = -1 if posted_version is None else posted_version
    common: dict[str, Any] = {
        "actor": _user(request),
        "application": application,
        "version": version,
    }
    reason = request.POST.get("reason", "")
    try:
        if action == "accept":
            services.application_accept(**common)
        elif action == "not_accept":
            services.application_not_accept(**common, reason=reason)
        elif action == "correction":
            services.application_request_correction(**common, notice=reason)
        elif action == "extend":
            days = request.POST.get("days", "")
            services.application_extend(**common, days=id_from_text(days) or 0, reason=reason)
        elif action == "decide":
            services.application_decide(
                **common, decision=request.POST.get("decision", ""), reason=reason
            )
        elif action == "complete":
            services.application_complete(**common)
        else:
            raise Http404
        messages.success(request, "操作成功")
    except ZhengwuError as exc:
        messages.error(request, exc.message)
    return redirect("onlineservices:desk_case", pk=application.pk)


@never_cache
def desk_evaluations(request: HttpRequest) -> HttpResponse:
    """好差评 figures per department and item, for the staff of those departments."""
    if (response := _staff_or_login(request)) is not None:
        return response
    return render(
        request,
        "onlineservices/evaluations.html",
        selectors.evaluation_figures(user=_user(request)),
    )


@require_POST
def desk_task_done(request: HttpRequest, pk: int) -> HttpResponse:
    """A department completes its part of a fanned-out case (企业开办)."""
    if (response := _staff_or_login(request)) is not None:
        return response
    try:
        task = fanout.task_complete(actor=_user(request), task_id=pk)
        messages.success(request, f"“{task.name}”已办结")
    except ZhengwuError as exc:
        messages.error(request, exc.message)
    return redirect("onlineservices:desk")


@require_POST
def desk_assist(request: HttpRequest) -> HttpResponse:
    """帮办: open a draft for a registered unit (by its USCC) and fill it in at the counter."""
    if (response := _staff_or_login(request)) is not None:
        return response
    try:
        item = selectors.item_get(request.POST.get("item", ""))
        application = assist.application_assist_start(
            actor=_user(request), item=item, uscc=request.POST.get("uscc", "")
        )
    except ZhengwuError as exc:
        messages.error(request, exc.message)
        return redirect("onlineservices:desk")
    return redirect("onlineservices:case", pk=application.pk)


@require_POST
def case_assist(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """帮办: send the unit its confirmation code, or check the code it tells the staff member."""
    if (response := _staff_or_login(request)) is not None:
        return response
    application = selectors.application_get_for_editor(_user(request), pk)
    try:
        if step == "send":
            masked = assist.application_assist_send_code(
                actor=_user(request), application=application
            )
            messages.success(request, f"验证码已发送至 {masked}")
        elif step == "confirm":
            assist.application_assist_confirm(
                actor=_user(request), application=application, code=request.POST.get("code", "")
            )
            messages.success(request, "单位已确认，可以提交")
        else:
            raise Http404
    except ZhengwuError as exc:
        messages.error(request, exc.message)
    return redirect("onlineservices:case", pk=application.pk)


def _catalogue_manager(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (_user(request).is_staff and _user(request).has_perm(permissions.MANAGE_CATALOGUE)):
        raise Http404
    return None


def catalogue_export(request: HttpRequest) -> HttpResponse:
    if (response := _catalogue_manager(request)) is not None:
        return response
    content = catalogue_io.catalogue_export()
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, "政务服务事项目录.xlsx")
    return response


@require_POST
def catalogue_import(request: HttpRequest) -> HttpResponse:
    if (response := _catalogue_manager(request)) is not None:
        return response
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise FormInvalid({"file": ("import.missing", "请选择 XLSX 文件")})
        count = catalogue_io.catalogue_import(file=upload, actor=_user(request))
        messages.success(request, f"已导入 {count} 个事项")
    except ZhengwuError as exc:
        messages.error(request, exc.message)
    return redirect("onlineservices:desk")
