"""The e-signature interface: sign a PDF for a person, verify a signed PDF (REG-10, LIC-3, AG-7).

Two methods: ``ESignProvider.sign_pdf(SignRequest) -> SignedDocument`` adds one PAdES signature
(an incremental update: the bytes given stay a prefix of the signed file) made with a
certificate issued to the signer, and ``ESignProvider.verify_pdf(bytes) -> SignatureReport``
says whether every signature of a PDF is intact and chains to a root the provider trusts.

Contract for implementations:

* ``sign_pdf`` is called outside any database transaction, after the caller has established who
  signs (face verification for REG-10); it may block on the network (keep time-outs short and
  map them to ``ESignError(permanent=False)``).
* The signer's certificate names the person (``CN`` = name) but never carries the clear ID
  number: at most a masked form or a keyed hash (``serialNumber`` attribute).
* ``verify_pdf`` never raises because of the document: a damaged, unsigned, altered or
  untrusted file is a report with ``valid=False`` and a Chinese ``problem``. It raises
  ``ESignError`` only when the provider itself cannot work (key store, vendor down).
* Both are synchronous (pyHanko's synchronous API runs its own event loop): call them from
  synchronous code, or through ``asgiref.sync.sync_to_async`` from async code.

The provider is chosen by the dotted-path setting ``ZHENGWU_ESIGN_BACKEND``; see
``zhengwu.integrations.esign.get_esign``.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

from zhengwu.integrations.errors import ProviderError

DEFAULT_FIELD_NAME = "Signature1"


@dataclass(frozen=True, slots=True)
class SignRequest:
    """Sign ``pdf`` in the name of one person.

    ``signer_id_number`` identifies the person to the provider (a vendor issues the certificate
    against it); it must not end up in the document. ``reason`` and ``location`` are written to
    the signature (``/Reason``, ``/Location``), e.g. "授权委托" / "杭州市". ``field_name`` names
    the signature field (created invisible when the PDF has none of that name); no dots.
    """

    pdf: bytes
    signer_name: str
    signer_id_number: str
    reason: str
    location: str = ""
    field_name: str = DEFAULT_FIELD_NAME


@dataclass(frozen=True, slots=True)
class SignedDocument:
    """The signed PDF, the subject of the certificate that signed it (RFC 4514 string) and the
    signing time written into the signature."""

    pdf: bytes
    signer_certificate_subject: str
    signed_at: datetime


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """What a verification found.

    ``intact``: every signature's digest matches the bytes it covers (nothing signed was
    changed). ``valid``: intact, and every signature is cryptographically sound, chains to a
    trusted root, and nothing but signatures and form filling was appended after it.
    ``signer``, ``signed_at`` and ``reason`` describe the last signature (common name of its
    certificate, the time the signer reported, ``/Reason``); empty when there is none.
    ``problem`` explains in Chinese why the document is not valid ("" when it is).
    """

    valid: bool
    intact: bool
    signer: str = ""
    signed_at: datetime | None = None
    reason: str = ""
    problem: str = ""


class ESignError(ProviderError):
    """Signing or verifying could not be done; ``permanent`` says whether retrying can help."""

    code = "esign.failed"
    message = "电子签名失败"


class ESignProvider(abc.ABC):
    """Signs and verifies PDF documents. Implementations are shared between threads."""

    @abc.abstractmethod
    def sign_pdf(self, request: SignRequest) -> SignedDocument:
        """Add the signer's signature to ``request.pdf`` or raise ``ESignError``."""

    @abc.abstractmethod
    def verify_pdf(self, pdf: bytes) -> SignatureReport:
        """Check every signature of ``pdf`` against the provider's trust roots."""
