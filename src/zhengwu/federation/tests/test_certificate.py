"""法人数字证书登录 (ACC-6): a random challenge signed with the certificate's key, verified
against the sandbox CA (chain, dates, USCC), then the legal representative signed in; the TLS
client-certificate header only behind a trusted proxy."""

from __future__ import annotations

import base64
import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.test import Client

from zhengwu.accounts.tests.factories import uscc
from zhengwu.audit.models import AuditEvent
from zhengwu.federation import keys
from zhengwu.federation.errors import SignInFailed
from zhengwu.federation.providers.certificate import (
    SandboxCertificateProvider,
    X509CertificateProvider,
    uscc_of,
)
from zhengwu.federation.sandbox_views import sign_challenge

pytestmark = pytest.mark.django_db


def _challenge(client: Client) -> str:
    page = client.get("/federation/certificate/")
    return re.search(r'id="challenge" value="([^"]+)"', page.text).group(1)


def _sign(pair: keys.KeyPair, challenge: str) -> tuple[str, str]:
    signature = pair.key.sign(challenge.encode(), ec.ECDSA(hashes.SHA256()))
    pem = pair.certificate.public_bytes(serialization.Encoding.PEM).decode()
    return pem, base64.b64encode(signature).decode()


def _submit(client: Client, certificate: str, signature: str):
    return client.post(
        "/federation/certificate/", {"certificate": certificate, "signature": signature}
    )


def _result(code: str) -> bool:
    return AuditEvent.objects.filter(event_type="federation.sign_in", after__result=code).exists()


@pytest.fixture
def usb_key(personas):
    """The organisation's certificate, issued by the management command (PIN 123456)."""
    call_command("federation_issue_test_cert", personas.organisation.uscc)
    return personas.organisation.uscc


def test_command_writes_a_protected_pkcs12_under_var(usb_key, tmp_path):
    path = tmp_path / "federation-sandbox" / "certs" / f"{usb_key}.p12"
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    pair = keys.load_test_certificate(usb_key, "123456")
    assert uscc_of(pair.certificate) == usb_key
    with pytest.raises(ValueError):
        keys.load_test_certificate(usb_key, "000000")


def test_signed_challenge_signs_in_the_legal_representative(client, usb_key, personas):
    challenge = _challenge(client)
    certificate, signature = sign_challenge(uscc=usb_key, pin="123456", challenge=challenge)
    before = client.session.session_key
    response = _submit(client, certificate, signature)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.legal_representative.pk)
    assert client.session.session_key != before
    assert _result("success")


def test_challenge_is_single_use(client, usb_key):
    """A captured challenge + signature cannot be replayed."""
    challenge = _challenge(client)
    certificate, signature = sign_challenge(uscc=usb_key, pin="123456", challenge=challenge)
    _submit(client, certificate, signature)
    client.logout()
    response = _submit(client, certificate, signature)
    assert response.status_code == 400 and client.session.get("_auth_user_id") is None


def test_wrong_signature_is_refused(client, usb_key):
    """A signature over another challenge does not verify."""
    _challenge(client)
    certificate, signature = sign_challenge(uscc=usb_key, pin="123456", challenge="other")
    response = _submit(client, certificate, signature)
    assert response.status_code == 400 and "签名验证失败" in response.text
    assert client.session.get("_auth_user_id") is None
    assert _result("federation.certificate.signature")


def test_expired_certificate_is_refused(client, personas):
    now = datetime.now(UTC)
    pair = keys.issue_certificate(
        ca=keys.sandbox_ca(),
        uscc=personas.organisation.uscc,
        organisation_name="x",
        not_before=now - timedelta(days=400),
        not_after=now - timedelta(days=1),
    )
    response = _submit(client, *_sign(pair, _challenge(client)))
    assert response.status_code == 400 and "证书已过期" in response.text
    assert _result("federation.certificate.expired")


def test_certificate_from_another_ca_is_refused(client, personas):
    """Same subject, same USCC, but issued by a CA the portal does not trust."""
    rogue = keys.new_ca("Zhengwu 法人数字证书沙箱 CA")  # even the same name
    pair = keys.issue_certificate(ca=rogue, uscc=personas.organisation.uscc, organisation_name="x")
    response = _submit(client, *_sign(pair, _challenge(client)))
    assert response.status_code == 400 and "受信任" in response.text
    assert client.session.get("_auth_user_id") is None
    assert _result("federation.certificate.untrusted")


def test_unknown_uscc_is_offered_registration(client, db):
    """A valid certificate of an organisation without an account on the portal."""
    pair = keys.issue_certificate(ca=keys.sandbox_ca(), uscc=uscc(4321), organisation_name="新单位")
    response = _submit(client, *_sign(pair, _challenge(client)))
    assert response["Location"] == "/federation/no-account/"
    assert _result("federation.no_account")


def test_malformed_fields_are_named(client, usb_key):
    _challenge(client)
    response = _submit(client, "", "abc")
    assert response.status_code == 400 and 'id="certificate-error"' in response.text
    response = _submit(client, "-----BEGIN CERTIFICATE-----", "%%%")
    assert 'id="signature-error"' in response.text


def test_uscc_found_in_organisational_unit(personas):
    """Some CAs put the USCC in OU rather than serialNumber."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "某单位"),
            x509.NameAttribute(
                NameOID.ORGANIZATIONAL_UNIT_NAME, f"USCC:{personas.organisation.uscc}"
            ),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    assert uscc_of(certificate) == personas.organisation.uscc


def test_certificate_without_uscc_is_refused(db):
    pair = keys.issue_certificate(ca=keys.sandbox_ca(), uscc="not-a-uscc", organisation_name="x")
    pem = pair.certificate.public_bytes(serialization.Encoding.PEM)
    with pytest.raises(SignInFailed) as caught:
        SandboxCertificateProvider().verify_certificate(certificate_pem=pem)
    assert caught.value.code == "federation.certificate.no_uscc"


def test_configured_ca_file_is_the_trust_list(settings, tmp_path, personas):
    """The production provider trusts exactly the CAs of ZHENGWU_FEDERATION_CERT_CA_FILE."""
    ca = keys.new_ca("省 CA")
    bundle = tmp_path / "cas.pem"
    bundle.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
    settings.ZHENGWU_FEDERATION_CERT_CA_FILE = str(bundle)
    pair = keys.issue_certificate(ca=ca, uscc=personas.organisation.uscc, organisation_name="x")
    pem = pair.certificate.public_bytes(serialization.Encoding.PEM)
    assert X509CertificateProvider().verify_certificate(certificate_pem=pem).uscc
    sandbox_pair = keys.issue_certificate(
        ca=keys.sandbox_ca(), uscc=personas.organisation.uscc, organisation_name="x"
    )
    with pytest.raises(SignInFailed):
        X509CertificateProvider().verify_certificate(
            certificate_pem=sandbox_pair.certificate.public_bytes(serialization.Encoding.PEM)
        )


def _tls_header(pair: keys.KeyPair) -> str:
    return quote(pair.certificate.public_bytes(serialization.Encoding.PEM).decode())


def test_tls_header_ignored_unless_proxy_trusted(client, usb_key, settings):
    pair = keys.load_test_certificate(usb_key, "123456")
    response = client.post("/federation/certificate/tls/", HTTP_X_SSL_CLIENT_CERT=_tls_header(pair))
    assert response.status_code == 400 and client.session.get("_auth_user_id") is None
    assert _result("federation.certificate.absent")


def test_tls_header_signs_in_behind_trusted_proxy(client, usb_key, personas, settings):
    settings.ZHENGWU_FEDERATION_CERT_TRUST_PROXY = True
    settings.ZHENGWU_FEDERATION_CERT_PROXY_HEADER = "X-Client-Cert"
    pair = keys.load_test_certificate(usb_key, "123456")
    response = client.post("/federation/certificate/tls/", HTTP_X_CLIENT_CERT=_tls_header(pair))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.legal_representative.pk)


def test_sandbox_usb_key_page_signs_and_posts_to_login(client, usb_key, personas):
    """The sandbox USB key: pick the certificate, enter the PIN, submit the signature."""
    challenge = _challenge(client)
    wrong = client.post(
        "/sandbox/federation/usb-key/",
        {"challenge": challenge, "certificate": usb_key, "pin": "000000"},
    )
    assert wrong.status_code == 400 and "PIN" in wrong.text
    signed = client.post(
        "/sandbox/federation/usb-key/",
        {"challenge": challenge, "certificate": usb_key, "pin": "123456"},
    )
    certificate = re.search(r'name="certificate"[^>]*>([^<]+)</textarea>', signed.text).group(1)
    signature = re.search(r'name="signature"[^>]*>([^<]+)</textarea>', signed.text).group(1)
    response = _submit(client, html.unescape(certificate), signature)
    assert client.session["_auth_user_id"] == str(personas.legal_representative.pk), response
