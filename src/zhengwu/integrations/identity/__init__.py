"""Real-name / face verification (REG-6): interface in ``base``, sandbox in ``sandbox``."""

from .base import (
    FaceCheckRequest,
    FaceCheckResult,
    FaceCheckSession,
    FaceCheckStatus,
    IdentityError,
    IdentityProvider,
)

__all__ = [
    "FaceCheckRequest",
    "FaceCheckResult",
    "FaceCheckSession",
    "FaceCheckStatus",
    "IdentityError",
    "IdentityProvider",
]
