"""Helpers for the test suites of every app (imported by tests only)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def run_together(*calls: Callable[[], Any], timeout: float = 30) -> list[Any]:
    """Run each call in its own thread, all released at the same moment; return the results
    in completion order, an exception standing for the result of the call that raised it.

    For the race tests on PostgreSQL, where the database (a constraint, a row lock) must
    decide: each thread has its own connection and closes it when done."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # collected for the caller's assertions
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def race(call: Callable[[], Any], n: int = 2, timeout: float = 30) -> list[Any]:
    """``call`` made ``n`` times at once (``run_together``)."""
    return run_together(*[call] * n, timeout=timeout)
