"""Registration models, one module per channel so that channels can grow independently.

* ``wizard``: the in-province legal-person wizard (``RegistrationDraft``) and operator
  applications (``OperatorApplication``, REG-7).
* ``agent``: the agent path with the legal representative's e-signature
  (``AgentRegistration``, REG-10).
"""

from .agent import AgentRegistration
from .manual import ManualVerification as ManualVerification
from .natural import NaturalPersonDraft, NaturalPersonReview
from .wizard import OperatorApplication, RegistrationDraft

__all__ = [
    "AgentRegistration",
    "NaturalPersonDraft",
    "NaturalPersonReview",
    "OperatorApplication",
    "RegistrationDraft",
]
