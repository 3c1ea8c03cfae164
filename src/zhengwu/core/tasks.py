"""The ``django.tasks`` backend of the portal: django-tasks-db's, writing its task row with an
INSERT built once (``core.sqlcache``).

``TASKS["default"]["BACKEND"] = "zhengwu.core.tasks.DatabaseBackend"`` (the default of
``ZHENGWU_TASK_BACKEND``); ``manage.py db_worker`` runs its rows as it runs the library's
(the same model, the same columns). Every SMS enqueues one task, inside the transaction of
the change it announces (``notifications.services.outbox``): the ORM's ``create`` of the row
cost more CPU than the statement (docs/performance.md).
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.backend import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import normalize_json, task_enqueued

from . import sqlcache


class DatabaseBackend(LibraryDatabaseBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        """The library's ``enqueue``, building the row's result object once, not twice."""
        self.validate_task(task)
        row = self._task_to_db_task(task, args, kwargs)
        batch = sqlcache.combining(row._state.db)
        if batch is None:
            result = row.task_result
            task_enqueued.send(type(self), task_result=result)
            return result

        # Inside a combined write (``sqlcache.combined``) the row is a part of its statement,
        # announced once that has run, with the real id of a row of the same statement
        # among the arguments (the result returned here holds its stand-in).
        def announce() -> None:
            row.args_kwargs = batch.resolve(row.args_kwargs)
            task_enqueued.send(type(self), task_result=row.task_result)

        sqlcache.after_write(row._state.db, announce)
        return row.task_result

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult, get_date_max

        result: Any = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        if result.run_after is None:  # what the library's pre_save receiver does
            result.run_after = get_date_max()
        return sqlcache.insert(result, signals=False)
