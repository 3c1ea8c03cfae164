"""The rules every federated sign-in shares (ACC-6 with ACC-2, ACC-8): locked accounts stay
locked, the idle clock starts, flows are consumed once; the deploy checks refuse sandboxes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.checks import Error
from django.test import RequestFactory
from django.utils import timezone

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import UserFactory
from zhengwu.federation import services
from zhengwu.federation.checks import check_no_sandbox_federation
from zhengwu.federation.constants import Method
from zhengwu.federation.errors import SignInFailed
from zhengwu.federation.models import SignInFlow
from zhengwu.federation.tests.support import oidc_authorize
from zhengwu.signin.models import SignInState
from zhengwu.signin.services import LAST_ACTIVITY_KEY

pytestmark = pytest.mark.django_db


def _request():
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    return request


def test_locked_account_is_not_signed_in(client):
    """An account locked after wrong passwords (ACC-2) is not opened by another method."""
    person = UserFactory(kind=User.Kind.NATURAL_PERSON)
    SignInState.objects.create(user=person, failed_attempts=10, locked_at=timezone.now())
    callback = oidc_authorize(client, identity=f"user:{person.pk}")
    response = client.get(callback["Location"])
    assert response.status_code == 400 and "账号已被锁定" in response.text
    assert client.session.get("_auth_user_id") is None


def test_sign_in_starts_the_idle_clock(client):
    """The session gets the idle-timeout bookkeeping of a password sign-in."""
    person = UserFactory(kind=User.Kind.NATURAL_PERSON)
    client.get(oidc_authorize(client, identity=f"user:{person.pk}")["Location"])
    assert client.session[LAST_ACTIVITY_KEY] > 0
    assert client.session["federation_method"] == "national_account"


def test_flow_is_consumed_once():
    """Two requests presenting one flow: the conditional UPDATE lets exactly one through."""
    first, second = _request(), _request()
    flow = services.flow_start(request=first, method=Method.CERTIFICATE, secret="c")
    second.session[services.SESSION_FLOW_KEYS[Method.CERTIFICATE]] = flow.token
    assert services.flow_consume(request=first, method=Method.CERTIFICATE).pk == flow.pk
    with pytest.raises(SignInFailed) as caught:
        services.flow_consume(request=second, method=Method.CERTIFICATE)
    assert caught.value.code == "federation.replayed"


def test_expired_flow_is_refused():
    request = _request()
    services.flow_start(request=request, method=Method.CERTIFICATE, secret="c")
    SignInFlow.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(SignInFailed) as caught:
        services.flow_consume(request=request, method=Method.CERTIFICATE)
    assert caught.value.code == "federation.expired"


def _ids(settings_values, settings):
    for name, value in settings_values.items():
        setattr(settings, name, value)
    return {m.id for m in check_no_sandbox_federation(None) if isinstance(m, Error)}


def test_deploy_check_refuses_the_sandboxes(settings):
    """With the sandbox defaults every federation deploy check fails."""
    ids = _ids({}, settings)
    assert {"federation.E001", "federation.E002", "federation.E003", "federation.E004"} <= ids


def test_deploy_check_passes_a_real_configuration(settings, tmp_path):
    ids = _ids(
        {
            "ZHENGWU_FEDERATION_NATIONAL_BACKEND": (
                "zhengwu.federation.providers.oidc.OidcNationalAccountProvider"
            ),
            "ZHENGWU_FEDERATION_LICENCE_BACKEND": "vendor.licence.LicenceProvider",
            "ZHENGWU_FEDERATION_CERTIFICATE_BACKEND": (
                "zhengwu.federation.providers.certificate.X509CertificateProvider"
            ),
            "ZHENGWU_FEDERATION_OIDC_ISSUER": "https://tyrz.zwfw.gov.cn",
            "ZHENGWU_FEDERATION_OIDC_CLIENT_SECRET": "s3cret",
            "ZHENGWU_FEDERATION_CERT_CA_FILE": str(tmp_path / "ca.pem"),
        },
        settings,
    )
    assert not ids


def test_deploy_check_is_registered():
    """``manage.py check --deploy`` runs it (registered by the app config)."""
    from django.core.checks.registry import registry

    assert check_no_sandbox_federation in registry.get_checks(include_deployment_checks=True)


def test_starts_are_throttled_per_address(client, settings):
    """More starts a minute than ZHENGWU_FEDERATION_STARTS_PER_MINUTE from one address: 429."""
    settings.ZHENGWU_FEDERATION_STARTS_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/federation/certificate/").status_code == 200
    refused = client.get("/federation/certificate/")
    assert refused.status_code == 429 and "过于频繁" in refused.text
    assert client.get("/federation/national/start/").status_code == 429
    assert SignInFlow.objects.count() == 3


def test_purge_deletes_only_long_expired_rows():
    request = _request()
    old = services.flow_start(request=request, method=Method.CERTIFICATE, secret="a")
    fresh = services.flow_start(request=request, method=Method.CERTIFICATE, secret="b")
    SignInFlow.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=2))
    from django.core.management import call_command

    call_command("federation_purge")
    assert list(SignInFlow.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_unreachable_platform_is_reported(client, settings):
    """The national platform cannot be reached: a failure page (502), nothing started."""
    settings.ZHENGWU_FEDERATION_NATIONAL_BACKEND = (
        "zhengwu.federation.providers.oidc.OidcNationalAccountProvider"
    )
    settings.ZHENGWU_FEDERATION_OIDC_ISSUER = "http://127.0.0.1:9/idp"  # discard port: refused
    settings.ZHENGWU_FEDERATION_OIDC_TIMEOUT = 2
    response = client.get("/federation/national/start/")
    assert response.status_code == 502 and "无法连接国家政务服务平台" in response.text
    assert not SignInFlow.objects.exists()


def test_discovery_must_name_the_configured_issuer(client, settings):
    """A discovery document for another issuer is refused (mix-up protection)."""
    settings.ZHENGWU_FEDERATION_OIDC_ISSUER = "http://testserver/sandbox/federation/idp/"
    settings.ZHENGWU_SITE_URL = "http://other.example"
    settings.ZHENGWU_FEDERATION_NATIONAL_BACKEND = (
        "zhengwu.federation.tests.support.OidcProviderOverTestClient"
    )
    response = client.get("/federation/national/start/")
    assert response.status_code == 502 and "签发者不符" in response.text


def test_issuer_required_outside_sandbox(settings):
    from django.core.exceptions import ImproperlyConfigured

    from zhengwu.federation import conf

    settings.ZHENGWU_SANDBOX = False
    settings.ZHENGWU_FEDERATION_OIDC_ISSUER = ""
    with pytest.raises(ImproperlyConfigured):
        conf.oidc_issuer()


@pytest.mark.parametrize(
    "path",
    [
        "/sandbox/federation/idp/.well-known/openid-configuration",
        "/sandbox/federation/idp/jwks",
        "/sandbox/federation/licence-app/",
        "/sandbox/federation/usb-key/",
    ],
)
def test_sandbox_pages_are_off_outside_sandbox_mode(client, settings, path):
    settings.ZHENGWU_SANDBOX = False
    assert client.get(path).status_code == 404


def test_certificate_page_without_sandbox_has_no_usb_key_link(client, settings):
    settings.ZHENGWU_SANDBOX = False
    page = client.get("/federation/certificate/")
    assert page.status_code == 200 and "usb-key" not in page.text
