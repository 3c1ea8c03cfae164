"""The three provider interfaces of ACC-6 and the data they exchange.

* ``NationalAccountProvider`` (OpenID Connect): ``authorization_request`` gives the URL to send
  the browser to, with the ``state``, ``nonce`` and PKCE verifier to keep; ``complete``
  exchanges the returned code and returns the verified ``FederatedIdentity``.
* ``LicenceScanProvider``: ``start_scan`` gives a one-time session and the QR payload;
  ``get_result`` says whether the legal representative confirmed it in the licence app.
* ``CertificateProvider``: ``verify_signed_challenge`` checks a signature over the portal's
  challenge, the certificate chain and dates, and returns the organisation the certificate
  names; ``verify_certificate`` does the same without the signature (a TLS client certificate
  whose private key the proxy has already proven).

Every method raises ``SignInFailed`` (refused: the person may try again) or
``FederationProviderError`` (the service could not answer; ``permanent`` as for every provider).
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass
from datetime import datetime

from zhengwu.accounts.constants import IdType


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """Where to send the browser, and the secrets to keep for the callback."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True, slots=True)
class FederatedIdentity:
    """A person (and, for a legal-person login, their organisation) vouched for by a provider.

    ``uscc`` is set when the identity acts for an organisation; ``id_number`` is the person's
    normalised ID number (matched by blind index, never logged).
    """

    subject: str
    name: str
    id_type: str = IdType.RESIDENT_ID
    id_number: str = ""
    uscc: str = ""
    organisation_name: str = ""

    @property
    def is_legal_person(self) -> bool:
        return bool(self.uscc)


class NationalAccountProvider(abc.ABC):
    """国家政务服务平台账号 (OpenID Connect relying party)."""

    @abc.abstractmethod
    def authorization_request(self, *, redirect_uri: str) -> AuthorizationRequest:
        """A fresh authorisation request (code flow, PKCE S256, state and nonce)."""

    @abc.abstractmethod
    def complete(
        self, *, code: str, redirect_uri: str, nonce: str, code_verifier: str
    ) -> FederatedIdentity:
        """Exchange ``code`` and verify the ID token; the identity it asserts."""


class ScanStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class ScanSession:
    """A started licence scan: show ``qr_payload`` until ``expires_at``, poll with ``token``."""

    token: str
    qr_payload: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Where a scan stands; ``identity`` is set once the legal representative confirmed."""

    status: ScanStatus
    identity: FederatedIdentity | None = None


class LicenceScanProvider(abc.ABC):
    """电子营业执照扫码登录."""

    @abc.abstractmethod
    def start_scan(self) -> ScanSession:
        """A new one-time sign-in session."""

    @abc.abstractmethod
    def get_result(self, token: str) -> ScanResult:
        """The state of session ``token`` (``SignInFailed`` for an unknown token)."""


@dataclass(frozen=True, slots=True)
class CertificateIdentity:
    """What a verified legal-person certificate says: the organisation and the certificate."""

    uscc: str
    subject: str
    serial: str
    not_after: datetime


class CertificateProvider(abc.ABC):
    """法人数字证书."""

    @abc.abstractmethod
    def verify_signed_challenge(
        self, *, challenge: bytes, signature: bytes, certificate_pem: bytes
    ) -> CertificateIdentity:
        """Check signature, chain, dates and USCC; the identity, or ``SignInFailed``."""

    @abc.abstractmethod
    def verify_certificate(self, *, certificate_pem: bytes) -> CertificateIdentity:
        """Chain, dates and USCC only (the TLS handshake proved the key)."""
