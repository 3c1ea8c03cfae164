"""The sandbox e-signature provider: signs generated PDFs with its own CA, verifies them, keeps
its keys private, and fails on the documented inputs."""

from __future__ import annotations

import io
import pickle
import stat
from datetime import timedelta

import pytest
from cryptography import x509
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from zhengwu.core.crypto import blind_index
from zhengwu.integrations.errors import ProviderError
from zhengwu.integrations.esign import ESignError, get_esign
from zhengwu.integrations.esign.sandbox import SandboxESignProvider

from .support import SIGNER_ID, SIGNER_NAME, sign_request


def test_generated_letter_signed_by_the_sandbox_verifies(esign, letter):
    """Sign, then verify: valid and intact, with the signer, reason and time of the signature."""
    before = timezone.now().replace(microsecond=0)
    signed = esign.sign_pdf(sign_request(letter))

    report = esign.verify_pdf(signed.pdf)

    assert report.valid is True
    assert report.intact is True
    assert report.problem == ""
    assert report.signer == SIGNER_NAME
    assert report.reason == "授权委托"
    assert report.signed_at == signed.signed_at
    assert before <= signed.signed_at <= timezone.now()


def test_signature_is_an_incremental_update_of_the_given_pdf(esign, letter):
    """The unsigned bytes stay a prefix of the signed file; the signature is PAdES with the
    requested field name, reason and location."""
    signed = esign.sign_pdf(sign_request(letter))

    assert signed.pdf.startswith(letter)
    (signature,) = PdfFileReader(io.BytesIO(signed.pdf)).embedded_signatures
    assert signature.field_name == "LegalRepresentative"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Location"] == "杭州市"
    assert signature.sig_object["/Reason"] == "授权委托"


def test_certificate_names_the_signer_but_never_the_clear_id_number(esign, letter):
    """CN is the name; serialNumber is a keyed hash of the ID number; the clear ID number is
    nowhere in the signed file."""
    signed = esign.sign_pdf(sign_request(letter))

    assert f"CN={SIGNER_NAME}" in signed.signer_certificate_subject
    assert SIGNER_ID not in signed.signer_certificate_subject
    assert SIGNER_ID[6:14] not in signed.signer_certificate_subject  # not even the birth date

    (signature,) = PdfFileReader(io.BytesIO(signed.pdf)).embedded_signatures
    subject = signature.signer_cert.subject.native
    assert subject["common_name"] == SIGNER_NAME
    assert subject["serial_number"] == blind_index(SIGNER_ID, purpose="esign.certificate")
    for encoding in ("ascii", "utf-16-be", "utf-16-le"):
        assert SIGNER_ID.encode(encoding) not in signed.pdf
        assert SIGNER_ID.lower().encode(encoding) not in signed.pdf


def test_keys_are_created_on_first_use_with_private_permissions(esign, letter, tmp_path):
    """CA and signer key files are mode 0600 in a 0700 directory under VAR_DIR; the public CA
    certificate holds no key; no file name carries the ID number."""
    directory = tmp_path / "esign-sandbox"
    assert not directory.exists()

    esign.sign_pdf(sign_request(letter))

    key_files = [directory / "ca.pem", *(directory / "signers").glob("*.pem")]
    assert len(key_files) == 2
    for path in key_files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert b"PRIVATE KEY" in path.read_bytes()
        assert SIGNER_ID not in path.name
    for path in (directory, directory / "signers"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    ca_cert = (directory / "ca-cert.pem").read_bytes()
    assert b"PRIVATE KEY" not in ca_cert
    x509.load_pem_x509_certificate(ca_cert)
    assert not list(directory.rglob("*.tmp"))


def test_a_signer_keeps_one_key_and_each_signer_has_their_own(esign, letter, tmp_path):
    """Signing twice for the same person reuses their certificate; another person gets a
    different one, issued by the same sandbox CA."""
    first = esign.sign_pdf(sign_request(letter))
    again = esign.sign_pdf(sign_request(letter))
    other = esign.sign_pdf(
        sign_request(letter, signer_name="王五", signer_id_number="110105194912310021")
    )

    def certificate(pdf: bytes):
        (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        return signature.signer_cert

    assert certificate(first.pdf).dump() == certificate(again.pdf).dump()
    assert certificate(other.pdf).subject.native["common_name"] == "王五"
    assert certificate(other.pdf).issuer == certificate(first.pdf).issuer
    assert len(list((tmp_path / "esign-sandbox" / "signers").glob("*.pem"))) == 2
    assert esign.verify_pdf(other.pdf).valid


def test_an_expiring_signer_certificate_is_renewed(esign, letter, time_machine):
    """Close to the end of its validity a signer's certificate is re-issued."""
    first = esign.sign_pdf(sign_request(letter))
    time_machine.move_to(timezone.now() + timedelta(days=2 * 365 - 10), tick=False)

    later = esign.sign_pdf(sign_request(letter))

    assert later.signer_certificate_subject == first.signer_certificate_subject
    assert esign.verify_pdf(later.pdf).valid
    (old,) = PdfFileReader(io.BytesIO(first.pdf)).embedded_signatures
    (new,) = PdfFileReader(io.BytesIO(later.pdf)).embedded_signatures
    assert old.signer_cert.serial_number != new.signer_cert.serial_number


def test_two_signatures_on_one_document_both_count(esign, letter):
    """A second signer adds a second field; the report describes the last signature."""
    first = esign.sign_pdf(sign_request(letter))
    second = esign.sign_pdf(
        sign_request(
            first.pdf,
            signer_name="王五",
            signer_id_number="110105194912310021",
            reason="审核",
            field_name="Reviewer",
        )
    )

    report = esign.verify_pdf(second.pdf)

    assert (report.valid, report.intact, report.signer, report.reason) == (
        True,
        True,
        "王五",
        "审核",
    )


@pytest.mark.parametrize(
    ("overrides", "permanent", "provider_code"),
    [
        ({"signer_name": "测试异常"}, False, "UNAVAILABLE"),
        ({"signer_name": "  "}, True, "INVALID_SIGNER"),
        ({"signer_id_number": ""}, True, "INVALID_SIGNER"),
        ({"signer_name": "名" * 65}, True, "INVALID_SIGNER"),
        ({"field_name": "a.b"}, True, "INVALID_FIELD"),
        ({"field_name": ""}, True, "INVALID_FIELD"),
    ],
)
def test_documented_failure_inputs(esign, letter, overrides, permanent, provider_code):
    """The sandbox fails like a vendor on the inputs documented in its module."""
    with pytest.raises(ESignError) as caught:
        esign.sign_pdf(sign_request(letter, **overrides))

    assert caught.value.permanent is permanent
    assert caught.value.provider_code == provider_code
    assert caught.value.message


def test_a_file_that_is_not_a_pdf_cannot_be_signed(esign):
    with pytest.raises(ESignError) as caught:
        esign.sign_pdf(sign_request(b"GIF89a not a pdf"))
    assert (caught.value.permanent, caught.value.provider_code) == (True, "INVALID_PDF")


def test_a_signed_field_cannot_be_signed_again(esign, letter):
    signed = esign.sign_pdf(sign_request(letter))
    with pytest.raises(ESignError) as caught:
        esign.sign_pdf(sign_request(signed.pdf))
    assert (caught.value.permanent, caught.value.provider_code) == (True, "SIGNING_REFUSED")


def test_error_is_a_picklable_provider_error():
    error = ESignError("电子签名服务暂不可用", permanent=False, provider_code="UNAVAILABLE")
    assert isinstance(error, ProviderError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.permanent, copy.code, copy.provider_code) == (
        "电子签名服务暂不可用",
        False,
        "esign.failed",
        "UNAVAILABLE",
    )


def test_unwritable_key_directory_is_a_permanent_error(settings, tmp_path, letter):
    """A VAR_DIR the sandbox cannot write to is reported as an ESignError, not an OSError."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings.VAR_DIR = blocker  # a file: nothing can be created below it
    with pytest.raises(ESignError) as caught:
        get_esign().sign_pdf(sign_request(letter))
    assert (caught.value.permanent, caught.value.code) == (True, "esign.key_store")


def test_get_esign_follows_the_setting(settings):
    """The default is the sandbox; a dotted path that is not a provider is refused."""
    assert isinstance(get_esign(), SandboxESignProvider)
    assert get_esign() is get_esign()

    settings.ZHENGWU_ESIGN_BACKEND = "zhengwu.integrations.sms.sandbox.SandboxSmsGateway"
    with pytest.raises(ImproperlyConfigured):
        get_esign()
