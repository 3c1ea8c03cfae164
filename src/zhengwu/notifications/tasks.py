"""Background tasks (``django.tasks``; ``manage.py db_worker`` runs them in production).

Tasks load by id and call one service; they hold no logic of their own.
"""

from __future__ import annotations

from django.tasks import task

from .services.outbox import sms_deliver, sms_retry_due


@task
def deliver_sms(message_id: int) -> str | None:
    """Deliver outbox message ``message_id`` (enqueued after commit by ``sms_send``)."""
    message = sms_deliver(message_id=message_id)
    return message.status if message is not None else None


@task
def retry_due_sms() -> int:
    """Deliver every message whose retry is due (also the ``sms_retry`` command)."""
    return sms_retry_due()
