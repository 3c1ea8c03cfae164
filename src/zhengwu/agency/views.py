"""Pages of the agency platform: the unit's side (image sign-in, commitment, workspace) and the
authority's back office (/agency/office/)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.core.context import client_ip
from zhengwu.core.errors import NotFound, ValidationFailed, ZhengwuError

from . import session
from .forms import CommitmentForm, ImageSigninForm, IssueImageForm
from .models import CHANGEABLE_FIELDS, ONLINE_ITEMS, AgencyUnit, Application, Item, LoginImage
from .services import applications, login

OFFICE_PERMISSION = "agency.handle_agency"


def _png(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="image/png")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# --- the unit's side --------------------------------------------------------------------------
#: The header a dialog sign-in answers with instead of a redirect (``signin-dialog.js``
#: follows it): a fetch would silently follow a 302 and swap the next page into the dialog.
DIALOG_REDIRECT_HEADER = "X-Agency-Redirect"


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """图片登录 (AG-4): upload the saved login image and the captcha.

    A page of its own, and, with ``dialog=1`` (what ``agency/signin-dialog.js`` sends from the
    机关用户服务 buttons), the bare form for the sign-in dialog: errors come back as the form
    again (400), success as 204 with ``X-Agency-Redirect``. Without script the buttons lead to
    this page, the item preselected.
    """
    dialog = request.GET.get("dialog") == "1" or request.POST.get("dialog") == "1"
    ended = request.session.pop(session.SESSION_ENDED, "")
    item = request.GET.get("item", "")
    if item in ONLINE_ITEMS:  # the 机关用户服务 button that led here
        request.session["agency_item"] = item
    else:
        item = ""
    form = ImageSigninForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = login.read_upload(form.cleaned_data["image"])
            image = login.sign_in(data, ip=client_ip(request), request=request)
        except ZhengwuError as exc:
            form.add_error("image" if exc.field == "image" else None, exc.message)
        else:
            session.start(request, image)
            if dialog:
                response = HttpResponse(status=204)
                response[DIALOG_REDIRECT_HEADER] = reverse("agency:commitment")
                return response
            return redirect("agency:commitment")
    context = {
        "form": form,
        "ended": ended,
        "item": item,
        "item_label": Item(item).label if item else "",
        "dialog": dialog,
    }
    return render(
        request,
        "agency/_signin_form.html" if dialog else "agency/signin.html",
        context,
        status=400 if form.errors else 200,
    )


@session.unit_required(commitment=False)
@require_http_methods(["GET", "POST"])
def commitment(request: HttpRequest) -> HttpResponse:
    """登录承诺 (AG-5): accepted with 同意 before anything else."""
    text = login.current_commitment()
    if request.method == "POST":
        if request.POST.get("agree") != "1":
            session.end(request)
            return redirect("agency:signin")
        login.accept_commitment(request.agency_image, text)  # type: ignore[attr-defined]
        request.session[session.SESSION_COMMITTED] = text.pk
        return redirect("agency:workspace")
    return render(request, "agency/commitment.html", {"commitment": text})


def _unit(request: HttpRequest) -> AgencyUnit:
    return request.agency_image.unit  # type: ignore[attr-defined, no-any-return]


@session.unit_required()
@require_http_methods(["GET", "POST"])
def workspace(request: HttpRequest) -> HttpResponse:
    """The application page (AG-5): 最新信息, 办理进度, the entry form, 历史信息, and the
    buttons 暂存, 提交, 上传附件, 下载表格, 删除申报材料."""
    unit = _unit(request)
    application = applications.open_application(unit)
    error: ZhengwuError | None = None
    notice = request.GET.get("done", "")
    upload_error = request.session.pop("agency_upload_error", "")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "start":
                applications.start(unit, request.POST.get("item", ""))
                return redirect("agency:workspace")
            if application is None:
                raise NotFound("当前没有正在办理的申请", code="agency.application.none")
            if action in ("save", "submit"):
                changes = {
                    key: request.POST.get(f"new_{key}", "")
                    for key in CHANGEABLE_FIELDS
                    if request.POST.get(f"change_{key}")
                }
                if action == "save" or application.is_editable:
                    applications.save_draft(
                        application,
                        version=_int(request.POST.get("version")),
                        reason=request.POST.get("reason", ""),
                        changes=changes,
                    )
                    application.refresh_from_db()
                if action == "submit":
                    applications.submit(application)
                return redirect(reverse("agency:workspace") + f"?done={action}")
            if action == "delete":
                if request.POST.get("confirm") != "1":
                    raise ValidationFailed(
                        "请勾选确认后再删除申报材料", code="agency.delete.confirm", field="confirm"
                    )
                applications.delete(application)
                return redirect(reverse("agency:workspace") + "?done=delete")
            raise ValidationFailed("未知的操作", code="agency.action")
        except ZhengwuError as exc:
            error = exc
            application = applications.open_application(unit)
    context = {
        "unit": unit,
        "application": application,
        "error": error,
        "upload_error": upload_error,
        "notice": notice,
        "items": ONLINE_ITEMS,
        "item_choices": [(i, Item(i).label) for i in ONLINE_ITEMS],
        "preselected": request.session.get("agency_item", ""),
        "history": applications.past_applications(unit),
        "fields": [
            {
                "key": key,
                "label": label,
                "registered": getattr(unit, key),
                "new": (request.POST.get(f"new_{key}") if error else None)
                or (application.changes.get(key, "") if application else ""),
                "checked": bool(
                    (request.POST.get(f"change_{key}") if error else None)
                    or (application and key in application.changes)
                ),
            }
            for key, label in CHANGEABLE_FIELDS.items()
        ],
    }
    if application is not None:
        context |= {
            "progress": applications.progress(application),
            "materials": applications.MATERIALS[application.item],
            "missing": applications.missing_materials(application),
            "attachments": application.attachments.all(),
            "states": Application.Status.choices,
        }
    return render(request, "agency/workspace.html", context, status=400 if error else 200)


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@session.unit_required()
@require_POST
def attachment_upload(request: HttpRequest) -> HttpResponse:
    """上传附件 (AG-6)."""
    from .services import attachments

    application = applications.open_application(_unit(request))
    if application is None:
        return redirect("agency:workspace")
    file = request.FILES.get("file")
    try:
        if file is None:
            raise ValidationFailed(
                "请选择要上传的附件", code="agency.attachment.empty", field="file"
            )
        attachments.attach(application, material=request.POST.get("material", ""), file=file)
    except ZhengwuError as exc:
        request.session["agency_upload_error"] = exc.message
        return redirect(reverse("agency:workspace") + "#attachments")
    return redirect(reverse("agency:workspace") + "?done=upload#attachments")


@session.unit_required()
def attachment_view(request: HttpRequest, pk: str) -> HttpResponse:
    """查看 / 下载 one of the unit's own attachments (AG-6), current or past application;
    another unit's (or an unknown) id is a 404, audited."""
    from . import downloads

    unit = _unit(request)
    attachment = downloads.attachment_for_unit(unit, pk)
    if attachment is None:
        downloads.refuse(actor=applications.UNIT_ACTOR, attachment_id=pk, unit=unit)
        raise Http404("附件不存在")
    return downloads.attachment_response(
        attachment,
        actor=applications.UNIT_ACTOR,
        as_attachment=request.GET.get("download") == "1",
    )


@session.unit_required()
def form_download(request: HttpRequest) -> HttpResponse:
    """下载表格 (AG-7): at any state, from the current data."""
    from . import downloads

    application = applications.open_application(_unit(request))
    if application is None:
        raise Http404("当前没有正在办理的申请")
    return downloads.form_response(application)


@session.unit_required()
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The electronic certificate (LIC-3) of one of the unit's completed applications."""
    from . import downloads

    application = downloads.completed_for_unit(_unit(request), pk)
    response = (
        downloads.certificate_response(application, actor=applications.UNIT_ACTOR)
        if application is not None
        else None
    )
    if response is None:
        raise Http404("电子证书不存在")
    return response


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    session.end(request)
    return redirect("agency:signin")


@require_http_methods(["GET", "POST"])
def image_link(request: HttpRequest, token: str) -> HttpResponse:
    """The SMS one-time link: a page with a button (link previews must not use it up)."""
    if request.method == "POST":
        try:
            image, png = login.download_by_link(token)
        except ZhengwuError as exc:
            return render(request, "agency/image_link.html", {"error": exc.message}, status=404)
        return _png(png, login.image_file_name(image.unit))
    return render(request, "agency/image_link.html", {"error": ""})


# --- back office ------------------------------------------------------------------------------
@permission_required(OFFICE_PERMISSION, raise_exception=True)
def office_units(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    units = AgencyUnit.objects.order_by("name")
    if query:
        units = units.filter(Q(name__contains=query) | Q(uscc=query.upper()))
    page = Paginator(units, 30).get_page(request.GET.get("page"))
    return render(request, "agency/office/units.html", {"page": page, "query": query})


@permission_required(OFFICE_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def office_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit in the back office: its register facts, its login images, and the form that
    records a paper application and issues a new image (revoking the previous)."""
    unit = get_object_or_404(AgencyUnit, pk=pk)
    form = IssueImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = login.issue_image(
                unit=unit,
                reason=data["reason"],
                recipient_name=data["recipient_name"],
                recipient_mobile=data["recipient_mobile"],
                applied_on=data["applied_on"],
                form_scan=data["form_scan"],
                delivery=data["delivery"],
                actor=request.user,
                link_base=request.build_absolute_uri(reverse("agency:image_link", args=["x"]))[:-2],
            )
        except ZhengwuError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if issued.png is not None:  # handed over on the spot
                return _png(issued.png, login.image_file_name(unit))
            return redirect(reverse("agency:office_unit", args=[unit.pk]) + "?sent=1")
    return render(
        request,
        "agency/office/unit.html",
        {
            "unit": unit,
            "form": form,
            "images": unit.login_images.all(),
            "sent": request.GET.get("sent"),
        },
        status=400 if form.errors else 200,
    )


@permission_required(OFFICE_PERMISSION, raise_exception=True)
@require_POST
def office_image_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    image = get_object_or_404(LoginImage, pk=pk)
    login.revoke_image(image, actor=request.user, reason="登记管理机关作废")
    return redirect("agency:office_unit", pk=image.unit_id)


@permission_required(OFFICE_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def office_commitment(request: HttpRequest) -> HttpResponse:
    current = login.current_commitment()
    form = CommitmentForm(request.POST or None, initial={"body": current.body})
    if request.method == "POST" and form.is_valid():
        try:
            login.edit_commitment(form.cleaned_data["body"], actor=request.user)
        except ZhengwuError as exc:
            form.add_error("body", exc.message)
        else:
            return redirect(reverse("agency:office_commitment") + "?saved=1")
    return render(
        request,
        "agency/office/commitment.html",
        {"form": form, "saved": request.GET.get("saved")},
    )


@permission_required(OFFICE_PERMISSION, raise_exception=True)
def office_applications(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    items = Application.objects.select_related("unit").order_by("-submitted_at", "-pk")
    items = items.exclude(status=Application.Status.DRAFT)
    if status in Application.Status.values:
        items = items.filter(status=status)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    rows = [(a, applications.deadline(a)) for a in page]
    return render(
        request,
        "agency/office/applications.html",
        {"page": page, "rows": rows, "status": status, "states": Application.Status.choices},
    )


@permission_required(OFFICE_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def office_application(request: HttpRequest, pk: int) -> HttpResponse:
    """One application in the back office: 受理/不予受理, 复核, 通知, 打印."""
    application = get_object_or_404(Application.objects.select_related("unit"), pk=pk)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        reply = request.POST.get("reply", "")
        try:
            if action == "accept":
                applications.accept(application, actor=request.user, reply=reply)
            elif action == "refuse":
                applications.refuse(application, actor=request.user, reply=reply)
            elif action in ("approve", "return"):
                applications.review(
                    application, actor=request.user, approve=action == "approve", reply=reply
                )
            elif action == "notify":
                applications.notify(application, actor=request.user, reply=reply)
            elif action == "complete":
                applications.complete(application, actor=request.user)
            else:
                raise ValidationFailed("未知的操作", code="agency.action")
        except ZhengwuError as exc:
            error = exc.message
            application.refresh_from_db()
        else:
            return redirect("agency:office_application", pk=application.pk)
    unit = application.unit
    context = {
        "application": application,
        "unit": unit,
        "error": error,
        "deadline": applications.deadline(application),
        "progress": [
            (t, Application.Status(t.to_state).label) for t in applications.progress(application)
        ],
        "attachments": application.attachments.all(),
        "changes": [
            (label, application.before.get(key) or getattr(unit, key), application.changes[key])
            for key, label in CHANGEABLE_FIELDS.items()
            if key in application.changes
        ],
        "S": Application.Status,
    }
    return render(request, "agency/office/application.html", context, status=400 if error else 200)


@permission_required(OFFICE_PERMISSION, raise_exception=True)
def office_attachment(request: HttpRequest, pk: str) -> HttpResponse:
    from . import downloads
    from .models import Attachment

    attachment = get_object_or_404(Attachment.objects.select_related("application"), pk=pk)
    return downloads.attachment_response(
        attachment, actor=request.user, as_attachment=request.GET.get("download") == "1"
    )


@permission_required(OFFICE_PERMISSION, raise_exception=True)
def office_form_download(request: HttpRequest, pk: int) -> HttpResponse:
    from . import downloads

    application = get_object_or_404(Application.objects.select_related("unit"), pk=pk)
    return downloads.form_response(application)
