"""Pages of electronic licences: 我的证照 (LIC-1), face-verified viewing and downloading
(LIC-2), public verification (LIC-3) and the staff back office."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.accounts.constants import Role
from zhengwu.core.context import client_ip
from zhengwu.core.errors import NotFound, PermissionDenied, RateLimited, ZhengwuError
from zhengwu.integrations.identity.qr import qr_svg

from . import selectors, services
from .constants import LicenceStatus, Source
from .forms import RevokeForm, StaffIssueForm
from .models import Licence
from .verification import licence_verify, verify_rate_check

MANAGE_PERMISSION = "licences.manage_licences"
MAX_IDENTIFIER_INPUT = 200


def _org_or_404(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    try:
        return selectors.organisation_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _licence_or_404(request: HttpRequest, pk: int) -> Licence:
    try:
        return selectors.licence_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """我的证照: every unit the user acts for, its licences and the access window (LIC-1)."""
    user = request.user
    units = []
    for org in selectors.organisations_of(user=user):  # type: ignore[arg-type]
        is_lr = services.is_legal_representative(organisation=org, user=user)  # type: ignore[arg-type]
        units.append(
            {
                "organisation": org,
                "licences": list(selectors.licences_for_organisation(org)),
                "is_legal_representative": is_lr,
                "role": selectors.role_in(organisation=org, user=user),  # type: ignore[arg-type]
                "access_until": selectors.licence_access_until(
                    user=user,  # type: ignore[arg-type]
                    holder_uscc=org.uscc or "",
                ),
                "pending": list(selectors.access_requests_pending(organisation=org))
                if is_lr
                else [],
                "own_request": selectors.own_pending_request(organisation=org, user=user),  # type: ignore[arg-type]
            }
        )
    return render(
        request,
        "licences/index.html",
        {"units": units, "today": timezone.localdate(), "LR": Role.LEGAL_REPRESENTATIVE},
    )


@login_required
@require_POST
def face_start(request: HttpRequest, org_pk: int) -> HttpResponse:
    """The legal representative starts a face check to open the unit's licences (LIC-2)."""
    org = _org_or_404(request, org_pk)
    access_request = None
    if request.POST.get("request"):
        try:
            access_request = selectors.access_request_get(
                organisation=org, pk=int(request.POST["request"])
            )
        except (NotFound, ValueError) as exc:
            raise Http404 from exc
    try:
        session = services.licence_access_face_start(
            organisation=org,
            actor=request.user,  # type: ignore[arg-type]
            access_request=access_request,
        )
    except ZhengwuError as exc:
        return render(request, "licences/message.html", {"error": exc.message}, status=exc.status)
    return render(
        request,
        "licences/face.html",
        {
            "organisation": org,
            "token": session.token,
            "access_request": access_request,
            "qr": qr_svg(session.qr_payload, title=gettext_now("人脸核验二维码")),
        },
    )


@login_required
@require_GET
def face_status(request: HttpRequest, token: str) -> HttpResponse:
    try:
        result = services.licence_access_face_poll(token=token, actor=request.user)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ZhengwuError as exc:
        return render(request, "licences/_face_status.html", {"error": exc.message})
    return render(request, "licences/_face_status.html", {"result": result, "token": token})


@login_required
@require_POST
def access_request_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    """An operator asks the legal representative to open the licences (LIC-2)."""
    org = _org_or_404(request, org_pk)
    try:
        services.licence_access_request_create(organisation=org, actor=request.user)  # type: ignore[arg-type]
    except ZhengwuError as exc:
        return render(request, "licences/message.html", {"error": exc.message}, status=exc.status)
    return render(
        request,
        "licences/message.html",
        {"message": gettext_now("已向法定代表人发送授权短信，授权后即可查看证照")},
    )


@login_required
@require_POST
def access_request_decline(request: HttpRequest, org_pk: int, pk: int) -> HttpResponse:
    org = _org_or_404(request, org_pk)
    try:
        access_request = selectors.access_request_get(organisation=org, pk=pk)
        services.licence_access_request_decline(
            access_request=access_request,
            organisation=org,
            actor=request.user,  # type: ignore[arg-type]
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ZhengwuError as exc:
        return render(request, "licences/message.html", {"error": exc.message}, status=exc.status)
    return redirect("licences:index")


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One licence, shown after the face check (LIC-2; every view audited)."""
    licence = _licence_or_404(request, pk)
    try:
        services.licence_view(licence=licence, actor=request.user)  # type: ignore[arg-type]
    except PermissionDenied as exc:
        return render(request, "licences/message.html", {"error": exc.message}, status=403)
    from .pdf import licence_fields

    return render(
        request,
        "licences/detail.html",
        {"licence": licence, "rows": licence_fields(licence)},
    )


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed PDF (LIC-3), after the face check (LIC-2; every download audited)."""
    licence = _licence_or_404(request, pk)
    try:
        pdf = services.licence_download(licence=licence, actor=request.user)  # type: ignore[arg-type]
    except PermissionDenied as exc:
        return render(request, "licences/message.html", {"error": exc.message}, status=403)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="licence-{licence.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- public verification (LIC-3) ------------------------------------------------------------


def _verify_page(request: HttpRequest, identifier: str | None, token: str | None) -> HttpResponse:
    """One render path for the form and the QR URL. Deliberately without a Django form: the
    one field is rendered by the template and checked by ``licence_verify`` (public hot path,
    bench/verification.py)."""
    if identifier is None and "identifier" in request.GET:
        identifier = request.GET["identifier"][:MAX_IDENTIFIER_INPUT]
        if not identifier.strip():
            return _verify_render(request, identifier, errors=[gettext_now("请填写证照标识")])
    result = None
    if identifier is not None:
        try:
            verify_rate_check(client_ip(request))
            result = licence_verify(identifier=identifier, token=token)
        except RateLimited as exc:
            return _verify_render(request, identifier, error=exc.message, status=429)
        except ZhengwuError as exc:
            return _verify_render(request, identifier, errors=[exc.message], status=400)
    return _verify_render(request, identifier or "", result=result)


def _verify_render(
    request: HttpRequest, value: str, *, status: int = 200, **context: object
) -> HttpResponse:
    return render(
        request, "licences/verify.html", {"identifier_value": value, **context}, status=status
    )


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """The public form: an identifier in, the licence's status out."""
    return _verify_page(request, None, None)


@require_GET
def verify_identifier(request: HttpRequest, identifier: str) -> HttpResponse:
    """The URL in the QR: the identifier and a signed token."""
    return _verify_page(request, identifier, request.GET.get("t"))


# --- staff back office (LIC-1 b, revocation) ------------------------------------------------


@permission_required(MANAGE_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Staff upload of a licence on behalf of an issuing department, and the latest licences."""
    form = StaffIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            licence = services.licence_issue(
                issuer=data["issuer"],
                licence_type=data["licence_type"],
                holder_uscc=data["holder_uscc"],
                holder_name=data["holder_name"],
                number=data["number"],
                issued_on=data["issued_on"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                particulars=data["particulars"],
                source=Source.STAFF,
                actor=request.user,
            )
        except ZhengwuError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect(reverse("licences:manage") + f"?issued={licence.pk}")
    query = (request.GET.get("q") or "").strip()
    licences = Licence.objects.select_related("issuer").order_by("-pk")
    if query:
        licences = licences.filter(holder_uscc=query.upper()) | licences.filter(
            identifier=query.upper()
        )
    return render(
        request,
        "licences/manage.html",
        {
            "form": form,
            "licences": licences[:50],
            "query": query,
            "revoke_form": RevokeForm(),
            "VALID": LicenceStatus.VALID,
        },
    )


@permission_required(MANAGE_PERMISSION, raise_exception=True)
@require_POST
def manage_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    licence = Licence.objects.filter(pk=pk).first()
    if licence is None:
        raise Http404
    form = RevokeForm(request.POST)
    try:
        services.licence_revoke(
            licence=licence, reason=request.POST.get("reason", ""), actor=request.user
        )
    except ZhengwuError as exc:
        return render(
            request, "licences/message.html", {"error": exc.message, "form": form}, status=400
        )
    return redirect("licences:manage")
