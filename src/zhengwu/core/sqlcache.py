"""SQL of hot paths built once: a queryset compiled per database connection and run again with
new values, and single-row INSERT / UPDATE statements without the ORM's per-call compilation.

Building a statement is most of what the ORM costs on a short request: ``filter()`` clones the
query, resolves lookups and joins, and the compiler walks it all again to write the SQL, every
time, for a statement whose text never changes (on 提交 that was more CPU than the database's
work, docs/performance.md). The helpers here keep the ORM as the source of the SQL and of the
values' conversions, and skip only the rebuilding:

* ``CompiledQuery(build)``: ``build(**values)`` returns a queryset; it is called once per
  connection with stand-in values, compiled, and the positions of the stand-ins among the
  parameters are kept. ``first(**values)`` / ``rows(**values)`` run the SQL with the real
  values and build the rows as the queryset would (model instances with their
  ``select_related`` objects and annotations, or the tuples of ``values_list``). A value the
  ORM transforms on its way to the database (``contains`` wraps it in ``%``; SQLite stores
  datetimes as text) is not found among the parameters: such a query is not cached and runs
  through the ORM each time, with the same result.
* ``insert(obj)``: ``obj.save(force_insert=True)`` for a plain model (no parents, no
  ``pre_save``/``post_save`` receivers, no database defaults); the values still go through
  each field's ``pre_save`` (``auto_now_add``) and ``get_db_prep_save``.
* ``update(model, pk, values, where)``: ``filter(pk=..., **where).update(**values)`` for
  plain values (no expressions), as a statement built once per set of columns.
"""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Callable, Mapping
from typing import Any, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Model, QuerySet
from django.db.models import signals as _signals
from django.db.models.query import ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError

#: The stand-in values a build function receives, by kind of value: unlikely anywhere else
#: among the parameters of a query (each is checked to occur only where it was passed).
_INT_BASE = 7_300_000_000_000_000_000
_STR_MARK = "\x1fzhengwu-sqlcache:{}\x1f"
_DATETIME_BASE = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)


def _stand_in(kind: type, index: int) -> Any:
    if kind is int:
        return _INT_BASE + index
    if kind is str:
        return _STR_MARK.format(index)
    if kind is datetime.datetime:
        return _DATETIME_BASE + datetime.timedelta(microseconds=index)
    raise TypeError(f"sqlcache: no stand-in for values of type {kind.__name__}")


def _prepares(connection: Any) -> bool:
    return connection.vendor == "postgresql" and bool(
        getattr(settings, "ZHENGWU_DB_PREPARED_STATEMENTS", False)
    )


_preparing_cursor_class: Any = None


def _preparing_cursor() -> Any:
    """Django's server-binding psycopg cursor, preparing every statement it runs."""
    global _preparing_cursor_class
    if _preparing_cursor_class is None:
        from django.db.backends.postgresql.base import ServerBindingCursor

        class PreparingCursor(ServerBindingCursor):  # type: ignore[misc,valid-type]
            # psycopg.Cursor.execute(query, params, *, prepare=None, binary=None)
            def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
                kwargs.setdefault("prepare", True)
                return super().execute(query, params, **kwargs)  # type: ignore[misc]

        _preparing_cursor_class = PreparingCursor
    return _preparing_cursor_class


def cursor(connection: Any) -> Any:
    """A cursor of ``connection`` (Django's wrapper: query logging, error wrapping, the
    execute wrappers); on PostgreSQL with ``ZHENGWU_DB_PREPARED_STATEMENTS`` one that binds
    the parameters on the server and prepares the statement (psycopg keeps it per
    connection): a compiled query is then parsed and planned once per connection, not on
    every run (the 提交 read: 1.1 → 0.25 ms of the server's CPU)."""
    if not _prepares(connection):
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's automatic preparation off (poolers); the cursor here asks
        # for it explicitly, and Django's own cursors bind on the client and never prepare.
        raw.prepare_threshold = 1 << 30
    factory = raw.cursor_factory
    raw.cursor_factory = _preparing_cursor()  # this thread's connection only
    try:
        return connection.cursor()
    finally:
        raw.cursor_factory = factory


class _Compiled:
    """One connection's compiled form of a ``CompiledQuery`` (read-only once built)."""

    __slots__ = (
        "annotations",
        "converters",
        "db",
        "for_update",
        "from_db",
        "init_list",
        "model_slice",
        "models",
        "params",
        "populators",
        "positions",
        "sql",
    )

    def __init__(self, queryset: QuerySet[Any], positions: dict[str, list[int]]) -> None:
        from django.db.models.query import _get_from_db  # type: ignore[attr-defined]

        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.positions = positions
        self.for_update = bool(queryset.query.select_for_update)
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())
        self.models = queryset._iterable_class is ModelIterable
        if self.models:
            fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]
            select, klass_info = compiler.select, compiler.klass_info
            assert klass_info is not None
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.model_slice = slice(start, end)
            self.init_list = [f[0].target.attname for f in select[start:end]]
            self.from_db = _get_from_db(klass_info["model"], fetch_mode)
            self.populators = get_related_populators(klass_info, select, self.db, fetch_mode)
            self.annotations = dict(compiler.annotation_col_map or {})


class CompiledQuery:
    """A queryset compiled once per connection (see the module's description).

    ``kinds`` names the build function's arguments and the type of each (``int``, ``str`` or
    ``datetime.datetime``), e.g. ``CompiledQuery(lambda pk: Case.objects.filter(pk=pk),
    pk=int)``. Querysets whose rows are model instances or ``values_list`` tuples are
    supported; others (``values()``, ``flat`` lists, prefetches) run through the ORM.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: type) -> None:
        self.build = build
        self.kinds = kinds
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled | None] = (
            weakref.WeakKeyDictionary()
        )

    def _compile(self, connection: Any) -> _Compiled | None:
        stand_ins = {name: _stand_in(kind, i) for i, (name, kind) in enumerate(self.kinds.items())}
        queryset = self.build(**stand_ins)
        cacheable = (
            queryset._iterable_class is ModelIterable  # type: ignore[attr-defined]
            or queryset._iterable_class.__name__ == "ValuesListIterable"  # type: ignore[attr-defined]
        ) and not queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        if not cacheable or connections[queryset.db] is not connection:
            return None
        compiled = _Compiled(queryset, {})
        positions: dict[str, list[int]] = {name: [] for name in stand_ins}
        by_value = {
            (type(value), value): name for name, value in stand_ins.items()
        }  # bool/int never collide: stand-ins are large
        for index, param in enumerate(compiled.params):
            name = by_value.get((type(param), param))
            if name is not None:
                positions[name].append(index)
        if any(not found for found in positions.values()):
            return None  # a value transformed on its way to the database: not cacheable
        compiled.positions = positions
        return compiled

    def _get(self, using: str) -> _Compiled | None:
        connection = connections[using]
        try:
            return self._compiled[connection]
        except KeyError:
            pass
        compiled = self._compile(connection)
        self._compiled[connection] = compiled
        return compiled

    def sql(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> tuple[str, list[Any]] | None:
        """The SQL and parameters of the query with ``values`` (to use inside another
        statement), or ``None`` if the query is not cacheable."""
        compiled = self._get(using)
        if compiled is None:
            return None
        params = list(compiled.params)
        for name, indexes in compiled.positions.items():
            value = values[name]
            for index in indexes:
                params[index] = value
        return compiled.sql, params

    def _execute(self, values: Mapping[str, Any], using: str) -> tuple[_Compiled, list[Any]] | None:
        compiled = self._get(using)
        if compiled is None:
            return None
        connection = connections[using]
        if compiled.for_update and not connection.in_atomic_block:
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.params)
        for name, indexes in compiled.positions.items():
            value = values[name]
            for index in indexes:
                params[index] = value
        with cursor(connection) as c:
            c.execute(compiled.sql, params)
            rows = c.fetchall()
        if compiled.converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for position, (functions, expression) in compiled.converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
        return compiled, rows

    def _objects(self, compiled: _Compiled, rows: list[Any]) -> list[Any]:
        if not compiled.models:
            return [tuple(row) for row in rows]
        objects = []
        for row in rows:
            obj = compiled.from_db(compiled.db, compiled.init_list, row[compiled.model_slice])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        """Every row of the query run with ``values`` (model instances or tuples)."""
        done = self._execute(values, using)
        if done is None:
            return list(self.build(**values).using(using))
        return self._objects(*done)

    def first(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Any:
        """The first row of the query run with ``values``, or ``None``. The build function
        orders and limits the query as it needs (``[:1]``)."""
        found = self.rows(using, **values)
        return found[0] if found else None


# --- single-row writes ---------------------------------------------------------------------------

_inserts: dict[tuple[type[Model], str, bool], Any] = {}


def _plain_insert(
    model: type[Model], using: str, pk_set: bool
) -> tuple[str, list[Any], bool] | None:
    meta = model._meta
    if (
        meta.parents
        or any(f.db_returning and not f.primary_key for f in meta.concrete_fields)
        or any(getattr(f, "generated", False) for f in meta.concrete_fields)
        or any(hasattr(f, "get_placeholder_sql") for f in meta.concrete_fields)
    ):
        return None
    connection = connections[using]
    fields = [f for f in meta.local_concrete_fields if pk_set or f is not meta.auto_field]
    pk = meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    returning = not pk_set and bool(connection.features.can_return_columns_from_insert)
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(
        quote(meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
        f" RETURNING {quote(str(pk.column))}" if returning else "",
    )
    return sql, fields, returning


def insert[M: Model](obj: M, using: str | None = None, *, signals: bool = True) -> M:
    """Write the new ``obj`` as ``obj.save(force_insert=True)`` would; return it with its id.

    Models with parents, save signals or columns the database fills in are saved by the ORM.
    ``signals=False``: the caller has done what the model's ``pre_save``/``post_save``
    receivers do, and the row is written without them.
    """
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    pk_set = obj.pk is not None
    key = (model, using, pk_set)
    try:
        statement = _inserts[key]
    except KeyError:
        statement = _inserts[key] = _plain_insert(model, using, pk_set)
    if statement is None or (
        signals
        and (_signals.pre_save.has_listeners(model) or _signals.post_save.has_listeners(model))
    ):
        obj.save(force_insert=True, using=using)
        return obj
    sql, fields, returning = statement
    connection = connections[using]
    cast(Any, obj)._prepare_related_fields_for_save(operation_name="save")
    values = [f.pre_save(obj, True) for f in fields]
    if any(hasattr(v, "resolve_expression") for v in values):
        obj.save(force_insert=True, using=using)
        return obj
    params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
    # as the ORM's save: an error marks the caller's atomic block for rollback
    with transaction.mark_for_rollback_on_error(using), cursor(connection) as c:
        c.execute(sql, params)
        if not pk_set:
            obj.pk = (
                c.fetchone()[0]
                if returning
                else connection.ops.last_insert_id(
                    c, model._meta.db_table, cast(Any, model._meta.pk).column
                )
            )
    obj._state.adding = False
    obj._state.db = using
    return obj


_updates: dict[tuple[Any, ...], tuple[str, list[Any]] | None] = {}


def _plain_update(
    model: type[Model], using: str, names: tuple[str, ...], where: tuple[str, ...]
) -> tuple[str, list[Any]] | None:
    meta: Any = model._meta
    set_fields = [meta.get_field(name) for name in names]
    where_fields = [meta.pk, *(meta.get_field(name) for name in where)]
    if model._default_manager.get_queryset().query.where or any(
        hasattr(f, "get_placeholder_sql") for f in set_fields
    ):
        return None
    quote = connections[using].ops.quote_name
    sql = "UPDATE {} SET {} WHERE {}".format(
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in set_fields),
        " AND ".join(f"{quote(f.column)} = %s" for f in where_fields),
    )
    return sql, [*set_fields, *where_fields]


def update(
    model: type[Model],
    pk: Any,
    values: Mapping[str, Any],
    *,
    where: Mapping[str, Any] | None = None,
    using: str | None = None,
) -> int:
    """``model._default_manager.filter(pk=pk, **where).update(**values)``: the number of rows
    changed. Plain values only: expressions (``F``, ``Value`` …), a ``None`` in ``where`` and a
    model whose default manager filters rows go through the ORM."""
    where = where or {}
    using = using or router.db_for_write(model)
    key = (model, using, tuple(values), tuple(where))
    try:
        statement = _updates[key]
    except KeyError:
        statement = _updates[key] = _plain_update(model, using, key[2], key[3])
    if (
        statement is None
        or any(hasattr(v, "resolve_expression") for v in values.values())
        or any(v is None for v in where.values())
    ):
        return model._default_manager.using(using).filter(pk=pk, **where).update(**values)
    sql, fields = statement
    connection = connections[using]
    params = []
    for field, value in zip(fields, [*values.values(), pk, *where.values()], strict=True):
        if field.remote_field is not None and hasattr(value, "prepare_database_save"):
            value = value.prepare_database_save(field)
        params.append(field.get_db_prep_save(value, connection))
    with transaction.mark_for_rollback_on_error(using), cursor(connection) as c:
        c.execute(sql, params)
        return int(c.rowcount)


def pk_kind(model: type[Model]) -> type | None:
    """The kind of stand-in for ``model``'s primary key in a ``CompiledQuery`` (``int`` or
    ``str``), or ``None`` when it is neither (UUIDs …: use the ORM)."""
    pk = model._meta.pk
    internal = pk.get_internal_type() if pk is not None else ""
    if internal in {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
    }:
        return int
    if internal in {"CharField", "TextField"}:
        return str
    return None
