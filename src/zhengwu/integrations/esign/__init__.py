"""E-signature provider (REG-10 authorisation letters, LIC-3 licences, AG-7 forms).

Interface in ``base``, PAdES plumbing in ``pades``, the offline sandbox in ``sandbox``::

    from zhengwu.integrations.esign import SignRequest, get_esign

    signed = get_esign().sign_pdf(SignRequest(pdf=..., signer_name=..., signer_id_number=...,
                                              reason="授权委托", location="杭州市"))
    report = get_esign().verify_pdf(signed.pdf)
"""

from __future__ import annotations

from zhengwu.integrations.loading import get_provider

from .base import ESignError, ESignProvider, SignatureReport, SignedDocument, SignRequest

DEFAULT_BACKEND = "zhengwu.integrations.esign.sandbox.SandboxESignProvider"


def get_esign() -> ESignProvider:
    """The provider named by ``ZHENGWU_ESIGN_BACKEND`` (one shared instance per class path)."""
    provider: ESignProvider = get_provider(
        "ZHENGWU_ESIGN_BACKEND", ESignProvider, default=DEFAULT_BACKEND
    )
    return provider


__all__ = [
    "ESignError",
    "ESignProvider",
    "SignRequest",
    "SignatureReport",
    "SignedDocument",
    "get_esign",
]
