"""Writes of the other sign-in methods (ACC-6): flows, the three completions, the session.

Every completion goes: the browser's own flow (token kept in its session) → consumed once by a
conditional UPDATE (a replayed callback, a second poll, a second signature find nothing) → the
provider's verification → the account (``selectors``) → ``federated_sign_in``: the same lock
and session rules as a password sign-in (``zhengwu.signin``), a rotated session key, an audit
event ``federation.sign_in`` with ``{"method", "result"}``. Failures are audited durably
with the error code as ``result``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import secrets
import time
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from django.contrib.auth import login
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from zhengwu.accounts.models import User
from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event
from zhengwu.core.context import client_ip
from zhengwu.core.errors import RateLimited
from zhengwu.integrations.loading import get_provider
from zhengwu.signin import conf as signin_conf
from zhengwu.signin import services as signin_services
from zhengwu.signin.models import SignInState

from . import conf, selectors
from .constants import (
    EVENT_SIGN_IN,
    RESULT_NO_ACCOUNT,
    RESULT_SUCCESS,
    SESSION_BACKEND,
    SESSION_METHOD_KEY,
    Method,
)
from .errors import SignInFailed
from .models import SandboxIdpGrant, SandboxLicenceScan, SignInFlow
from .providers.base import FederatedIdentity, ScanResult, ScanSession, ScanStatus

#: Session keys of the flow each method started in this browser.
SESSION_FLOW_KEYS = {
    Method.NATIONAL_ACCOUNT: "federation_oidc_state",
    Method.LICENCE_SCAN: "federation_licence_flow",
    Method.CERTIFICATE: "federation_certificate_flow",
}
CHALLENGE_PREFIX = "zhengwu-login:"


class NoAccount(SignInFailed):
    """The identity is verified but no portal account matches it: offer registration."""

    code = RESULT_NO_ACCOUNT
    message = "未找到与该身份对应的账号，请先注册"
    status = 404

    def __init__(self, identity_label: str = "") -> None:
        super().__init__()
        self.identity_label = identity_label


# --- flows ---------------------------------------------------------------------------------


def start_throttle(*, request: HttpRequest) -> None:
    """Refuse more than ``ZHENGWU_FEDERATION_STARTS_PER_MINUTE`` starts per client address a
    minute: every start writes a row and may call a provider, before anybody is signed in."""
    limit = conf.starts_per_minute()
    ip = client_ip(request)
    if limit <= 0 or not ip:
        return
    key = f"federation:starts:{ip}:{int(time.time()) // 60}"
    cache.add(key, 0, timeout=65)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=65)
        count = 1
    if count > limit:
        raise RateLimited("登录请求过于频繁，请一分钟后再试", code="federation.throttled")


def flows_purge(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete flows, sandbox codes and sandbox scans that expired more than ``older_than``
    ago (``manage.py federation_purge``, daily). The audit log keeps the attempts."""
    cutoff = timezone.now() - older_than
    deleted = SignInFlow.objects.filter(expires_at__lt=cutoff).delete()[0]
    deleted += SandboxIdpGrant.objects.filter(expires_at__lt=cutoff).delete()[0]
    deleted += SandboxLicenceScan.objects.filter(expires_at__lt=cutoff).delete()[0]
    return deleted


def flow_start(
    *,
    request: HttpRequest,
    method: Method,
    token: str | None = None,
    secret: str = "",
    provider_ref: str = "",
    next_url: str = "",
    ttl: timedelta | None = None,
) -> SignInFlow:
    """A new flow bound to this browser session (replacing one it started before)."""
    flow = SignInFlow.objects.create(
        method=method,
        token=token or secrets.token_urlsafe(32),
        secret=secret,
        provider_ref=provider_ref,
        next_url=next_url,
        expires_at=timezone.now() + (ttl or conf.flow_ttl()),
    )
    request.session[SESSION_FLOW_KEYS[method]] = flow.token
    return flow


def flow_consume(*, request: HttpRequest, method: Method, token: str | None = None) -> SignInFlow:
    """Take this browser's flow, once. ``token`` (the OIDC ``state`` echoed by the provider)
    must equal the one kept in the session."""
    expected = request.session.get(SESSION_FLOW_KEYS[method])
    if not expected or (
        token is not None and not hmac.compare_digest(token.encode(), expected.encode())
    ):
        raise SignInFailed(
            "登录请求已失效或不是从本浏览器发起的，请重新登录", code="federation.state"
        )
    now = timezone.now()
    with transaction.atomic():
        taken = SignInFlow.objects.filter(
            token=expected, method=method, consumed_at__isnull=True, expires_at__gt=now
        ).update(consumed_at=now)
        flow = SignInFlow.objects.filter(token=expected, method=method).first()
    request.session.pop(SESSION_FLOW_KEYS[method], None)
    if flow is None or not taken:
        if flow is not None and flow.consumed_at is None:
            raise SignInFailed("登录请求已过期，请重新登录", code="federation.expired")
        raise SignInFailed("该登录请求已使用，请重新登录", code="federation.replayed")
    return flow


# --- the session ---------------------------------------------------------------------------


def federated_sign_in(*, request: HttpRequest, method: Method, user: User) -> None:
    """Open a session for ``user`` under the rules of a password sign-in (``zhengwu.signin``):
    refused while the account is disabled or locked by ACC-2 (the lock is lifted only by
    support or the owner's SMS, decision 0013), then a new session key (``login`` rotates it),
    the idle clock and session expiry started, the success audited."""
    if not user.is_active:
        raise SignInFailed("该账号已停用，请联系客服", code="federation.inactive")
    if SignInState.objects.filter(user=user, locked_at__isnull=False).exists():
        raise SignInFailed(signin_services.lock_message(), code="federation.locked")
    user._signin_via = str(method)  # type: ignore[attr-defined]  # the sign-in record
    login(request, user, backend=SESSION_BACKEND)
    request.session[SESSION_METHOD_KEY] = str(method)
    request.session[signin_services.LAST_ACTIVITY_KEY] = int(time.time())
    request.session.set_expiry(signin_conf.idle_seconds() + 300)
    record_event(
        EVENT_SIGN_IN,
        actor=user,
        subject=user,
        after={"method": str(method), "result": RESULT_SUCCESS},
        request=request,
    )


def sign_in_failure_record(
    *, request: HttpRequest, method: Method, error: Exception, user: User | None = None
) -> None:
    """Audit a refused attempt (durable: it survives the rollback of the request)."""
    record_event(
        EVENT_SIGN_IN,
        actor=user,
        subject=user,
        after={"method": str(method), "result": getattr(error, "code", "federation.failed")},
        outcome=AuditEvent.Outcome.FAILURE,
        durable=True,
        request=request,
    )


def _account_or_no_account(user: User | None, identity: FederatedIdentity) -> User:
    if user is None:
        raise NoAccount(identity.organisation_name or identity.uscc)
    return user


# --- 国家政务服务平台账号 (OpenID Connect) -------------------------------------------------


def national_provider() -> Any:
    return get_provider("ZHENGWU_FEDERATION_NATIONAL_BACKEND")


def national_account_start(*, request: HttpRequest, redirect_uri: str, next_url: str) -> str:
    """Start an OIDC sign-in: the flow (state, nonce, PKCE verifier) and the URL to go to."""
    start_throttle(request=request)
    auth = national_provider().authorization_request(redirect_uri=redirect_uri)
    flow_start(
        request=request,
        method=Method.NATIONAL_ACCOUNT,
        token=auth.state,
        secret=json.dumps({"nonce": auth.nonce, "code_verifier": auth.code_verifier}),
        next_url=next_url,
    )
    return str(auth.url)


def national_account_complete(
    *, request: HttpRequest, state: str, code: str, error: str, redirect_uri: str
) -> SignInFlow:
    """The callback: check the state, exchange the code, verify the ID token, sign in."""
    flow = flow_consume(request=request, method=Method.NATIONAL_ACCOUNT, token=state or "")
    if error:
        if error == "access_denied":
            raise SignInFailed("您已取消授权", code="federation.oidc.access_denied")
        # The provider's error code goes into the audit log: only RFC 6749's alphabet.
        known = error if re.fullmatch(r"[a-z_]{1,40}", error) else "error"
        raise SignInFailed(
            "国家政务服务平台未完成登录，请重新登录", code=f"federation.oidc.{known}"
        )
    if not code:
        raise SignInFailed("缺少授权码，请重新登录", code="federation.oidc.invalid_grant")
    secrets_ = json.loads(flow.secret)
    identity = national_provider().complete(
        code=code,
        redirect_uri=redirect_uri,
        nonce=secrets_["nonce"],
        code_verifier=secrets_["code_verifier"],
    )
    user = _account_or_no_account(selectors.account_for_identity(identity=identity), identity)
    federated_sign_in(request=request, method=Method.NATIONAL_ACCOUNT, user=user)
    return flow


# --- 电子营业执照扫码登录 ------------------------------------------------------------------


def licence_provider() -> Any:
    return get_provider("ZHENGWU_FEDERATION_LICENCE_BACKEND")


def licence_scan_start(*, request: HttpRequest, next_url: str) -> ScanSession:
    """A new QR session for this browser (the previous one, if any, is abandoned)."""
    start_throttle(request=request)
    session = licence_provider().start_scan()
    flow_start(
        request=request,
        method=Method.LICENCE_SCAN,
        provider_ref=session.token,
        next_url=next_url,
        ttl=max(session.expires_at - timezone.now(), timedelta(seconds=1)),
    )
    return session


def licence_scan_poll(*, request: HttpRequest) -> tuple[ScanResult, SignInFlow | None]:
    """Ask the licence service about this browser's session; sign in once it is confirmed.

    Returns the result and, after a sign-in, the consumed flow (its ``next_url``)."""
    flow = selectors.flow_for_session(
        token=request.session.get(SESSION_FLOW_KEYS[Method.LICENCE_SCAN]),
        method=Method.LICENCE_SCAN,
    )
    if flow is None:
        raise SignInFailed("请刷新二维码", code="federation.state")
    result: ScanResult = licence_provider().get_result(flow.provider_ref)
    if result.status == ScanStatus.PENDING and flow.expires_at <= timezone.now():
        result = ScanResult(status=ScanStatus.EXPIRED)
    if result.status != ScanStatus.CONFIRMED or result.identity is None:
        return result, None
    consumed = flow_consume(request=request, method=Method.LICENCE_SCAN)
    identity = result.identity
    user = _account_or_no_account(
        selectors.legal_representative_account(uscc=identity.uscc, id_number=identity.id_number),
        identity,
    )
    federated_sign_in(request=request, method=Method.LICENCE_SCAN, user=user)
    return result, consumed


# --- 法人数字证书 --------------------------------------------------------------------------


def certificate_provider() -> Any:
    return get_provider("ZHENGWU_FEDERATION_CERTIFICATE_BACKEND")


def certificate_challenge_start(*, request: HttpRequest, next_url: str) -> str:
    """A fresh random challenge for this browser; the text the certificate holder signs."""
    start_throttle(request=request)
    challenge = CHALLENGE_PREFIX + secrets.token_urlsafe(32)
    flow_start(request=request, method=Method.CERTIFICATE, secret=challenge, next_url=next_url)
    return challenge


def certificate_challenge_complete(
    *, request: HttpRequest, certificate_pem: str, signature_b64: str
) -> SignInFlow:
    """Verify the signature over this browser's challenge and sign in the organisation's
    legal representative. The challenge is used up whatever the outcome."""
    if not certificate_pem.strip():
        raise SignInFailed("请提供证书", code="federation.certificate.missing", field="certificate")
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    if not signature:
        raise SignInFailed(
            "签名格式错误（应为 Base64）",
            code="federation.certificate.signature",
            field="signature",
        )
    flow = flow_consume(request=request, method=Method.CERTIFICATE)
    certificate = certificate_provider().verify_signed_challenge(
        challenge=flow.secret.encode("utf-8"),
        signature=signature,
        certificate_pem=certificate_pem.encode("ascii", "replace"),
    )
    _certificate_sign_in(request=request, uscc=certificate.uscc)
    return flow


def certificate_tls_sign_in(*, request: HttpRequest) -> None:
    """Sign in with the TLS client certificate the trusted proxy passed in a header."""
    header = conf.certificate_proxy_header()
    raw = request.headers.get(header, "") if conf.certificate_trust_proxy() else ""
    if not raw:
        raise SignInFailed(
            "未检测到数字证书，请插入证书介质后重试", code="federation.certificate.absent"
        )
    certificate = certificate_provider().verify_certificate(
        certificate_pem=unquote(raw).encode("ascii", "replace")
    )
    _certificate_sign_in(request=request, uscc=certificate.uscc)


def _certificate_sign_in(*, request: HttpRequest, uscc: str) -> None:
    user = selectors.legal_representative_account(uscc=uscc)
    if user is None:
        raise NoAccount(uscc)
    federated_sign_in(request=request, method=Method.CERTIFICATE, user=user)
