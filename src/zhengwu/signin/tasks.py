"""Background tasks of sign-in (``django.tasks``). They load by id and call one service."""

from __future__ import annotations

from django.tasks import task


@task
def send_recovery_code(ticket: str, flow: str, user_ids: list[int]) -> str:
    """Send the recovery/unlock code decided after the request (``recovery.recovery_start``)."""
    from .recovery import recovery_code_send

    return recovery_code_send(ticket=ticket, flow=flow, user_ids=user_ids)
