"""The real-name / face verification interface (REG-6, also REG-7 approvals, REG-10, LIC-2).

The portal never sees a face: it asks the provider to start a check for a named person, shows
the returned QR code, and the person scans it with the provider's mobile app (浙里办, 皖事通,
全省事, or the national government-service app), which compares the live face with the
photo of the ID card held by the public-security authority. The portal then polls
``get_result`` (or the vendor pushes, and the push handler calls ``get_result`` to verify).

Two methods:

* ``start_check(FaceCheckRequest) -> FaceCheckSession``: a token, the QR payload (a URL the
  app opens) and the time the check expires;
* ``get_result(token) -> FaceCheckResult``: ``pending`` until the person finishes, then
  ``passed`` or ``failed`` (with a reason), or ``expired`` when nobody finished in time.

Errors are ``IdentityError`` with ``permanent`` (an unknown token, a refused ID type: no retry)
or not (the vendor is unavailable: the page may offer "try again"). The provider is chosen by
the dotted-path setting ``ZHENGWU_IDENTITY_BACKEND``.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from zhengwu.integrations.errors import ProviderError

# The purposes the portal starts face checks for (free text is allowed; these get a label).
PURPOSE_LABELS = {
    "registration": _("注册实名认证"),
    "approval": _("审批经办人"),
    "esign": _("签署授权委托书"),
    "mandate_signature": _("签署授权委托书"),
    "licence_view": _("查看电子证照"),
    "operator_change": _("变更经办人信息"),
}


class FaceCheckStatus(enum.StrEnum):
    """Where a face check stands. Only ``pending`` can still change."""

    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class FaceCheckRequest:
    """Who is to be verified, and why.

    ``id_type`` is the code of the identity document (``resident_id``, ``hkmo_permit``, ...,
    as the accounts app names them); ``purpose`` says what the check unlocks
    (``registration``, ``approval``, ``esign``, ``licence_view``); ``subject`` is a label of the
    object it is for (``"registrations.application:42"``), kept for the vendor's records.
    """

    name: str
    id_type: str
    id_number: str
    purpose: str
    subject: str = ""


@dataclass(frozen=True, slots=True)
class FaceCheckSession:
    """A started check: keep ``token``, show ``qr_payload`` as a QR code until ``expires_at``."""

    token: str
    qr_payload: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class FaceCheckResult:
    """The outcome so far. ``reason`` explains a failure in Chinese (shown to the person)."""

    status: FaceCheckStatus
    reason: str = ""
    decided_at: datetime | None = None

    @property
    def is_passed(self) -> bool:
        return self.status == FaceCheckStatus.PASSED

    @property
    def is_final(self) -> bool:
        return self.status != FaceCheckStatus.PENDING


class IdentityError(ProviderError):
    """The provider could not start or report a check; ``permanent`` says whether to retry."""

    code = "identity.failed"
    message = "实名认证服务暂不可用，请稍后再试"


class IdentityProvider(abc.ABC):
    """Real-name / face verification. Implementations are stateless and thread-safe."""

    @abc.abstractmethod
    def start_check(self, request: FaceCheckRequest) -> FaceCheckSession:
        """Start a face check for ``request``; raise ``IdentityError`` if it cannot start."""

    @abc.abstractmethod
    def get_result(self, token: str) -> FaceCheckResult:
        """The current result of the check ``token``; ``IdentityError`` if it is unknown."""
