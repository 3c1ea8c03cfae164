"""Registration models, one module per channel so that channels can grow independently.

* ``wizard``: the in-province legal-person wizard (``RegistrationDraft``) and operator
  applications (``OperatorApplication``, REG-7).
"""

from .wizard import OperatorApplication, RegistrationDraft

__all__ = ["OperatorApplication", "RegistrationDraft"]
