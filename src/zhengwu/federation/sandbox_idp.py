"""The sandbox identity provider: a small OpenID Connect provider served by the portal itself.

It stands in for the national government-service platform (国家政务服务平台) in sandbox mode and
behaves like it, failures included:

* discovery ``/sandbox/federation/idp/.well-known/openid-configuration``;
* ``authorize``: checks ``client_id`` and ``redirect_uri`` (same origin as the request, the
  portal's callback path) before anything else — a wrong one is shown, never redirected to;
  then ``response_type=code``, ``code_challenge_method=S256``, ``state`` and ``nonce``. The
  "person" picks or types a test identity and consents (``access_denied`` when they refuse);
* ``token``: client authentication (basic or post), the code (single use, 60 seconds, same
  client and redirect URI) and the PKCE verifier; RFC 6749 errors otherwise;
* ``jwks``: the EC P-256 public key (``keys.idp_signing_key``, under ``VAR_DIR``).

A test identity whose name contains ``测试异常`` makes the token endpoint answer HTTP 503
``temporarily_unavailable`` (the relying party reports the platform unavailable).

ID tokens are ES256 JWTs valid five minutes, carrying ``name``, ``id_type``, ``id_number`` and,
for a legal-person login, ``uscc`` and ``org_name``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import ZhengwuError

from . import conf, keys
from .models import SandboxIdpGrant
from .providers.oidc import pkce_challenge

CODE_TTL = timedelta(seconds=60)
FAILURE_NAME_MARKER = "测试异常"
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 §4.1
ID_TOKEN_TTL = timedelta(minutes=5)


class OAuthError(ZhengwuError):
    """An RFC 6749 error: ``code`` is the OAuth ``error``, ``message`` its description."""

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(description, code=error)
        self.status = status


def _thumbprint() -> str:
    jwk = public_jwk(with_kid=False)
    canonical = json.dumps(
        {k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True
    )
    return jwt.utils.base64url_encode(hashlib.sha256(canonical.encode()).digest()).decode()


def public_jwk(*, with_kid: bool = True) -> dict[str, Any]:
    jwk: dict[str, Any] = jwt.algorithms.ECAlgorithm.to_jwk(
        keys.idp_signing_key().public_key(), as_dict=True
    )
    if with_kid:
        jwk.update(kid=_thumbprint(), use="sig", alg="ES256")
    return jwk


def jwks() -> dict[str, Any]:
    return {"keys": [public_jwk()]}


def discovery() -> dict[str, Any]:
    issuer = conf.sandbox_issuer()
    return {
        "issuer": issuer,
        "authorization_endpoint": issuer + "/authorize",
        "token_endpoint": issuer + "/token",
        "jwks_uri": issuer + "/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": ["openid", "profile", "idcard"],
        "claims_supported": ["sub", "name", "id_type", "id_number", "uscc", "org_name"],
    }


@dataclass(frozen=True, slots=True)
class AuthorizeParams:
    client_id: str
    redirect_uri: str
    state: str
    nonce: str
    code_challenge: str


def authorize_check_client(*, params: dict[str, str], request_origin: str) -> None:
    """Errors that must be shown rather than redirected (an unknown client or callback)."""
    if params.get("client_id") != conf.oidc_client_id():
        raise OAuthError("invalid_client", "未登记的应用（client_id 错误）")
    redirect_uri = params.get("redirect_uri", "")
    parts = urlsplit(redirect_uri)
    expected_path = reverse("federation:national_callback")
    if (
        f"{parts.scheme}://{parts.netloc}" != request_origin
        or parts.path != expected_path
        or parts.query
        or parts.fragment
    ):  # exact match, as OIDC requires of registered redirect URIs
        raise OAuthError("invalid_request", "回调地址未登记（redirect_uri 错误）")


def authorize_check(*, params: dict[str, str]) -> AuthorizeParams:
    """The remaining checks of an authorisation request (errors go back to the client)."""
    if params.get("response_type") != "code":
        raise OAuthError("unsupported_response_type", "仅支持授权码模式")
    if "openid" not in params.get("scope", "").split():
        raise OAuthError("invalid_scope", "缺少 openid 范围")
    if params.get("code_challenge_method") != "S256" or len(params.get("code_challenge", "")) != 43:
        raise OAuthError("invalid_request", "需要 PKCE（S256）")
    for name in ("state", "nonce"):
        if not params.get(name):
            raise OAuthError("invalid_request", f"缺少 {name}")
    return AuthorizeParams(
        client_id=params["client_id"],
        redirect_uri=params["redirect_uri"],
        state=params["state"],
        nonce=params["nonce"],
        code_challenge=params["code_challenge"],
    )


def error_redirect(redirect_uri: str, *, error: str, description: str, state: str) -> str:
    query = urlencode({"error": error, "error_description": description, "state": state})
    return f"{redirect_uri}?{query}"


def grant_create(*, params: AuthorizeParams, claims: dict[str, str]) -> str:
    """Issue a code for ``claims``; the URL to send the browser back to."""
    code = secrets.token_urlsafe(32)
    SandboxIdpGrant.objects.create(
        code_hash=hashlib.sha256(code.encode()).hexdigest(),
        client_id=params.client_id,
        redirect_uri=params.redirect_uri,
        code_challenge=params.code_challenge,
        nonce=params.nonce,
        claims=json.dumps(claims, ensure_ascii=False),
        expires_at=timezone.now() + CODE_TTL,
    )
    return f"{params.redirect_uri}?{urlencode({'code': code, 'state': params.state})}"


def token_exchange(
    *, form: dict[str, str], basic_credentials: tuple[str, str] | None
) -> dict[str, Any]:
    """The token endpoint: the ID token for a valid code, or ``OAuthError``."""
    client_id, secret = basic_credentials or (
        form.get("client_id", ""),
        form.get("client_secret", ""),
    )
    if client_id != conf.oidc_client_id() or not hmac.compare_digest(
        secret.encode(), conf.oidc_client_secret().encode()
    ):
        raise OAuthError("invalid_client", "客户端认证失败", status=401)
    if form.get("grant_type") != "authorization_code":
        raise OAuthError("unsupported_grant_type", "仅支持 authorization_code")
    code = form.get("code", "")
    now = timezone.now()
    with transaction.atomic():
        grant = (
            SandboxIdpGrant.objects.select_for_update()
            .filter(code_hash=hashlib.sha256(code.encode()).hexdigest())
            .first()
        )
        if grant is None or grant.used_at is not None or grant.expires_at <= now:
            raise OAuthError("invalid_grant", "授权码无效、已使用或已过期")
        # Single use whatever happens next (RFC 6749 §4.1.2: a replayed code is refused).
        grant.used_at = now
        grant.save(update_fields=["used_at"])
    if grant.client_id != client_id or form.get("redirect_uri") != grant.redirect_uri:
        raise OAuthError("invalid_grant", "授权码与应用或回调地址不符")
    verifier = form.get("code_verifier", "")
    if not _VERIFIER.fullmatch(verifier) or not hmac.compare_digest(
        pkce_challenge(verifier), grant.code_challenge
    ):
        raise OAuthError("invalid_grant", "PKCE 校验失败")
    claims = json.loads(grant.claims)
    if FAILURE_NAME_MARKER in str(claims.get("name", "")):
        # Documented failure: the platform is "down" when the code is redeemed.
        raise OAuthError("temporarily_unavailable", "认证服务暂时不可用", status=503)
    return {
        "access_token": secrets.token_urlsafe(32),
        "token_type": "Bearer",
        "expires_in": int(ID_TOKEN_TTL.total_seconds()),
        "id_token": id_token_sign(claims=claims, nonce=grant.nonce, audience=client_id),
    }


def id_token_sign(
    *,
    claims: dict[str, Any],
    nonce: str,
    audience: str,
    issued_at: Any = None,
    lifetime: timedelta = ID_TOKEN_TTL,
    issuer: str | None = None,
) -> str:
    """An ES256 ID token signed with the sandbox key (tests use the keyword arguments to make
    expired tokens or tokens for another audience)."""
    issued = issued_at or timezone.now()
    payload = {
        **claims,
        "iss": issuer or conf.sandbox_issuer(),
        "aud": audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
        "nonce": nonce,
    }
    return jwt.encode(
        payload, keys.idp_signing_key(), algorithm="ES256", headers={"kid": _thumbprint()}
    )


def subject_for(*, id_number: str, uscc: str = "") -> str:
    """A pairwise subject identifier: stable per person (and organisation), opaque."""
    return blind_index(f"{id_number}\x00{uscc}", purpose="federation.sandbox_sub")[:32]
