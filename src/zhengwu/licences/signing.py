"""PAdES signing and verification of licence PDFs with the issuing authority's key (LIC-3)."""

from __future__ import annotations

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
    """Whether ``pdf`` carries an intact signature chaining to the configured licence root."""
    return pades.verify(pdf, trust_roots=[signing_keys().ca])
