"""Pages of the other sign-in methods (ACC-6). Thin: parse, call one service, render."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.errors import ZhengwuError
from zhengwu.integrations.conf import sandbox_enabled
from zhengwu.integrations.identity.qr import qr_data_uri

from . import conf, services
from .constants import Method
from .errors import FederationProviderError, SignInFailed

NO_ACCOUNT_KEY = "federation_no_account"


def _next_url(request: HttpRequest, value: str | None = None) -> str:
    candidate = value if value is not None else request.GET.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _failed(request: HttpRequest, method: Method, error: ZhengwuError) -> HttpResponse:
    """Audit the refusal; the no-account page or the failure page."""
    services.sign_in_failure_record(request=request, method=method, error=error)
    if isinstance(error, services.NoAccount):
        request.session[NO_ACCOUNT_KEY] = {"method": str(method), "label": error.identity_label}
        return redirect("federation:no_account")
    return render(
        request,
        "federation/failed.html",
        {"error": error, "method_label": method.label},
        status=error.status,
    )


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """其他登录方式: the three methods on one page (also reachable from /login/)."""
    return render(request, "federation/start.html", {"next": _next_url(request)})


@require_GET
def national_start(request: HttpRequest) -> HttpResponse:
    """国家政务服务平台账号登录: off to the identity provider's authorisation page."""
    try:
        url = services.national_account_start(
            request=request,
            redirect_uri=request.build_absolute_uri(reverse("federation:national_callback")),
            next_url=_next_url(request),
        )
    except ZhengwuError as exc:  # the platform unreachable, too many starts
        return _failed(request, Method.NATIONAL_ACCOUNT, exc)
    return redirect(url)


@require_GET
def national_callback(request: HttpRequest) -> HttpResponse:
    """The identity provider sends the browser back here with ``code`` and ``state``."""
    try:
        flow = services.national_account_complete(
            request=request,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
            redirect_uri=request.build_absolute_uri(reverse("federation:national_callback")),
        )
    except (SignInFailed, FederationProviderError) as exc:
        return _failed(request, Method.NATIONAL_ACCOUNT, exc)
    return redirect(_next_url(request, flow.next_url))


def _licence_panel(request: HttpRequest, next_url: str) -> HttpResponse:
    try:
        session = services.licence_scan_start(request=request, next_url=next_url)
    except ZhengwuError as exc:
        return render(request, "federation/_licence_panel.html", {"error": exc})
    return render(
        request,
        "federation/_licence_panel.html",
        {
            "qr": qr_data_uri(session.qr_payload, scale=5),
            "expires_at": session.expires_at,
            "ttl_seconds": int(conf.licence_scan_ttl().total_seconds()),
            "sandbox": sandbox_enabled(),
        },
    )


@require_GET
def licence_start(request: HttpRequest) -> HttpResponse:
    """电子营业执照扫码登录: a new one-time QR (htmx fragment, or a page without htmx)."""
    if getattr(request, "htmx", False):
        return _licence_panel(request, _next_url(request))
    return render(request, "federation/licence.html", {"next": _next_url(request)})


@require_GET
def licence_panel(request: HttpRequest) -> HttpResponse:
    return _licence_panel(request, _next_url(request))


@require_GET
def licence_status(request: HttpRequest) -> HttpResponse:
    """Polled by the QR panel every 2 s: waiting, expired, cancelled, or signed in."""
    try:
        result, flow = services.licence_scan_poll(request=request)
    except (SignInFailed, FederationProviderError) as exc:
        if isinstance(exc, services.NoAccount):
            services.sign_in_failure_record(request=request, method=Method.LICENCE_SCAN, error=exc)
            request.session[NO_ACCOUNT_KEY] = {
                "method": str(Method.LICENCE_SCAN),
                "label": exc.identity_label,
            }
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("federation:no_account")
            return response
        if exc.code != "federation.state":  # no flow in this browser: nothing to audit
            services.sign_in_failure_record(request=request, method=Method.LICENCE_SCAN, error=exc)
        return render(request, "federation/_licence_status.html", {"error": exc})
    if flow is not None:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _next_url(request, flow.next_url)
        return response
    if result.status in ("expired", "cancelled"):
        services.sign_in_failure_record(
            request=request,
            method=Method.LICENCE_SCAN,
            error=SignInFailed(code=f"federation.licence.{result.status}"),
        )
        request.session.pop(services.SESSION_FLOW_KEYS[Method.LICENCE_SCAN], None)
    return render(request, "federation/_licence_status.html", {"status": result.status})


@require_http_methods(["GET", "POST"])
def certificate(request: HttpRequest) -> HttpResponse:
    """法人数字证书登录: sign the shown challenge with the certificate's key."""
    if request.method == "POST":
        try:
            flow = services.certificate_challenge_complete(
                request=request,
                certificate_pem=request.POST.get("certificate", ""),
                signature_b64=request.POST.get("signature", ""),
            )
        except (SignInFailed, FederationProviderError) as exc:
            if isinstance(exc, SignInFailed) and exc.field:
                services.sign_in_failure_record(
                    request=request, method=Method.CERTIFICATE, error=exc
                )
                try:
                    challenge = services.certificate_challenge_start(
                        request=request, next_url=_next_url(request, request.POST.get("next", ""))
                    )
                except ZhengwuError as throttled:
                    return _failed(request, Method.CERTIFICATE, throttled)
                return render(
                    request,
                    "federation/certificate.html",
                    {"challenge": challenge, "error": exc, "form": request.POST},
                    status=400,
                )
            return _failed(request, Method.CERTIFICATE, exc)
        return redirect(_next_url(request, flow.next_url))
    next_url = _next_url(request)
    try:
        challenge = services.certificate_challenge_start(request=request, next_url=next_url)
    except ZhengwuError as exc:
        return _failed(request, Method.CERTIFICATE, exc)
    return render(
        request,
        "federation/certificate.html",
        {
            "challenge": challenge,
            "next": next_url,
            "sandbox": sandbox_enabled(),
            "tls_enabled": conf.certificate_trust_proxy(),
        },
    )


@require_POST
def certificate_tls(request: HttpRequest) -> HttpResponse:
    """Sign in with the TLS client certificate (only behind a trusted proxy)."""
    try:
        services.certificate_tls_sign_in(request=request)
    except (SignInFailed, FederationProviderError) as exc:
        return _failed(request, Method.CERTIFICATE, exc)
    return redirect(_next_url(request, request.POST.get("next", "")))


@require_GET
def no_account(request: HttpRequest) -> HttpResponse:
    """Verified, but no matching account: where to register."""
    info = request.session.get(NO_ACCOUNT_KEY) or {}
    method = Method(info["method"]) if info.get("method") in Method.values else None
    return render(
        request,
        "federation/no_account.html",
        {"method": method, "label": info.get("label", "")},
    )
