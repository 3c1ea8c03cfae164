"""Reads of electronic licences, scoped to the person or unit asking."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Licence


def licences_for_organisation(organisation: Any) -> QuerySet[Licence]:
    """The unit's licences, newest first.

    Licences are keyed by the holder's USCC (持证主体代码), not by the ``Organisation`` row, so a
    unit's licences exist before it registers an account; a unit without a USCC has none.
    """
    uscc = getattr(organisation, "uscc", None)
    if not uscc:
        return Licence.objects.none()
    return (
        Licence.objects.filter(holder_uscc=uscc)
        .select_related("issuer")
        .order_by("licence_type", "-issued_on", "-pk")
    )
