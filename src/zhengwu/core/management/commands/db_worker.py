"""``manage.py db_worker``: django-tasks-db's worker, with the portal's outbox relays beside it.

The library's worker runs the task rows, as before. Beside it, in a thread of the same
process, every relay named in ``ZHENGWU_WORKER_RELAYS`` (dotted paths of functions taking
``owner=`` and returning how many items they handled) is called in turn; while they find
work they are called again at once, otherwise after ``--interval``. The SMS outbox is one
(``notifications.services.outbox.sms_relay``): its rows are its queue, so a message needs no
task row of its own (decision 0034). One command to deploy, as before; several workers share
the queues (the relays claim with ``SKIP LOCKED``).

This command takes the library's name: ``zhengwu.core`` comes before ``django_tasks_db`` in
``INSTALLED_APPS``. With ``--batch`` the relays are run until they are idle first.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as LibraryCommand

logger = logging.getLogger("zhengwu.worker")

Relay = Callable[..., int]


def relays() -> list[Relay]:
    return [import_string(path) for path in getattr(settings, "ZHENGWU_WORKER_RELAYS", [])]


def relay_once(functions: list[Relay], owner: str) -> int:
    """Call every relay once; how many items they handled. A failing relay is logged and
    does not stop the others (its claims are taken back when they go stale)."""
    done = 0
    for function in functions:
        try:
            done += function(owner=owner)
        except Exception:
            logger.exception("relay %s failed", getattr(function, "__name__", function))
    return done


def relay_loop(functions: list[Relay], owner: str, interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        close_old_connections()
        done = relay_once(functions, owner)
        close_old_connections()
        if not done:
            stop.wait(interval)


class Command(LibraryCommand):
    help = "Run a database background worker and the outbox relays (ZHENGWU_WORKER_RELAYS)"

    def handle(self, *args: Any, **options: Any) -> None:
        functions = relays()
        owner = str(options["worker_id"])
        if options["batch"]:
            while relay_once(functions, owner):
                pass
            return super().handle(*args, **options)
        # Under the autoreloader only the child process (the one that runs the worker) relays.
        reloading = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not functions or reloading:
            return super().handle(*args, **options)
        stop = threading.Event()
        thread = threading.Thread(
            target=relay_loop,
            args=(functions, owner, options["interval"] or 1.0, stop),
            name="outbox-relay",
            daemon=True,
        )
        thread.start()
        try:
            return super().handle(*args, **options)
        finally:  # a graceful stop lets the message being sent finish
            stop.set()
            thread.join(30)
