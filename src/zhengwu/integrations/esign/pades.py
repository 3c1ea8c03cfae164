"""PAdES signatures with pyHanko: signing with a key held here, verifying against trust roots.

The sandbox signs with its own keys; a vendor adapter whose vendor signs remotely can still
verify locally with ``verify(pdf, trust_roots=[vendor's root certificates])``.

Signatures are PAdES baseline B (``/SubFilter /ETSI.CAdES.detached``, SHA-256, the signer's
certificate and its chain embedded, no time-stamp): enough to prove who signed what. Long-term
validation (B-T / B-LT / B-LTA) needs a time-stamping authority, which a real provider brings.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .base import ESignError, SignatureReport, SignRequest

# Room for the CMS container in /Contents. An EC P-256 signature with a two-certificate chain
# is about 1.5 KB; a fixed reservation spares pyHanko a dry-run signature to measure it.
BYTES_RESERVED = 8192

PROBLEM_UNREADABLE = "文件已损坏或不是有效的PDF文件"
PROBLEM_UNSIGNED = "文件中没有电子签名"
PROBLEM_ALTERED = "签名后文件内容被篡改"
PROBLEM_BAD_SIGNATURE = "签名值无效"
PROBLEM_UNTRUSTED = "签名证书不受信任"
PROBLEM_MODIFIED_AFTER = "签名后文件被追加修改"
_ACCEPTED_COVERAGE = (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION)


def certificate_subject(certificate: x509.Certificate) -> str:
    """The RFC 4514 subject, with ``serialNumber`` spelled out rather than as an OID."""
    return certificate.subject.rfc4514_string({NameOID.SERIAL_NUMBER: "serialNumber"})


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class _TimedPdfSigner(PdfSigner):
    """Keeps the signing time of its session, so that the caller need not parse the result."""

    signing_time: datetime | None = None

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        self.signing_time = session.system_time
        return session


def sign(
    request: SignRequest,
    *,
    key: PrivateKeyTypes,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
) -> tuple[bytes, datetime]:
    """``request.pdf`` with one more signature (an incremental update) made with ``key``, and
    the signing time written into it (``/M``, whole seconds).

    Raises ``ESignError(permanent=True)`` when the PDF cannot be read or signed (not a PDF,
    encrypted, the field already signed).
    """
    signer = SimpleSigner(
        signing_cert=_asn1_certificate(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(c) for c in chain]),
    )
    meta = PdfSignatureMetadata(
        field_name=request.field_name,
        reason=request.reason or None,
        location=request.location or None,
        name=request.signer_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
    )
    pdf_signer = _TimedPdfSigner(meta, signer)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(request.pdf))
        output = pdf_signer.sign_pdf(writer, bytes_reserved=BYTES_RESERVED)
    except SigningError as exc:  # a ValueError: catch it first
        raise ESignError(
            "该文件无法签名（签名域已签署或文件受保护）",
            permanent=True,
            provider_code="SIGNING_REFUSED",
        ) from exc
    except (PdfError, ValueError) as exc:
        raise ESignError(
            "待签名文件不是有效的PDF文件", permanent=True, provider_code="INVALID_PDF"
        ) from exc
    signed_at = pdf_signer.signing_time or datetime.now(UTC)
    return bytes(output.getbuffer()), signed_at.replace(microsecond=0)


def verify(pdf: bytes, *, trust_roots: Sequence[x509.Certificate]) -> SignatureReport:
    """Check every signature of ``pdf``; the report describes the last one.

    Never raises for the document: a damaged file can fail anywhere in a PDF or ASN.1 parser,
    and a verification page must answer "invalid", not fail.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        signatures = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
    except Exception:
        return SignatureReport(valid=False, intact=False, problem=PROBLEM_UNREADABLE)
    if not signatures:
        return SignatureReport(valid=False, intact=False, problem=PROBLEM_UNSIGNED)

    context = ValidationContext(
        trust_roots=[_asn1_certificate(root) for root in trust_roots], allow_fetching=False
    )
    problems: list[str] = []
    all_intact = True
    for embedded in signatures:
        try:
            status = validate_pdf_signature(embedded, context)
        except Exception:
            all_intact = False
            problems.append(PROBLEM_UNREADABLE)
            continue
        all_intact = all_intact and status.intact
        problems += _problems(status)

    last = signatures[-1]
    return SignatureReport(
        valid=not problems,
        intact=all_intact,
        signer=_safe(lambda: last.signer_cert.subject.native.get("common_name", "")),
        signed_at=_safe(lambda: last.self_reported_timestamp, None),
        reason=_safe(lambda: str(last.sig_object.get("/Reason", ""))),
        problem=problems[0] if problems else "",
    )


def _problems(status: Any) -> list[str]:
    """Why one signature (a pyHanko ``PdfSignatureStatus``) is not valid, most serious first."""
    if not status.intact:
        return [PROBLEM_ALTERED]
    if not status.valid:
        return [PROBLEM_BAD_SIGNATURE]
    if not status.trusted:
        return [PROBLEM_UNTRUSTED]
    if status.coverage not in _ACCEPTED_COVERAGE or not status.bottom_line:
        # bottom_line also weighs the difference analysis: after the signed revision only
        # further signatures, form filling and validation data may be appended.
        return [PROBLEM_MODIFIED_AFTER]
    return []


def _safe(read: Any, default: Any = "") -> Any:
    try:
        return read()
    except Exception:
        return default
