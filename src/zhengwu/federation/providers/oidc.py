"""国家政务服务平台账号 by OpenID Connect: the portal as a relying party.

Authorisation code flow with PKCE (S256), ``state`` and ``nonce``; the ID token (a JWT) is
checked against the provider's JWKS: signature, ``iss``, ``aud`` (and ``azp`` when several
audiences), ``exp``/``iat`` with ``ZHENGWU_FEDERATION_OIDC_LEEWAY_SECONDS`` of skew, ``nonce``.
Discovery (``<issuer>/.well-known/openid-configuration``) and the JWKS are fetched over HTTP and
cached for ten minutes; an unknown ``kid`` refetches the JWKS once (key rotation).

Claims read from the ID token (the subclass may rename them): ``sub``, ``name``, ``id_type``
(default ``resident_id``), ``id_number``, and for a legal-person login ``uscc`` and ``org_name``.

``OidcNationalAccountProvider`` talks to ``ZHENGWU_FEDERATION_OIDC_ISSUER`` with
``ZHENGWU_FEDERATION_OIDC_CLIENT_ID`` / ``_CLIENT_SECRET`` (``client_secret_basic``);
``SandboxNationalAccountProvider`` to the portal's own sandbox identity provider
(``zhengwu.federation.sandbox_idp``). Both speak HTTP through ``transport``: tests swap in the
Django test client (``UrllibTransport`` otherwise).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from django.core.cache import cache

from zhengwu.accounts.constants import IdType

from .. import conf
from ..errors import FederationProviderError, SignInFailed
from .base import AuthorizationRequest, FederatedIdentity, NationalAccountProvider

SERVICE_LABEL = "国家政务服务平台"
CACHE_SECONDS = 600
MAX_RESPONSE_BYTES = 256 * 1024
ALLOWED_ALGORITHMS = ("ES256", "ES384", "RS256", "PS256")


@dataclass(frozen=True, slots=True)
class HttpReply:
    status: int
    data: dict[str, Any] | None


class UrllibTransport:
    """GET JSON / POST a form over HTTP(S), no redirects, bounded answers."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def request(
        self, method: str, url: str, *, form: dict[str, str] | None, headers: dict[str, str]
    ) -> HttpReply:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                return HttpReply(response.status, _parse(response.read(MAX_RESPONSE_BYTES)))
        except urllib.error.HTTPError as exc:
            body = exc.read(MAX_RESPONSE_BYTES)
            exc.close()
            return HttpReply(exc.code, _parse(body))
        except (OSError, urllib.error.URLError) as exc:
            raise FederationProviderError(
                f"无法连接{SERVICE_LABEL}，请稍后再试",
                permanent=False,
                code="federation.oidc.unavailable",
                provider_code="NETWORK",
            ) from exc


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _parse(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(verifier))."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _failed(code: str, message: str) -> SignInFailed:
    return SignInFailed(message, code=f"federation.oidc.{code}")


class OidcNationalAccountProvider(NationalAccountProvider):
    """The relying party against a configured OpenID Connect issuer."""

    scope = "openid profile idcard"
    claim_name = "name"
    claim_id_type = "id_type"
    claim_id_number = "id_number"
    claim_uscc = "uscc"
    claim_org_name = "org_name"

    def __init__(self, transport: Any = None) -> None:
        self._transport = transport

    # --- configuration --------------------------------------------------------------------

    def issuer(self) -> str:
        return conf.oidc_issuer()

    def client_id(self) -> str:
        return conf.oidc_client_id()

    def client_secret(self) -> str:
        return conf.oidc_client_secret()

    @property
    def transport(self) -> Any:
        return self._transport or UrllibTransport(conf.oidc_timeout())

    # --- HTTP -----------------------------------------------------------------------------

    def _get_json(self, url: str) -> dict[str, Any]:
        reply = self.transport.request(
            "GET", url, form=None, headers={"Accept": "application/json"}
        )
        if reply.status != 200 or reply.data is None:
            raise FederationProviderError(
                f"{SERVICE_LABEL}暂时无法访问，请稍后再试",
                permanent=False,
                code="federation.oidc.unavailable",
                provider_code=f"HTTP_{reply.status}",
            )
        return reply.data

    def discovery(self) -> dict[str, Any]:
        """The issuer's discovery document (cached), checked to name the same issuer."""
        issuer = self.issuer()
        key = "federation:oidc:discovery:" + hashlib.sha256(issuer.encode()).hexdigest()
        document = cache.get(key)
        if document is None:
            document = self._get_json(issuer + "/.well-known/openid-configuration")
            if document.get("issuer", "").rstrip("/") != issuer:
                raise FederationProviderError(
                    f"{SERVICE_LABEL}的配置与签发者不符",
                    permanent=True,
                    code="federation.oidc.discovery",
                    provider_code="ISSUER_MISMATCH",
                )
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(document.get(name), str):
                    raise FederationProviderError(
                        f"{SERVICE_LABEL}的配置缺少 {name}",
                        permanent=True,
                        code="federation.oidc.discovery",
                        provider_code="DISCOVERY",
                    )
            cache.set(key, document, CACHE_SECONDS)
        return document

    def jwks(self, *, refresh: bool = False) -> dict[str, Any]:
        uri = self.discovery()["jwks_uri"]
        key = "federation:oidc:jwks:" + hashlib.sha256(uri.encode()).hexdigest()
        keys = None if refresh else cache.get(key)
        if keys is None:
            keys = self._get_json(uri)
            cache.set(key, keys, CACHE_SECONDS)
        return keys

    # --- the flow -------------------------------------------------------------------------

    def authorization_request(self, *, redirect_uri: str) -> AuthorizationRequest:
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)  # 86 characters: RFC 7636 asks for 43-128
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id(),
                "redirect_uri": redirect_uri,
                "scope": self.scope,
                "state": state,
                "nonce": nonce,
                "code_challenge": pkce_challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        endpoint = self.discovery()["authorization_endpoint"]
        separator = "&" if "?" in endpoint else "?"
        return AuthorizationRequest(
            url=f"{endpoint}{separator}{query}", state=state, nonce=nonce, code_verifier=verifier
        )

    def complete(
        self, *, code: str, redirect_uri: str, nonce: str, code_verifier: str
    ) -> FederatedIdentity:
        tokens = self.exchange_code(
            code=code, redirect_uri=redirect_uri, code_verifier=code_verifier
        )
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise _failed("invalid_token", "国家政务服务平台未返回身份令牌")
        claims = self.verify_id_token(id_token, nonce=nonce)
        return self.identity_from_claims(claims)

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
        """POST the code and PKCE verifier to the token endpoint (``client_secret_basic``)."""
        credentials = ":".join(
            urllib.parse.quote(part, safe="") for part in (self.client_id(), self.client_secret())
        )
        reply = self.transport.request(
            "POST",
            self.discovery()["token_endpoint"],
            form={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
                "client_id": self.client_id(),
            },
            headers={
                "Accept": "application/json",
                "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
            },
        )
        if reply.status == 200 and reply.data is not None:
            return reply.data
        error = (reply.data or {}).get("error", "")
        if error == "invalid_grant" or (reply.status == 400 and error != "invalid_client"):
            raise _failed("invalid_grant", "登录凭证无效或已使用，请重新登录")
        if error == "invalid_client" or reply.status in (401, 403):
            raise FederationProviderError(
                f"{SERVICE_LABEL}拒绝了本网站的客户端凭据，请联系管理员",
                permanent=True,
                code="federation.oidc.invalid_client",
                provider_code="INVALID_CLIENT",
            )
        raise FederationProviderError(
            f"{SERVICE_LABEL}暂时无法访问，请稍后再试",
            permanent=False,
            code="federation.oidc.unavailable",
            provider_code=f"HTTP_{reply.status}",
        )

    def verify_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """The claims of ``id_token`` once signature, issuer, audience, times and nonce pass."""
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.InvalidTokenError as exc:
            raise _failed("invalid_token", "身份令牌格式错误") from exc
        algorithm = header.get("alg")
        if algorithm not in ALLOWED_ALGORITHMS:
            raise _failed("invalid_token", "身份令牌的签名算法不受支持")
        key = self._signing_key(header.get("kid"), algorithm)
        try:
            claims = jwt.decode(
                id_token,
                key=key,
                algorithms=[algorithm],
                audience=self.client_id(),
                issuer=self.issuer(),
                leeway=conf.oidc_leeway(),
                options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise _failed("expired", "身份令牌已过期，请重新登录") from exc
        except jwt.InvalidAudienceError as exc:
            raise _failed("audience", "身份令牌不是签发给本网站的") from exc
        except jwt.InvalidIssuerError as exc:
            raise _failed("issuer", "身份令牌的签发者不符") from exc
        except jwt.InvalidSignatureError as exc:
            raise _failed("signature", "身份令牌签名无效") from exc
        except (jwt.PyJWTError, TypeError, ValueError) as exc:  # malformed claims or key
            raise _failed("invalid_token", "身份令牌无效") from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.client_id():
            raise _failed("audience", "身份令牌不是签发给本网站的")
        if not hmac.compare_digest(str(claims["nonce"]).encode(), nonce.encode()):
            raise _failed("nonce", "身份令牌与本次登录不符，请重新登录")
        return claims

    def _signing_key(self, kid: object, algorithm: str) -> Any:
        for refresh in (False, True):
            try:
                keyset = jwt.PyJWKSet.from_dict(self.jwks(refresh=refresh))
            except jwt.PyJWKSetError as exc:
                raise FederationProviderError(
                    f"{SERVICE_LABEL}的公钥集无效",
                    permanent=False,
                    code="federation.oidc.jwks",
                    provider_code="JWKS",
                ) from exc
            key_type = "EC" if algorithm.startswith("ES") else "RSA"
            for jwk in keyset.keys:
                # The header's algorithm must fit the key (no RS256 under an EC key id).
                if (kid is None or jwk.key_id == kid) and jwk.key_type == key_type:
                    return jwk.key
        raise _failed("signature", "身份令牌签名无效")

    def identity_from_claims(self, claims: dict[str, Any]) -> FederatedIdentity:
        id_number = str(claims.get(self.claim_id_number) or "").strip().upper()
        if not id_number:
            raise _failed("claims", "国家政务服务平台未提供证件号码")
        return FederatedIdentity(
            subject=str(claims["sub"]),
            name=str(claims.get(self.claim_name) or ""),
            id_type=str(claims.get(self.claim_id_type) or IdType.RESIDENT_ID),
            id_number=id_number,
            uscc=str(claims.get(self.claim_uscc) or "").strip().upper(),
            organisation_name=str(claims.get(self.claim_org_name) or ""),
        )


class SandboxNationalAccountProvider(OidcNationalAccountProvider):
    """The same relying party against the sandbox identity provider of the portal itself.

    The issuer is ``ZHENGWU_SITE_URL`` + ``/sandbox/federation/idp``; refused by the deploy
    check in production.
    """

    def issuer(self) -> str:
        return conf.sandbox_issuer()
