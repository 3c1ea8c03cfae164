"""Registration models, one module per channel so that channels can grow independently.

* ``wizard``: the in-province legal-person wizard (``RegistrationDraft``) and operator
  applications (``OperatorApplication``, REG-7).
"""

from .manual import ManualVerification as ManualVerification
from .natural import NaturalPersonDraft, NaturalPersonReview
from .wizard import OperatorApplication, RegistrationDraft

__all__ = [
    "NaturalPersonDraft",
    "NaturalPersonReview",
    "OperatorApplication",
    "RegistrationDraft",
]
