"""Verification refuses what it must: any changed byte, an untrusted signer (even one whose CA
copies the sandbox CA's name), content appended after signing, unsigned or damaged files."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from zhengwu.integrations.esign import pades
from zhengwu.integrations.esign.pades import (
    PROBLEM_BAD_SIGNATURE,
    PROBLEM_MODIFIED_AFTER,
    PROBLEM_UNREADABLE,
    PROBLEM_UNSIGNED,
    PROBLEM_UNTRUSTED,
)

from .support import SIGNER_NAME, foreign_keys, sign_request


def _byte_range(pdf: bytes) -> tuple[int, int, int, int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert match
    start1, length1, start2, length2 = map(int, match.groups())
    return start1, length1, start2, length2


def _positions(signed: bytes, unsigned_length: int) -> dict[str, int]:
    """Byte offsets inside the signed byte range, in every part of the file."""
    start1, length1, start2, length2 = _byte_range(signed)
    assert (start1, start2 + length2) == (0, len(signed))  # the range covers the whole file
    byte_range_at = signed.index(b"/ByteRange")
    return {
        "header": 0,
        "header binary comment": 10,
        "page content or font": unsigned_length // 3,
        "middle of the original": unsigned_length // 2,
        "end of the original (its xref and trailer)": unsigned_length - 20,
        "signature dictionary (/ByteRange)": byte_range_at + 12,
        "last byte before /Contents": length1 - 1,
        "first byte after /Contents": start2,
        "signature revision xref": len(signed) - 60,
        "last byte": len(signed) - 1,
    }


def test_every_changed_byte_inside_the_signed_range_is_detected(esign, letter):
    """Flipping one bit anywhere in the signed bytes, whether it breaks the PDF structure or only
    the digest, makes the document invalid and not intact."""
    signed = esign.sign_pdf(sign_request(letter)).pdf
    assert esign.verify_pdf(signed).valid

    for where, offset in _positions(signed, len(letter)).items():
        for flip in (0x01, 0x20):
            tampered = bytearray(signed)
            tampered[offset] ^= flip
            report = esign.verify_pdf(bytes(tampered))
            assert report.valid is False, where
            assert report.intact is False, where
            assert report.problem, where


def test_a_changed_signature_value_is_detected(esign, letter):
    """The one part outside the signed range, the CMS in /Contents, is checked too: the ECDSA
    signature value inside it is altered (found by parsing the CMS, not by guessing offsets)."""
    from asn1crypto import cms

    signed = esign.sign_pdf(sign_request(letter)).pdf
    _, length1, start2, _ = _byte_range(signed)
    hex_start, hex_end = length1 + 1, start2 - 1  # inside the < > of /Contents
    der = bytes.fromhex(signed[hex_start:hex_end].decode())
    content = cms.ContentInfo.load(der)
    encoded_len = len(content.dump())
    signer_info = content["content"]["signer_infos"][0]
    value = bytearray(signer_info["signature"].native)
    value[-1] ^= 0x01  # the last byte of s: same length, different signature
    signer_info["signature"] = cms.OctetString(bytes(value))
    new_der = content.dump(force=True)
    assert len(new_der) == encoded_len
    new_hex = new_der.hex().encode().ljust(hex_end - hex_start, b"0")
    tampered = signed[:hex_start] + new_hex + signed[hex_end:]
    assert len(tampered) == len(signed)

    report = esign.verify_pdf(tampered)

    assert (report.valid, report.intact, report.problem) == (False, True, PROBLEM_BAD_SIGNATURE)


def test_pdf_signed_by_an_untrusted_key_is_not_valid(esign, letter):
    """A sound, intact signature whose chain does not end at the sandbox CA is not valid, even
    when the foreign CA carries the sandbox CA's exact name."""
    esign.key_store().ca()  # the sandbox CA exists and is the only trust root
    ca, signer = foreign_keys(signer_name=SIGNER_NAME)
    forged, _ = pades.sign(
        sign_request(letter), key=signer.key, certificate=signer.certificate, chain=[ca.certificate]
    )

    report = esign.verify_pdf(forged)

    assert report.intact is True
    assert report.valid is False
    assert report.problem == PROBLEM_UNTRUSTED
    assert report.signer == SIGNER_NAME  # who claims to have signed, for the page to show


def test_documents_signed_under_a_deleted_sandbox_ca_are_no_longer_trusted(esign, letter, tmp_path):
    """Deleting the key directory starts a new CA: earlier signatures become untrusted."""
    signed = esign.sign_pdf(sign_request(letter)).pdf
    shutil.rmtree(tmp_path / "esign-sandbox")

    report = esign.verify_pdf(signed)

    assert (report.intact, report.valid, report.problem) == (True, False, PROBLEM_UNTRUSTED)
    assert esign.verify_pdf(esign.sign_pdf(sign_request(letter)).pdf).valid


def test_content_appended_after_signing_is_detected(esign, letter):
    """An incremental update that draws on the page after the signature leaves the signed bytes
    intact but the document is no longer what was signed."""
    signed = esign.sign_pdf(sign_request(letter)).pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    overlay = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (FORGED) Tj ET")
    )
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), overlay])
    writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)

    report = esign.verify_pdf(output.getvalue())

    assert report.intact is True
    assert report.valid is False
    assert report.problem == PROBLEM_MODIFIED_AFTER


@pytest.mark.parametrize(
    ("pdf", "problem"),
    [
        (b"", PROBLEM_UNREADABLE),
        (b"%PDF-1.4\ngarbage", PROBLEM_UNREADABLE),
        (None, PROBLEM_UNSIGNED),
    ],
    ids=["empty", "garbage", "unsigned"],
)
def test_unsigned_or_unreadable_files_are_reported_not_raised(esign, letter, pdf, problem):
    report = esign.verify_pdf(letter if pdf is None else pdf)

    assert (report.valid, report.intact, report.problem) == (False, False, problem)
    assert (report.signer, report.signed_at, report.reason) == ("", None, "")


def test_truncated_signed_file_is_not_valid(esign, letter):
    signed = esign.sign_pdf(sign_request(letter)).pdf
    assert esign.verify_pdf(signed[: len(signed) - 100]).valid is False
    assert esign.verify_pdf(signed[: len(letter)]).problem == PROBLEM_UNSIGNED
