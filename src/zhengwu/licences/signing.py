"""PAdES signing and verification of licence PDFs with the issuing authority's key (LIC-3)."""

from __future__ import annotations

import io
from dataclasses import replace

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader

from zhengwu.integrations.esign import pades
from zhengwu.integrations.esign.base import SignatureReport, SignRequest

from .keys import signing_keys

REASON = "电子证照签发"


def sign_licence_pdf(pdf: bytes, *, location: str = "") -> bytes:
    """``pdf`` with one PAdES signature of the issuing authority (an incremental update)."""
    keys = signing_keys()
    signed, _ = pades.sign(
        SignRequest(
            pdf=pdf,
            signer_name=keys.certificate.subject.rfc4514_string(),
            signer_id_number="",
            reason=REASON,
            location=location,
            field_name="LicenceSignature",
        ),
        key=keys.key,
        certificate=keys.certificate,
        chain=(*keys.chain, keys.ca),
    )
    return signed


def verify_licence_pdf(pdf: bytes) -> SignatureReport:
    """Whether ``pdf`` carries an intact signature chaining to the configured licence root.

    Stricter than PAdES alone: the bytes of ``/Contents`` after the DER-encoded signature are
    reserved padding that no digest covers, so they must still be zeros — otherwise a changed
    byte there would go unnoticed ("any changed byte fails", LIC-3).
    """
    report = pades.verify(pdf, trust_roots=[signing_keys().ca])
    if report.valid and not _padding_untouched(pdf):
        return replace(report, valid=False, intact=False, problem=pades.PROBLEM_ALTERED)
    return report


def _padding_untouched(pdf: bytes) -> bool:
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        for embedded in reader.embedded_signatures:
            contents = bytes(embedded.sig_object["/Contents"])
            used = len(cms.ContentInfo.load(contents, strict=False).dump())
            if contents[used:].strip(b"\x00"):
                return False
    except Exception:
        return False
    return True
