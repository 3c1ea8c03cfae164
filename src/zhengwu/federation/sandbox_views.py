"""Sandbox pages of the other sign-in methods (mounted at ``/sandbox/federation/`` only in
sandbox mode): the identity provider, the licence app "phone", the certificate "USB key"."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.accounts.models import Membership, Organisation, User
from zhengwu.core.masking import mask_name
from zhengwu.integrations.sandbox_views import sandbox_only

from . import keys, sandbox_idp
from .errors import SignInFailed
from .models import SandboxLicenceScan
from .providers.licence import sandbox_scan_decide, sandbox_scan_fault

MAX_TEST_IDENTITIES = 30


# --- identity provider ---------------------------------------------------------------------


@sandbox_only
@require_GET
def idp_discovery(request: HttpRequest) -> HttpResponse:
    return JsonResponse(sandbox_idp.discovery())


@sandbox_only
@require_GET
def idp_jwks(request: HttpRequest) -> HttpResponse:
    return JsonResponse(sandbox_idp.jwks())


def _test_identities() -> list[dict[str, Any]]:
    """Portal accounts offered as quick picks (masked): natural persons and members."""
    options: list[dict[str, Any]] = []
    for user in User.objects.filter(kind=User.Kind.NATURAL_PERSON, is_active=True).order_by("pk")[
        :MAX_TEST_IDENTITIES
    ]:
        options.append(
            {
                "value": f"user:{user.pk}",
                "label": f"{mask_name(user.real_name)}（个人，{user.masked_id_number}）",
            }
        )
    for membership in (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .exclude(organisation__uscc=None)
        .select_related("user", "organisation")
        .order_by("pk")[:MAX_TEST_IDENTITIES]
    ):
        options.append(
            {
                "value": f"member:{membership.pk}",
                "label": (
                    f"{mask_name(membership.user.real_name)}（{membership.organisation.name}"
                    f" {membership.get_role_display()}，{membership.user.masked_id_number}）"
                ),
            }
        )
    return options


def _claims_from_form(data: Any) -> dict[str, str]:
    pick = data.get("identity", "")
    if pick.startswith("user:"):
        user = User.objects.get(pk=int(pick[5:]), kind=User.Kind.NATURAL_PERSON)
        return {"name": user.real_name, "id_type": user.id_type, "id_number": user.id_number}
    if pick.startswith("member:"):
        member = Membership.objects.select_related("user", "organisation").get(pk=int(pick[7:]))
        return {
            "name": member.user.real_name,
            "id_type": member.user.id_type,
            "id_number": member.user.id_number,
            "uscc": member.organisation.uscc or "",
            "org_name": member.organisation.name,
        }
    name = data.get("name", "").strip()
    id_number = data.get("id_number", "").strip().upper()
    if not name or not id_number:
        raise SignInFailed("请选择测试身份，或填写姓名和证件号码", code="invalid", field="identity")
    claims = {"name": name, "id_type": "resident_id", "id_number": id_number}
    uscc = data.get("uscc", "").strip().upper()
    if uscc:
        claims.update(uscc=uscc, org_name=data.get("org_name", "").strip())
    return claims


@sandbox_only
@require_http_methods(["GET", "POST"])
def idp_authorize(request: HttpRequest) -> HttpResponse:
    """The provider's sign-in and consent page, where the "person" picks a test identity."""
    source = request.POST if request.method == "POST" else request.GET
    params: dict[str, str] = {key: str(source.get(key, "")) for key in source}
    origin = f"{request.scheme}://{request.get_host()}"
    try:
        sandbox_idp.authorize_check_client(params=params, request_origin=origin)
    except sandbox_idp.OAuthError as exc:
        return render(request, "federation/sandbox/idp_error.html", {"error": exc}, status=400)
    try:
        checked = sandbox_idp.authorize_check(params=params)
    except sandbox_idp.OAuthError as exc:
        return redirect(
            sandbox_idp.error_redirect(
                params["redirect_uri"],
                error=exc.code,
                description=exc.message,
                state=params.get("state", ""),
            )
        )
    context: dict[str, Any] = {
        "params": params,
        "identities": _test_identities(),
        "form": request.POST,
    }
    if request.method == "POST":
        if request.POST.get("decision") != "allow":
            return redirect(
                sandbox_idp.error_redirect(
                    checked.redirect_uri,
                    error="access_denied",
                    description="用户拒绝授权",
                    state=checked.state,
                )
            )
        try:
            claims = _claims_from_form(request.POST)
        except (SignInFailed, User.DoesNotExist, Membership.DoesNotExist, ValueError) as exc:
            context["error"] = (
                exc
                if isinstance(exc, SignInFailed)
                else SignInFailed("测试身份不存在", field="identity")
            )
            return render(request, "federation/sandbox/idp_authorize.html", context, status=400)
        claims["sub"] = sandbox_idp.subject_for(
            id_number=claims["id_number"], uscc=claims.get("uscc", "")
        )
        return redirect(sandbox_idp.grant_create(params=checked, claims=claims))
    return render(request, "federation/sandbox/idp_authorize.html", context)


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id), unquote(secret)


@csrf_exempt  # a back-channel call authenticated by the client secret, not a browser form
@sandbox_only
@require_POST
def idp_token(request: HttpRequest) -> HttpResponse:
    try:
        body = sandbox_idp.token_exchange(
            form=request.POST.dict(), basic_credentials=_basic_credentials(request)
        )
    except sandbox_idp.OAuthError as exc:
        response = JsonResponse(
            {"error": exc.code, "error_description": exc.message}, status=exc.status
        )
        if exc.status == 401:
            response["WWW-Authenticate"] = 'Basic realm="sandbox-idp"'
        return response
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


# --- licence app ---------------------------------------------------------------------------


@sandbox_only
@require_GET
def licence_app(request: HttpRequest) -> HttpResponse:
    """The sandbox 电子营业执照 app: open a scanned URL, or a waiting session from the list."""
    url = request.GET.get("url", "").strip()
    if url:
        token = url.rstrip("/").rsplit("/", 1)[-1]
        return redirect("federation_sandbox:licence_app_scan", token=token)
    pending = SandboxLicenceScan.objects.filter(status=SandboxLicenceScan.Status.PENDING)[:20]
    return render(request, "federation/sandbox/licence_app.html", {"pending": pending})


def _enterprises() -> list[Organisation]:
    return list(
        Organisation.objects.filter(status=Organisation.Status.ACTIVE)
        .exclude(uscc=None)
        .order_by("name")[:50]
    )


@sandbox_only
@require_http_methods(["GET", "POST"])
def licence_app_scan(request: HttpRequest, token: str) -> HttpResponse:
    """What the app shows after scanning: pick the enterprise, confirm as legal representative."""
    scan = SandboxLicenceScan.objects.filter(token=token).first()
    context: dict[str, Any] = {"scan": scan, "enterprises": _enterprises()}
    if scan is None:
        return render(request, "federation/sandbox/licence_scan.html", context, status=404)
    if request.method == "POST" and request.POST.get("decision") == "fault":
        sandbox_scan_fault(token=token)
        context["faulted"] = True
        return render(request, "federation/sandbox/licence_scan.html", context)
    if request.method == "POST":
        confirm = request.POST.get("decision") == "confirm"
        details: dict[str, str] = {}
        if confirm:
            organisation = Organisation.objects.filter(
                pk=request.POST.get("enterprise") or 0
            ).first()
            if organisation is None:
                context["error"] = SignInFailed("请选择企业", field="enterprise")
                return render(request, "federation/sandbox/licence_scan.html", context, status=400)
            details = {
                "uscc": organisation.uscc or "",
                "enterprise_name": organisation.name,
                "legal_rep_name": organisation.legal_rep_name,
                "legal_rep_id_type": organisation.legal_rep_id_type,
                "legal_rep_id_number": organisation.legal_rep_id_number,
            }
        try:
            scan = sandbox_scan_decide(token=token, confirm=confirm, **details)
        except SignInFailed as exc:
            context["error"] = exc
            scan.refresh_from_db()
            context["scan"] = scan
            return render(request, "federation/sandbox/licence_scan.html", context, status=409)
        context["scan"] = scan
    return render(request, "federation/sandbox/licence_scan.html", context)


# --- certificate USB key -------------------------------------------------------------------


def sign_challenge(*, uscc: str, pin: str, challenge: str) -> tuple[str, str]:
    """What the USB key does: the certificate (PEM) and the signature (Base64) of
    ``challenge``; ``ValueError`` for a wrong PIN or an unknown certificate."""
    pair = keys.load_test_certificate(uscc, pin)
    signature = pair.key.sign(challenge.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    certificate = pair.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    return certificate, base64.b64encode(signature).decode("ascii")


@sandbox_only
@require_http_methods(["GET", "POST"])
def usb_key(request: HttpRequest) -> HttpResponse:
    """The sandbox "USB key": sign the login page's challenge with a chosen test certificate."""
    context: dict[str, Any] = {
        "certificates": [uscc for uscc, _path in keys.test_certificates()],
        "challenge": request.POST.get("challenge") or request.GET.get("challenge", ""),
        "login_url": reverse("federation:certificate"),
    }
    if request.method == "POST":
        try:
            certificate, signature = sign_challenge(
                uscc=request.POST.get("certificate", ""),
                pin=request.POST.get("pin", ""),
                challenge=context["challenge"],
            )
        except (ValueError, FileNotFoundError, OSError):
            context["error"] = SignInFailed("证书口令（PIN）错误或证书不存在", field="pin")
            return render(request, "federation/sandbox/usb_key.html", context, status=400)
        context.update(signed_certificate=certificate, signature=signature)
    return render(request, "federation/sandbox/usb_key.html", context)
