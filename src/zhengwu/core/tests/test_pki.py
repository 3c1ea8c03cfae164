"""Key files on disk (core.pki): exact modes, atomic publication, first writer wins."""

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from zhengwu.core.pki import (
    issue_signer_certificate,
    key_and_certificates_pem,
    key_usage,
    private_key_pem,
    publish_file,
    self_signed_ca,
)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask():
    """Run with a umask that would change the requested modes."""
    previous = os.umask(0o077)
    yield
    os.umask(previous)


def test_publish_file_writes_with_exactly_the_mode_and_a_private_directory(tmp_path, umask):
    key_path = tmp_path / "a" / "b" / "key.pem"
    publish_file(key_path, b"secret", replace=False)
    cert_path = tmp_path / "a" / "b" / "cert.pem"
    publish_file(cert_path, b"public", replace=False, mode=0o644)
    assert key_path.read_bytes() == b"secret" and _mode(key_path) == 0o600
    assert cert_path.read_bytes() == b"public" and _mode(cert_path) == 0o644
    assert _mode(tmp_path / "a") == 0o700 and _mode(tmp_path / "a" / "b") == 0o700
    assert sorted(p.name for p in key_path.parent.iterdir()) == ["cert.pem", "key.pem"]


def test_without_replace_the_first_file_wins(tmp_path):
    path = tmp_path / "key.pem"
    publish_file(path, b"first", replace=False)
    publish_file(path, b"second", replace=False)
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]  # no temporary file left


def test_with_replace_the_file_is_replaced_and_its_mode_reset(tmp_path):
    path = tmp_path / "key.pem"
    path.write_bytes(b"old")
    path.chmod(0o644)
    publish_file(path, b"new", replace=True)
    assert path.read_bytes() == b"new" and _mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_publish_file_raises_oserror_when_the_directory_cannot_be_made(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(OSError):
        publish_file(tmp_path / "file" / "key.pem", b"x", replace=False)


def test_key_and_certificates_pem_loads_back():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .add_extension(key_usage(ca=True), critical=True)
        .sign(key, hashes.SHA256())
    )
    data = key_and_certificates_pem(key, certificate, certificate)
    loaded = serialization.load_pem_private_key(data, password=None)
    assert loaded.private_numbers() == key.private_numbers()
    assert x509.load_pem_x509_certificates(data) == [certificate, certificate]
    assert data.startswith(private_key_pem(key))


def test_key_usage_of_a_ca_and_of_a_signer():
    ca, signer = key_usage(ca=True), key_usage(ca=False)
    assert (ca.key_cert_sign, ca.crl_sign, ca.digital_signature, ca.content_commitment) == (
        True,
        True,
        False,
        False,
    )
    assert (
        signer.key_cert_sign,
        signer.crl_sign,
        signer.digital_signature,
        signer.content_commitment,
    ) == (False, False, True, True)
    assert not (ca.key_encipherment or signer.key_encipherment or ca.key_agreement)


def _extension_types(certificate):
    return [type(e.value) for e in certificate.extensions]


def test_a_ca_issues_a_signer_that_verifies_against_it():
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试根证书")])
    ca = self_signed_ca(ca_key, ca_name, validity=timedelta(days=30))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "签署人")])
    now = datetime.now(UTC)
    signer = issue_signer_certificate(
        subject, key.public_key(), ca_key=ca_key, ca_name=ca_name, not_after=now + timedelta(1)
    )
    signer.verify_directly_issued_by(ca)  # raises if not
    assert ca.subject == ca.issuer == ca_name and signer.issuer == ca_name
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
    assert ca.extensions.get_extension_for_class(x509.KeyUsage).value == key_usage(ca=True)
    assert signer.extensions.get_extension_for_class(x509.KeyUsage).value == key_usage(ca=False)
    assert _extension_types(ca) == [x509.BasicConstraints, x509.KeyUsage, x509.SubjectKeyIdentifier]
    assert _extension_types(signer) == [
        x509.BasicConstraints,
        x509.KeyUsage,
        x509.SubjectKeyIdentifier,
        x509.AuthorityKeyIdentifier,
    ]
    assert ca.not_valid_before_utc < now - timedelta(hours=23)
    assert now + timedelta(days=29) < ca.not_valid_after_utc <= now + timedelta(days=31)
    assert now - timedelta(hours=2) < signer.not_valid_before_utc < now
    assert signer.not_valid_after_utc == (now + timedelta(1)).replace(microsecond=0)


def test_without_key_identifiers():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA")])
    ca = self_signed_ca(key, name, validity=timedelta(days=1), key_identifier=False)
    before = datetime(2026, 1, 1, tzinfo=UTC)
    signer = issue_signer_certificate(
        name,
        key.public_key(),
        ca_key=key,
        ca_name=name,
        not_before=before,
        not_after=before + timedelta(days=1),
        key_identifiers=False,
    )
    assert _extension_types(ca) == [
        x509.BasicConstraints,
        x509.KeyUsage,
    ]
    assert _extension_types(signer) == [x509.BasicConstraints, x509.KeyUsage]
    assert signer.not_valid_before_utc == before
