"""The one helper that moves any workflow object from one state to another.

A workflow model declares its states as ``TextChoices`` and its legal moves as a mapping
``TRANSITIONS = {from_state: {to_state, ...}}`` (the diagram is data), with a ``status``
field (or the field its ``STATE_FIELD`` names, e.g. a wizard's ``step``). ``transition()``:

1. locks the row inside the caller's transaction (no savepoint), or its own: by the
   conditional update itself when the object's state allows the move (``UPDATE … WHERE
   state = <the object's>``), else by ``SELECT <state> … FOR UPDATE`` first;
2. refuses a move the mapping does not allow from the row's state, naming it in Chinese;
3. writes the new state with a conditional update (the row must still be in the state
   read: a second line of defence where the database cannot lock, SQLite);
4. appends a ``Transition`` row and an audit event;
5. registers side effects with ``transaction.on_commit`` so that nothing leaves the
   process (SMS, tasks) unless the change is committed.

No other code assigns ``.status``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from django.db import connections, models, router, transaction

from zhengwu.audit.services import record_event

from . import sqlcache
from .errors import IllegalTransition
from .models import Transition
from .sqlcache import CompiledQuery, pk_kind


class WorkflowModel(Protocol):
    pk: Any
    status: str
    TRANSITIONS: Mapping[str, frozenset[str] | set[str]]
    _meta: Any


M = TypeVar("M", bound=models.Model)


def allowed_moves(model: type[Any], state: str) -> frozenset[str]:
    return frozenset(model.TRANSITIONS.get(state, ()))


def _state_field(model: type[Any]) -> str:
    return str(getattr(model, "STATE_FIELD", "status"))


def _label(model: type[Any], state: str) -> str:
    status_field = model._meta.get_field(_state_field(model))
    return str(dict(status_field.flatchoices).get(state, state))


def transition[M: models.Model](
    obj: M,
    to: str,
    *,
    actor: Any,
    reason: str = "",
    event_type: str | None = None,
    changes: Mapping[str, Any] | None = None,
    on_commit: Callable[[], None] | list[Callable[[], None]] | None = None,
) -> M:
    """Move ``obj`` to state ``to``; return ``obj`` with the new state and ``changes`` set.

    ``changes`` are other fields written in the same update (e.g. ``decided_at``).
    Raises ``IllegalTransition`` (code ``illegal_transition``) naming the current state.

    Inside the caller's transaction no savepoint is taken: the refusals
    (``IllegalTransition``) come before anything is written, so a caller that catches them
    carries on with its transaction as before; a database error while writing leaves the
    caller's transaction to roll back (``atomic(savepoint=False)``), as every caller does.
    Outside a transaction the move runs in its own.
    """
    model = type(obj)
    using = router.db_for_write(model, instance=obj)
    if not connections[using].in_atomic_block and sqlcache.combining(using) is None:
        with transaction.atomic(using=using):
            return _move(obj, to, actor, reason, event_type, changes, on_commit, using)
    return _move(obj, to, actor, reason, event_type, changes, on_commit, using)


# The locking read of a state, compiled once per model (``core.sqlcache``).
_lock_reads: dict[type[Any], CompiledQuery | None] = {}


def _locked_state(model: type[Any], pk: Any, field: str, using: str) -> Any:
    """``SELECT <state> … FOR UPDATE`` of the row ``pk`` (``DoesNotExist`` if there is none)."""
    try:
        read = _lock_reads[model]
    except KeyError:
        kind = pk_kind(model)
        read = _lock_reads[model] = (
            CompiledQuery(
                lambda pk: (
                    model._default_manager.select_for_update().filter(pk=pk).values_list(field)
                ),
                pk=kind,
            )
            if kind is not None
            else None
        )
    rows = (
        read.rows(using, pk=pk)
        if read is not None
        else list(
            model._default_manager.using(using).select_for_update().filter(pk=pk).values_list(field)
        )
    )
    if not rows:
        raise model.DoesNotExist(f"{model.__name__} matching query does not exist.")
    return rows[0][0]


def _move[M: models.Model](
    obj: M,
    to: str,
    actor: Any,
    reason: str,
    event_type: str | None,
    changes: Mapping[str, Any] | None,
    on_commit: Callable[[], None] | list[Callable[[], None]] | None,
    using: str,
) -> M:
    model = type(obj)
    field = _state_field(model)
    values = {field: to, **(changes or {})}
    # The state the caller holds, if the move is legal from it: the conditional UPDATE both
    # locks the row and confirms that state, with no locking read before it. Otherwise (a
    # stale or bare object, a deferred state) the row's state is read under lock first.
    current = obj.__dict__.get(field)  # a plain column: its attname is its name
    if (
        current is None
        or to not in allowed_moves(model, current)
        or (sqlcache.update(model, obj.pk, values, where={field: current}, using=using) != 1)
    ):
        current = _locked_state(model, obj.pk, field, using)
        if to not in allowed_moves(model, current):
            raise IllegalTransition(
                f"当前状态为“{_label(model, current)}”，不能变更为“{_label(model, to)}”",
                code="illegal_transition",
            )
        updated = sqlcache.update(model, obj.pk, values, where={field: current}, using=using)
        if updated != 1:  # changed under our feet (no row locks on SQLite)
            raise IllegalTransition("记录已被他人修改，请刷新后重试", code="concurrent_change")
    with sqlcache.atomic(using):
        if sqlcache.combining(using) is not None:  # undone if the statement is not made
            fields, cached = obj.__dict__.copy(), obj._state.fields_cache.copy()

            def undo() -> None:
                obj.__dict__.clear()
                obj.__dict__.update(fields)
                obj._state.fields_cache = cached

            sqlcache.on_fail(using, undo)
        for name, value in values.items():
            setattr(obj, name, value)
        label = model._meta.label_lower
        actor_pk = getattr(actor, "pk", None) if not isinstance(actor, str) else None
        sqlcache.insert(
            Transition(
                subject_type=label,
                subject_id=str(obj.pk),
                from_state=current,
                to_state=to,
                actor_id=actor_pk,
                actor_label=actor if isinstance(actor, str) else str(actor or "")[:150],
                reason=reason,
            ),
            using=using,
        )
        record_event(
            event_type or f"{label}.{to}",
            actor=actor,
            subject=obj,
            before={"status": current},
            after={"status": to, **({"reason": reason} if reason else {})},
        )
        callbacks = on_commit if isinstance(on_commit, list) else [on_commit] if on_commit else []
        for callback in callbacks:
            sqlcache.on_commit(callback, using)
    return obj


def history(obj: models.Model) -> models.QuerySet[Transition]:
    return Transition.objects.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk))
