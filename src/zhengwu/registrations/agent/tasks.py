"""Background task of the agent path (``django.tasks``; ``manage.py db_worker`` runs it):
签名超时 of signatures past their 48 hours (REG-10). Reads apply it too, so a late worker
never shows a stale state."""

from __future__ import annotations

from django.tasks import task

from .signing import agent_signatures_expire


@task
def expire_agent_signatures() -> int:
    """Move every 签名中 past its deadline to 签名超时 (``manage.py agent_signatures_expire``)."""
    return agent_signatures_expire()
