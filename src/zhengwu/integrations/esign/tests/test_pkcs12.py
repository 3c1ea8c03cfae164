"""The PKCS#12 provider: signs with a certificate of a (test) CA loaded from a .p12 file,
verifies against a PEM bundle of roots, and refuses every misconfiguration at construction."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from pyhanko.pdf_utils.reader import PdfFileReader

from zhengwu.core.checks import check_no_sandbox_in_production
from zhengwu.integrations.esign import ESignError, get_esign
from zhengwu.integrations.esign.pades import PROBLEM_UNTRUSTED
from zhengwu.integrations.esign.pkcs12 import Pkcs12ESignProvider

from .support import SIGNER_ID, SIGNER_NAME, sign_request

BACKEND = "zhengwu.integrations.esign.pkcs12.Pkcs12ESignProvider"
PASSWORD = "correct horse 电池"
AUTHORITY = "杭州市市场监督管理局"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    not_after: timedelta = timedelta(days=365),
    non_repudiation: bool = True,
) -> x509.Certificate:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=non_repudiation and not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(issuer_key, hashes.SHA256())
    )


@dataclass(frozen=True)
class Pki:
    """A root CA, an intermediate CA and the authority's signing certificate, on disk."""

    root: x509.Certificate
    p12_path: Path
    roots_path: Path


def make_pki(
    directory: Path,
    *,
    label: str = "测试",
    password: str = PASSWORD,
    leaf_not_after: timedelta = timedelta(days=365),
    non_repudiation: bool = True,
) -> Pki:
    directory.mkdir(parents=True, exist_ok=True)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(f"{label}根CA")
    root = _certificate(root_name, root_key, root_name, root_key, ca=True)
    sub_key = ec.generate_private_key(ec.SECP256R1())
    sub_name = _name(f"{label}中级CA")
    sub = _certificate(sub_name, sub_key, root_name, root_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate(
        _name(AUTHORITY),
        key,
        sub_name,
        sub_key,
        ca=False,
        not_after=leaf_not_after,
        non_repudiation=non_repudiation,
    )
    p12_path = directory / "esign.p12"
    p12_path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"esign",
            key,
            leaf,
            [sub],
            serialization.BestAvailableEncryption(password.encode()),
        )
    )
    roots_path = directory / "roots.pem"
    roots_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return Pki(root=root, p12_path=p12_path, roots_path=roots_path)


def _settings(pki: Pki, **overrides: str) -> dict[str, str]:
    return {
        "ZHENGWU_ESIGN_PKCS12_PATH": str(pki.p12_path),
        "ZHENGWU_ESIGN_PKCS12_PASSWORD": PASSWORD,
        "ZHENGWU_ESIGN_TRUST_ROOTS": str(pki.roots_path),
    } | overrides


@pytest.fixture
def pki(tmp_path) -> Pki:
    return make_pki(tmp_path / "pki")


@pytest.fixture
def provider(pki) -> Pkcs12ESignProvider:
    with override_settings(ZHENGWU_ESIGN_BACKEND=BACKEND, **_settings(pki)):
        configured = get_esign()
    assert isinstance(configured, Pkcs12ESignProvider)
    return configured


def test_signs_with_the_authority_certificate_and_verifies(provider, letter):
    """A valid, intact PAdES signature by the authority; the person's name is the signature's
    /Name; the ID number is nowhere in the file; the intermediate CA travels with it."""
    signed = provider.sign_pdf(sign_request(letter))

    assert signed.pdf.startswith(letter)
    assert f"CN={AUTHORITY}" in signed.signer_certificate_subject
    report = provider.verify_pdf(signed.pdf)
    assert report.valid, report.problem
    assert report.intact
    assert report.signer == AUTHORITY
    assert report.reason == "授权委托"
    assert report.signed_at == signed.signed_at

    (signature,) = PdfFileReader(io.BytesIO(signed.pdf)).embedded_signatures
    assert signature.sig_object["/Name"] == SIGNER_NAME
    assert len(signature.signed_data["certificates"]) == 2  # leaf and intermediate
    for encoding in ("ascii", "utf-16-be"):
        assert SIGNER_ID.encode(encoding) not in signed.pdf


def test_a_flipped_byte_is_detected(provider, letter):
    signed = bytearray(provider.sign_pdf(sign_request(letter)).pdf)
    signed[len(letter) // 2] ^= 0x01

    report = provider.verify_pdf(bytes(signed))

    assert not report.valid
    assert not report.intact


def test_a_document_signed_under_another_ca_is_not_valid(provider, letter, tmp_path):
    """Intact, but its certificate chains to a root this provider does not trust (and the
    other provider does not trust ours either)."""
    other_pki = make_pki(tmp_path / "other", label="其他")
    with override_settings(**_settings(other_pki)):
        other = Pkcs12ESignProvider()
    foreign = other.sign_pdf(sign_request(letter)).pdf

    report = provider.verify_pdf(foreign)
    assert report.intact
    assert not report.valid
    assert report.problem == PROBLEM_UNTRUSTED
    assert other.verify_pdf(foreign).valid
    assert not other.verify_pdf(provider.sign_pdf(sign_request(letter)).pdf).valid


def test_settings_are_read_from_the_environment(pki, monkeypatch, letter):
    """Without Django settings the environment variables are used."""
    for name, value in _settings(pki).items():
        monkeypatch.setenv(name, value)

    provider = Pkcs12ESignProvider()

    assert provider.verify_pdf(provider.sign_pdf(sign_request(letter)).pdf).valid


@pytest.mark.parametrize(
    "setting",
    ["ZHENGWU_ESIGN_PKCS12_PATH", "ZHENGWU_ESIGN_PKCS12_PASSWORD", "ZHENGWU_ESIGN_TRUST_ROOTS"],
)
def test_a_missing_setting_is_named(pki, setting, monkeypatch):
    monkeypatch.delenv(setting, raising=False)
    with (
        override_settings(**_settings(pki, **{setting: ""})),
        pytest.raises(ImproperlyConfigured, match=f"{setting} is required"),
    ):
        Pkcs12ESignProvider()


def test_a_wrong_password_is_named(pki):
    with (
        override_settings(**_settings(pki, ZHENGWU_ESIGN_PKCS12_PASSWORD="wrong")),
        pytest.raises(ImproperlyConfigured, match="ZHENGWU_ESIGN_PKCS12_PASSWORD"),
    ):
        Pkcs12ESignProvider()


def test_the_password_is_not_stripped(pki):
    """A password is used as given: surrounding spaces are part of it."""
    with (
        override_settings(**_settings(pki, ZHENGWU_ESIGN_PKCS12_PASSWORD=f" {PASSWORD} ")),
        pytest.raises(ImproperlyConfigured, match="ZHENGWU_ESIGN_PKCS12_PASSWORD"),
    ):
        Pkcs12ESignProvider()


@pytest.mark.parametrize("setting", ["ZHENGWU_ESIGN_PKCS12_PATH", "ZHENGWU_ESIGN_TRUST_ROOTS"])
def test_a_wrong_path_is_named(pki, setting, tmp_path):
    with (
        override_settings(**_settings(pki, **{setting: str(tmp_path / "missing")})),
        pytest.raises(ImproperlyConfigured, match=setting),
    ):
        Pkcs12ESignProvider()


def test_a_file_that_is_not_pkcs12_or_pem_is_refused(pki, tmp_path):
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"not a key store")
    with (
        override_settings(**_settings(pki, ZHENGWU_ESIGN_PKCS12_PATH=str(garbage))),
        pytest.raises(ImproperlyConfigured, match="ZHENGWU_ESIGN_PKCS12_PATH"),
    ):
        Pkcs12ESignProvider()
    with (
        override_settings(**_settings(pki, ZHENGWU_ESIGN_TRUST_ROOTS=str(garbage))),
        pytest.raises(ImproperlyConfigured, match="ZHENGWU_ESIGN_TRUST_ROOTS"),
    ):
        Pkcs12ESignProvider()


def test_trust_roots_that_do_not_cover_the_certificate_are_refused(pki, tmp_path):
    other_pki = make_pki(tmp_path / "other", label="其他")
    with (
        override_settings(**_settings(pki, ZHENGWU_ESIGN_TRUST_ROOTS=str(other_pki.roots_path))),
        pytest.raises(ImproperlyConfigured, match=r"does not chain.*ZHENGWU_ESIGN_TRUST_ROOTS"),
    ):
        Pkcs12ESignProvider()


def test_a_certificate_without_non_repudiation_is_refused(tmp_path):
    """pyHanko's verification would report its signatures untrusted: refuse it at start-up."""
    pki = make_pki(tmp_path / "ds-only", non_repudiation=False)
    with (
        override_settings(**_settings(pki)),
        pytest.raises(ImproperlyConfigured, match="non-repudiation"),
    ):
        Pkcs12ESignProvider()


def test_an_unencrypted_key_store_is_refused(pki, tmp_path):
    """An empty password is refused even for a file that would open without one."""
    with pki.p12_path.open("rb") as file:
        key, certificate, extra = pkcs12.load_key_and_certificates(file.read(), PASSWORD.encode())
    plain = tmp_path / "plain.p12"
    plain.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"esign", key, certificate, extra, serialization.NoEncryption()
        )
    )
    with (
        override_settings(
            **_settings(pki, ZHENGWU_ESIGN_PKCS12_PATH=str(plain), ZHENGWU_ESIGN_PKCS12_PASSWORD="")
        ),
        pytest.raises(ImproperlyConfigured, match="ZHENGWU_ESIGN_PKCS12_PASSWORD is required"),
    ):
        Pkcs12ESignProvider()


def test_an_expired_certificate_is_refused_at_construction_and_signing(
    tmp_path, letter, time_machine
):
    pki = make_pki(tmp_path / "short", leaf_not_after=timedelta(days=10))
    with override_settings(**_settings(pki)):
        provider = Pkcs12ESignProvider()
        time_machine.move_to(datetime.now(UTC) + timedelta(days=11), tick=False)
        with pytest.raises(ImproperlyConfigured, match="not valid now"):
            Pkcs12ESignProvider()
    with pytest.raises(ESignError) as caught:
        provider.sign_pdf(sign_request(letter))
    assert caught.value.permanent
    assert caught.value.provider_code == "CERTIFICATE_EXPIRED"


@pytest.mark.parametrize(
    ("overrides", "provider_code"),
    [
        ({"signer_name": " "}, "INVALID_SIGNER"),
        ({"signer_id_number": ""}, "INVALID_SIGNER"),
        ({"field_name": "a.b"}, "INVALID_FIELD"),
    ],
)
def test_invalid_requests_are_permanent_errors(provider, letter, overrides, provider_code):
    with pytest.raises(ESignError) as caught:
        provider.sign_pdf(sign_request(letter, **overrides))
    assert caught.value.permanent
    assert caught.value.provider_code == provider_code


def test_deploy_check_accepts_the_pkcs12_provider():
    """zhengwu.E002 does not flag the adapter (its dotted path has no ``.sandbox.``), while it
    does flag the sandbox."""

    def flagged(backend: str) -> list[str]:
        with override_settings(ZHENGWU_SANDBOX=False, ZHENGWU_ESIGN_BACKEND=backend):
            return [
                message.msg
                for message in check_no_sandbox_in_production(None)
                if message.id == "zhengwu.E002" and "ESIGN" in message.msg
            ]

    assert not flagged(BACKEND)
    assert flagged("zhengwu.integrations.esign.sandbox.SandboxESignProvider")
