"""Pages of the agency platform: the unit's side (image sign-in, commitment, workspace) and the
authority's back office (/agency/office/)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.core.context import client_ip
from zhengwu.core.errors import ZhengwuError

from . import session
from .forms import CommitmentForm, ImageSigninForm, IssueImageForm
from .models import AgencyUnit, LoginImage
from .services import login

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
@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """图片登录 (AG-4): upload the saved login image and the captcha."""
    ended = request.session.pop(session.SESSION_ENDED, "")
    form = ImageSigninForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = login.read_upload(form.cleaned_data["image"])
            image = login.sign_in(data, ip=client_ip(request), request=request)
        except ZhengwuError as exc:
            form.add_error("image" if exc.field == "image" else None, exc.message)
        else:
            session.start(request, image)
            return redirect("agency:commitment")
    return render(
        request,
        "agency/signin.html",
        {"form": form, "ended": ended, "item": request.GET.get("item", "")},
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


@session.unit_required()
def workspace(request: HttpRequest) -> HttpResponse:
    image: LoginImage = request.agency_image  # type: ignore[attr-defined]
    return render(request, "agency/workspace.html", {"unit": image.unit, "image": image})


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
