"""Who may see an upload besides its owner and the reviewers: checks other apps register.

A check is ``can_view(user, upload) -> bool``; it is asked only for signed-in, active users
and only when the owner and reviewer rules did not already decide. Register it in the
``AppConfig.ready()`` of the app that knows the relation, e.g. the case reviewers of a manual
registration::

    from zhengwu.uploads.access import register_viewer_check

    @register_viewer_check
    def case_reviewer_can_view(user, upload) -> bool:
        return upload.subject_type == "registrations.manualapplication" and ...

A check must be cheap (it runs on every view of the file) and must not raise for uploads that
are none of its business: return ``False``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import PrivateUpload

ViewerCheck = Callable[[Any, "PrivateUpload"], bool]

_checks: list[ViewerCheck] = []


def register_viewer_check(check: ViewerCheck) -> ViewerCheck:
    """Add ``check`` (once; registering it again is harmless). Usable as a decorator."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister_viewer_check(check: ViewerCheck) -> None:
    """Remove ``check`` if registered (tests, or an app that is switched off)."""
    if check in _checks:
        _checks.remove(check)


def viewer_checks() -> tuple[ViewerCheck, ...]:
    """The registered checks, in registration order."""
    return tuple(_checks)
