"""The ``django.tasks`` backend of the portal: django-tasks-db's, writing its task row with an
INSERT built once (``core.sqlcache``).

``TASKS["default"]["BACKEND"] = "zhengwu.core.tasks.DatabaseBackend"`` (the default of
``ZHENGWU_TASK_BACKEND``); ``manage.py db_worker`` runs its rows as it runs the library's
(the same model, the same columns). A task enqueued inside a transaction is written in it;
the ORM's ``create`` of the row cost more CPU than the statement (docs/performance.md). SMS
messages no longer enqueue one: ``db_worker`` relays the outbox (decision 0034).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connections, router
from django.tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import normalize_json, task_enqueued

from . import sqlcache


class DatabaseBackend(LibraryDatabaseBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        """The library's ``enqueue``, building the row's result object once, not twice, and
        checking a task (a frozen dataclass: its fields are its identity) once per kind."""
        if task not in _validated:
            self.validate_task(task)
            if len(_validated) < _KEPT_KINDS:
                _validated.add(task)
        row = self._task_to_db_task(task, args, kwargs)
        result = _new_result(row)
        batch = sqlcache.combining(row._state.db)
        if batch is None:
            task_enqueued.send(type(self), task_result=result)
            return result

        # Inside a combined write (``sqlcache.combined``) the row is a part of its statement,
        # announced once that has run; by then an id of a row of the same statement among
        # the arguments is the row's real id (a stand-in until then, ``Combined``).
        def announce() -> None:
            row.args_kwargs = batch.resolve(row.args_kwargs)
            object.__setattr__(result, "args", row.args_kwargs["args"])
            object.__setattr__(result, "kwargs", row.args_kwargs["kwargs"])
            task_enqueued.send(type(self), task_result=result)

        sqlcache.after_write(row._state.db, announce)
        return result

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult, get_date_max

        # The library's row (its defaults, the run-after its pre_save receiver sets), built
        # from its values in field order: a third of the cost of building it by keywords.
        values = {
            "id": self._get_id(),
            "status": _READY,
            "enqueued_at": None,  # auto_now_add: set as the row is written
            "started_at": None,
            "finished_at": None,
            "args_kwargs": normalize_json({"args": args, "kwargs": kwargs}),
            "priority": task.priority,
            "task_path": task.module_path,
            "worker_ids": [],
            "queue_name": task.queue_name,
            "backend_name": self.alias,
            "run_after": task.run_after if task.run_after is not None else get_date_max(),
            "return_value": None,
            "exception_class_path": "",
            "traceback": "",
        }
        model: Any = DBTaskResult  # positional values: not what the stubs describe
        result: Any = model(*[values[name] for name in _field_order(DBTaskResult)])
        using = router.db_for_write(DBTaskResult, instance=result)
        columns, params = _row_values(result, using)
        return sqlcache.insert_values(result, columns, params, using)


_READY = TaskResultStatus.READY  # the library's default, the status of a new row
#: The tasks ``validate_task`` accepted (bounded as the caches below).
_validated: set[Any] = set()


@functools.cache
def _field_order(model: type[Any]) -> tuple[str, ...]:
    """The attribute names of ``model``'s concrete fields, in the order ``Model(*values)``
    takes them. A field the library adds is a ``KeyError`` naming it in ``_task_to_db_task``
    (and ``test_the_portal_s_task_row_is_the_library_s_row`` compares the rows)."""
    return tuple(f.attname for f in model._meta.concrete_fields)


#: The ``Task`` a new row's result names, per kind of task (path, priority, queue, run after,
#: backend): ``DBTaskResult.task`` imports the path and copies the task (``using``) on every
#: call. Tasks are frozen dataclasses: one object serves every result of that kind.
_result_tasks: dict[tuple[Any, ...], Any] = {}
#: How many kinds each of these caches keeps: a deferred task (an SMS retry) is a kind of
#: its own for each ``run_after``; past the bound such rows are built without being kept.
_KEPT_KINDS = 64


def _new_result(row: Any) -> Any:
    """``row.task_result`` of a new row (``READY``, never run), with the task kept per kind."""
    from django_tasks_db.backend import TaskResult
    from django_tasks_db.utils import normalize_uuid

    if row.status != TaskResultStatus.READY:
        return row.task_result
    key = (row.task_path, row.priority, row.queue_name, row.run_after, row.backend_name)
    task = _result_tasks.get(key)
    if task is None:
        task = row.task
        if len(_result_tasks) < _KEPT_KINDS:
            _result_tasks[key] = task
    result: Any = TaskResult(
        db_result=row,
        task=task,
        id=normalize_uuid(row.id),
        status=TaskResultStatus.READY,
        enqueued_at=row.enqueued_at,
        started_at=row.started_at,
        last_attempted_at=row.started_at,
        finished_at=row.finished_at,
        args=row.args_kwargs["args"],
        kwargs=row.args_kwargs["kwargs"],
        backend=row.backend_name,
        errors=[],
        worker_ids=row.worker_ids,
    )
    object.__setattr__(result, "_return_value", row.return_value)
    return result


#: Per database and kind of task (path, priority, queue, backend, run after): the columns of
#: a new row and the database values of those that are the same for every row of that kind
#: (status, the empty results, the task's own columns). Only the id, the time and the
#: arguments are converted per row: converting all 17 was most of an SMS's enqueue.
_VARYING = frozenset({"id", "enqueued_at", "args_kwargs"})
_templates: dict[tuple[Any, ...], tuple[list[str], list[Any], list[tuple[int, Any]]]] = {}


def _row_values(row: Any, using: str) -> tuple[list[str], list[Any]]:
    connection = connections[using]
    key = (using, row.task_path, row.priority, row.queue_name, row.backend_name, row.run_after)
    template = _templates.get(key)
    if template is None:
        fields = list(type(row)._meta.local_concrete_fields)
        constant = [
            None if f.attname in _VARYING else f.get_db_prep_save(f.pre_save(row, True), connection)
            for f in fields
        ]
        varying = [(i, f) for i, f in enumerate(fields) if f.attname in _VARYING]
        template = ([str(f.column) for f in fields], constant, varying)
        if len(_templates) < _KEPT_KINDS:
            _templates[key] = template
    columns, constant, varying = template
    params = list(constant)
    for index, field in varying:
        params[index] = field.get_db_prep_save(field.pre_save(row, True), connection)
    return columns, params
