"""国家政务服务平台账号登录 (ACC-6): the OIDC relying party against the sandbox provider,
over HTTP (the Django test client), every failure path refused and audited."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import UserFactory, resident_id
from zhengwu.audit.models import AuditEvent
from zhengwu.federation import conf, sandbox_idp
from zhengwu.federation.errors import SignInFailed
from zhengwu.federation.models import SandboxIdpGrant, SignInFlow
from zhengwu.federation.providers.oidc import pkce_challenge
from zhengwu.federation.tests.support import (
    SandboxProviderOverTestClient,
    oidc_authorize,
    query,
    sandbox_grant,
)

pytestmark = pytest.mark.django_db


def _events(result=None):
    events = AuditEvent.objects.filter(event_type="federation.sign_in").order_by("pk")
    if result:
        events = events.filter(after__result=result)
    return list(events)


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_discovery_and_jwks_are_served_by_the_sandbox(client):
    """The sandbox provider publishes discovery (same issuer) and an EC P-256 JWKS."""
    document = client.get("/sandbox/federation/idp/.well-known/openid-configuration").json()
    assert document["issuer"] == conf.sandbox_issuer()
    assert document["code_challenge_methods_supported"] == ["S256"]
    keys = client.get("/sandbox/federation/idp/jwks").json()["keys"]
    assert keys[0]["kty"] == "EC" and keys[0]["crv"] == "P-256" and "d" not in keys[0]


def test_authorization_request_uses_pkce_state_and_nonce(client):
    """The browser is sent to the authorize endpoint with code flow, S256 PKCE, state, nonce;
    the verifier stays on the server (encrypted in the flow row)."""
    response = client.get("/federation/national/start/")
    params = query(response["Location"])
    assert urlsplit(response["Location"]).path == "/sandbox/federation/idp/authorize"
    assert params["response_type"] == "code" and params["code_challenge_method"] == "S256"
    flow = SignInFlow.objects.get(token=params["state"])
    secrets_ = json.loads(flow.secret)
    assert pkce_challenge(secrets_["code_verifier"]) == params["code_challenge"]
    assert secrets_["nonce"] == params["nonce"]
    assert secrets_["code_verifier"] not in response["Location"]


def test_natural_person_signs_in(client):
    """A verified natural person lands signed in to their account (matched by the ID number's
    blind index), with a new session key and an audit event."""
    person = UserFactory(kind=User.Kind.NATURAL_PERSON, real_name="张测试")
    client.get("/")
    before = client.session.session_key
    callback = oidc_authorize(client, identity=f"user:{person.pk}")
    assert urlsplit(callback["Location"]).path == "/federation/national/callback/"
    landed = client.get(callback["Location"])
    assert landed.status_code == 302
    assert _signed_in_user_id(client) == str(person.pk)
    assert client.session.session_key != before
    event = _events("success")[-1]
    assert event.after == {"method": "national_account", "result": "success"}
    assert event.actor_id == person.pk


def test_legal_person_login_opens_the_members_account(client, personas):
    """Claims with a USCC sign in the person's legal-person account in that organisation (an
    operator here)."""
    membership = personas.operator.memberships.get()
    callback = oidc_authorize(client, identity=f"member:{membership.pk}")
    client.get(callback["Location"])
    assert _signed_in_user_id(client) == str(personas.operator.pk)


def test_legal_person_login_prefers_the_legal_representative_account(client, personas):
    """Typed claims (USCC + the legal representative's ID) open the legal representative's
    account of that organisation."""
    callback = oidc_authorize(
        client,
        identity="manual",
        name="某人",
        id_number=personas.legal_representative.id_number,
        uscc=personas.organisation.uscc,
    )
    client.get(callback["Location"])
    assert _signed_in_user_id(client) == str(personas.legal_representative.pk)


def test_person_of_another_organisation_is_not_matched(client, personas):
    """The outsider's ID with this organisation's USCC opens nothing: no-account page."""
    callback = oidc_authorize(
        client,
        identity="manual",
        name="外人",
        id_number=personas.outsider.id_number,
        uscc=personas.organisation.uscc,
    )
    response = client.get(callback["Location"])
    assert response["Location"] == "/federation/no-account/"
    assert _signed_in_user_id(client) is None


def test_unknown_person_is_offered_registration(client):
    """A verified identity without an account: a clear page with the registration links,
    the attempt audited as ``federation.no_account``."""
    callback = oidc_authorize(client, identity="manual", name="新用户", id_number=resident_id(777))
    response = client.get(callback["Location"], follow=True)
    assert "未找到对应账号" in response.text
    assert "/register/" in response.text and "/register/person/" in response.text
    assert _signed_in_user_id(client) is None
    assert _events("federation.no_account")[-1].outcome == "failure"


def test_bad_state_is_refused(client):
    """A callback whose state is not the one this browser started is refused."""
    person = UserFactory(kind=User.Kind.NATURAL_PERSON)
    callback = oidc_authorize(client, identity=f"user:{person.pk}")
    params = query(callback["Location"])
    response = client.get(
        "/federation/national/callback/", {"code": params["code"], "state": "forged-state"}
    )
    assert response.status_code == 400
    assert _signed_in_user_id(client) is None
    assert _events("federation.state")


def test_callback_from_another_browser_is_refused(client):
    """The callback URL opened in another browser (no flow in its session) signs nobody in."""
    from django.test import Client

    person = UserFactory(kind=User.Kind.NATURAL_PERSON)
    callback = oidc_authorize(client, identity=f"user:{person.pk}")
    other = Client()
    response = other.get(callback["Location"])
    assert response.status_code == 400 and other.session.get("_auth_user_id") is None


def test_replayed_code_is_refused(client):
    """An authorisation code works once: replayed with a fresh state, the provider answers
    ``invalid_grant`` and nobody is signed in."""
    person = UserFactory(kind=User.Kind.NATURAL_PERSON)
    callback = oidc_authorize(client, identity=f"user:{person.pk}")
    code = query(callback["Location"])["code"]
    client.get(callback["Location"])
    client.logout()
    fresh_state = query(client.get("/federation/national/start/")["Location"])["state"]
    response = client.get("/federation/national/callback/", {"code": code, "state": fresh_state})
    assert response.status_code == 400
    assert _signed_in_user_id(client) is None
    assert _events("federation.oidc.invalid_grant")


def test_replayed_callback_is_refused(client):
    """The same callback URL twice: the second finds its flow used."""
    person = UserFactory(kind=User.Kind.NATURAL_PERSON)
    callback = oidc_authorize(client, identity=f"user:{person.pk}")
    client.get(callback["Location"])
    client.logout()
    response = client.get(callback["Location"])
    assert response.status_code == 400 and _signed_in_user_id(client) is None


def test_wrong_verifier_is_refused(client):
    """The token endpoint checks the PKCE verifier: a code stolen without the verifier is
    useless (the relying party's failure is audited)."""
    person = UserFactory(kind=User.Kind.NATURAL_PERSON)
    callback = oidc_authorize(client, identity=f"user:{person.pk}")
    state = query(callback["Location"])["state"]
    flow = SignInFlow.objects.get(token=state)
    secrets_ = json.loads(flow.secret)
    secrets_["code_verifier"] = "x" * 64
    flow.secret = json.dumps(secrets_)
    flow.save()
    response = client.get(callback["Location"])
    assert response.status_code == 400 and _signed_in_user_id(client) is None
    assert _events("federation.oidc.invalid_grant")


def test_token_endpoint_refuses_wrong_verifier_and_client(client):
    """RFC 6749 errors of the token endpoint: wrong verifier → invalid_grant (and the code is
    then spent); wrong secret → 401 invalid_client."""
    params, code = sandbox_grant()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": params.redirect_uri,
        "client_id": params.client_id,
        "client_secret": conf.oidc_client_secret(),
        "code_verifier": "w" * 50,
    }
    wrong_secret = client.post("/sandbox/federation/idp/token", {**form, "client_secret": "no"})
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"
    wrong = client.post("/sandbox/federation/idp/token", form)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    right = client.post("/sandbox/federation/idp/token", {**form, "code_verifier": "v" * 50})
    assert right.json()["error"] == "invalid_grant"  # spent by the failed attempt
    assert SandboxIdpGrant.objects.get().used_at is not None


def test_consent_refused_is_reported(client):
    """The person refuses on the provider's page: 您已取消授权, audited."""
    UserFactory(kind=User.Kind.NATURAL_PERSON)
    callback = oidc_authorize(client, identity="", decision="deny")
    assert query(callback["Location"])["error"] == "access_denied"
    response = client.get(callback["Location"])
    assert "您已取消授权" in response.text and _signed_in_user_id(client) is None


def test_authorize_refuses_unregistered_redirect_uri(client):
    """A foreign redirect_uri is shown as an error, never redirected to."""
    start = query(client.get("/federation/national/start/")["Location"])
    response = client.get(
        "/sandbox/federation/idp/authorize",
        {**start, "redirect_uri": "https://evil.example/federation/national/callback/"},
    )
    assert response.status_code == 400 and "回调地址未登记" in response.text


def test_authorize_requires_pkce(client):
    """Without S256 PKCE the provider sends the error back to the client."""
    start = query(client.get("/federation/national/start/")["Location"])
    start["code_challenge_method"] = "plain"
    response = client.get("/sandbox/federation/idp/authorize", start)
    assert query(response["Location"])["error"] == "invalid_request"


# --- the ID token checks, on tokens made by the sandbox key --------------------------------


def _provider():
    return SandboxProviderOverTestClient()


def _token(**overrides):
    values = {
        "claims": {"sub": "abc", "name": "张三", "id_number": resident_id(1)},
        "nonce": "the-nonce",
        "audience": conf.oidc_client_id(),
    }
    values.update(overrides)
    return sandbox_idp.id_token_sign(**values)


def test_valid_id_token_passes():
    claims = _provider().verify_id_token(_token(), nonce="the-nonce")
    assert claims["sub"] == "abc"


def test_bad_signature_is_refused():
    """Signed by another key under the provider's kid: refused."""
    good = _token()
    header = jwt.get_unverified_header(good)
    forged = jwt.encode(
        jwt.decode(good, options={"verify_signature": False}),
        ec.generate_private_key(ec.SECP256R1()),
        algorithm="ES256",
        headers={"kid": header["kid"]},
    )
    with pytest.raises(SignInFailed) as caught:
        _provider().verify_id_token(forged, nonce="the-nonce")
    assert caught.value.code == "federation.oidc.signature"


def test_unsigned_token_is_refused():
    """``alg: none`` is never accepted."""
    unsigned = jwt.encode({"sub": "x"}, key=None, algorithm="none")
    with pytest.raises(SignInFailed):
        _provider().verify_id_token(unsigned, nonce="n")


def test_expired_token_is_refused():
    issued = timezone.now() - timedelta(hours=1)
    with pytest.raises(SignInFailed) as caught:
        _provider().verify_id_token(_token(issued_at=issued), nonce="the-nonce")
    assert caught.value.code == "federation.oidc.expired"


def test_wrong_audience_is_refused():
    with pytest.raises(SignInFailed) as caught:
        _provider().verify_id_token(_token(audience="another-app"), nonce="the-nonce")
    assert caught.value.code == "federation.oidc.audience"


def test_wrong_issuer_is_refused():
    with pytest.raises(SignInFailed) as caught:
        _provider().verify_id_token(_token(issuer="https://idp.example"), nonce="the-nonce")
    assert caught.value.code == "federation.oidc.issuer"


def test_wrong_nonce_is_refused():
    with pytest.raises(SignInFailed) as caught:
        _provider().verify_id_token(_token(), nonce="another-nonce")
    assert caught.value.code == "federation.oidc.nonce"


def test_inactive_account_is_not_signed_in(client):
    """A disabled natural-person account is not matched: no session."""
    person = UserFactory(kind=User.Kind.NATURAL_PERSON, is_active=False)
    callback = oidc_authorize(client, identity="manual", name="停用", id_number=person.id_number)
    client.get(callback["Location"])
    assert _signed_in_user_id(client) is None


def test_signing_key_lives_under_var_dir(settings, tmp_path):
    """The provider key is generated on first use under VAR_DIR, readable by the owner only."""
    sandbox_idp.jwks()
    path = tmp_path / "federation-sandbox" / "idp-key.pem"
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600


def test_algorithm_not_matching_the_key_is_refused():
    """An RS256 token presented under the provider's EC key id: refused, never a 500."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    header = jwt.get_unverified_header(_token())
    forged = jwt.encode(
        jwt.decode(_token(), options={"verify_signature": False}),
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
        headers={"kid": header["kid"]},
    )
    with pytest.raises(SignInFailed):
        _provider().verify_id_token(forged, nonce="the-nonce")


def test_hmac_token_is_refused():
    """HS256 signed with the public key (the classic confusion) is not an accepted algorithm."""
    hmac_token = jwt.encode({"sub": "x"}, "s" * 32, algorithm="HS256")
    with pytest.raises(SignInFailed) as caught:
        _provider().verify_id_token(hmac_token, nonce="n")
    assert caught.value.code == "federation.oidc.invalid_token"


def test_non_ascii_state_is_refused_not_a_crash(client):
    client.get("/federation/national/start/")
    response = client.get("/federation/national/callback/", {"code": "x", "state": "状态"})
    assert response.status_code == 400


def test_token_endpoint_refuses_a_malformed_verifier(client):
    """A verifier outside RFC 7636's alphabet is invalid_grant, not a server error."""
    params, code = sandbox_grant()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": params.redirect_uri,
        "client_id": conf.oidc_client_id(),
        "client_secret": conf.oidc_client_secret(),
        "code_verifier": "验证" * 30,
    }
    response = client.post("/sandbox/federation/idp/token", form)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_provider_error_code_is_sanitised_in_the_audit(client):
    """Whatever the provider (or a forged callback) puts in ``error``, the audit keeps a code
    of RFC 6749's alphabet."""
    state = query(client.get("/federation/national/start/")["Location"])["state"]
    client.get("/federation/national/callback/", {"state": state, "error": "<script>x</script>"})
    assert _events("federation.oidc.error")


def test_platform_failure_at_the_token_endpoint_is_transient(client):
    """A test identity named 测试异常: the token endpoint answers 503; the person is told the
    platform is unavailable (502), not that they failed."""
    callback = oidc_authorize(client, identity="manual", name="测试异常", id_number=resident_id(5))
    response = client.get(callback["Location"])
    assert response.status_code == 502 and "暂时无法访问" in response.text
    assert _events("federation.oidc.unavailable")
