"""The one helper that moves any workflow object from one state to another.

A workflow model declares its states as ``TextChoices`` and its legal moves as a mapping
``TRANSITIONS = {from_state: {to_state, ...}}`` (the diagram is data), with a ``status``
field (or the field its ``STATE_FIELD`` names, e.g. a wizard's ``step``). ``transition()``:

1. locks the row (``SELECT ... FOR UPDATE``) inside the caller's transaction, or its own;
2. refuses a move the mapping does not allow, naming the current state in Chinese;
3. writes the new state with a conditional update (the row must still be in the state
   read under the lock: a second line of defence where the database cannot lock, SQLite);
4. appends a ``Transition`` row and an audit event;
5. registers side effects with ``transaction.on_commit`` so that nothing leaves the
   process (SMS, tasks) unless the change is committed.

No other code assigns ``.status``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from django.db import models, transaction

from zhengwu.audit.services import record_event

from .errors import IllegalTransition
from .models import Transition


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
    """Move ``obj`` to state ``to``; return the refreshed, locked object.

    ``changes`` are other fields written in the same update (e.g. ``decided_at``).
    Raises ``IllegalTransition`` (code ``illegal_transition``) naming the current state.
    """
    model = type(obj)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        field = _state_field(model)
        current = getattr(locked, field)
        if to not in allowed_moves(model, current):
            raise IllegalTransition(
                f"当前状态为“{_label(model, current)}”，不能变更为“{_label(model, to)}”",
                code="illegal_transition",
            )
        values = {field: to, **(changes or {})}
        updated = model._default_manager.filter(pk=obj.pk, **{field: current}).update(**values)
        if updated != 1:  # changed under our feet (no row locks on SQLite)
            raise IllegalTransition("记录已被他人修改，请刷新后重试", code="concurrent_change")
        for name, value in values.items():
            setattr(locked, name, value)
            setattr(obj, name, value)
        label = model._meta.label_lower
        actor_pk = getattr(actor, "pk", None) if not isinstance(actor, str) else None
        Transition.objects.create(
            subject_type=label,
            subject_id=str(obj.pk),
            from_state=current,
            to_state=to,
            actor_id=actor_pk,
            actor_label=actor if isinstance(actor, str) else str(actor or "")[:150],
            reason=reason,
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
            transaction.on_commit(callback)
    return obj


def history(obj: models.Model) -> models.QuerySet[Transition]:
    return Transition.objects.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk))
