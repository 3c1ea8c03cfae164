"""Test helpers: the OIDC relying party speaking HTTP to the sandbox provider through the
Django test client (no sockets), and a few flow steps shared by the tests."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from zhengwu.federation.providers.oidc import (
    HttpReply,
    OidcNationalAccountProvider,
    SandboxNationalAccountProvider,
    pkce_challenge,
)


class ClientTransport:
    """``UrllibTransport``'s interface over ``django.test.Client``."""

    def request(
        self, method: str, url: str, *, form: dict[str, str] | None, headers: dict[str, str]
    ) -> HttpReply:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        client = Client()
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if method == "GET":
            response = client.get(path, **extra)
        else:
            response = client.post(path, data=form or {}, **extra)
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
        return HttpReply(response.status_code, data if isinstance(data, dict) else None)


class SandboxProviderOverTestClient(SandboxNationalAccountProvider):
    def __init__(self) -> None:
        super().__init__(transport=ClientTransport())


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def oidc_authorize(client: Client, *, identity: str, decision: str = "allow", **fields: Any):
    """Start at the portal, consent on the sandbox provider; the provider's answer (a redirect
    to the portal's callback)."""
    start = client.get("/federation/national/start/")
    assert start.status_code == 302, start.content
    params = query(start["Location"])
    return client.post(
        urlsplit(start["Location"]).path,
        {**params, "identity": identity, "decision": decision, **fields},
    )


class OidcProviderOverTestClient(OidcNationalAccountProvider):
    """The production relying party (configured issuer) over the Django test client."""

    def __init__(self) -> None:
        super().__init__(transport=ClientTransport())


def sandbox_grant(verifier: str = "v" * 50) -> tuple[Any, str]:
    """An authorisation code of the sandbox provider for the portal's callback, issued for
    ``verifier`` (PKCE S256): (the authorise parameters, the code)."""
    from zhengwu.federation import conf, sandbox_idp

    params = sandbox_idp.AuthorizeParams(
        client_id=conf.oidc_client_id(),
        redirect_uri="http://testserver/federation/national/callback/",
        state="s",
        nonce="n",
        code_challenge=pkce_challenge(verifier),
    )
    return params, query(sandbox_idp.grant_create(params=params, claims={"sub": "1"}))["code"]
